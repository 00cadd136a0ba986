package services_test

import (
	"fmt"
	"strings"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestAuthorizeService checks every rule of AuthorizeService with its
// errorcode and kind: refused credentials are Unauthenticated, a refused
// service is Forbidden.
func TestAuthorizeService(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{RequireProtocolCapability: true})
		now := e.clock.Unix()
		past, future := now-1, now+3600
		deleted := func(e *env, m made) {
			e.exec(`UPDATE users SET deleted = TRUE WHERE id = $1`, m.user.ID)
			e.a.Invalidate()
		}
		const unauth, forbidden = wsgate.Unauthenticated, wsgate.Forbidden
		tests := []struct {
			name  string
			mods  []func(*fix)
			after func(*env, made)
			token string // replaces the token when not empty
			code  string
			kind  wsgate.Kind
		}{
			{name: "valid"},
			{name: "unknown token", token: strings.Repeat("0", 32), code: "invalidtoken", kind: unauth},
			{name: "expired token", mods: fixes(tokenUntil(past)), code: "accessexception", kind: unauth},
			{name: "token valid until later", mods: fixes(tokenUntil(future))},
			{name: "token IP refused", mods: fixes(tokenIP("10.0.0.0/8")), code: "accessexception", kind: unauth},
			{name: "token IP allowed", mods: fixes(tokenIP("192.0.2.0/24"))},
			{name: "deleted user", after: deleted, code: "wsaccessuserdeleted", kind: unauth},
			{name: "suspended user", mods: fixes(suspended), code: "wsaccessusersuspended", kind: unauth},
			{name: "nologin user", mods: fixes(nologin), code: "wsaccessusernologin", kind: unauth},
			{name: "service disabled", mods: fixes(disabled), code: "servicenotavailable", kind: forbidden},
			{name: "suspended user, service disabled", mods: fixes(suspended, disabled), code: "wsaccessusersuspended", kind: unauth},
			{name: "service without functions", mods: fixes(noFuncs)},
			{name: "function capabilities do not matter", mods: fixes(call("core_capped"))},
			{name: "restricted, not authorised", mods: fixes(restricted), code: "accessexception", kind: forbidden},
			{name: "restricted, authorised", mods: fixes(restricted, authorised("", future))},
			{name: "restricted, authorisation expired", mods: fixes(restricted, authorised("", past)),
				code: "accessexception", kind: forbidden},
			{name: "restricted, IP refused", mods: fixes(restricted, authorised("10.0.0.0/8", 0)),
				code: "accessexception", kind: forbidden},
			{name: "required capability missing", mods: fixes(requires("mod/svc:use")), code: "accessexception", kind: forbidden},
			{name: "required capability held", mods: fixes(requires("mod/svc:use"), withCaps("mod/svc:use"))},
			{name: "required capability, admin", mods: fixes(requires("mod/svc:use"), asAdmin())},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := e.make(fmt.Sprintf("s%d", i), append(tt.mods, withService(func(s *services.Service) {
					s.Name = "Service " + tt.name
				}))...)
				if tt.after != nil {
					tt.after(e, m)
				}
				req := m.req
				req.Protocol = "admin"
				if tt.token != "" {
					req.Token = tt.token
				}
				c, err := e.a.AuthorizeService(e.ctx, req)
				wantErr(t, err, tt.code, "", "")
				if tt.code != "" {
					if k := wsgate.KindOf(err); k != tt.kind {
						t.Errorf("kind = %v, want %v", k, tt.kind)
					}
					if c != nil {
						t.Errorf("caller %+v returned with an error", c)
					}
					return
				}
				if c == nil || c.UserID != m.user.ID || c.TokenID != m.token.ID || c.ServiceID != m.svc.ID ||
					c.Shortname != m.svc.Shortname || c.Protocol != "admin" || c.RemoteIP != req.RemoteIP {
					t.Errorf("caller = %+v", c)
				}
			})
		}
	})
}

func TestAuthorizeServiceSteadyState(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("steady", asAdmin())
		if _, err := e.a.AuthorizeService(e.ctx, m.req); err != nil {
			t.Fatal(err)
		}
		before := e.queries.Load()
		for range 100 {
			c, err := e.a.AuthorizeService(e.ctx, m.req)
			if err != nil || !c.IsSiteAdmin {
				t.Fatalf("AuthorizeService = %+v, %v", c, err)
			}
		}
		if n := e.queries.Load() - before; n != 0 {
			t.Errorf("100 checks after warm-up ran %d queries, want 0", n)
		}
		// A change through the store is seen at once.
		e.must(e.s.SetServiceEnabled(e.ctx, m.svc.ID, false))
		_, err := e.a.AuthorizeService(e.ctx, m.req)
		wantErr(t, err, "servicenotavailable", "", "")
	})
}
