package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// restPost posts form to the REST server and returns the JSON answer.
func restPost(t *testing.T, base string, form url.Values) string {
	t.Helper()
	resp, err := http.PostForm(base+"/webservice/rest/server.php?moodlewsrestformat=json", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// loginToken asks /login/token.php for a token and returns the answer.
func loginToken(t *testing.T, base, username, password string) map[string]any {
	t.Helper()
	resp, err := http.PostForm(base+"/login/token.php", url.Values{"username": {username}, "password": {password},
		"service": {"moodle_mobile_app"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return out
}

// TestSiteAdminTakeoverREST is finding 1 of issue 12 as the attacker ran
// it against bin/wsgate serve: a role of moodle/user:update and
// moodle/user:delete, a custom service of update_users and delete_users, a
// REST form naming the site administrator. Nothing changes: the
// administrator logs in with its own password, not the attacker's.
func TestSiteAdminTakeoverREST(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			app := startApp(t, dbtest.URL(t, dialect))
			ctx := context.Background()
			st := app.store
			adminRole, err := st.RoleByShortname(ctx, services.AdminRole)
			if err != nil {
				t.Fatal(err)
			}
			admin, err := st.CreateUser(ctx, services.User{Username: "admin"}, "admin-pw-1")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.AssignRole(ctx, admin.ID, adminRole.ID); err != nil {
				t.Fatal(err)
			}
			mobile, err := st.ServiceByShortname(ctx, "moodle_mobile_app")
			if err != nil {
				t.Fatal(err)
			}
			if err := st.SetServiceEnabled(ctx, mobile.ID, true); err != nil {
				t.Fatal(err)
			}
			attacker, err := st.CreateUser(ctx, services.User{Username: "attacker"}, "attacker-pw")
			if err != nil {
				t.Fatal(err)
			}
			role, err := st.CreateRole(ctx, services.Role{Shortname: "usermgr",
				Capabilities: []string{"moodle/user:update", "moodle/user:delete"}})
			if err != nil {
				t.Fatal(err)
			}
			if err := st.AssignRole(ctx, attacker.ID, role.ID); err != nil {
				t.Fatal(err)
			}
			svc, err := st.CreateService(ctx, services.Service{Name: "Users", Shortname: "users", Enabled: true})
			if err != nil {
				t.Fatal(err)
			}
			for _, f := range []string{"core_user_update_users", "core_user_delete_users"} {
				if err := st.AddServiceFunction(ctx, svc.ID, f); err != nil {
					t.Fatal(err)
				}
			}
			token, _, err := st.CreateToken(ctx, services.TokenSpec{UserID: attacker.ID, ServiceID: svc.ID})
			if err != nil {
				t.Fatal(err)
			}
			id := fmt.Sprint(admin.ID)
			for _, field := range [][2]string{{"password", "Owned-pw-1"}, {"username", "owned"}, {"suspended", "1"}} {
				got := restPost(t, app.URL(), url.Values{"wstoken": {token}, "wsfunction": {"core_user_update_users"},
					"users[0][id]": {id}, "users[0][" + field[0] + "]": {field[1]}})
				want := `{"warnings":[{"item":"user","itemid":` + id + `,"warningcode":"usernotupdatedadmin","message":"Cannot update admin accounts"}]}`
				if got != want {
					t.Errorf("update_users %s: %s, want %s", field[0], got, want)
				}
			}
			got := restPost(t, app.URL(), url.Values{"wstoken": {token}, "wsfunction": {"core_user_delete_users"},
				"userids[0]": {id}})
			if !strings.Contains(got, `"errorcode":"useradminodelete"`) {
				t.Errorf("delete_users: %s", got)
			}
			if out := loginToken(t, app.URL(), "admin", "Owned-pw-1"); out["errorcode"] != "invalidlogin" {
				t.Errorf("login with the attacker's password: %v", out)
			}
			if out := loginToken(t, app.URL(), "admin", "admin-pw-1"); out["token"] == nil {
				t.Errorf("login with the administrator's password: %v", out)
			}
			if u, err := st.UserByID(ctx, admin.ID); err != nil || u != admin {
				t.Errorf("admin = %+v, %v; want unchanged %+v", u, err, admin)
			}
		})
	}
}

// TestCLIValidUntil is finding 4 of issue 12: token create and service
// authorise with --valid-until ran the admin services without a clock and
// panicked.
func TestCLIValidUntil(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			dbURL := dbtest.URL(t, dialect)
			c := cliEnv{t, []string{"WSGATE_DATABASE_URL=" + dbURL}}
			c.must("", "upgrade")
			c.must("pw\n", "user", "create", "admin", "--password-stdin", "--role", "admin")
			token := strings.TrimSpace(c.must("", "token", "create", "--user", "admin", "--service", "moodle_mobile_app",
				"--valid-until", "2099-01-01T00:00:00Z"))
			if len(token) != 32 {
				t.Fatalf("token create printed %q", token)
			}
			if out := c.must("", "service", "authorise", "moodle_mobile_app", "--user", "admin",
				"--valid-until", "2099-01-01T00:00:00Z"); out != "user admin may use service moodle_mobile_app\n" {
				t.Errorf("service authorise printed %q", out)
			}
			if out, code := c.run("", "token", "create", "--user", "admin", "--service", "moodle_mobile_app",
				"--valid-until", "2001-01-01T00:00:00Z"); code != 1 || !strings.Contains(out, "validuntil") {
				t.Errorf("a past --valid-until: exit %d, %s", code, out)
			}

			app := startApp(t, dbURL)
			until := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
			tok, err := app.store.TokenByValue(context.Background(), token)
			if err != nil || tok.ValidUntil != until {
				t.Errorf("token = %+v, %v; want validuntil %d", tok, err, until)
			}
			admin, err := app.store.UserByUsername(context.Background(), "admin")
			if err != nil {
				t.Fatal(err)
			}
			svc, err := app.store.ServiceByShortname(context.Background(), "moodle_mobile_app")
			if err != nil {
				t.Fatal(err)
			}
			users, err := app.store.ServiceUsers(context.Background(), svc.ID)
			if err != nil || len(users) != 1 || users[0].UserID != admin.ID || users[0].ValidUntil != until {
				t.Errorf("authorised users = %+v, %v", users, err)
			}
		})
	}
}

// TestRevokeOnPasswordChangeConfig: users.revoke_on_password_change reaches
// the store; on (the default), a password change ends the user's tokens.
func TestRevokeOnPasswordChangeConfig(t *testing.T) {
	for _, tt := range []struct {
		env    []string
		tokens int
	}{{nil, 0}, {[]string{"WSGATE_USERS_REVOKE_ON_PASSWORD_CHANGE=false"}, 1}} {
		app := startApp(t, dbtest.URL(t, db.SQLite), tt.env...)
		ctx := context.Background()
		u, err := app.store.CreateUser(ctx, services.User{Username: "u"}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		svc, err := app.store.ServiceByShortname(ctx, "moodle_mobile_app")
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := app.store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID}); err != nil {
			t.Fatal(err)
		}
		if err := app.store.SetPassword(ctx, u.ID, "new"); err != nil {
			t.Fatal(err)
		}
		if toks, err := app.store.TokensForUser(ctx, u.ID); err != nil || len(toks) != tt.tokens {
			t.Errorf("%v: %d tokens left (%v), want %d", tt.env, len(toks), err, tt.tokens)
		}
	}
}
