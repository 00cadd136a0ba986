package admin_test

import (
	"fmt"
	"net/http"
	"slices"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

func TestServiceFunctions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		custom := idOf(t, e.do(http.MethodPost, "/1.0/services", `{"name": "Custom"}`))
		e.events()
		path := "/1.0/services/" + custom + "/functions/"
		linked := func() []string {
			var id int64
			fmt.Sscan(custom, &id)
			names, err := e.store.ServiceFunctionNames(e.ctx, id)
			e.must(err)
			return names
		}
		ev := func(action string) event {
			return event{"service_function_" + action, "config.services.functions." + action,
				`{"service_id": ` + custom + `, "function": "local_test_echo"}`}
		}

		wantStatus(t, e.do(http.MethodPut, path+"local_test_echo", ""), http.StatusNoContent)
		e.wantEvents(ev("associated"))
		wantStatus(t, e.do(http.MethodPut, path+"local_test_echo", "{}"), http.StatusNoContent)
		e.wantEvents() // idempotent
		wantStatus(t, e.do(http.MethodPut, path+"local_other_ping", ""), http.StatusNoContent)
		e.events()
		if got := linked(); !slices.Equal(got, []string{"local_other_ping", "local_test_echo"}) {
			t.Errorf("functions = %v", got)
		}
		wantStatus(t, e.do(http.MethodDelete, path+"local_test_echo", ""), http.StatusNoContent)
		e.wantEvents(ev("dissociated"))
		wantStatus(t, e.do(http.MethodDelete, path+"local_test_echo", ""), http.StatusNoContent)
		e.wantEvents() // idempotent
		if got := linked(); !slices.Equal(got, []string{"local_other_ping"}) {
			t.Errorf("functions = %v", got)
		}

		test := fmt.Sprint(e.service("test").ID)
		tests := []struct {
			name, method, path, body string
			code                     int
			errorID                  string
			fields                   []string
		}{
			{"component service", "PUT", "/1.0/services/" + test + "/functions/local_test_list", "", 409, "not-permitted", []string{"component"}},
			{"component service, dissociate", "DELETE", "/1.0/services/" + test + "/functions/local_test_echo", "", 409, "not-permitted", []string{"component"}},
			{"deprecated function", "PUT", path + "local_test_old", "", 409, "not-permitted", []string{"name"}},
			{"unknown function", "PUT", path + "local_test_nope", "", 404, "not-found", []string{"name"}},
			{"unknown service", "PUT", "/1.0/services/999/functions/local_test_echo", "", 404, "not-found", []string{"id"}},
			{"a body", "PUT", path + "local_test_echo", `{"enabled": true}`, 400, "invalid-data", []string{"enabled"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, e.do(tt.method, tt.path, tt.body), tt.code, tt.errorID, tt.fields...)
				e.wantEvents()
			})
		}
		// Removing a function that is not installed and not linked is a no-op.
		wantStatus(t, e.do(http.MethodDelete, path+"local_test_nope", ""), http.StatusNoContent)
		e.wantEvents()
		// A deprecated function already in a service can still go.
		var id int64
		fmt.Sscan(custom, &id)
		e.must(e.store.AddServiceFunction(e.ctx, id, "local_test_old"))
		wantStatus(t, e.do(http.MethodDelete, path+"local_test_old", ""), http.StatusNoContent)
		e.wantEvents(event{"service_function_dissociated", "config.services.functions.dissociated",
			`{"service_id": ` + custom + `, "function": "local_test_old"}`})
	})
}

func TestServiceUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		alice := e.newUser("alice")
		svc := e.service("test")
		sid, uid := fmt.Sprint(svc.ID), fmt.Sprint(alice.ID)
		path := "/1.0/services/" + sid + "/users/" + uid
		stored := func() []services.ServiceUser {
			su, err := e.store.ServiceUsers(e.ctx, svc.ID)
			e.must(err)
			return su
		}
		ev := func(action string) event {
			return event{"service_user_" + action, "config.services.users." + action,
				`{"service_id": ` + sid + `, "user_id": ` + uid + `}`}
		}
		future := start.Unix() + 3600

		body := fmt.Sprintf(`{"iprestriction": "192.0.2.0/24", "validuntil": %d}`, future)
		wantStatus(t, e.do(http.MethodPut, path, body), http.StatusNoContent)
		e.wantEvents(ev("associated"))
		if su := stored(); len(su) != 1 || su[0].IPRestriction != "192.0.2.0/24" || su[0].ValidUntil != future {
			t.Errorf("authorised users = %+v", su)
		}
		wantStatus(t, e.do(http.MethodPut, path, body), http.StatusNoContent)
		e.wantEvents() // the same limits: nothing changes
		wantStatus(t, e.do(http.MethodPut, path, ""), http.StatusNoContent)
		e.wantEvents(ev("associated")) // new limits: none
		if su := stored(); len(su) != 1 || su[0].IPRestriction != "" || su[0].ValidUntil != 0 {
			t.Errorf("authorised users = %+v", su)
		}
		wantStatus(t, e.do(http.MethodDelete, path, ""), http.StatusNoContent)
		e.wantEvents(ev("dissociated"))
		wantStatus(t, e.do(http.MethodDelete, path, ""), http.StatusNoContent)
		e.wantEvents()
		if su := stored(); len(su) != 0 {
			t.Errorf("authorised users = %+v", su)
		}

		ghost := e.newUser("ghost")
		e.must(e.store.DeleteUser(e.ctx, ghost.ID))
		tests := []struct {
			name, method, path, body string
			code                     int
			errorID                  string
			fields                   []string
		}{
			{"iprestriction", "PUT", path, `{"iprestriction": "everywhere"}`, 400, "invalid-data", []string{"iprestriction"}},
			{"validuntil past", "PUT", path, fmt.Sprintf(`{"validuntil": %d}`, start.Unix()-1), 400, "invalid-data", []string{"validuntil"}},
			{"both", "PUT", path, `{"iprestriction": "x", "validuntil": -5}`, 400, "invalid-data", []string{"iprestriction", "validuntil"}},
			{"unknown field", "PUT", path, `{"enabled": true}`, 400, "invalid-data", []string{"enabled"}},
			{"unknown user", "PUT", "/1.0/services/" + sid + "/users/999", "", 404, "not-found", []string{"user_id"}},
			{"deleted user", "PUT", "/1.0/services/" + sid + "/users/" + fmt.Sprint(ghost.ID), "", 404, "not-found", []string{"user_id"}},
			{"unknown service", "DELETE", "/1.0/services/999/users/" + uid, "", 404, "not-found", []string{"id"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, e.do(tt.method, tt.path, tt.body), tt.code, tt.errorID, tt.fields...)
				e.wantEvents()
			})
		}
	})
}

func TestUserRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		alice := e.newUser("alice")
		role := idOf(t, e.do(http.MethodPost, "/1.0/roles", `{"shortname": "viewer", "capabilities": ["local_test/thing:view"]}`))
		e.events()
		uid := fmt.Sprint(alice.ID)
		path := "/1.0/users/" + uid + "/roles/" + role
		roles := func() int {
			r, err := e.store.UserRoles(e.ctx, alice.ID)
			e.must(err)
			return len(r)
		}
		ev := func(action string) event {
			return event{"user_role_" + action, "config.users.roles." + action, `{"user_id": ` + uid + `, "role_id": ` + role + `}`}
		}

		wantStatus(t, e.do(http.MethodPut, path, ""), http.StatusNoContent)
		e.wantEvents(ev("associated"))
		wantStatus(t, e.do(http.MethodPut, path, ""), http.StatusNoContent)
		e.wantEvents()
		if n := roles(); n != 1 {
			t.Errorf("roles = %d", n)
		}
		wantStatus(t, e.do(http.MethodDelete, path, ""), http.StatusNoContent)
		e.wantEvents(ev("dissociated"))
		wantStatus(t, e.do(http.MethodDelete, path, ""), http.StatusNoContent)
		e.wantEvents()
		if n := roles(); n != 0 {
			t.Errorf("roles = %d", n)
		}

		for _, tt := range []struct {
			name, method, path string
			fields             []string
		}{
			{"unknown role", "PUT", "/1.0/users/" + uid + "/roles/999", []string{"role_id"}},
			{"malformed role id", "PUT", "/1.0/users/" + uid + "/roles/x", []string{"role_id"}},
			{"unknown user", "DELETE", "/1.0/users/999/roles/" + role, []string{"id"}},
		} {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, e.do(tt.method, tt.path, ""), http.StatusNotFound, "not-found", tt.fields...)
				e.wantEvents()
			})
		}
	})
}
