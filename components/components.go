// Package components holds the components shipped in the binary: their
// manifests (embedded) and the Go implementations of their functions.
package components

import (
	"embed"

	"wsgate/components/core_files"
	"wsgate/components/core_user"
	"wsgate/components/core_webservice"
	"wsgate/components/tool_mobile"
	"wsgate/files"
	"wsgate/functions"
	"wsgate/services"
)

// Manifests is every shipped component's db/services.yaml.
//
//go:embed */db/services.yaml
var Manifests embed.FS

// Deps is what the shipped implementations need from the running gateway.
type Deps struct {
	Store *services.Store
	// Users changes users (admin/users.Service): core_user's create,
	// update and delete go through it.
	Users    core_user.Users
	Auth     *services.Authorizer
	Catalog  *functions.Catalog
	Files    *files.Store       // the file store
	Access   *files.AccessRules // the components register who reads their file areas
	SiteName string
	SiteURL  func() string // the public base URL, read at call time
	// FileQuota and FileMaxBytes are files.user_quota and files.max_bytes (for get_site_info).
	FileQuota, FileMaxBytes int64
	// Calls runs calls made by implementations (batch items) through the pipeline.
	Calls services.InnerDispatcher
	// MaxBatchRequests bounds the items of one batch (calls.max_batch_requests).
	MaxBatchRequests int
	// EncodeData and EncodeException write a batch item's result or error
	// as Moodle's JSON.
	EncodeData      func(returns *functions.Description, v any) []byte
	EncodeException func(err error) []byte
}

// Register adds every shipped implementation to reg.
func Register(reg *functions.Registry, d Deps) {
	pictures := core_user.NewPictures(d.Files, d.SiteURL)
	core_user.RegisterFiles(reg, core_user.FilesDeps{Files: d.Files, SiteURL: d.SiteURL, Pictures: pictures})
	core_files.Register(reg, core_files.Deps{Files: d.Files, Access: d.Access, SiteURL: d.SiteURL})
	core_webservice.Register(reg, core_webservice.Deps{Auth: d.Auth, SiteName: d.SiteName, SiteURL: d.SiteURL,
		UserPictureURL: pictures.URL, FileQuota: d.FileQuota, FileMaxBytes: d.FileMaxBytes})
	core_user.Register(reg, d.Store, d.Users)
	// The user's own areas, as Moodle's user_pluginfile: drafts and private
	// files for their owner, the picture for anyone with a valid token.
	d.Access.Register(files.ComponentUser, files.AreaDraft, files.OwnerOnly)
	d.Access.Register(files.ComponentUser, files.AreaPrivate, files.OwnerOnly)
	d.Access.Register(files.ComponentUser, files.AreaIcon, files.AnyUser)
	tool_mobile.Register(reg, tool_mobile.Deps{Calls: d.Calls, MaxRequests: d.MaxBatchRequests,
		EncodeData: d.EncodeData, EncodeException: d.EncodeException})
}
