package roles

import (
	_ "embed"
	"strconv"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
	"wsgate/services"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers the ListResource (GET, POST /roles) and the ItemResource
// (GET, PUT, DELETE /roles/{id}).
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Resource[services.Role]{Noun: noun, Service: p.svc.CRUD, Render: p.env.Render,
		ID: func(r *services.Role) string { return strconv.FormatInt(r.ID, 10) }, View: view, Bind: p.svc.Bind}
	res.Mount(r, "/roles")
}

// body is a role on the wire.
type body struct {
	ID           int64    `json:"id"`
	Shortname    string   `json:"shortname"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Capabilities []string `json:"capabilities"`
}

func view(r *services.Role) any {
	caps := r.Capabilities
	if caps == nil {
		caps = []string{}
	}
	return body{ID: r.ID, Shortname: r.Shortname, Name: r.Name, Description: r.Description, Capabilities: caps}
}
