// Package components holds the components shipped in the binary: their
// manifests (embedded) and the Go implementations of their functions.
package components

import (
	"embed"

	"wsgate/components/core_user"
	"wsgate/components/core_webservice"
	"wsgate/components/tool_mobile"
	"wsgate/functions"
	"wsgate/services"
)

// Manifests is every shipped component's db/services.yaml.
//
//go:embed */db/services.yaml
var Manifests embed.FS

// Deps is what the shipped implementations need from the running gateway.
type Deps struct {
	Store    *services.Store
	Auth     *services.Authorizer
	Catalog  *functions.Catalog
	SiteName string
	SiteURL  func() string // the public base URL, read at call time
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
	core_webservice.Register(reg, core_webservice.Deps{Auth: d.Auth, SiteName: d.SiteName, SiteURL: d.SiteURL})
	core_user.Register(reg, d.Store)
	tool_mobile.Register(reg, tool_mobile.Deps{Calls: d.Calls, MaxRequests: d.MaxBatchRequests,
		EncodeData: d.EncodeData, EncodeException: d.EncodeException})
}
