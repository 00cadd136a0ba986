package admin_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestAuthentication checks who may use the admin API: 401 for a missing,
// unknown, expired or refused token, 403 for a usable token of another
// service or of a user without wsgate/site:config.
func TestAuthentication(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		manager := e.newUser("manager", "wsgate/site:config")
		plain := e.newUser("plain", "local_test/thing:view")
		suspended := e.newUser("sleepy", "wsgate/site:config")
		_, err := e.store.UpdateUser(e.ctx, services.User{ID: suspended.ID, Username: "sleepy", Suspended: true})
		e.must(err)
		restricted := e.newUser("fenced", "wsgate/site:config")

		header := func(k, v string) http.Header { return http.Header{k: {v}} }
		token := func(v string) http.Header { return header("X-Auth-Token", v) }
		tests := []struct {
			name   string
			header http.Header
			code   int
			reason string
		}{
			{"admin, X-Auth-Token", token(e.token), http.StatusOK, ""},
			{"admin, Bearer", header("Authorization", "Bearer "+e.token), http.StatusOK, ""},
			{"admin, bearer in lower case", header("Authorization", "bearer "+e.token), http.StatusOK, ""},
			{"holder of wsgate/site:config", token(e.newToken(manager.ID, "wsgate_admin", services.TokenSpec{})), http.StatusOK, ""},
			{"no token", nil, http.StatusUnauthorized, "missing_token"},
			{"other scheme", header("Authorization", "Basic "+e.token), http.StatusUnauthorized, "missing_token"},
			{"unknown token", token(strings.Repeat("0", 32)), http.StatusUnauthorized, "not_found_or_expired"},
			{"expired token", token(e.newToken(e.root.ID, "wsgate_admin", services.TokenSpec{ValidUntil: start.Unix() - 1})),
				http.StatusUnauthorized, "not_found_or_expired"},
			{"token for other addresses", token(e.newToken(e.root.ID, "wsgate_admin", services.TokenSpec{IPRestriction: "10.0.0.0/8"})),
				http.StatusUnauthorized, "not_found_or_expired"},
			{"suspended user", token(e.newToken(suspended.ID, "wsgate_admin", services.TokenSpec{})),
				http.StatusUnauthorized, "not_found_or_expired"},
			{"token of another service", token(e.newToken(e.root.ID, "test", services.TokenSpec{})),
				http.StatusForbidden, "missing_permission"},
			{"user without wsgate/site:config", token(e.newToken(plain.ID, "wsgate_admin", services.TokenSpec{})),
				http.StatusForbidden, "missing_permission"},
			{"user without any role", token(e.newToken(restricted.ID, "test", services.TokenSpec{})),
				http.StatusForbidden, "missing_permission"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for _, path := range []string{"/1.0/services", "/1.0/functions/local_test_echo", "/1.0/users/" + strconv.FormatInt(e.root.ID, 10)} {
					r := e.send(http.MethodGet, path, "", tt.header)
					if tt.code == http.StatusOK {
						wantStatus(t, r, http.StatusOK)
						continue
					}
					id := map[int]string{http.StatusUnauthorized: "unauthorized", http.StatusForbidden: "forbidden"}[tt.code]
					wantError(t, r, tt.code, id, "reason")
					if got := r.object(t)["details"].(map[string]any)["reason"]; got != tt.reason {
						t.Errorf("%s: reason = %v, want %s", path, got, tt.reason)
					}
					if want := strings.Split(path, "/")[2]; r.object(t)["resource"] != want {
						t.Errorf("%s: resource = %v, want %s", path, r.object(t)["resource"], want)
					}
					if tt.code == http.StatusUnauthorized && r.header.Get("WWW-Authenticate") == "" {
						t.Errorf("%s: 401 without WWW-Authenticate", path)
					}
				}
			})
		}
		// Not even a change goes through.
		r := e.send(http.MethodPost, "/1.0/services", `{"name": "x"}`, token(e.newToken(plain.ID, "wsgate_admin", services.TokenSpec{})))
		wantError(t, r, http.StatusForbidden, "forbidden")
		e.wantEvents()

		// The document needs no token.
		wantStatus(t, e.send(http.MethodGet, "/1.0/api/api.yml", "", nil), http.StatusOK)

		// A disabled wsgate_admin service (through the store: the API refuses
		// to) lets nobody in.
		e.must(e.store.SetServiceEnabled(e.ctx, e.service("wsgate_admin").ID, false))
		wantError(t, e.do(http.MethodGet, "/1.0/services", ""), http.StatusForbidden, "forbidden", "reason")
	})
}

// TestAuthenticationFromCache checks that in steady state a request's
// authentication makes no query (a catalog read makes none either).
func TestAuthenticationFromCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		wantStatus(t, e.do(http.MethodGet, "/1.0/functions", ""), http.StatusOK)
		before := e.queries.Load()
		for range 50 {
			wantStatus(t, e.do(http.MethodGet, "/1.0/functions/local_test_echo", ""), http.StatusOK)
		}
		if n := e.queries.Load() - before; n != 0 {
			t.Errorf("50 requests after warm-up ran %d queries, want 0", n)
		}
	})
}
