package roles

import (
	_ "embed"
	"slices"
	"strconv"
	"strings"

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
	res := &crud.Resource[services.Role]{Noun: noun, Service: p.service(), Render: p.env.Render,
		ID: func(r *services.Role) string { return strconv.FormatInt(r.ID, 10) }, View: view, Bind: bind}
	r.GET("/roles", res.List)
	r.POST("/roles", res.Create)
	r.GET("/roles/:id", res.Get)
	r.PUT("/roles/:id", res.Edit)
	r.DELETE("/roles/:id", res.Delete)
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

// input holds the fields a request may set; capabilities replace the list.
type input struct {
	Shortname    string   `json:"shortname"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Capabilities []string `json:"capabilities"`
}

func bind(r *services.Role, decode func(any) error) error {
	in := input{Shortname: r.Shortname, Name: r.Name, Description: r.Description,
		Capabilities: slices.Clone(r.Capabilities)}
	if err := decode(&in); err != nil {
		return err
	}
	r.Shortname, r.Name, r.Description = strings.TrimSpace(in.Shortname), strings.TrimSpace(in.Name), in.Description
	r.Capabilities = nil
	for _, c := range in.Capabilities {
		r.Capabilities = append(r.Capabilities, strings.TrimSpace(c))
	}
	slices.Sort(r.Capabilities)
	r.Capabilities = slices.Compact(r.Capabilities)
	return nil
}
