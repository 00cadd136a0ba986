// Package userroles is the admin plugin that assigns roles to users and
// takes them back: PUT and DELETE /users/{id}/roles/{role_id}.
package userroles

import (
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "user_roles"

var (
	left  = crud.Noun{One: "user", Many: "users"}
	right = crud.Noun{One: "role", Many: "roles"}
)

// link is a role assigned to a user.
type link struct {
	User services.User
	Role services.Role
}

// Plugin is the user_roles plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "user_roles".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) service() *crud.AssociationService[link] {
	return &crud.AssociationService[link]{Changes: p.env.Changes, Dao: dao{}, Validator: validator(),
		Notifier: notifier()}
}
