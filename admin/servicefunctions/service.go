// Package servicefunctions is the admin plugin that adds functions to
// custom services and takes them away: PUT and DELETE
// /services/{id}/functions/{name}. The functions of a component service
// come from its manifest and cannot change here.
package servicefunctions

import (
	"context"
	"strconv"

	"wsgate"
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

// Service adds functions to custom services and takes them away, each
// change validated and written with its event in one transaction.
type Service struct {
	crud *crud.AssociationService[link, Dao]
}

// NewService returns the service functions service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud: &crud.AssociationService[link, Dao]{Changes: env.Changes,
		Dao: func(st *services.Store) Dao { return NewDao(st, env.Catalog) }, Validator: validator(),
		Notifier: notifier()}}
}

// Add adds function to service serviceID; adding it again changes nothing.
func (s *Service) Add(ctx context.Context, caller *wsgate.Caller, serviceID int64, function string) error {
	return s.crud.Associate(ctx, caller, strconv.FormatInt(serviceID, 10), function, func(*link) error { return nil })
}

// Remove takes function from service serviceID.
func (s *Service) Remove(ctx context.Context, caller *wsgate.Caller, serviceID int64, function string) error {
	return s.crud.Dissociate(ctx, caller, strconv.FormatInt(serviceID, 10), function)
}

// Plugin is the service_functions plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "service_functions".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
