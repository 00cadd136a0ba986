// Package functions is the admin plugin of the installed external
// functions, read only, on /functions and /functions/{id} (id: the
// function's name). Functions come from the components' manifests, which the
// upgrade installs.
package functions

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	catalog "wsgate/functions"
)

// Name is the plugin's name in enabled_plugins.
const Name = "functions"

var noun = crud.Noun{One: "function", Many: "functions"}

// Service finds and lists the installed functions.
type Service struct {
	read *crud.ReadService[catalog.Entry]
}

// NewService returns the functions service over env's catalog.
func NewService(env *crud.Env) *Service {
	return &Service{read: &crud.ReadService[catalog.Entry]{Noun: noun, Reader: NewDao(env.Catalog)}}
}

// Get returns the function called name.
func (s *Service) Get(ctx context.Context, caller *wsgate.Caller, name string) (catalog.Entry, error) {
	return s.read.Get(ctx, caller, name)
}

// List returns the page of functions p selects (see columns).
func (s *Service) List(ctx context.Context, caller *wsgate.Caller, p crud.ListParams) (crud.Page[catalog.Entry], error) {
	return s.read.List(ctx, caller, p)
}

// Plugin is the functions plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "functions".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
