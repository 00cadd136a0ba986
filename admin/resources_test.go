package admin_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// names returns the value of key in each item.
func names(items []map[string]any, key string) []string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprint(it[key]))
	}
	return out
}

func TestFunctions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		r := e.do(http.MethodGet, "/1.0/functions", "")
		wantStatus(t, r, http.StatusOK)
		items := r.items(t)
		if got := names(items, "name"); !slices.Equal(got, []string{"local_other_ping", "local_test_echo", "local_test_list", "local_test_old"}) {
			t.Errorf("functions = %v", got)
		}
		if _, ok := items[0]["parameters"]; ok {
			t.Errorf("a list item carries the parameters: %v", items[0])
		}
		for _, tt := range []struct{ query, want string }{
			{"component=local_other", "local_other_ping"},
			{"component=local_test&name=local_test_list", "local_test_list"},
			{"search=ECHO", "local_test_echo"},
			{"search=things", "local_test_list"},
			{"deprecated=true", "local_test_old"},
			{"type=write", "local_test_old"},
			{"search=local_test&order=name&direction=desc&limit=2", "local_test_old,local_test_list"},
		} {
			r := e.do(http.MethodGet, "/1.0/functions?"+tt.query, "")
			wantStatus(t, r, http.StatusOK)
			if got := strings.Join(names(r.items(t), "name"), ","); got != tt.want {
				t.Errorf("?%s = %s, want %s", tt.query, got, tt.want)
			}
		}

		r = e.do(http.MethodGet, "/1.0/functions/local_test_echo", "")
		wantStatus(t, r, http.StatusOK)
		want := `{"name": "local_test_echo", "component": "local_test", "classname": "local_test", "methodname": "echo",
			"description": "Echo a number", "type": "read", "capabilities": [], "services": [], "deprecated": false,
			"parameters": {"type": "single", "required": true, "allownull": false,
				"keys": [{"name": "n", "type": "INT", "required": true, "allownull": true}]},
			"returns": {"type": "single", "required": true, "allownull": false,
				"keys": [{"name": "n", "type": "INT", "required": true, "allownull": true}]}}`
		if !sameJSON(string(r.body), want) {
			t.Errorf("function = %s\nwant %s", r.body, want)
		}
		r = e.do(http.MethodGet, "/1.0/functions/local_test_list", "")
		if got := r.object(t); fmt.Sprint(got["capabilities"]) != "[local_test/thing:view]" || got["returns"] != nil {
			t.Errorf("function = %s", r.body)
		}
		wantError(t, e.do(http.MethodGet, "/1.0/functions/local_nope", ""), http.StatusNotFound, "not-found", "id")
		wantError(t, e.do(http.MethodGet, "/1.0/functions?deprecated=maybe", ""), http.StatusBadRequest, "invalid-data", "deprecated")
		// Read only: no change is routed.
		for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			path := "/1.0/functions"
			if m != http.MethodPost {
				path += "/local_test_echo"
			}
			if r := e.do(m, path, `{}`); r.code != http.StatusMethodNotAllowed {
				t.Errorf("%s %s = %d, want 405", m, path, r.code)
			}
		}
		e.wantEvents()
	})
}

func TestUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		r := e.do(http.MethodPost, "/1.0/users", `{"username": " Alice ", "firstname": "Alice", "lastname": "Liddell",
			"email": "alice@example.com", "password": "secret-1"}`)
		wantStatus(t, r, http.StatusCreated)
		id := idOf(t, r)
		want := fmt.Sprintf(`{"id": %s, "username": "alice", "firstname": "Alice", "lastname": "Liddell",
			"email": "alice@example.com", "auth": "manual", "suspended": false, "timecreated": %d, "timemodified": %[2]d}`,
			id, start.Unix())
		if !sameJSON(string(r.body), want) || r.header.Get("Location") != "/1.0/users/"+id {
			t.Errorf("created %s (Location %s), want %s", r.body, r.header.Get("Location"), want)
		}
		e.wantEvents(event{"user_created", "config.users.created", `{"id": ` + id + `, "username": "alice"}`})
		if _, err := e.store.CheckPassword(e.ctx, "alice", "secret-1"); err != nil {
			t.Errorf("password: %v", err)
		}
		if r := e.do(http.MethodGet, "/1.0/users/"+id, ""); !sameJSON(string(r.body), want) {
			t.Errorf("got %s", r.body)
		}

		wantStatus(t, e.do(http.MethodPut, "/1.0/users/"+id, `{"password": "secret-2", "lastname": "L."}`), http.StatusNoContent)
		e.wantEvents(event{"user_edited", "config.users.edited", `{"id": ` + id + `, "username": "alice"}`})
		if _, err := e.store.CheckPassword(e.ctx, "alice", "secret-2"); err != nil {
			t.Errorf("new password: %v", err)
		}
		wantStatus(t, e.do(http.MethodPut, "/1.0/users/"+id, `{"suspended": true, "auth": "nologin"}`), http.StatusNoContent)
		e.wantEvents(event{"user_edited", "config.users.edited", `{"id": ` + id + `, "username": "alice"}`})
		got := e.do(http.MethodGet, "/1.0/users/"+id, "").object(t)
		if got["suspended"] != true || got["auth"] != "nologin" || got["lastname"] != "L." || got["firstname"] != "Alice" {
			t.Errorf("after edits: %v", got)
		}
		wantStatus(t, e.do(http.MethodPut, "/1.0/users/"+id, `{"suspended": true}`), http.StatusNoContent)
		e.wantEvents()

		tests := []struct {
			name, method, path, body string
			code                     int
			errorID                  string
			fields                   []string
		}{
			{"username required", "POST", "/1.0/users", `{"firstname": "x"}`, 400, "invalid-data", []string{"username"}},
			{"username characters", "POST", "/1.0/users", `{"username": "a b"}`, 400, "invalid-data", []string{"username"}},
			{"username too long", "POST", "/1.0/users", `{"username": "` + strings.Repeat("u", 101) + `"}`, 400, "invalid-data", []string{"username"}},
			{"firstname too long", "POST", "/1.0/users", `{"username": "x", "firstname": "` + strings.Repeat("f", 101) + `"}`, 400, "invalid-data", []string{"firstname"}},
			{"lastname too long", "POST", "/1.0/users", `{"username": "x", "lastname": "` + strings.Repeat("l", 101) + `"}`, 400, "invalid-data", []string{"lastname"}},
			{"email", "POST", "/1.0/users", `{"username": "x", "email": "not an address"}`, 400, "invalid-data", []string{"email"}},
			{"email with a name", "POST", "/1.0/users", `{"username": "x", "email": "X <x@example.com>"}`, 400, "invalid-data", []string{"email"}},
			{"auth", "POST", "/1.0/users", `{"username": "x", "auth": "ldap"}`, 400, "invalid-data", []string{"auth"}},
			{"password too long", "POST", "/1.0/users", `{"username": "x", "password": "` + strings.Repeat("p", 73) + `"}`, 400, "invalid-data", []string{"password"}},
			{"fields merged", "POST", "/1.0/users", `{"username": "", "email": "x", "auth": "ldap"}`, 400, "invalid-data", []string{"username", "email", "auth"}},
			{"username taken", "POST", "/1.0/users", `{"username": "ROOT"}`, 409, "resource-exists", []string{"username"}},
			{"edit: username taken", "PUT", "/1.0/users/" + id, `{"username": "root"}`, 409, "resource-exists", []string{"username"}},
			{"edit: deleted is not a field", "PUT", "/1.0/users/" + id, `{"deleted": true}`, 400, "invalid-data", []string{"deleted"}},
			{"unknown user", "PUT", "/1.0/users/999", `{}`, 404, "not-found", []string{"id"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, e.do(tt.method, tt.path, tt.body), tt.code, tt.errorID, tt.fields...)
				e.wantEvents()
			})
		}

		// Passwords never leave.
		for _, path := range []string{"/1.0/users", "/1.0/users/" + id} {
			if body := string(e.do(http.MethodGet, path, "").body); strings.Contains(body, "password") || strings.Contains(body, "secret") {
				t.Errorf("%s shows a password: %s", path, body)
			}
		}

		wantStatus(t, e.do(http.MethodDelete, "/1.0/users/"+id, ""), http.StatusNoContent)
		e.wantEvents(event{"user_deleted", "config.users.deleted", `{"id": ` + id + `, "username": "alice"}`})
		wantError(t, e.do(http.MethodGet, "/1.0/users/"+id, ""), http.StatusNotFound, "not-found", "id")
		wantError(t, e.do(http.MethodDelete, "/1.0/users/"+id, ""), http.StatusNotFound, "not-found", "id")
		if got := names(e.do(http.MethodGet, "/1.0/users", "").items(t), "username"); !slices.Equal(got, []string{"root"}) {
			t.Errorf("users after delete = %v", got)
		}
		// Its username is free again.
		wantStatus(t, e.do(http.MethodPost, "/1.0/users", `{"username": "alice"}`), http.StatusCreated)
	})
}

func TestRoles(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		adminRole := e.do(http.MethodGet, "/1.0/roles?shortname=admin", "").items(t)[0]
		aid := fmt.Sprint(adminRole["id"])
		if fmt.Sprint(adminRole["capabilities"]) != "[]" {
			t.Errorf("admin role = %v", adminRole)
		}

		r := e.do(http.MethodPost, "/1.0/roles", `{"shortname": "manager", "name": "Manager",
			"capabilities": ["wsgate/site:config", " local_test/thing:view", "wsgate/site:config"]}`)
		wantStatus(t, r, http.StatusCreated)
		id := idOf(t, r)
		want := `{"id": ` + id + `, "shortname": "manager", "name": "Manager", "description": "",
			"capabilities": ["local_test/thing:view", "wsgate/site:config"]}`
		if !sameJSON(string(r.body), want) || r.header.Get("Location") != "/1.0/roles/"+id {
			t.Errorf("created %s, want %s", r.body, want)
		}
		e.wantEvents(event{"role_created", "config.roles.created", `{"id": ` + id + `, "shortname": "manager"}`})

		wantStatus(t, e.do(http.MethodPut, "/1.0/roles/"+id, `{"description": "Runs things", "capabilities": ["local_test/thing:view"]}`),
			http.StatusNoContent)
		e.wantEvents(event{"role_edited", "config.roles.edited", `{"id": ` + id + `, "shortname": "manager"}`})
		want = `{"id": ` + id + `, "shortname": "manager", "name": "Manager", "description": "Runs things",
			"capabilities": ["local_test/thing:view"]}`
		if r := e.do(http.MethodGet, "/1.0/roles/"+id, ""); !sameJSON(string(r.body), want) {
			t.Errorf("after edit %s, want %s", r.body, want)
		}
		wantStatus(t, e.do(http.MethodPut, "/1.0/roles/"+id, `{"capabilities": ["local_test/thing:view", "local_test/thing:view"]}`),
			http.StatusNoContent)
		e.wantEvents()

		tests := []struct {
			name, method, path, body string
			code                     int
			errorID                  string
			fields                   []string
		}{
			{"shortname required", "POST", "/1.0/roles", `{"name": "x"}`, 400, "invalid-data", []string{"shortname"}},
			{"shortname characters", "POST", "/1.0/roles", `{"shortname": "a/b"}`, 400, "invalid-data", []string{"shortname"}},
			{"shortname too long", "POST", "/1.0/roles", `{"shortname": "` + strings.Repeat("r", 101) + `"}`, 400, "invalid-data", []string{"shortname"}},
			{"name too long", "POST", "/1.0/roles", `{"shortname": "x", "name": "` + strings.Repeat("n", 256) + `"}`, 400, "invalid-data", []string{"name"}},
			{"empty capability", "POST", "/1.0/roles", `{"shortname": "x", "capabilities": [""]}`, 400, "invalid-data", []string{"capabilities"}},
			{"unknown capability", "POST", "/1.0/roles", `{"shortname": "x", "capabilities": ["local_test/nope"]}`, 400, "invalid-data", []string{"capabilities"}},
			{"capabilities not a list", "POST", "/1.0/roles", `{"shortname": "x", "capabilities": "wsgate/site:config"}`, 400, "invalid-data", []string{"capabilities"}},
			{"shortname taken", "POST", "/1.0/roles", `{"shortname": "admin"}`, 409, "resource-exists", []string{"shortname"}},
			{"edit: shortname taken", "PUT", "/1.0/roles/" + id, `{"shortname": "admin"}`, 409, "resource-exists", []string{"shortname"}},
			{"admin: shortname", "PUT", "/1.0/roles/" + aid, `{"shortname": "root"}`, 409, "not-permitted", []string{"shortname"}},
			{"admin: capabilities", "PUT", "/1.0/roles/" + aid, `{"capabilities": ["wsgate/site:config"]}`, 409, "not-permitted", []string{"capabilities"}},
			{"admin: delete", "DELETE", "/1.0/roles/" + aid, ``, 409, "not-permitted", []string{}},
			{"unknown role", "DELETE", "/1.0/roles/999", ``, 404, "not-found", []string{"id"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, e.do(tt.method, tt.path, tt.body), tt.code, tt.errorID, tt.fields...)
				e.wantEvents()
			})
		}
		// The admin role's name and description change.
		wantStatus(t, e.do(http.MethodPut, "/1.0/roles/"+aid, `{"name": "Root"}`), http.StatusNoContent)
		e.wantEvents(event{"role_edited", "config.roles.edited", `{"id": ` + aid + `, "shortname": "admin"}`})

		wantStatus(t, e.do(http.MethodDelete, "/1.0/roles/"+id, ""), http.StatusNoContent)
		e.wantEvents(event{"role_deleted", "config.roles.deleted", `{"id": ` + id + `, "shortname": "manager"}`})
		wantError(t, e.do(http.MethodGet, "/1.0/roles/"+id, ""), http.StatusNotFound, "not-found", "id")
	})
}

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		alice := e.newUser("alice")
		test := e.service("test")
		future := start.Unix() + 3600
		body := fmt.Sprintf(`{"user_id": %d, "service_id": %d, "name": "ci", "iprestriction": "127.0.0.1",
			"validuntil": %d}`, alice.ID, test.ID, future)
		r := e.do(http.MethodPost, "/1.0/tokens", body)
		wantStatus(t, r, http.StatusCreated)
		id := idOf(t, r)
		created := r.object(t)
		value, _ := created["token"].(string)
		if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(value) || r.header.Get("Location") != "/1.0/tokens/"+id ||
			r.header.Get("Cache-Control") != "no-store" {
			t.Fatalf("created %s", r.body)
		}
		delete(created, "token")
		want := fmt.Sprintf(`{"id": %s, "user_id": %d, "service_id": %d, "name": "ci", "iprestriction": "127.0.0.1",
			"validuntil": %d, "timecreated": %d, "lastaccess": 0, "readonly": false, "lastaccess_ip": "", "creator_id": %d}`,
			id, alice.ID, test.ID, future, start.Unix(), e.root.ID)
		if !sameJSON(jsonOf(created), want) {
			t.Errorf("created %s, want %s", r.body, want)
		}
		evs := e.events()
		if len(evs) != 1 || evs[0].name != "token_created" || evs[0].key != "config.tokens.created" ||
			!sameJSON(evs[0].body, fmt.Sprintf(`{"id": %s, "user_id": %d, "service_id": %d}`, id, alice.ID, test.ID)) ||
			strings.Contains(evs[0].body, value) {
			t.Errorf("events = %v", evs)
		}
		stored, err := e.store.TokenByValue(e.ctx, value)
		if err != nil || fmt.Sprint(stored.ID) != id || stored.CreatorID != e.root.ID {
			t.Errorf("stored token %+v, %v: want id %s made by root", stored, err, id)
		}
		// The token works, once shown; lists and items never show it.
		if _, err := e.pipe.Dispatch(e.ctx, echoCall(value)); err != nil {
			t.Errorf("call with the new token: %v", err)
		}
		if r := e.do(http.MethodGet, "/1.0/tokens/"+id, ""); !sameJSON(string(r.body), want) {
			t.Errorf("got %s, want %s", r.body, want)
		}
		r = e.do(http.MethodGet, "/1.0/tokens?user_id="+fmt.Sprint(alice.ID), "")
		if items := r.items(t); len(items) != 1 || strings.Contains(string(r.body), value) || strings.Contains(string(r.body), `"token"`) {
			t.Errorf("list %s", r.body)
		}
		// Moodle's default name.
		r = e.do(http.MethodPost, "/1.0/tokens", fmt.Sprintf(`{"user_id": %d, "service_id": %d}`, alice.ID, test.ID))
		wantStatus(t, r, http.StatusCreated)
		if name, _ := r.object(t)["name"].(string); !regexp.MustCompile(`^Webservice-[A-Za-z0-9]{5}$`).MatchString(name) {
			t.Errorf("default name %q", name)
		}
		e.events()

		deleted := e.newUser("ghost")
		e.must(e.store.DeleteUser(e.ctx, deleted.ID))
		tests := []struct {
			name, body string
			fields     []string
		}{
			{"user and service required", `{}`, []string{"user_id", "service_id"}},
			{"unknown user", fmt.Sprintf(`{"user_id": 999, "service_id": %d}`, test.ID), []string{"user_id"}},
			{"deleted user", fmt.Sprintf(`{"user_id": %d, "service_id": %d}`, deleted.ID, test.ID), []string{"user_id"}},
			{"unknown service", fmt.Sprintf(`{"user_id": %d, "service_id": 999}`, alice.ID), []string{"service_id"}},
			{"iprestriction", fmt.Sprintf(`{"user_id": %d, "service_id": %d, "iprestriction": "nowhere"}`, alice.ID, test.ID), []string{"iprestriction"}},
			{"validuntil past", fmt.Sprintf(`{"user_id": %d, "service_id": %d, "validuntil": %d}`, alice.ID, test.ID, start.Unix()), []string{"validuntil"}},
			{"validuntil negative", fmt.Sprintf(`{"user_id": %d, "service_id": %d, "validuntil": -1}`, alice.ID, test.ID), []string{"validuntil"}},
			{"name too long", fmt.Sprintf(`{"user_id": %d, "service_id": %d, "name": "%s"}`, alice.ID, test.ID, strings.Repeat("n", 101)), []string{"name"}},
			{"token is not a field", fmt.Sprintf(`{"user_id": %d, "service_id": %d, "token": "%s"}`, alice.ID, test.ID, strings.Repeat("a", 32)), []string{"token"}},
			{"wrong type", `{"user_id": "1", "service_id": 1}`, []string{"user_id"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				wantError(t, e.do(http.MethodPost, "/1.0/tokens", tt.body), http.StatusBadRequest, "invalid-data", tt.fields...)
				e.wantEvents()
			})
		}
		// Tokens are not edited.
		if r := e.do(http.MethodPut, "/1.0/tokens/"+id, `{"name": "x"}`); r.code != http.StatusMethodNotAllowed {
			t.Errorf("PUT a token: %d", r.code)
		}

		// Delete revokes: the next call is refused.
		wantStatus(t, e.do(http.MethodDelete, "/1.0/tokens/"+id, ""), http.StatusNoContent)
		e.wantEvents(event{"token_deleted", "config.tokens.deleted",
			fmt.Sprintf(`{"id": %s, "user_id": %d, "service_id": %d}`, id, alice.ID, test.ID)})
		if _, err := e.pipe.Dispatch(e.ctx, echoCall(value)); codeOf(err) != "invalidtoken" {
			t.Errorf("call with a revoked token: %v", err)
		}
		wantError(t, e.do(http.MethodGet, "/1.0/tokens/"+id, ""), http.StatusNotFound, "not-found", "id")
		wantError(t, e.do(http.MethodDelete, "/1.0/tokens/"+id, ""), http.StatusNotFound, "not-found", "id")
	})
}
