// Package core_webservice implements the gateway's own functions, starting with
// Moodle's core_webservice_get_site_info.
package core_webservice

import (
	"context"
	"strings"
	"sync/atomic"

	"wsgate"
	"wsgate/functions"
	"wsgate/services"
)

// Deps is what the implementations read.
type Deps struct {
	Auth     *services.Authorizer // the caller's user and service, from its cache
	SiteName string
	SiteURL  func() string // the public base URL, read at call time
	// FileQuota and FileMaxBytes are files.user_quota and files.max_bytes, answered as
	// userquota and usermaxuploadfilesize.
	FileQuota, FileMaxBytes int64
	// UserPictureURL is the address of a user's picture ("" when none); nil: no pictures.
	UserPictureURL func(ctx context.Context, userID int64) (string, error)
}

// Register adds the component's implementations to reg.
func Register(reg *functions.Registry, d Deps) {
	reg.Register("core_webservice_external", "get_site_info", d.getSiteInfo)
}

// siteInfoParts is what get_site_info answers for one user and service,
// kept by the authorizer with its cached profile (services.ProfileMemo), and
// the last answer built from it. Nothing in it is written once shared.
type siteInfoParts struct {
	username, firstName, lastName, fullName string
	userID                                  int64
	functions                               []any // {name, version} maps, as CleanReturn leaves them
	downloadFiles, uploadFiles              int64
	last                                    atomic.Pointer[siteInfoAnswer]
}

// siteInfoAnswer is an answer with what it depends on beyond the profile.
type siteInfoAnswer struct {
	lang, siteURL, picture string
	canManageFiles, admin  bool
	value                  *functions.Kept // cleaned once, on the first call that returns it
}

func newSiteInfoParts(p services.Profile) *siteInfoParts {
	fns := make([]any, len(p.Functions))
	for i, n := range p.Functions {
		fns[i] = map[string]any{"name": n, "version": wsgate.Version}
	}
	return &siteInfoParts{username: p.Username, firstName: p.FirstName, lastName: p.LastName,
		fullName: strings.TrimSpace(p.FirstName + " " + p.LastName), userID: p.UserID, functions: fns,
		downloadFiles: boolInt(p.DownloadFiles), uploadFiles: boolInt(p.UploadFiles)}
}

// getSiteInfo answers from the caller's cached parts: in steady state it
// builds nothing and makes no query, and hands back the kept answer, which
// CleanReturn cleaned on its first call and does not walk again.
func (d Deps) getSiteInfo(ctx context.Context, _ map[string]any) (any, error) {
	c := wsgate.CallerFrom(ctx)
	if c == nil {
		return nil, wsgate.ErrAccess.WithDebug("no caller")
	}
	parts, err := services.ProfileMemo(ctx, d.Auth, c, "core_webservice_get_site_info", newSiteInfoParts)
	if err != nil {
		return nil, err
	}
	k := siteInfoAnswer{lang: wsgate.SettingsFrom(ctx).Lang, // moodlewssettinglang, else the site's
		siteURL: d.SiteURL(), canManageFiles: c.Can("moodle/user:manageownfiles"), admin: c.IsSiteAdmin}
	if k.lang == "" {
		k.lang = "en"
	}
	if d.UserPictureURL != nil {
		if k.picture, err = d.UserPictureURL(ctx, parts.userID); err != nil {
			return nil, err
		}
	}
	if a := parts.last.Load(); a != nil && a.lang == k.lang && a.siteURL == k.siteURL && a.picture == k.picture &&
		a.canManageFiles == k.canManageFiles && a.admin == k.admin {
		return a.value, nil
	}
	a := k // only an answer kept escapes: the steady state allocates nothing here
	a.value = functions.Keep(d.siteInfo(parts, &a))
	parts.last.Store(&a)
	return a.value, nil
}

// siteInfo builds the answer of parts and k, its leaves of the declared types.
func (d Deps) siteInfo(p *siteInfoParts, k *siteInfoAnswer) map[string]any {
	return map[string]any{
		"sitename": d.SiteName, "username": p.username, "firstname": p.firstName, "lastname": p.lastName,
		"fullname": p.fullName, "lang": k.lang, "userid": p.userID, "siteurl": k.siteURL,
		"userpictureurl": k.picture, "functions": p.functions,
		"downloadfiles": p.downloadFiles, "uploadfiles": p.uploadFiles,
		"usercanmanageownfiles": k.canManageFiles, "userquota": d.FileQuota, "usermaxuploadfilesize": d.FileMaxBytes,
		"release": wsgate.Version, "version": wsgate.Version, "userissiteadmin": k.admin,
		"siteid": int64(1), "sitecalendartype": "gregorian", "usercalendartype": "gregorian", "userhomepage": int64(1),
	}
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}
