// Package roles is the admin plugin of roles and their capabilities, on
// /roles and /roles/{id}. The built-in admin role holds every capability
// without listing them: it keeps its shortname, lists none and cannot be
// deleted. Service is the typed API every change of a role goes through.
package roles

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"wsgate"
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
	crud *crud.CRUDService[services.Role, Dao]
}

// NewService returns the roles service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud: &crud.CRUDService[services.Role, Dao]{Noun: noun, Changes: env.Changes, Dao: NewDao,
		Validator: validator(), Notifier: notifier()}}
}

// Create makes a role from in and returns it as stored.
func (s *Service) Create(ctx context.Context, caller *wsgate.Caller, in Input) (services.Role, error) {
	return s.crud.Create(ctx, caller, func(r *services.Role) error { apply(r, in); return nil })
}

// Edit changes role id: edit writes the change over the stored fields.
func (s *Service) Edit(ctx context.Context, caller *wsgate.Caller, id int64, edit func(in *Input)) error {
	return s.crud.Edit(ctx, caller, strconv.FormatInt(id, 10), func(r *services.Role) error {
		in := inputOf(r)
		edit(&in)
		apply(r, in)
		return nil
	})
}

// Delete deletes role id.
func (s *Service) Delete(ctx context.Context, caller *wsgate.Caller, id int64) error {
	return s.crud.Delete(ctx, caller, strconv.FormatInt(id, 10))
}

// Get returns role id.
func (s *Service) Get(ctx context.Context, caller *wsgate.Caller, id int64) (services.Role, error) {
	return s.crud.Get(ctx, caller, strconv.FormatInt(id, 10))
}

// List returns the page of roles p selects (see columns).
func (s *Service) List(ctx context.Context, caller *wsgate.Caller, p crud.ListParams) (crud.Page[services.Role], error) {
	return s.crud.List(ctx, caller, p)
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
