package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/gin-gonic/gin"
	"golang.org/x/net/html"

	"wsgate/admin"
	"wsgate/components"
	"wsgate/discovery"
	"wsgate/files"
	"wsgate/functions"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/internal/proxy"
	"wsgate/internal/ratelimit"
	"wsgate/protocols"
	"wsgate/protocols/mcp"
	"wsgate/protocols/rest"
	"wsgate/protocols/soap"
	"wsgate/protocols/xmlrpc"
	"wsgate/services"
	"wsgate/services/calllog"
	"wsgate/web"
)

func TestMain(m *testing.M) {
	gin.SetMode(gin.TestMode)
	os.Exit(m.Run())
}

// Passwords of the fixture's users.
const (
	adminPassword  = "admin-secret-1"
	callerPassword = "caller-secret-1"
)

// fixture is a gateway on a fresh SQLite store with the shipped components
// installed, the pages and the REST server on one httptest server, and
// users: admin (site administrator), manager (a role with
// wsgate/site:config), caller (no role) and reader (a role without it).
type fixture struct {
	t       *testing.T
	db      *db.DB
	store   *services.Store
	catalog *functions.Catalog
	auth    *services.Authorizer
	srv     *httptest.Server
	users   map[string]services.User
	wakes   atomic.Int64    // AfterCommit calls
	checks  *dbtest.Holding // the password checks
	files   *files.Store
	calls   *calllog.Recorder // the call log of the fixture's REST server
	counter *ratelimit.Local  // the rate limit counter of the REST server and the pages
	// gatewayHits counts the requests to the protocol endpoints (REST,
	// XML-RPC, SOAP, MCP), which the pages' test client calls.
	gatewayHits atomic.Int64
}

// options change how a fixture is built.
type options struct {
	catalog func(f *fixture) *functions.Catalog // the catalog the pages see; nil: the real one
	siteURL string                              // Deps.SiteURL; "": none
	proxies []string                            // trusted proxies, as trusted_proxies; the server runs behind proxy.Handler
	log     io.Writer                           // where the pages log; nil: nowhere
}

func newFixture(t *testing.T, opts ...func(*options)) *fixture {
	t.Helper()
	var o options
	for _, fn := range opts {
		fn(&o)
	}
	ctx := context.Background()
	d := dbtest.Open(t, db.SQLite, true)
	checks := dbtest.NewHolding("password_hash FROM users")
	store := services.NewStore(d, services.WithBcryptCost(4), services.WithQuerier(checks.Wrap))
	reg := functions.NewRegistry()
	catalog := functions.NewCatalog(d, reg)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	auth := services.NewAuthorizer(store, catalog, services.AuthorizerOptions{Logger: log})
	fileStore := files.NewStore(d, files.NewChunks(d))
	users := admin.NewServices(admin.Deps{Store: store, Catalog: catalog, Auth: auth,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Users
	components.Register(reg, components.Deps{Store: store, Users: users, Auth: auth, Catalog: catalog, SiteName: "Test site",
		Files: fileStore, Access: files.NewAccessRules(), SiteURL: func() string { return "http://gw.test" }})
	cat, err := discovery.Load([]discovery.Source{{Name: "embedded", FS: components.Manifests}}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&discovery.Syncer{DB: d, Tables: discovery.ServicesTables(store)}).Sync(ctx, cat, false); err != nil {
		t.Fatal(err)
	}
	if err := catalog.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, db: d, store: store, catalog: catalog, auth: auth, users: map[string]services.User{}, checks: checks,
		files: fileStore}
	adminRole, err := store.EnsureAdminRole(ctx)
	if err != nil {
		t.Fatal(err)
	}
	manager, err := store.CreateRole(ctx, services.Role{Shortname: "manager", Name: "Gateway manager"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AddRoleCapability(ctx, manager.ID, admin.AdminCapability); err != nil {
		t.Fatal(err)
	}
	reader, err := store.CreateRole(ctx, services.Role{Shortname: "reader"})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.AddRoleCapability(ctx, reader.ID, "moodle/user:viewdetails"); err != nil {
		t.Fatal(err)
	}
	for _, u := range []struct {
		name, password string
		role           int64
	}{{"admin", adminPassword, adminRole.ID}, {"manager", adminPassword, manager.ID},
		{"caller", callerPassword, 0}, {"reader", callerPassword, reader.ID}} {
		user, err := store.CreateUser(ctx, services.User{Username: u.name, FirstName: "First" + u.name,
			LastName: "Last", Email: u.name + "@example.org", Auth: services.AuthManual}, u.password)
		if err != nil {
			t.Fatal(err)
		}
		if u.role != 0 {
			if err := store.AssignRole(ctx, user.ID, u.role); err != nil {
				t.Fatal(err)
			}
		}
		f.users[u.name] = user
	}
	if o.log == nil {
		o.log = io.Discard
	}
	log = slog.New(slog.NewTextHandler(o.log, nil))
	f.catalog = catalog
	if o.catalog != nil {
		f.catalog = o.catalog(f)
	}
	f.calls = calllog.NewRecorder(calllog.NewStore(d), calllog.Options{Log: log})
	f.counter = ratelimit.NewLocal(nil)
	pipe := &protocols.Pipeline{Auth: f.auth, Functions: catalog, Validator: &functions.Validator{}, Log: log, Calls: f.calls,
		Limits: &protocols.RateLimits{Rules: f.auth, Counter: f.counter}}
	e := gin.New()
	// The wiring cmd does: the admin services' dependencies, then Mount.
	deps := web.Deps{Admin: admin.Deps{Store: store, Catalog: f.catalog, Auth: f.auth, Log: log,
		AfterCommit: func() { f.wakes.Add(1) }}, SiteName: "Test gateway", Log: log,
		Files: fileStore, Quota: 1 << 20, RateCounter: f.counter,
		// The gateway's own address, as cmd passes its listener's.
		GatewayURL: func() string { return f.srv.URL }}
	if o.siteURL != "" {
		deps.SiteURL = func() string { return o.siteURL }
	}
	if err := web.Mount(e, deps); err != nil {
		t.Fatal(err)
	}
	// The protocol servers as cmd wires them, on the same pipeline.
	hit := func(c *gin.Context) { f.gatewayHits.Add(1) }
	e.Any("/webservice/rest/server.php", hit, gin.WrapH(&rest.Server{Dispatcher: pipe, Log: log}))
	e.Any(xmlrpc.Path, hit, gin.WrapH(&xmlrpc.Server{Dispatcher: pipe, Lister: pipe, Log: log}))
	e.Any(soap.Path, hit, gin.WrapH(&soap.Server{Dispatcher: pipe, Lister: pipe, Log: log,
		Functions: func(name string) (*functions.Function, bool) {
			if fe, ok := catalog.Get(name); ok {
				return fe.Function, true
			}
			return nil, false
		}}))
	e.Any(mcp.Path, hit, gin.WrapH(mcp.New(mcp.Options{Pipeline: pipe, Services: f.auth, Log: log})))
	prefixes, err := proxy.ParsePrefixes(o.proxies)
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewServer(proxy.Handler(prefixes, e))
	t.Cleanup(f.srv.Close)
	return f
}

// service returns the service with shortname.
func (f *fixture) service(shortname string) services.Service {
	f.t.Helper()
	sv, err := f.store.ServiceByShortname(context.Background(), shortname)
	if err != nil {
		f.t.Fatalf("service %s: %v", shortname, err)
	}
	return sv
}

// outbox counts the events written to the outbox.
func (f *fixture) outbox() int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM outbox`).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// token makes a token for user and service directly in the store.
func (f *fixture) token(user, shortname string) string {
	f.t.Helper()
	tok, _, err := f.store.CreateToken(context.Background(), services.TokenSpec{UserID: f.users[user].ID,
		ServiceID: f.service(shortname).ID})
	if err != nil {
		f.t.Fatal(err)
	}
	return tok
}

// client is a browser without JavaScript: a cookie jar, no redirect following.
type client struct {
	t      *testing.T
	base   string
	http   *http.Client
	header http.Header // sent with every request
}

func (f *fixture) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{t: f.t, base: f.srv.URL, http: &http.Client{Jar: jar,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

// response is an answer, read.
type response struct {
	t      *testing.T
	status int
	header http.Header
	body   string
	doc    *html.Node
}

func (c *client) do(req *http.Request) *response {
	c.t.Helper()
	for k, v := range c.header {
		req.Header[k] = v
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	r := &response{t: c.t, status: resp.StatusCode, header: resp.Header, body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
		if r.doc, err = html.Parse(strings.NewReader(r.body)); err != nil {
			c.t.Fatal(err)
		}
	}
	return r
}

func (c *client) get(path string) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends form as is (with no CSRF token unless form has one).
func (c *client) post(path string, form url.Values) *response {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.base+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

// submit reads the CSRF token from page, then posts form with it to action.
func (c *client) submit(page, action string, form url.Values) *response {
	c.t.Helper()
	p := c.get(page)
	if p.status != http.StatusOK {
		c.t.Fatalf("GET %s: %d\n%s", page, p.status, p.body)
	}
	if form == nil {
		form = url.Values{}
	}
	form.Set("csrf_token", p.csrf())
	return c.post(action, form)
}

// login logs in as username.
func (c *client) login(username, password string) *response {
	c.t.Helper()
	return c.submit("/admin/login", "/admin/login", url.Values{"username": {username}, "password": {password}})
}

// mustLogin logs in and checks that it worked.
func (c *client) mustLogin(username, password string) {
	c.t.Helper()
	r := c.login(username, password)
	r.wantRedirect("/admin/")
}

// follow GETs the Location of a redirect.
func (c *client) follow(r *response) *response {
	c.t.Helper()
	loc := r.header.Get("Location")
	if loc == "" {
		c.t.Fatalf("no Location (status %d)\n%s", r.status, r.body)
	}
	return c.get(loc)
}

// want fails unless the status is status.
func (r *response) want(status int) *response {
	r.t.Helper()
	if r.status != status {
		r.t.Fatalf("status %d, want %d\n%s", r.status, status, r.body)
	}
	return r
}

// wantRedirect fails unless r is a 303 to location (a prefix, if it ends with *).
func (r *response) wantRedirect(location string) *response {
	r.t.Helper()
	loc := r.header.Get("Location")
	ok := loc == location
	if pfx, found := strings.CutSuffix(location, "*"); found {
		ok = strings.HasPrefix(loc, pfx)
	}
	if r.status != http.StatusSeeOther || !ok {
		r.t.Fatalf("status %d to %q, want 303 to %q\n%s", r.status, loc, location, r.body)
	}
	return r
}

// contains fails unless the body holds each of parts.
func (r *response) contains(parts ...string) *response {
	r.t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.body, p) {
			r.t.Errorf("body lacks %q\n%s", p, r.body)
		}
	}
	return r
}

// lacks fails if the body holds any of parts.
func (r *response) lacks(parts ...string) *response {
	r.t.Helper()
	for _, p := range parts {
		if strings.Contains(r.body, p) {
			r.t.Errorf("body holds %q", p)
		}
	}
	return r
}

// csrf returns the CSRF token of the page's first form that has one.
func (r *response) csrf() string {
	r.t.Helper()
	for n := range r.all("input") {
		if attr(n, "name") == "csrf_token" {
			return attr(n, "value")
		}
	}
	r.t.Fatalf("no csrf_token on the page\n%s", r.body)
	return ""
}

// byID returns the element with id, or nil.
func (r *response) byID(id string) *html.Node {
	for n := range r.doc.Descendants() {
		if n.Type == html.ElementNode && attr(n, "id") == id {
			return n
		}
	}
	return nil
}

// has fails unless an element with each id exists.
func (r *response) has(ids ...string) *response {
	r.t.Helper()
	for _, id := range ids {
		if r.byID(id) == nil {
			r.t.Errorf("no element #%s\n%s", id, r.body)
		}
	}
	return r
}

// text returns the text of the element with id.
func (r *response) text(id string) string {
	r.t.Helper()
	n := r.byID(id)
	if n == nil {
		r.t.Fatalf("no element #%s\n%s", id, r.body)
	}
	return textOf(n)
}

// h1 returns the text of the page's h1.
func (r *response) h1() string {
	for n := range r.all("h1") {
		return strings.TrimSpace(textOf(n))
	}
	return ""
}

// all yields the elements named tag.
func (r *response) all(tag string) func(yield func(*html.Node) bool) {
	return func(yield func(*html.Node) bool) {
		if r.doc == nil {
			return
		}
		for n := range r.doc.Descendants() {
			if n.Type == html.ElementNode && n.Data == tag && !yield(n) {
				return
			}
		}
	}
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

func textOf(n *html.Node) string {
	var b strings.Builder
	for d := range n.Descendants() {
		if d.Type == html.TextNode {
			b.WriteString(d.Data)
		}
	}
	return b.String()
}
