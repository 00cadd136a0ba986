package components_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// outbox returns "name body" of each event written to the outbox.
func outbox(t *testing.T, d *db.DB) []string {
	t.Helper()
	rows, err := d.QueryContext(context.Background(), `SELECT name, body FROM outbox ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var name, body string
		if err := rows.Scan(&name, &body); err != nil {
			t.Fatal(err)
		}
		out = append(out, name+" "+body)
	}
	return out
}

// TestCoreUserChangesGoThroughTheUsersService: a user created, updated or
// deleted over the web service (a call through the pipeline) passes the
// users' rules and writes its event in the same transaction; a refusal of
// the rules is Moodle's invalidparameter (or a warning of update_users)
// and changes nothing.
func TestCoreUserChangesGoThroughTheUsersService(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		before := len(outbox(t, d))
		created := g.mustCall("admin", "core_user_create_users", map[string]any{"users": []any{
			map[string]any{"username": "jdoe", "password": "pw1", "firstname": "Jane", "lastname": "Doe",
				"email": "jdoe@example.org"}}}).([]any)
		id := created[0].(map[string]any)["id"].(int64)
		events := outbox(t, d)[before:]
		want := fmt.Sprintf(`user_created {"id":%d,"username":"jdoe"}`, id)
		if len(events) != 1 || strings.ReplaceAll(events[0], " ", "") != strings.ReplaceAll(want, " ", "") {
			t.Fatalf("events = %v, want [%s]", events, want)
		}

		refusals := []struct {
			name, debug string
			users       []any
		}{
			{"a last name too long, second of the batch", "lastname is longer than 100 characters", []any{
				map[string]any{"username": "ok1", "firstname": "O", "lastname": "K", "email": "ok1@example.org"},
				map[string]any{"username": "bad", "firstname": "B", "lastname": strings.Repeat("y", 101),
					"email": "b@example.org"}}},
			{"a first name too long", "firstname is longer than 100 characters", []any{
				map[string]any{"username": "long", "firstname": strings.Repeat("x", 101), "lastname": "L",
					"email": "l@example.org"}}},
			{"a username taken", "Username already exists: jdoe", []any{
				map[string]any{"username": "jdoe", "firstname": "J", "lastname": "D", "email": "j@example.org"}}},
		}
		for _, tt := range refusals {
			t.Run(tt.name, func(t *testing.T) {
				n := len(outbox(t, d))
				_, err := g.call("admin", "core_user_create_users", map[string]any{"users": tt.users})
				e := wsgate.AsError(err)
				if wsgate.CodeOf(err) != "invalidparameter" || !strings.Contains(e.DebugInfo, tt.debug) {
					t.Errorf("err = %v (debuginfo %q), want invalidparameter with %q", err, e.DebugInfo, tt.debug)
				}
				if got := outbox(t, d)[n:]; len(got) != 0 {
					t.Errorf("a refused batch wrote events %v", got)
				}
				for _, u := range tt.users {
					name := u.(map[string]any)["username"].(string)
					if u, err := g.store.UserByUsername(context.Background(), name); err == nil && name != "jdoe" {
						t.Errorf("a refused batch created %+v", u)
					}
				}
			})
		}

		n := len(outbox(t, d))
		upd := g.mustCall("admin", "core_user_update_users", map[string]any{"users": []any{
			map[string]any{"id": fmt.Sprint(id), "firstname": strings.Repeat("z", 101)},
			map[string]any{"id": fmt.Sprint(id), "lastname": "Dough"},
		}}).(map[string]any)
		if w := upd["warnings"].([]any); len(w) != 1 || w[0].(map[string]any)["warningcode"] != "usernotupdatederror" ||
			!strings.Contains(w[0].(map[string]any)["message"].(string), "firstname is longer than 100 characters") {
			t.Errorf("update warnings = %v", upd)
		}
		if u, _ := g.store.UserByID(context.Background(), id); u.FirstName != "Jane" || u.LastName != "Dough" {
			t.Errorf("after update: %+v", u)
		}
		g.mustCall("admin", "core_user_delete_users", map[string]any{"userids": []any{fmt.Sprint(id)}})
		var names []string
		for _, ev := range outbox(t, d)[n:] {
			names = append(names, strings.Fields(ev)[0])
		}
		if strings.Join(names, " ") != "user_edited user_deleted" {
			t.Errorf("events of update and delete = %v", names)
		}
	})
}
