package userroles

import (
	_ "embed"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers PUT (assign) and DELETE (unassign)
// /users/{id}/roles/{role_id}; neither takes a body.
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Association[link]{Left: left, Right: right, LeftParam: "id", RightParam: "role_id",
		Service: p.svc.crud, Render: p.env.Render}
	r.PUT("/users/:id/roles/:role_id", res.Associate)
	r.DELETE("/users/:id/roles/:role_id", res.Dissociate)
}
