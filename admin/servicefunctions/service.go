// Package servicefunctions is the admin plugin that adds functions to
// custom services and takes them away: PUT and DELETE
// /services/{id}/functions/{name}. The functions of a component service
// come from its manifest and cannot change here.
package servicefunctions

import (
	"wsgate/admin/crud"
	"wsgate/functions"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "service_functions"

var (
	left  = crud.Noun{One: "service", Many: "services"}
	right = crud.Noun{One: "function", Many: "functions"}
)

// link is a function in a service.
type link struct {
	Service  services.Service
	Function *functions.Function
	missing  bool // the function is not installed (any more)
}

// Plugin is the service_functions plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "service_functions".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) service() *crud.AssociationService[link] {
	return &crud.AssociationService[link]{Changes: p.env.Changes, Dao: dao{p.env.Catalog}, Validator: validator(),
		Notifier: notifier()}
}
