package services

import (
	"context"
	"errors"

	"wsgate"
)

// AuthorizeService checks that req.Token may use its service, without naming
// a function (the admin API, which is not a function call), and returns who
// is calling. It serves from the same cache as Authorize, so in steady state
// it makes no database query. The checks, in order:
//
//  1. the token exists, has not expired (else it is deleted) and its IP
//     restriction allows req.RemoteIP;
//  2. the user is not deleted, suspended or nologin;
//  3. the token's service exists and is enabled (wsgate.ErrServiceNotAvailable);
//  4. if the service is restricted, the user is authorised for it, that
//     authorisation has not expired and its IP restriction allows the
//     caller; the user holds the service's required capability (wsgate.ErrAccess).
//
// The refusals of 1 and 2 are Authorize's errors with the kind
// wsgate.Unauthenticated (the credentials are unusable); those of 3 and 4
// keep the kind wsgate.Forbidden. req.Function is ignored and the
// RequireProtocolCapability option does not apply. When data is not cached
// and the store cannot be read, it returns ErrStoreUnavailable. The
// returned Caller's Capabilities map is shared: read it, never write it.
func (a *Authorizer) AuthorizeService(ctx context.Context, req AuthRequest) (*wsgate.Caller, error) {
	now := a.opts.Now().Unix()
	tok, pol, usr, err := a.tokenUser(ctx, req)
	if err != nil {
		var e *wsgate.Error
		if errors.As(err, &e) && e.Kind != wsgate.Unavailable {
			return nil, unauthenticated(e) // the credentials are unusable
		}
		return nil, err
	}

	svc := pol.services[tok.serviceID]
	if svc == nil || !svc.enabled {
		return nil, wsgate.ErrServiceNotAvailable
	}
	if err := svc.admitsService(usr, req.RemoteIP, now); err != nil {
		return nil, err
	}
	return newCaller(tok, usr, svc, req), nil
}

// unauthenticated returns a copy of e with the kind wsgate.Unauthenticated;
// errors.Is still matches it with e.
func unauthenticated(e *wsgate.Error) *wsgate.Error {
	c := *e
	c.Kind = wsgate.Unauthenticated
	return &c
}

// admitsService applies the service-level checks of AuthorizeService:
// authorised users of a restricted service, then the required capability.
func (s *serviceEntry) admitsService(u *userEntry, remoteIP string, now int64) error {
	if s.restricted {
		su, ok := u.services[s.id]
		switch {
		case !ok:
			return wsgate.ErrAccess.WithDebugf("the service %q is restricted and user %s is not one of its authorised users",
				s.name, u.username)
		case su.validUntil != 0 && su.validUntil < now:
			return wsgate.ErrAccess.WithDebugf("the authorisation of user %s for the service %q has expired",
				u.username, s.name)
		case !su.ip.AllowsString(remoteIP):
			return wsgate.ErrAccess.WithDebugf("the authorisation of user %s for the service %q does not include IP:%s",
				u.username, s.name, remoteIP)
		}
	}
	if s.requiredCap != "" && !u.can(s.requiredCap) {
		return wsgate.ErrAccess.WithDebugf("the service %q requires the capability %s", s.name, s.requiredCap)
	}
	return nil
}

// newCaller is who is calling once tok, its user usr and its service svc
// have been admitted for req.
func newCaller(tok *tokenEntry, usr *userEntry, svc *serviceEntry, req AuthRequest) *wsgate.Caller {
	return &wsgate.Caller{
		UserID:       usr.id,
		Username:     usr.username,
		ServiceID:    svc.id,
		ServiceName:  svc.name,
		Shortname:    svc.shortname,
		TokenID:      tok.id,
		Protocol:     req.Protocol,
		RemoteIP:     req.RemoteIP,
		Capabilities: usr.caps,
		IsSiteAdmin:  usr.admin,
		ReadOnly:     tok.readOnly,
	}
}
