// Package admin is the admin REST API of the gateway, in the manner of
// wazo-confd: one folder per plugin (services, functions, users, roles,
// tokens, ratelimits, calls, and the associations service_functions,
// service_users, user_roles), each with resource.go, service.go, dao.go,
// validator.go, notifier.go and api.yml; the generic services, list
// conventions and handlers in crud; the one error form in render.
//
// Each plugin exports a typed service (users.Service and so on), the one
// way its data changes: Services gathers them for the admin pages, the
// command line and the components cmd wires them into. Mount is the one
// call that wires the REST API: token authentication on every route but
// /api/api.yml, the enabled plugins' routes, and the OpenAPI document
// merged from their fragments.
//
// The admin packages import the root package, functions, services and
// internal; only web and cmd import them.
package admin
