package admin

import (
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"wsgate/admin/calls"
	"wsgate/admin/crud"
	"wsgate/admin/functions"
	"wsgate/admin/ratelimits"
	"wsgate/admin/roles"
	"wsgate/admin/servicefunctions"
	"wsgate/admin/services"
	"wsgate/admin/serviceusers"
	"wsgate/admin/tokens"
	"wsgate/admin/userroles"
	"wsgate/admin/users"
	wsfunctions "wsgate/functions"
	wsservices "wsgate/services"
	"wsgate/services/calllog"
)

// Deps is what the admin API runs on.
type Deps struct {
	Store   *wsservices.Store    // the services store
	Catalog *wsfunctions.Catalog // the installed functions
	Auth    *wsservices.Authorizer
	// AfterCommit, when not nil, is called after each committed change that
	// wrote events to the outbox, to wake the relay that publishes them.
	AfterCommit func()
	Calls       *calllog.Store   // the call log; nil: the one in Store's database
	Log         *slog.Logger     // nil: slog.Default()
	Now         func() time.Time // nil: time.Now
}

// withDefaults returns d with slog.Default and time.Now for a nil Log and Now.
func (d Deps) withDefaults() Deps {
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return d
}

// Plugin is one admin resource or association.
type Plugin interface {
	// Name is the plugin's key in enabled_plugins.
	Name() string
	// Routes registers the plugin's handlers, relative to /1.0.
	Routes(r gin.IRouter)
	// Spec is the plugin's OpenAPI 3 fragment: paths and components only.
	Spec() []byte
}

// The admin API's authorisation: a token of this service, whose user holds
// this capability (site administrators hold every capability).
const (
	AdminService    = services.AdminService
	AdminCapability = "wsgate/site:config"
)

// SpecPath is where the OpenAPI document is served, relative to /1.0,
// without authentication.
const SpecPath = "/api/api.yml"

// plugins returns every plugin, in the order their routes and documents
// are merged. A new plugin is one more line here.
func plugins(env *crud.Env) []Plugin {
	return []Plugin{
		services.New(env),
		functions.New(env),
		users.New(env),
		roles.New(env),
		tokens.New(env),
		servicefunctions.New(env),
		serviceusers.New(env),
		userroles.New(env),
		calls.New(env),
		ratelimits.New(env),
	}
}

// AllPlugins returns the names of every plugin, sorted: the keys
// enabled_plugins accepts.
func AllPlugins() []string {
	var names []string
	for _, p := range plugins(&crud.Env{}) {
		names = append(names, p.Name())
	}
	sort.Strings(names)
	return names
}

// Mount installs the admin API on r, the /1.0 group: GET /api/api.yml, the
// OpenAPI document of the enabled plugins, without authentication; the
// routes of the plugins enabled[name] turns on, behind token
// authentication. A name in enabled that is no plugin's is an error, and so
// are missing Deps and a plugin document that does not merge (a path or
// component defined twice, a $ref to nothing).
func Mount(r gin.IRouter, d Deps, enabled map[string]bool) error {
	d = d.withDefaults()
	known := AllPlugins()
	for name := range enabled {
		if !slices.Contains(known, name) {
			return fmt.Errorf("admin: unknown plugin %q in enabled_plugins (known: %s)", name,
				strings.Join(known, ", "))
		}
	}
	if d.Store == nil || d.Catalog == nil || d.Auth == nil {
		return fmt.Errorf("admin: Deps needs a Store, a Catalog and an Auth")
	}
	env := newEnv(d)
	rd := env.Render
	var on []Plugin
	for _, p := range plugins(env) {
		if enabled[p.Name()] {
			on = append(on, p)
		}
	}
	doc, err := mergeSpecs(on)
	if err != nil {
		return err
	}
	r.GET(SpecPath, func(c *gin.Context) { c.Data(http.StatusOK, "application/yaml", doc) })
	g := r.Group("", authenticate(d.Auth, rd, basePath(r)))
	for _, p := range on {
		p.Routes(g)
	}
	return nil
}

// basePath is the path r is mounted on ("" when unknown).
func basePath(r gin.IRouter) string {
	if g, ok := r.(interface{ BasePath() string }); ok {
		return strings.TrimSuffix(g.BasePath(), "/")
	}
	return ""
}
