// Package users is the admin plugin of the gateway's user accounts, on
// /users and /users/{id}. A password is set on create or edit and never
// shown; deleting a user frees its username and removes its tokens, service
// authorisations and roles, as Moodle does.
package users

import (
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "users"

var noun = crud.Noun{One: "user", Many: "users"}

// user is a user with the password a request sets (nil when it sets none).
type user struct {
	services.User
	Password *string
}

// Plugin is the users plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "users".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) service() *crud.CRUDService[user] {
	return &crud.CRUDService[user]{Noun: noun, Changes: p.env.Changes, Dao: dao{}, Validator: validator(),
		Notifier: notifier(), Columns: columns}
}

// columns are the filters and orders of the list; ?search= looks into the
// username, the names and the email.
var columns = crud.Columns[user]{
	Columns: map[string]crud.Column[user]{
		"id":           crud.Int(func(u *user) int64 { return u.ID }),
		"username":     crud.String(func(u *user) string { return u.Username }),
		"firstname":    crud.String(func(u *user) string { return u.FirstName }),
		"lastname":     crud.String(func(u *user) string { return u.LastName }),
		"email":        crud.String(func(u *user) string { return u.Email }),
		"auth":         crud.String(func(u *user) string { return u.Auth }),
		"suspended":    crud.Bool(func(u *user) bool { return u.Suspended }),
		"timecreated":  crud.Int(func(u *user) int64 { return u.TimeCreated }),
		"timemodified": crud.Int(func(u *user) int64 { return u.TimeModified }),
	},
	Search:  []string{"username", "firstname", "lastname", "email"},
	Default: "id",
}
