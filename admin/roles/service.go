// Package roles is the admin plugin of roles and their capabilities, on
// /roles and /roles/{id}. The built-in admin role holds every capability
// without listing them: it keeps its shortname, lists none and cannot be
// deleted. Service is the typed API every change of a role goes through.
package roles

import (
	"slices"
	"strings"

	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "roles"

var noun = crud.Noun{One: "role", Many: "roles"}

// Input holds the fields a change of a role sets; Capabilities replace the
// list (trimmed, sorted, without duplicates).
type Input struct {
	Shortname    string   `json:"shortname"`
	Name         string   `json:"name"`
	Description  string   `json:"description"`
	Capabilities []string `json:"capabilities"`
}

// Service creates, edits, deletes, finds and lists roles, each change
// validated and written with its event in one transaction.
type Service struct {
	crud.Typed[services.Role, Dao, Input]
}

// NewService returns the roles service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud.Typed[services.Role, Dao, Input]{Apply: apply, InputOf: inputOf,
		CRUD: &crud.CRUDService[services.Role, Dao]{Noun: noun, Changes: env.Changes, Dao: NewDao,
			Validator: validator(), Notifier: notifier()}}}
}

// inputOf is the input that leaves r as it is.
func inputOf(r *services.Role) Input {
	return Input{Shortname: r.Shortname, Name: r.Name, Description: r.Description,
		Capabilities: slices.Clone(r.Capabilities)}
}

// apply writes in over r, trimmed; capabilities sorted, without duplicates.
func apply(r *services.Role, in Input) {
	r.Shortname, r.Name, r.Description = strings.TrimSpace(in.Shortname), strings.TrimSpace(in.Name), in.Description
	r.Capabilities = nil
	for _, c := range in.Capabilities {
		r.Capabilities = append(r.Capabilities, strings.TrimSpace(c))
	}
	slices.Sort(r.Capabilities)
	r.Capabilities = slices.Compact(r.Capabilities)
}

// Plugin is the roles plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "roles".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
