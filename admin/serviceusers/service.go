// Package serviceusers is the admin plugin of the users authorised to use
// a service (Moodle's external_services_users): PUT and DELETE
// /services/{id}/users/{user_id}. PUT takes the limits of the
// authorisation, iprestriction and validuntil, and changes them when the
// user is already authorised. The authorizer checks them for restricted
// services.
package serviceusers

import (
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "service_users"

var (
	left  = crud.Noun{One: "service", Many: "services"}
	right = crud.Noun{One: "user", Many: "users"}
)

// link is a user's authorisation for a service.
type link struct {
	Service       services.Service
	User          services.User
	IPRestriction string // "" for any address
	ValidUntil    int64  // unix seconds, 0 for ever
}

// Plugin is the service_users plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "service_users".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) service() *crud.AssociationService[link] {
	return &crud.AssociationService[link]{Changes: p.env.Changes, Dao: dao{}, Validator: validator(p.env.Now),
		Notifier: notifier()}
}
