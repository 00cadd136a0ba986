package admin

import (
	"wsgate/admin/crud"
	"wsgate/admin/functions"
	"wsgate/admin/ratelimits"
	"wsgate/admin/render"
	"wsgate/admin/roles"
	"wsgate/admin/servicefunctions"
	"wsgate/admin/services"
	"wsgate/admin/serviceusers"
	"wsgate/admin/tokens"
	"wsgate/admin/userroles"
	"wsgate/admin/users"
)

// Services are the typed services of every plugin, the one way the admin
// pages, the command line and the shipped components change the data the
// admin API manages: each change validated by its plugin's rules and
// written with its event in one transaction, exactly as through /1.0.
type Services struct {
	Services         *services.Service
	Functions        *functions.Service
	Users            *users.Service
	Roles            *roles.Service
	Tokens           *tokens.Service
	ServiceFunctions *servicefunctions.Service
	ServiceUsers     *serviceusers.Service
	UserRoles        *userroles.Service
	RateLimits       *ratelimits.Rules
	RateWeights      *ratelimits.Weights
}

// NewServices builds every plugin's service over d (whatever
// enabled_plugins says: enabled_plugins turns routes on, not services).
func NewServices(d Deps) *Services { return servicesOf(newEnv(d.withDefaults())) }

// newEnv is the environment every plugin is built from.
func newEnv(d Deps) *crud.Env {
	return &crud.Env{Store: d.Store, Catalog: d.Catalog, Render: &render.Renderer{Log: d.Log, Now: d.Now}, Now: d.Now,
		Calls: d.Calls, Changes: &crud.Changes{Store: d.Store, AfterCommit: d.AfterCommit, Log: d.Log}}
}

func servicesOf(env *crud.Env) *Services {
	rl := ratelimits.New(env)
	return &Services{Services: services.NewService(env), Functions: functions.NewService(env),
		Users: users.NewService(env), Roles: roles.NewService(env), Tokens: tokens.NewService(env),
		ServiceFunctions: servicefunctions.NewService(env), ServiceUsers: serviceusers.NewService(env),
		UserRoles: userroles.NewService(env), RateLimits: rl.Rules(), RateWeights: rl.Weights()}
}
