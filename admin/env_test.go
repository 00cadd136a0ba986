package admin_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/gin-gonic/gin"

	"wsgate/admin"
	"wsgate/discovery"
	"wsgate/functions"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols"
	"wsgate/services"
)

// The manifests of the test components: two components, so that functions
// can be searched by component; the wsgate_admin service as core_webservice
// declares it; a component service "test"; a deprecated function.
var manifests = fstest.MapFS{
	"local_test/db/services.yaml": {Data: []byte(`
capabilities:
  wsgate/site:config: {description: Administer the gateway}
  local_test/thing:view: {description: See things}
functions:
  local_test_echo:
    classname: local_test
    methodname: echo
    description: Echo a number
    type: read
    parameters: {n: INT}
    returns: {type: single, keys: {n: INT}}
  local_test_list:
    classname: local_test
    methodname: list
    description: List things
    type: read
    capabilities: [local_test/thing:view]
  local_test_old:
    classname: local_test
    methodname: old
    description: The old way
    type: write
    deprecated: true
services:
  Test:
    shortname: test
    functions: [local_test_echo]
    enabled: 1
    restrictedusers: 0
  wsgate administration:
    shortname: wsgate_admin
    functions: []
    requiredcapability: wsgate/site:config
    enabled: 1
    restrictedusers: 0
`)},
	"local_other/db/services.yaml": {Data: []byte(`
functions:
  local_other_ping:
    classname: local_other
    methodname: ping
    description: Ping
    type: read
`)},
}

// start is the time of every test clock.
var start = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)

// env is the admin API mounted on a gin engine over one store, with the
// call pipeline on the same store and authorizer.
type env struct {
	t       *testing.T
	ctx     context.Context
	d       *db.DB
	store   *services.Store
	catalog *functions.Catalog
	auth    *services.Authorizer
	pipe    *protocols.Pipeline
	engine  *gin.Engine
	router  routers.Router // the served OpenAPI document, to check every answer against
	root    services.User  // a site administrator
	token   string         // root's token for wsgate_admin
	woken   atomic.Int64   // AfterCommit calls
	queries atomic.Int64   // statements the services store ran
	seen    int64          // the last outbox id events returned
}

func newEnv(t *testing.T, d *db.DB) *env {
	t.Helper()
	return newEnvWith(t, d, allPlugins())
}

func allPlugins() map[string]bool {
	on := map[string]bool{}
	for _, n := range admin.AllPlugins() {
		on[n] = true
	}
	return on
}

func newEnvWith(t *testing.T, d *db.DB, enabled map[string]bool) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), d: d}
	e.store = services.NewStore(d, services.WithBcryptCost(4), services.WithClock(func() time.Time { return start }),
		services.WithQuerier(dbtest.Counter(&e.queries)))
	reg := functions.NewRegistry()
	reg.Register("local_test", "echo", func(_ context.Context, p map[string]any) (any, error) {
		return map[string]any{"n": p["n"]}, nil
	})
	for _, f := range [][2]string{{"local_test", "list"}, {"local_test", "old"}, {"local_other", "ping"}} {
		reg.Register(f[0], f[1], func(context.Context, map[string]any) (any, error) { return nil, nil })
	}
	cat, err := discovery.Load([]discovery.Source{{Name: "test", FS: manifests}}, reg, nil)
	e.must(err)
	_, err = (&discovery.Syncer{DB: d, Tables: discovery.ServicesTables(e.store)}).Sync(e.ctx, cat, false)
	e.must(err)
	e.catalog = functions.NewCatalog(d, reg)
	e.must(e.catalog.Reload(e.ctx))
	adminRole, err := e.store.EnsureAdminRole(e.ctx)
	e.must(err)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	e.auth = services.NewAuthorizer(e.store, e.catalog, services.AuthorizerOptions{Now: func() time.Time { return start },
		Logger: log})
	e.pipe = &protocols.Pipeline{Auth: e.auth, Functions: e.catalog, Validator: &functions.Validator{},
		Upstream: &protocols.UpstreamClient{}, Timeout: time.Second, Log: log}

	e.root, err = e.store.CreateUser(e.ctx, services.User{Username: "root"}, "root-password")
	e.must(err)
	e.must(e.store.AssignRole(e.ctx, e.root.ID, adminRole.ID))
	e.token = e.newToken(e.root.ID, "wsgate_admin", services.TokenSpec{})

	gin.SetMode(gin.TestMode)
	e.engine = gin.New()
	e.engine.HandleMethodNotAllowed = true
	e.must(admin.Mount(e.engine.Group("/1.0"), admin.Deps{Store: e.store, Catalog: e.catalog, Auth: e.auth,
		AfterCommit: func() { e.woken.Add(1) }, Log: log, Now: func() time.Time { return start }}, enabled))
	e.router = e.openAPIRouter()
	e.events() // the fixtures wrote none; start counting here
	return e
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// service returns the service with shortname.
func (e *env) service(shortname string) services.Service {
	e.t.Helper()
	s, err := e.store.ServiceByShortname(e.ctx, shortname)
	e.must(err)
	return s
}

// newToken makes a token of user for the service with shortname.
func (e *env) newToken(userID int64, shortname string, spec services.TokenSpec) string {
	e.t.Helper()
	spec.UserID, spec.ServiceID = userID, e.service(shortname).ID
	v, _, err := e.store.CreateToken(e.ctx, spec)
	e.must(err)
	return v
}

// newUser makes a user with the capabilities given through a role of its own.
func (e *env) newUser(name string, caps ...string) services.User {
	e.t.Helper()
	u, err := e.store.CreateUser(e.ctx, services.User{Username: name}, "")
	e.must(err)
	if len(caps) > 0 {
		r, err := e.store.CreateRole(e.ctx, services.Role{Shortname: "role-" + name, Capabilities: caps})
		e.must(err)
		e.must(e.store.AssignRole(e.ctx, u.ID, r.ID))
	}
	return u
}

// resp is an answer of the admin API.
type resp struct {
	code   int
	header http.Header
	body   []byte
}

// object decodes the body as a JSON object.
func (r resp) object(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return m
}

// items returns the items of a list answer, checking its shape.
func (r resp) items(t *testing.T) []map[string]any {
	t.Helper()
	var l struct {
		Total, Filtered *int
		Items           []map[string]any
	}
	if err := json.Unmarshal(r.body, &l); err != nil || l.Total == nil || l.Filtered == nil || l.Items == nil {
		t.Fatalf("list body %q: %v", r.body, err)
	}
	return l.Items
}

// do sends a request with root's token.
func (e *env) do(method, path, body string) resp {
	e.t.Helper()
	return e.send(method, path, body, http.Header{"X-Auth-Token": {e.token}})
}

// send sends a request with header and checks the answer against the
// OpenAPI document: its status is documented for the operation and its body
// matches the documented schema.
func (e *env) send(method, path, body string, header http.Header) resp {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, "http://wsgate.test"+path, rd)
	for k, v := range header {
		req.Header[k] = v
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	rec := httptest.NewRecorder()
	e.engine.ServeHTTP(rec, req)
	r := resp{code: rec.Code, header: rec.Header(), body: rec.Body.Bytes()}
	if e.router != nil {
		e.checkAnswer(req, r)
	}
	return r
}

// openAPIRouter loads the served document and routes requests with it.
func (e *env) openAPIRouter() routers.Router {
	e.t.Helper()
	r := e.send(http.MethodGet, "/1.0/api/api.yml", "", nil)
	if r.code != http.StatusOK {
		e.t.Fatalf("GET api.yml: %d %s", r.code, r.body)
	}
	doc, err := openapi3.NewLoader().LoadFromData(r.body)
	e.must(err)
	e.must(doc.Validate(e.ctx))
	doc.Servers = openapi3.Servers{{URL: "http://wsgate.test/1.0"}}
	router, err := legacy.NewRouter(doc)
	e.must(err)
	return router
}

// checkAnswer fails the test when r is not what the document says req gets.
func (e *env) checkAnswer(req *http.Request, r resp) {
	e.t.Helper()
	route, params, err := e.router.FindRoute(req)
	if err != nil {
		if r.code != http.StatusNotFound && r.code != http.StatusMethodNotAllowed {
			e.t.Errorf("%s %s answered %d but is not documented: %v", req.Method, req.URL.Path, r.code, err)
		}
		return
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 r.code,
		Header:                 r.header,
		Options:                &openapi3filter.Options{IncludeResponseStatus: true},
	}
	in.SetBodyBytes(r.body)
	if err := openapi3filter.ValidateResponse(e.ctx, in); err != nil {
		e.t.Errorf("%s %s answered %d %s, against the document: %v", req.Method, req.URL.Path, r.code, r.body, err)
	}
}

// event is a row of the outbox.
type event struct {
	name, key, body string
}

// events returns the outbox rows written since the last call.
func (e *env) events() []event {
	e.t.Helper()
	rows, err := e.d.QueryContext(e.ctx, `SELECT id, name, routing_key, body FROM outbox WHERE id > $1 ORDER BY id`, e.seen)
	e.must(err)
	defer rows.Close()
	var out []event
	for rows.Next() {
		var ev event
		e.must(rows.Scan(&e.seen, &ev.name, &ev.key, &ev.body))
		out = append(out, ev)
	}
	e.must(rows.Err())
	return out
}

// wantEvents checks that the outbox got exactly want since the last check;
// bodies compare as JSON.
func (e *env) wantEvents(want ...event) {
	e.t.Helper()
	got := e.events()
	if len(got) != len(want) {
		e.t.Fatalf("events = %v, want %v", got, want)
	}
	for i := range want {
		if got[i].name != want[i].name || got[i].key != want[i].key || !sameJSON(got[i].body, want[i].body) {
			e.t.Errorf("event %d = %v, want %v", i, got[i], want[i])
		}
	}
}

func sameJSON(a, b string) bool {
	var x, y any
	if json.Unmarshal([]byte(a), &x) != nil || json.Unmarshal([]byte(b), &y) != nil {
		return false
	}
	return reflect.DeepEqual(x, y)
}

// wantStatus checks the status of r.
func wantStatus(t *testing.T, r resp, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("status = %d, want %d; body %s", r.code, code, r.body)
	}
}

// wantError checks that r is the error form with status, error_id and
// details naming exactly fields (nil: any details).
func wantError(t *testing.T, r resp, code int, errorID string, fields ...string) {
	t.Helper()
	wantStatus(t, r, code)
	var body struct {
		Message   string
		ErrorID   string `json:"error_id"`
		Details   map[string]any
		Resource  *string
		Timestamp float64
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	if body.ErrorID != errorID || body.Message == "" || body.Details == nil || body.Resource == nil ||
		body.Timestamp != float64(start.Unix()) {
		t.Errorf("error body = %s, want error_id %s", r.body, errorID)
	}
	if fields == nil {
		return
	}
	var got []string
	for k := range body.Details {
		got = append(got, k)
	}
	slices.Sort(got)
	slices.Sort(fields)
	if !slices.Equal(got, fields) {
		t.Errorf("details = %v, want the fields %v", body.Details, fields)
	}
}

// idOf returns the id of a created resource from its answer.
func idOf(t *testing.T, r resp) string {
	t.Helper()
	id, ok := r.object(t)["id"].(float64)
	if !ok {
		t.Fatalf("no id in %s", r.body)
	}
	return strconv.FormatInt(int64(id), 10)
}

// jsonOf encodes v.
func jsonOf(v any) string {
	var b bytes.Buffer
	_ = json.NewEncoder(&b).Encode(v)
	return b.String()
}
