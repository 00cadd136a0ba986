package serviceusers

import (
	_ "embed"
	"strings"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers PUT (authorise, or change the limits) and DELETE
// (withdraw) /services/{id}/users/{user_id}.
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Association[link]{Left: left, Right: right, LeftParam: "id", RightParam: "user_id",
		Service: p.svc.crud, Render: p.env.Render, Bind: bind}
	r.PUT("/services/:id/users/:user_id", res.Associate)
	r.DELETE("/services/:id/users/:user_id", res.Dissociate)
}

// bind decodes the body of PUT, the limits of the authorisation, both
// optional.
func bind(l *link, decode func(any) error) error {
	var in Limits
	if err := decode(&in); err != nil {
		return err
	}
	l.IPRestriction, l.ValidUntil = strings.TrimSpace(in.IPRestriction), in.ValidUntil
	return nil
}
