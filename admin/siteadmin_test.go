package admin_test

import (
	"fmt"
	"net/http"
	"testing"

	"wsgate/admin"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestSiteAdminAccounts is finding 1 of issue 12 on the admin API: a token
// whose user holds wsgate/site:config without being a site administrator
// changes no site administrator's account, does not make itself one and
// gets no token for one; a site administrator deletes none (Moodle's rule)
// and leaves one usable. Every refusal is a 403 that changes nothing.
func TestSiteAdminAccounts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		manager := e.newUser("manager", admin.AdminCapability)
		managerToken := e.newToken(manager.ID, "wsgate_admin", services.TokenSpec{})
		adminRole, err := e.store.RoleByShortname(e.ctx, services.AdminRole)
		e.must(err)
		root := fmt.Sprint(e.root.ID)
		roleOfRoot := "/1.0/users/" + root + "/roles/" + fmt.Sprint(adminRole.ID)
		asManager := http.Header{"X-Auth-Token": {managerToken}}
		before, err := e.store.UserByID(e.ctx, e.root.ID)
		e.must(err)
		tests := []struct {
			name, method, path, body string
			header                   http.Header // nil: root's token
		}{
			{"manager sets root's password", "PUT", "/1.0/users/" + root, `{"username": "root", "password": "taken-over"}`, asManager},
			{"manager renames root", "PUT", "/1.0/users/" + root, `{"username": "owned"}`, asManager},
			{"manager suspends root", "PUT", "/1.0/users/" + root, `{"username": "root", "suspended": true}`, asManager},
			{"manager deletes root", "DELETE", "/1.0/users/" + root, "", asManager},
			{"manager takes root's admin role", "DELETE", roleOfRoot, "", asManager},
			{"manager makes itself a site admin", "PUT", fmt.Sprintf("/1.0/users/%d/roles/%d", manager.ID, adminRole.ID), "", asManager},
			{"manager makes a token for root", "POST", "/1.0/tokens", fmt.Sprintf(`{"user_id": %s, "service_id": %d}`, root, e.service("wsgate_admin").ID), asManager},
			{"root suspends itself, the last site admin", "PUT", "/1.0/users/" + root, `{"username": "root", "suspended": true}`, nil},
			{"root bars itself from logging in", "PUT", "/1.0/users/" + root, `{"username": "root", "auth": "nologin"}`, nil},
			{"root takes its own admin role", "DELETE", roleOfRoot, "", nil},
			{"root deletes itself", "DELETE", "/1.0/users/" + root, "", nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				h := tt.header
				if h == nil {
					h = http.Header{"X-Auth-Token": {e.token}}
				}
				wantError(t, e.send(tt.method, tt.path, tt.body, h), http.StatusForbidden, "forbidden")
				e.wantEvents()
				if got, err := e.store.UserByID(e.ctx, e.root.ID); err != nil || got != before {
					t.Errorf("root = %+v, %v; want unchanged", got, err)
				}
				if _, err := e.store.CheckPassword(e.ctx, "root", "root-password"); err != nil {
					t.Errorf("root's password changed: %v", err)
				}
				for _, u := range []services.User{e.root, manager} {
					is, err := e.store.IsSiteAdmin(e.ctx, u.ID)
					if err != nil || is != (u.ID == e.root.ID) {
						t.Errorf("%s site admin = %v, %v", u.Username, is, err)
					}
				}
				if toks, err := e.store.TokensForUser(e.ctx, e.root.ID); err != nil || len(toks) != 1 {
					t.Errorf("root's tokens = %v, %v; want its own one", toks, err)
				}
			})
		}

		// The manager still manages accounts that are not a site administrator's.
		alice := e.newUser("alice")
		wantStatus(t, e.send("PUT", fmt.Sprintf("/1.0/users/%d", alice.ID), `{"username": "alice", "suspended": true}`, asManager),
			http.StatusNoContent)

		// With a second site administrator, root may take the role from either, then delete it.
		second := e.newUser("second")
		secondRole := fmt.Sprintf("/1.0/users/%d/roles/%d", second.ID, adminRole.ID)
		wantStatus(t, e.do("PUT", secondRole, ""), http.StatusNoContent)
		wantError(t, e.do("DELETE", fmt.Sprintf("/1.0/users/%d", second.ID), ""), http.StatusForbidden, "forbidden")
		wantStatus(t, e.do("DELETE", secondRole, ""), http.StatusNoContent)
		wantStatus(t, e.do("DELETE", fmt.Sprintf("/1.0/users/%d", second.ID), ""), http.StatusNoContent)
	})
}
