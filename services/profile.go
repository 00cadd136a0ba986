package services

import (
	"context"
	"database/sql"

	"wsgate"
)

// Profile is what the authorizer's cache holds about a caller beyond the
// wsgate.Caller: the user's names and the settings and functions of the
// token's service.
type Profile struct {
	UserID                        int64
	Username, FirstName, LastName string
	DownloadFiles, UploadFiles    bool
	Functions                     []string // the service's functions (read ones for a read-only token), sorted; shared: read it, never write it
}

// Profile returns the user and service of c, a caller Authorize returned,
// from the cache, so that describing the caller makes no query in steady
// state. What was invalidated since is loaded again as Authorize loads it.
// A user or service that no longer exists is a not-found error, as the
// Store's lookups answer; when the store cannot be read it returns
// ErrStoreUnavailable.
func (a *Authorizer) Profile(ctx context.Context, c *wsgate.Caller) (Profile, error) {
	_, usr, svc, err := a.profileParts(ctx, c)
	if err != nil {
		return Profile{}, err
	}
	return a.profileOf(c, usr, svc), nil
}

// profileParts finds c's policy, user and service as Profile reads them.
func (a *Authorizer) profileParts(ctx context.Context, c *wsgate.Caller) (*policy, *userEntry, *serviceEntry, error) {
	v := view{now: a.opts.Now().UnixNano()}
	a.mu.RLock()
	a.readPolicy(&v)
	a.mu.RUnlock()
	pol, err := a.policy(ctx, &v)
	if err != nil {
		return nil, nil, nil, err
	}
	usr, err := a.user(ctx, &v, c.UserID)
	if err != nil {
		return nil, nil, nil, err
	}
	if usr == nil {
		return nil, nil, nil, notFound("users", sql.ErrNoRows)
	}
	svc := pol.services[c.ServiceID]
	if svc == nil {
		return nil, nil, nil, notFound("external_services", sql.ErrNoRows)
	}
	return pol, usr, svc, nil
}

// profileOf is the Profile of c's user and service.
func (a *Authorizer) profileOf(c *wsgate.Caller, usr *userEntry, svc *serviceEntry) Profile {
	fns := svc.functionNames
	if c.ReadOnly { // a read-only token sees the functions it may call
		fns = make([]string, 0, len(svc.functionNames))
		for _, f := range svc.functionNames {
			if a.funcs.FunctionIsRead(f) {
				fns = append(fns, f)
			}
		}
	}
	return Profile{UserID: usr.id, Username: usr.username, FirstName: usr.firstName, LastName: usr.lastName,
		DownloadFiles: svc.downloadFiles, UploadFiles: svc.uploadFiles, Functions: fns}
}
