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

// TestAuthorizeToken: the token-only check refuses exactly what Authorize
// refuses before it looks at the function, with the same error, and passes
// every token Authorize refuses later (or accepts), so a server that checks
// the token first answers as before.
func TestAuthorizeToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{RequireProtocolCapability: true})
		now := e.clock.Unix()
		deleted := func(e *env, m made) {
			e.exec(`UPDATE users SET deleted = TRUE WHERE id = $1`, m.user.ID)
			e.a.Invalidate()
		}
		unknown := func(r *services.AuthRequest) { r.Token = strings.Repeat("0", 32) }
		empty := func(r *services.AuthRequest) { r.Token = "" }
		canREST := withCaps("webservice/rest:use", "mod/x:view")
		tests := []struct {
			name  string
			mods  []func(*fix)
			after func(*env, made)
			req   func(*services.AuthRequest)
			token string // AuthorizeToken's errorcode; "" passes
			full  string // Authorize's errorcode
		}{
			{name: "valid", mods: fixes(canREST)},
			{name: "unknown token", mods: fixes(canREST), req: unknown, token: "invalidtoken", full: "invalidtoken"},
			{name: "empty token", mods: fixes(canREST), req: empty, token: "invalidtoken", full: "invalidtoken"},
			{name: "expired token", mods: fixes(canREST, tokenUntil(now-1)), token: "accessexception", full: "accessexception"},
			{name: "token IP refused", mods: fixes(canREST, tokenIP("10.0.0.0/8")), token: "accessexception", full: "accessexception"},
			{name: "deleted user", mods: fixes(canREST), after: deleted, token: "wsaccessuserdeleted", full: "wsaccessuserdeleted"},
			{name: "suspended user", mods: fixes(canREST, suspended), token: "wsaccessusersuspended", full: "wsaccessusersuspended"},
			{name: "nologin user", mods: fixes(canREST, nologin), token: "wsaccessusernologin", full: "wsaccessusernologin"},
			{name: "protocol capability missing", token: "accessexception", full: "accessexception"},
			{name: "unknown function", mods: fixes(canREST, call("core_nope")), full: "invalidrecord"},
			{name: "missing function name", mods: fixes(canREST, call("")), full: "invalidparameter"},
			{name: "function not in the service", mods: fixes(canREST, call("core_outside")), full: "accessexception"},
			{name: "service disabled", mods: fixes(canREST, disabled), full: "accessexception"},
			{name: "restricted, not authorised", mods: fixes(canREST, restricted), full: "accessexception"},
			{name: "function capability missing", mods: fixes(canREST, call("core_two")), full: "nopermissions"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// Two identical worlds: the checks may delete the token.
				var errs [2]error
				for j := range errs {
					m := e.make(fmt.Sprintf("t%d-%d", i, j), tt.mods...)
					if tt.after != nil {
						tt.after(e, m)
					}
					req := m.req
					if tt.req != nil {
						tt.req(&req)
					}
					if j == 0 {
						_, errs[j] = e.a.Authorize(e.ctx, req)
					} else {
						errs[j] = e.a.AuthorizeToken(e.ctx, req)
					}
				}
				wantErr(t, errs[0], tt.full, "", "")
				wantErr(t, errs[1], tt.token, "", "")
				if tt.token != "" {
					full, tok := wsgate.AsError(errs[0]), wsgate.AsError(errs[1])
					if full.Kind != tok.Kind || full.DebugInfo != tok.DebugInfo {
						t.Errorf("AuthorizeToken = %+v, Authorize = %+v", tok, full)
					}
				}
			})
		}
	})
}

// TestAuthorizeTokenSteadyState: once warm, the check makes no query, for a
// valid token and for an unknown one.
func TestAuthorizeTokenSteadyState(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("steady")
		bad := m.req
		bad.Token = strings.Repeat("f", 32)
		e.must(e.a.AuthorizeToken(e.ctx, m.req))
		wantErr(t, e.a.AuthorizeToken(e.ctx, bad), "invalidtoken", "", "")
		before := e.queries.Load()
		for range 100 {
			e.must(e.a.AuthorizeToken(e.ctx, m.req))
			wantErr(t, e.a.AuthorizeToken(e.ctx, bad), "invalidtoken", "", "")
		}
		if n := e.queries.Load() - before; n != 0 {
			t.Errorf("200 checks after warm-up ran %d queries, want 0", n)
		}
	})
}
