package web

import (
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"wsgate/admin"
	filestore "wsgate/files"
	"wsgate/functions"
	"wsgate/internal/loginlimit"
	"wsgate/internal/ratelimit"
	"wsgate/services"
	"wsgate/web/apidoc"
)

// Deps is what the pages run on.
type Deps struct {
	// Admin is what the admin services are built from: the same value cmd
	// passes to admin.Mount (Store, Catalog and Auth are required).
	Admin admin.Deps
	// SiteName titles the pages; "" for "wsgate".
	SiteName string
	// SiteURL returns the public base URL, read at each request (it may be
	// known only once the gateway listens), for the documentation's examples
	// and the OpenAPI servers; nil, or "", for the scheme and host of the
	// request. An https URL makes the session cookie Secure even when TLS
	// ends at a proxy.
	SiteURL func() string
	// Log receives failures; nil for Admin.Log, else slog.Default().
	Log *slog.Logger
	// Logins limits password guessing at the login page; share it with
	// /login/token.php. Nil: one of its own with the default limits.
	Logins loginlimit.Limiter
	// LoginRefusals logs refused logins; share it with /login/token.php.
	// Nil: one of its own, writing to Log.
	LoginRefusals *loginlimit.RefusalLog
	// Files, when not nil, lets a user's page list their files and their
	// use of Quota (files.user_quota; 0: none).
	Files *filestore.Store
	Quota int64
	// RateCounter, when not nil, is the counter the pipeline spends rate
	// limits on: the token pages show the current use from it.
	RateCounter ratelimit.Counter
	// GatewayURL returns the address the gateway itself listens on
	// (http://127.0.0.1:9506), read at each call: the test client calls the
	// gateway there and nowhere else, never at an address a user gives.
	// Nil, or "", and the test client shows its form but cannot call.
	GatewayURL func() string
	// Protocols are the protocols the site serves (protocols.enabled),
	// those the test client offers; nil for every one of services.Protocols.
	Protocols []string
}

// The paths Handler and OpenAPIHandler serve.
const (
	AdminPrefix = "/admin/"          // the admin pages
	DocsPath    = "/webservice/docs" // a token's service documentation
	OpenAPIPath = apidoc.OpenAPIPath // OpenAPIHandler
)

// The protocol endpoints the documentation shows (Moodle's paths, served by
// protocols/rest, xmlrpc and soap).
const (
	restPath   = "/webservice/rest/server.php"
	xmlrpcPath = "/webservice/xmlrpc/server.php"
	soapPath   = "/webservice/soap/server.php"
)

// site is the state behind the pages.
type site struct {
	d        Deps
	name     string
	store    *services.Store
	catalog  *functions.Catalog
	auth     *services.Authorizer
	api      *adminAPI
	sessions *sessionStore
	logins   loginlimit.Limiter
	refusals *loginlimit.RefusalLog
	pages    map[string]*template.Template
	log      *slog.Logger
	now      func() time.Time
}

func newSite(d Deps) (*site, error) {
	if d.Admin.Store == nil || d.Admin.Catalog == nil || d.Admin.Auth == nil {
		return nil, errors.New("web: Deps.Admin needs Store, Catalog and Auth")
	}
	if d.Log == nil {
		d.Log = d.Admin.Log
	}
	if d.Log == nil {
		d.Log = slog.Default()
	}
	if d.Admin.Log == nil {
		d.Admin.Log = d.Log
	}
	if d.Admin.Now == nil {
		d.Admin.Now = time.Now
	}
	s := &site{d: d, name: d.SiteName, store: d.Admin.Store, catalog: d.Admin.Catalog, auth: d.Admin.Auth,
		api: newAdminAPI(d.Admin), log: d.Log, now: d.Admin.Now}
	if s.name == "" {
		s.name = "wsgate"
	}
	s.sessions = newSessionStore(s.now)
	s.logins, s.refusals = d.Logins, d.LoginRefusals
	if s.logins == nil {
		s.logins = loginlimit.NewMemory(loginlimit.Options{Now: s.now})
	}
	if s.refusals == nil {
		s.refusals = loginlimit.NewRefusalLog(s.log)
	}
	pages, err := parsePages()
	if err != nil {
		return nil, err
	}
	s.pages = pages
	return s, nil
}

// Handler serves the admin pages under /admin/ and the documentation of a
// token's service at /webservice/docs. The pages are:
//
//	/admin/login, /admin/logout          log in with a password, log out
//	/admin/                              overview
//	/admin/services[/new]                services; create a custom one
//	/admin/services/{id}/edit|delete     edit, delete; POST .../enabled enables or disables
//	/admin/services/{id}/functions       its functions: search, add, remove
//	/admin/services/{id}/users           its authorised users
//	/admin/services/{id}/docs            its API documentation (/admin/docs/{shortname} too)
//	/admin/services/{id}/openapi.json    its OpenAPI document
//	/admin/tokens                        tokens: create (shown once), revoke
//	/admin/calls                         the call log, filtered
//	/admin/testclient                    call a function of a service over a protocol, as a client would
//	/admin/users[/{id}], /admin/roles[/{id}]
//	/admin/functions[/{name}]            the installed functions by component
//	/admin/static/style.css
//
// Every page but the login form needs a session of a user who holds
// wsgate/site:config; every POST needs the session's CSRF token.
func Handler(d Deps) (http.Handler, error) {
	s, err := newSite(d)
	if err != nil {
		return nil, err
	}
	return s.routes(), nil
}

// OpenAPIHandler serves GET (and POST, for a token sent in a form)
// /webservice/rest/openapi.json?service=SHORTNAME: the OpenAPI 3.1 document
// of the REST calls of the service. It needs a token, as wstoken in the
// query or form or as "Authorization: Bearer": a token of that service (the
// service parameter may then be left out), or a wsgate_admin token whose
// user holds wsgate/site:config, which may ask for any service.
// Administrators logged in to the pages get the same document at
// /admin/services/{id}/openapi.json.
func OpenAPIHandler(d Deps) (http.Handler, error) {
	s, err := newSite(d)
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(s.openAPIForToken), nil
}

// Mount serves Handler and OpenAPIHandler on r: /admin (redirected to
// /admin/), /admin/*path, /webservice/docs and /webservice/rest/openapi.json.
func Mount(r gin.IRoutes, d Deps) error {
	s, err := newSite(d)
	if err != nil {
		return err
	}
	pages := gin.WrapH(s.routes())
	r.GET("/admin", func(c *gin.Context) { c.Redirect(http.StatusMovedPermanently, AdminPrefix) })
	r.Any(AdminPrefix+"*path", pages)
	r.Any(DocsPath, pages)
	r.Any(OpenAPIPath, gin.WrapF(s.openAPIForToken))
	return nil
}

// routes is the table of pages.
func (s *site) routes() http.Handler {
	m := http.NewServeMux()
	m.HandleFunc("GET /admin/static/{file}", s.static)
	m.HandleFunc("GET /admin/login", s.loginForm)
	m.HandleFunc("POST /admin/login", s.login)
	m.HandleFunc("POST /admin/logout", s.admin(s.logout))
	m.HandleFunc("GET /admin/{$}", s.admin(s.overview))

	m.HandleFunc("GET /admin/services", s.admin(s.servicesList))
	m.HandleFunc("GET /admin/services/new", s.admin(s.serviceNew))
	m.HandleFunc("POST /admin/services/new", s.admin(s.serviceCreate))
	m.HandleFunc("GET /admin/services/{id}/edit", s.admin(s.serviceEdit))
	m.HandleFunc("POST /admin/services/{id}/edit", s.admin(s.serviceUpdate))
	m.HandleFunc("POST /admin/services/{id}/enabled", s.admin(s.serviceSetEnabled))
	m.HandleFunc("GET /admin/services/{id}/delete", s.admin(s.serviceDeleteConfirm))
	m.HandleFunc("POST /admin/services/{id}/delete", s.admin(s.serviceDelete))
	m.HandleFunc("GET /admin/services/{id}/functions", s.admin(s.serviceFunctions))
	m.HandleFunc("POST /admin/services/{id}/functions/add", s.admin(s.serviceFunctionsAdd))
	m.HandleFunc("POST /admin/services/{id}/functions/remove", s.admin(s.serviceFunctionRemove))
	m.HandleFunc("GET /admin/services/{id}/users", s.admin(s.serviceUsers))
	m.HandleFunc("POST /admin/services/{id}/users", s.admin(s.serviceUserAuthorise))
	m.HandleFunc("POST /admin/services/{id}/users/remove", s.admin(s.serviceUserRemove))
	m.HandleFunc("GET /admin/services/{id}/docs", s.admin(s.serviceDocs))
	m.HandleFunc("GET /admin/services/{id}/openapi.json", s.admin(s.serviceOpenAPI))
	m.HandleFunc("GET /admin/docs/{shortname}", s.admin(s.docsByShortname))

	m.HandleFunc("GET /admin/tokens", s.admin(s.tokensList))
	m.HandleFunc("POST /admin/tokens", s.admin(s.tokenCreate))
	m.HandleFunc("POST /admin/tokens/{id}/delete", s.admin(s.tokenDelete))

	m.HandleFunc("GET /admin/calls", s.admin(s.callsList))
	m.HandleFunc("GET /admin/testclient", s.admin(s.testClient))
	m.HandleFunc("POST /admin/testclient", s.admin(s.testClientPost))

	m.HandleFunc("GET /admin/users", s.admin(s.usersList))
	m.HandleFunc("POST /admin/users", s.admin(s.userCreate))
	m.HandleFunc("GET /admin/users/{id}", s.admin(s.userEdit))
	m.HandleFunc("POST /admin/users/{id}", s.admin(s.userUpdate))
	m.HandleFunc("POST /admin/users/{id}/delete", s.admin(s.userDelete))
	m.HandleFunc("POST /admin/users/{id}/roles", s.admin(s.userRoleAssign))
	m.HandleFunc("POST /admin/users/{id}/roles/remove", s.admin(s.userRoleUnassign))

	m.HandleFunc("GET /admin/roles", s.admin(s.rolesList))
	m.HandleFunc("POST /admin/roles", s.admin(s.roleCreate))
	m.HandleFunc("GET /admin/roles/{id}", s.admin(s.roleEdit))
	m.HandleFunc("POST /admin/roles/{id}", s.admin(s.roleUpdate))
	m.HandleFunc("POST /admin/roles/{id}/delete", s.admin(s.roleDelete))

	m.HandleFunc("GET /admin/functions", s.admin(s.functionsList))
	m.HandleFunc("GET /admin/functions/{name}", s.admin(s.functionPage))

	m.HandleFunc("GET "+DocsPath, s.tokenDocs)
	m.HandleFunc("POST "+DocsPath, s.tokenDocs)

	m.HandleFunc("/admin/", s.notFound)
	return secureHeaders(m)
}

// secureHeaders sets the headers every page carries: no script, no
// framing, no caching (a new token is on a page), no sniffing.
func secureHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Referrer-Policy", "same-origin")
		if !strings.HasPrefix(r.URL.Path, "/admin/static/") {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

// siteURL is the configured public base URL, "" when there is none.
func (s *site) siteURL() string {
	if s.d.SiteURL == nil {
		return ""
	}
	return strings.TrimSuffix(s.d.SiteURL(), "/")
}

// serverURL is the public base URL of the gateway for r.
func (s *site) serverURL(r *http.Request) string {
	if u := s.siteURL(); u != "" {
		return u
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
