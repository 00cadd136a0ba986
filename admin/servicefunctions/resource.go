package servicefunctions

import (
	_ "embed"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers PUT (associate) and DELETE (dissociate)
// /services/{id}/functions/{name}; neither takes a body.
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Association[link]{Left: left, Right: right, LeftParam: "id", RightParam: "name",
		Service: p.svc.crud, Render: p.env.Render}
	r.PUT("/services/:id/functions/:name", res.Associate)
	r.DELETE("/services/:id/functions/:name", res.Dissociate)
}
