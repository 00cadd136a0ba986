package services_test

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// start is the fixed time every test clock starts at.
var start = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// clock is a settable clock.
type clock struct{ ns atomic.Int64 }

func newClock() *clock {
	c := &clock{}
	c.ns.Store(start.UnixNano())
	return c
}

func (c *clock) Now() time.Time              { return time.Unix(0, c.ns.Load()) }
func (c *clock) Add(d time.Duration)         { c.ns.Add(int64(d)) }
func (c *clock) Unix() int64                 { return c.Now().Unix() }
func (c *clock) After(d time.Duration) int64 { return c.Now().Add(d).Unix() }

// fakeFunctions is the FunctionInfo of the tests: name -> declared capabilities.
type fakeFunctions map[string][]string

func (f fakeFunctions) FunctionCapabilities(name string) ([]string, bool) {
	c, ok := f[name]
	return c, ok
}

// FunctionIsRead: the functions whose names end in _write are of type write.
func (f fakeFunctions) FunctionIsRead(name string) bool {
	_, ok := f[name]
	return ok && !strings.HasSuffix(name, "_write")
}

// testFunctions are the functions every env knows.
var testFunctions = fakeFunctions{
	"core_a":       nil,
	"core_b":       nil,
	"core_capped":  {"mod/x:view"},
	"core_two":     {"mod/x:view", "mod/x:edit"},
	"core_outside": nil, // exists, in no service by default
	"core_a_write": nil, // of type write
}

// env is a store, an authorizer and a clock over one database.
type env struct {
	t       testing.TB
	ctx     context.Context
	d       *db.DB
	s       *services.Store
	a       *services.Authorizer
	clock   *clock
	queries *atomic.Int64
}

func newEnv(t testing.TB, d *db.DB, opts services.AuthorizerOptions) *env {
	t.Helper()
	e := &env{t: t, ctx: context.Background(), d: d, clock: newClock(), queries: new(atomic.Int64)}
	e.s = services.NewStore(d,
		services.WithClock(e.clock.Now),
		services.WithBcryptCost(bcrypt.MinCost),
		services.WithQuerier(dbtest.Counter(e.queries)))
	if opts.Now == nil {
		opts.Now = e.clock.Now
	}
	e.a = services.NewAuthorizer(e.s, testFunctions, opts)
	for name := range testFunctions {
		e.addFunction(name)
	}
	return e
}

// addFunction inserts a row into external_functions, which package functions
// owns, only so that service function links have something to refer to.
func (e *env) addFunction(name string) {
	e.t.Helper()
	if _, err := e.d.ExecContext(e.ctx, `INSERT INTO external_functions (name, classname, component)
		VALUES ($1, 'test', 'test') ON CONFLICT (name) DO NOTHING`, name); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) exec(query string, args ...any) {
	e.t.Helper()
	if _, err := e.d.ExecContext(e.ctx, query, args...); err != nil {
		e.t.Fatalf("%s: %v", query, err)
	}
}

func (e *env) must(err error) {
	e.t.Helper()
	if err != nil {
		e.t.Fatal(err)
	}
}

// fix describes the world of one authorisation case before it is made.
type fix struct {
	user      services.User
	password  string
	svc       services.Service
	functions []string
	spec      services.TokenSpec    // UserID and ServiceID are filled in
	authorise *services.ServiceUser // an authorised-user row for the service
	caps      []string              // capabilities given through a role of their own
	admin     bool                  // give the admin role
	req       services.AuthRequest  // Token is filled in
}

// made is what make created.
type made struct {
	user  services.User
	svc   services.Service
	value string
	token services.Token
	req   services.AuthRequest
}

// make creates a user, an enabled unrestricted service with core_a,
// core_capped and core_two, and a token, changed by mods first.
func (e *env) make(name string, mods ...func(*fix)) made {
	e.t.Helper()
	f := fix{
		user:      services.User{Username: name},
		password:  "secret-" + name,
		svc:       services.Service{Name: "Service " + name, Shortname: name, Enabled: true},
		functions: []string{"core_a", "core_capped", "core_two"},
		req:       services.AuthRequest{Function: "core_a", RemoteIP: "192.0.2.10", Protocol: "rest"},
	}
	for _, m := range mods {
		m(&f)
	}
	var m made
	var err error
	m.user, err = e.s.CreateUser(e.ctx, f.user, f.password)
	e.must(err)
	m.svc, err = e.s.CreateService(e.ctx, f.svc)
	e.must(err)
	for _, fn := range f.functions {
		e.must(e.s.AddServiceFunction(e.ctx, m.svc.ID, fn))
	}
	if f.authorise != nil {
		e.must(e.s.AuthoriseUser(e.ctx, m.svc.ID, m.user.ID, f.authorise.IPRestriction, f.authorise.ValidUntil))
	}
	if len(f.caps) > 0 {
		r, err := e.s.CreateRole(e.ctx, services.Role{Shortname: "role-" + name, Capabilities: f.caps})
		e.must(err)
		e.must(e.s.AssignRole(e.ctx, m.user.ID, r.ID))
	}
	if f.admin {
		r, err := e.s.EnsureAdminRole(e.ctx)
		e.must(err)
		e.must(e.s.AssignRole(e.ctx, m.user.ID, r.ID))
	}
	f.spec.UserID, f.spec.ServiceID = m.user.ID, m.svc.ID
	m.value, m.token, err = e.s.CreateToken(e.ctx, f.spec)
	e.must(err)
	m.req = f.req
	m.req.Token = m.value
	return m
}

// wantErr checks err against a Moodle errorcode ("" for success), and the
// message and debuginfo when they are not empty.
func wantErr(t testing.TB, err error, code, message, debug string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("err = %v, want success", err)
		}
		return
	}
	var we *wsgate.Error
	if !errors.As(err, &we) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if we.Code != code {
		t.Fatalf("errorcode = %s (%v), want %s", we.Code, err, code)
	}
	if message != "" && we.Message != message {
		t.Errorf("message = %q, want %q", we.Message, message)
	}
	if debug != "" && we.DebugInfo != debug {
		t.Errorf("debuginfo = %q, want %q", we.DebugInfo, debug)
	}
}
