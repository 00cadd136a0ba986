// Package core_webservice implements the gateway's own functions, starting with
// Moodle's core_webservice_get_site_info.
package core_webservice

import (
	"context"
	"strings"

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

// function is one entry of get_site_info's functions list.
type function struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// siteInfo is Moodle's get_site_info answer, as far as the gateway has the data.
type siteInfo struct {
	SiteName        string     `json:"sitename"`
	Username        string     `json:"username"`
	FirstName       string     `json:"firstname"`
	LastName        string     `json:"lastname"`
	FullName        string     `json:"fullname"`
	Lang            string     `json:"lang"`
	UserID          int64      `json:"userid"`
	SiteURL         string     `json:"siteurl"`
	UserPictureURL  string     `json:"userpictureurl"`
	Functions       []function `json:"functions"`
	DownloadFiles   int        `json:"downloadfiles"`
	UploadFiles     int        `json:"uploadfiles"`
	CanManageFiles  bool       `json:"usercanmanageownfiles"`
	UserQuota       int64      `json:"userquota"`
	MaxUploadSize   int64      `json:"usermaxuploadfilesize"`
	Release         string     `json:"release"`
	Version         string     `json:"version"`
	UserIsSiteAdmin bool       `json:"userissiteadmin"`
	SiteID          int        `json:"siteid"`
	SiteCalendar    string     `json:"sitecalendartype"`
	UserCalendar    string     `json:"usercalendartype"`
	UserHomePage    int        `json:"userhomepage"`
}

func (d Deps) getSiteInfo(ctx context.Context, _ map[string]any) (any, error) {
	c := wsgate.CallerFrom(ctx)
	if c == nil {
		return nil, wsgate.ErrAccess.WithDebug("no caller")
	}
	p, err := d.Auth.Profile(ctx, c)
	if err != nil {
		return nil, err
	}
	lang := wsgate.SettingsFrom(ctx).Lang // moodlewssettinglang, else the site's
	if lang == "" {
		lang = "en"
	}
	picture := ""
	if d.UserPictureURL != nil {
		if picture, err = d.UserPictureURL(ctx, p.UserID); err != nil {
			return nil, err
		}
	}
	fns := make([]function, 0, len(p.Functions))
	for _, n := range p.Functions {
		fns = append(fns, function{Name: n, Version: wsgate.Version})
	}
	return siteInfo{
		SiteName: d.SiteName, Username: p.Username, FirstName: p.FirstName, LastName: p.LastName,
		FullName: strings.TrimSpace(p.FirstName + " " + p.LastName), Lang: lang, UserID: p.UserID,
		SiteURL: d.SiteURL(), UserPictureURL: picture, Functions: fns,
		DownloadFiles: boolInt(p.DownloadFiles), UploadFiles: boolInt(p.UploadFiles),
		CanManageFiles: c.Can("moodle/user:manageownfiles"), UserQuota: d.FileQuota, MaxUploadSize: d.FileMaxBytes,
		Release: wsgate.Version, Version: wsgate.Version, UserIsSiteAdmin: c.IsSiteAdmin,
		SiteID: 1, SiteCalendar: "gregorian", UserCalendar: "gregorian", UserHomePage: 1,
	}, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
