package tokens

import (
	_ "embed"
	"strconv"

	"github.com/gin-gonic/gin"

	"wsgate/admin/crud"
)

//go:embed api.yml
var spec []byte

// Spec returns the plugin's OpenAPI fragment.
func (p *Plugin) Spec() []byte { return spec }

// Routes registers the ListResource (GET, POST /tokens) and the
// ItemResource (GET, DELETE /tokens/{id}): a token is not edited.
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Resource[token]{Noun: noun, Service: p.svc.crud, Render: p.env.Render,
		ID: func(t *token) string { return strconv.FormatInt(t.ID, 10) }, View: view, Bind: bind}
	r.GET("/tokens", res.List)
	r.POST("/tokens", res.Create)
	r.GET("/tokens/:id", res.Get)
	r.DELETE("/tokens/:id", res.Delete)
}

// body is a token on the wire; Token, its value, only in the answer of its
// creation.
type body struct {
	ID            int64  `json:"id"`
	UserID        int64  `json:"user_id"`
	ServiceID     int64  `json:"service_id"`
	Name          string `json:"name"`
	IPRestriction string `json:"iprestriction"`
	ValidUntil    int64  `json:"validuntil"`
	TimeCreated   int64  `json:"timecreated"`
	LastAccess    int64  `json:"lastaccess"`
	ReadOnly      bool   `json:"readonly"`
	LastAccessIP  string `json:"lastaccess_ip"`
	CreatorID     int64  `json:"creator_id"`
	Token         string `json:"token,omitempty"`
}

func view(t *token) any {
	return body{ID: t.ID, UserID: t.UserID, ServiceID: t.ServiceID, Name: t.Name, IPRestriction: t.IPRestriction,
		ValidUntil: t.ValidUntil, TimeCreated: t.TimeCreated, LastAccess: t.LastAccess, ReadOnly: t.ReadOnly,
		LastAccessIP: t.LastAccessIP, CreatorID: t.CreatorID, Token: t.Value}
}

// bind decodes the request body into a new token.
func bind(t *token, decode func(any) error) error {
	var in Input
	if err := decode(&in); err != nil {
		return err
	}
	apply(t, in)
	return nil
}
