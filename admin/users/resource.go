package users

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

// Routes registers the ListResource (GET, POST /users) and the ItemResource
// (GET, PUT, DELETE /users/{id}).
func (p *Plugin) Routes(r gin.IRouter) {
	res := &crud.Resource[user]{Noun: noun, Service: p.svc.crud, Render: p.env.Render,
		ID: func(u *user) string { return strconv.FormatInt(u.ID, 10) }, View: view, Bind: bind}
	res.Mount(r, "/users")
}

// body is a user on the wire: never a password.
type body struct {
	ID           int64  `json:"id"`
	Username     string `json:"username"`
	FirstName    string `json:"firstname"`
	LastName     string `json:"lastname"`
	Email        string `json:"email"`
	Auth         string `json:"auth"`
	Suspended    bool   `json:"suspended"`
	TimeCreated  int64  `json:"timecreated"`
	TimeModified int64  `json:"timemodified"`
}

func view(u *user) any {
	return body{ID: u.ID, Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email,
		Auth: u.Auth, Suspended: u.Suspended, TimeCreated: u.TimeCreated, TimeModified: u.TimeModified}
}

// input holds the fields a request may set; password "" removes password login.
type input struct {
	Username  string  `json:"username"`
	FirstName string  `json:"firstname"`
	LastName  string  `json:"lastname"`
	Email     string  `json:"email"`
	Auth      string  `json:"auth"`
	Suspended bool    `json:"suspended"`
	Password  *string `json:"password"`
}

// bind decodes the request body over the input of u (the stored user on
// edit, the zero one on create) and applies it.
func bind(u *user, decode func(any) error) error {
	cur := inputOf(u)
	in := input{Username: cur.Username, FirstName: cur.FirstName, LastName: cur.LastName, Email: cur.Email,
		Auth: cur.Auth, Suspended: cur.Suspended}
	if err := decode(&in); err != nil {
		return err
	}
	apply(u, Input(in))
	return nil
}
