// Package roles is the admin plugin of roles and their capabilities, on
// /roles and /roles/{id}. The built-in admin role holds every capability
// without listing them: it keeps its shortname, lists none and cannot be
// deleted.
package roles

import (
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "roles"

var noun = crud.Noun{One: "role", Many: "roles"}

// Plugin is the roles plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "roles".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) service() *crud.CRUDService[services.Role] {
	return &crud.CRUDService[services.Role]{Noun: noun, Changes: p.env.Changes, Dao: dao{}, Validator: validator(),
		Notifier: notifier(), Columns: columns}
}

// columns are the filters and orders of the list; ?search= looks into the
// shortname, the name and the description.
var columns = crud.Columns[services.Role]{
	Columns: map[string]crud.Column[services.Role]{
		"id":          crud.Int(func(r *services.Role) int64 { return r.ID }),
		"shortname":   crud.String(func(r *services.Role) string { return r.Shortname }),
		"name":        crud.String(func(r *services.Role) string { return r.Name }),
		"description": crud.String(func(r *services.Role) string { return r.Description }),
	},
	Search:  []string{"shortname", "name", "description"},
	Default: "id",
}
