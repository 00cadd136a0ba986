package services_test

import (
	"errors"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

const (
	debugExpired = "Invalid token - token expired - check validuntil time for the token"
	suspendedMsg = "Refused web service access for suspended username: %s"
)

// Modifiers of a fix.
func withUser(f func(*services.User)) func(*fix)       { return func(x *fix) { f(&x.user) } }
func withService(f func(*services.Service)) func(*fix) { return func(x *fix) { f(&x.svc) } }
func withToken(f func(*services.TokenSpec)) func(*fix) { return func(x *fix) { f(&x.spec) } }
func withRequest(f func(*services.AuthRequest)) func(*fix) {
	return func(x *fix) { f(&x.req) }
}
func withCaps(caps ...string) func(*fix) { return func(x *fix) { x.caps = caps } }
func asAdmin() func(*fix)                { return func(x *fix) { x.admin = true } }
func authorised(ip string, validUntil int64) func(*fix) {
	return func(x *fix) { x.authorise = &services.ServiceUser{IPRestriction: ip, ValidUntil: validUntil} }
}

var (
	suspended  = withUser(func(u *services.User) { u.Suspended = true })
	nologin    = withUser(func(u *services.User) { u.Auth = services.AuthNoLogin })
	disabled   = withService(func(s *services.Service) { s.Enabled = false })
	restricted = withService(func(s *services.Service) { s.RestrictedUsers = true })
	noFuncs    = func(x *fix) { x.functions = nil }
)

func call(fn string) func(*fix) {
	return withRequest(func(r *services.AuthRequest) { r.Function = fn })
}
func from(ip string) func(*fix) {
	return withRequest(func(r *services.AuthRequest) { r.RemoteIP = ip })
}
func requires(c string) func(*fix) {
	return withService(func(s *services.Service) { s.RequiredCapability = c })
}
func tokenIP(ip string) func(*fix) {
	return withToken(func(s *services.TokenSpec) { s.IPRestriction = ip })
}
func tokenUntil(t int64) func(*fix) {
	return withToken(func(s *services.TokenSpec) { s.ValidUntil = t })
}

// TestAuthorizeRules checks every access rule with its Moodle errorcode, and
// the order of the checks through cases that break two rules at once.
func TestAuthorizeRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		now := e.clock.Unix()
		past, future := now-1, now+3600
		deleted := func(e *env, m made) {
			e.exec(`UPDATE users SET deleted = TRUE WHERE id = $1`, m.user.ID)
			e.a.Invalidate()
		}
		tests := []struct {
			name    string
			mods    []func(*fix)
			after   func(*env, made)                                // raw changes after make
			req     func(services.AuthRequest) services.AuthRequest // last change to the request
			code    string
			message string // %s: the username
			debug   string // %s: the function; a prefix when it ends with "..."
		}{
			{name: "valid"},
			{name: "unknown token", req: func(r services.AuthRequest) services.AuthRequest { r.Token = strings.Repeat("0", 32); return r },
				code: "invalidtoken", message: "Invalid token - token not found"},
			{name: "empty token", req: func(r services.AuthRequest) services.AuthRequest { r.Token = ""; return r },
				code: "invalidtoken", message: "Invalid token - token not found"},
			{name: "token upper case", req: func(r services.AuthRequest) services.AuthRequest { r.Token = strings.ToUpper(r.Token); return r },
				code: "invalidtoken"},
			{name: "expired token", mods: fixes(tokenUntil(past)),
				code: "accessexception", message: "Access control exception", debug: debugExpired},
			{name: "token valid until now", mods: fixes(tokenUntil(now))},
			{name: "token valid until later", mods: fixes(tokenUntil(future))},
			{name: "expired token of a suspended user", mods: fixes(tokenUntil(past), suspended),
				code: "accessexception", debug: debugExpired},
			{name: "expired token, IP refused", mods: fixes(tokenUntil(past), tokenIP("10.0.0.1")),
				code: "accessexception", debug: debugExpired},
			{name: "token IP refused", mods: fixes(tokenIP("10.0.0.0/8"), from("192.0.2.99")),
				code: "accessexception", debug: "Invalid service - IP:192.0.2.99 is not supported - check this allowed user"},
			{name: "token IP allowed", mods: fixes(tokenIP("10.0.0.0/8, 192.0.2.90-99"), from("192.0.2.99"))},
			{name: "token IP refused, user suspended", mods: fixes(tokenIP("10.0.0.1"), suspended),
				code: "accessexception", debug: "Invalid service - IP:192.0.2.10 is not supported - check this allowed user"},
			{name: "deleted user", after: deleted,
				code: "wsaccessuserdeleted", message: "Refused web service access for deleted username: %s"},
			{name: "suspended user", mods: fixes(suspended), code: "wsaccessusersuspended", message: suspendedMsg},
			{name: "nologin user", mods: fixes(nologin),
				code: "wsaccessusernologin", message: "Refused web service access for nologin authentication username: %s"},
			{name: "deleted and suspended user", mods: fixes(suspended), after: deleted, code: "wsaccessuserdeleted"},
			{name: "suspended nologin user", mods: fixes(suspended, nologin), code: "wsaccessusersuspended"},
			{name: "suspended user, unknown function", mods: fixes(suspended, call("nope")), code: "wsaccessusersuspended"},
			{name: "unknown function", mods: fixes(call("core_nope")),
				code: "invalidrecord", message: "Can't find data record in database table external_functions."},
			{name: "missing function name", mods: fixes(call("")), code: "invalidparameter", debug: "Missing function name"},
			{name: "unknown function, service disabled", mods: fixes(call("core_nope"), disabled), code: "invalidrecord"},
			{name: "function not in the service", mods: fixes(call("core_outside")),
				code: "accessexception", debug: "Access to the function core_outside() is not allowed. Possible causes: 1. ..."},
			{name: "service without functions", mods: fixes(noFuncs), code: "accessexception",
				debug: "Access to the function core_a() is not allowed. Possible causes: ..."},
			{name: "service disabled", mods: fixes(disabled),
				code: "accessexception", debug: "Access to the function core_a() is not allowed. Possible causes: ..."},
			{name: "restricted, not authorised", mods: fixes(restricted), code: "accessexception",
				debug: "Access to the function core_a() is not allowed: the service \"Service restricted, not authorised\" is restricted..."},
			{name: "restricted, authorised", mods: fixes(restricted, authorised("", 0))},
			{name: "restricted, authorised until later", mods: fixes(restricted, authorised("", future))},
			{name: "restricted, authorised until now", mods: fixes(restricted, authorised("", now))},
			{name: "restricted, authorisation expired", mods: fixes(restricted, authorised("", past)), code: "accessexception",
				debug: "Access to the function core_a() is not allowed: the authorisation of user ..."},
			{name: "restricted, IP refused", mods: fixes(restricted, authorised("10.0.0.0/8", 0)), code: "accessexception",
				debug: "Access to the function core_a() is not allowed: the authorisation of user ..."},
			{name: "restricted, IP allowed", mods: fixes(restricted, authorised("192.0.2", 0))},
			{name: "authorisation ignored by an open service", mods: fixes(authorised("10.0.0.1", past))},
			{name: "restricted, disabled", mods: fixes(restricted, disabled), code: "accessexception",
				debug: "Access to the function core_a() is not allowed. Possible causes: ..."},
			{name: "required capability missing", mods: fixes(requires("mod/svc:use")), code: "accessexception",
				debug: "Access to the function core_a() is not allowed: the service \"Service required capability missing\" requires the capability mod/svc:use"},
			{name: "required capability held", mods: fixes(requires("mod/svc:use"), withCaps("mod/svc:use"))},
			{name: "required capability, admin", mods: fixes(requires("mod/svc:use"), asAdmin())},
			{name: "restricted and capability missing", mods: fixes(restricted, requires("mod/svc:use")), code: "accessexception",
				debug: "Access to the function core_a() is not allowed: the service \"Service restricted and capability missing\" is restricted..."},
			{name: "function capability missing", mods: fixes(call("core_capped")),
				code: "nopermissions", message: "Sorry, but you do not currently have permissions to do that (mod/x:view)."},
			{name: "function capability held", mods: fixes(call("core_capped"), withCaps("mod/x:view"))},
			{name: "second function capability missing", mods: fixes(call("core_two"), withCaps("mod/x:view")),
				code: "nopermissions", message: "Sorry, but you do not currently have permissions to do that (mod/x:edit)."},
			{name: "function capabilities, admin", mods: fixes(call("core_two"), asAdmin())},
			{name: "service capability before function capability", mods: fixes(call("core_capped"), requires("mod/svc:use")),
				code: "accessexception"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := e.make(fmt.Sprintf("u%d", i), append(tt.mods, withService(func(s *services.Service) {
					s.Name = "Service " + tt.name
				}))...)
				if tt.after != nil {
					tt.after(e, m)
				}
				req := m.req
				if tt.req != nil {
					req = tt.req(req)
				}
				msg := tt.message
				if strings.Contains(msg, "%s") {
					msg = fmt.Sprintf(msg, m.user.Username)
				}
				debug, prefix := strings.CutSuffix(tt.debug, "...")
				c, err := e.a.Authorize(e.ctx, req)
				if prefix {
					wantErr(t, err, tt.code, msg, "")
					if got := wsgate.AsError(err).DebugInfo; !strings.HasPrefix(got, debug) {
						t.Errorf("debuginfo = %q, want it to start with %q", got, debug)
					}
				} else {
					wantErr(t, err, tt.code, msg, debug)
				}
				if tt.code == "" && (c == nil || c.UserID != m.user.ID || c.TokenID != m.token.ID) {
					t.Errorf("caller = %+v", c)
				}
				if err != nil && c != nil {
					t.Errorf("caller %+v returned with an error", c)
				}
			})
		}
	})
}

func fixes(f ...func(*fix)) []func(*fix) { return f }

func TestAuthorizeCaller(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("alice", withCaps("mod/x:view", "mod/y:view"), withService(func(s *services.Service) {
			s.Shortname = "alice_svc"
		}), from("2001:db8::7"), withRequest(func(r *services.AuthRequest) { r.Protocol = "xmlrpc" }))
		c, err := e.a.Authorize(e.ctx, m.req)
		e.must(err)
		want := wsgate.Caller{UserID: m.user.ID, Username: "alice", ServiceID: m.svc.ID, ServiceName: "Service alice",
			Shortname: "alice_svc", TokenID: m.token.ID, Protocol: "xmlrpc", RemoteIP: "2001:db8::7"}
		caps := c.Capabilities
		got := *c
		got.Capabilities = nil
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("caller = %+v, want %+v", got, want)
		}
		if !maps.Equal(caps, map[string]bool{"mod/x:view": true, "mod/y:view": true}) {
			t.Errorf("capabilities = %v", caps)
		}
		admin := e.make("root", asAdmin())
		c, err = e.a.Authorize(e.ctx, admin.req)
		e.must(err)
		if !c.IsSiteAdmin || !c.Can("anything/at:all") {
			t.Errorf("admin caller = %+v", c)
		}
	})
}

func TestAuthorizeOptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{IgnoreFunctionCapabilities: true, RequireProtocolCapability: true})
		m := e.make("p", call("core_capped"), withCaps("webservice/rest:use"))
		_, err := e.a.Authorize(e.ctx, m.req)
		wantErr(t, err, "", "", "")
		req := m.req
		req.Protocol = "soap"
		_, err = e.a.Authorize(e.ctx, req)
		wantErr(t, err, "accessexception", "", "You are not allowed to use the soap protocol (missing capability: webservice/soap:use)")
	})
}

func TestExpiredTokenIsDeleted(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("exp", tokenUntil(e.clock.After(time.Minute)))
		_, err := e.a.Authorize(e.ctx, m.req) // cached while valid
		e.must(err)
		e.clock.Add(2 * time.Minute)
		_, err = e.a.Authorize(e.ctx, m.req)
		wantErr(t, err, "accessexception", "Access control exception", debugExpired)
		if _, err := e.s.TokenByID(e.ctx, m.token.ID); !errors.Is(err, wsgate.ErrNotFound) {
			t.Fatalf("expired token still stored: %v", err)
		}
		_, err = e.a.Authorize(e.ctx, m.req)
		wantErr(t, err, "invalidtoken", "", "")
	})
}
