package components_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// userWith makes a user with password, a role of their own holding caps,
// and a token (kept in g.tokens) for a custom service of functions.
func (g *gateway) userWith(name, password string, caps, functions []string) services.User {
	g.t.Helper()
	ctx := context.Background()
	u, err := g.store.CreateUser(ctx, services.User{Username: name, FirstName: name, LastName: "User",
		Email: name + "@example.org"}, password)
	if err != nil {
		g.t.Fatal(err)
	}
	if len(caps) > 0 {
		r, err := g.store.CreateRole(ctx, services.Role{Shortname: "role-" + name, Capabilities: caps})
		if err != nil {
			g.t.Fatal(err)
		}
		if err := g.store.AssignRole(ctx, u.ID, r.ID); err != nil {
			g.t.Fatal(err)
		}
	}
	svc, err := g.store.CreateService(ctx, services.Service{Name: "Custom " + name, Shortname: "custom_" + name, Enabled: true})
	if err != nil {
		g.t.Fatal(err)
	}
	for _, f := range functions {
		if err := g.store.AddServiceFunction(ctx, svc.ID, f); err != nil {
			g.t.Fatal(err)
		}
	}
	tok, _, err := g.store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID})
	if err != nil {
		g.t.Fatal(err)
	}
	g.tokens[name] = tok
	return u
}

// siteAdmin makes another site administrator.
func (g *gateway) siteAdmin(name string) services.User {
	g.t.Helper()
	ctx := context.Background()
	u, err := g.store.CreateUser(ctx, services.User{Username: name, Auth: services.AuthManual}, "pw-"+name)
	if err != nil {
		g.t.Fatal(err)
	}
	r, err := g.store.RoleByShortname(ctx, services.AdminRole)
	if err != nil {
		g.t.Fatal(err)
	}
	if err := g.store.AssignRole(ctx, u.ID, r.ID); err != nil {
		g.t.Fatal(err)
	}
	return u
}

// unchanged fails unless user u is as it was, its password included.
func (g *gateway) unchanged(u services.User, password string) {
	g.t.Helper()
	ctx := context.Background()
	got, err := g.store.UserByID(ctx, u.ID)
	if err != nil || got != u {
		g.t.Errorf("%s = %+v (%v), want unchanged %+v", u.Username, got, err, u)
	}
	if _, err := g.store.CheckPassword(ctx, u.Username, password); err != nil {
		g.t.Errorf("%s no longer logs in with the old password: %v", u.Username, err)
	}
}

// warnings returns the warnings of an update_users answer as itemid:warningcode.
func warnings(v any) string {
	var out []string
	for _, w := range v.(map[string]any)["warnings"].([]any) {
		m := w.(map[string]any)
		out = append(out, fmt.Sprintf("%v:%v", m["itemid"], m["warningcode"]))
	}
	return strings.Join(out, ",")
}

var userManagerCaps = []string{"moodle/user:update", "moodle/user:delete"}
var userManagerFunctions = []string{"core_user_update_users", "core_user_delete_users"}

// TestSiteAdminTakeover is finding 1 of issue 12: a user whose role holds
// only moodle/user:update and moodle/user:delete, with a token of a custom
// service of update_users and delete_users, changes nothing of a site
// administrator's account. update_users answers Moodle's warning
// usernotupdatedadmin for that user (and updates the others, as Moodle
// does); delete_users throws useradminodelete and deletes no one of the batch.
func TestSiteAdminTakeover(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		g.userWith("usermgr", "pw", userManagerCaps, userManagerFunctions)
		other := g.siteAdmin("admin2")
		plain := g.userWith("plain", "plain-pw", nil, nil)
		admin := fmt.Sprint(g.admin.ID)
		for _, change := range []map[string]any{
			{"password": "Taken-over-1"}, {"username": "owned"}, {"suspended": "1"}, {"auth": "nologin"},
			{"firstname": "Owned"}, {"email": "attacker@example.org"}, {},
		} {
			t.Run(fmt.Sprint(change), func(t *testing.T) {
				item := map[string]any{"id": admin}
				for k, v := range change {
					item[k] = v
				}
				v := g.mustCall("usermgr", "core_user_update_users", map[string]any{"users": []any{item}})
				if got := warnings(v); got != admin+":usernotupdatedadmin" {
					t.Errorf("warnings = %s, want %s:usernotupdatedadmin", got, admin)
				}
				if ws := v.(map[string]any)["warnings"].([]any); len(ws) != 1 ||
					ws[0].(map[string]any)["message"] != "Cannot update admin accounts" {
					t.Errorf("warnings = %v", ws)
				}
				g.unchanged(g.admin, "pw")
			})
		}

		// A batch naming a site administrator among others: the others are
		// updated (Moodle's update_users warns per user), the administrators not.
		v := g.mustCall("usermgr", "core_user_update_users", map[string]any{"users": []any{
			map[string]any{"id": fmt.Sprint(plain.ID), "firstname": "Changed"},
			map[string]any{"id": fmt.Sprint(other.ID), "password": "Taken-over-2"},
			map[string]any{"id": admin, "password": "Taken-over-2"},
		}})
		if got, want := warnings(v), fmt.Sprintf("%d:usernotupdatedadmin,%s:usernotupdatedadmin", other.ID, admin); got != want {
			t.Errorf("mixed batch warnings = %s, want %s", got, want)
		}
		g.unchanged(g.admin, "pw")
		g.unchanged(other, "pw-admin2")
		if u, _ := g.store.UserByID(context.Background(), plain.ID); u.FirstName != "Changed" {
			t.Errorf("the plain user of the batch was not updated: %+v", u)
		}
		plain, _ = g.store.UserByID(context.Background(), plain.ID)

		// delete_users is all or nothing: a site administrator in the batch
		// stops it (Moodle's useradminodelete), the plain user stays.
		for _, ids := range [][]any{{admin}, {fmt.Sprint(other.ID)}, {fmt.Sprint(plain.ID), admin}} {
			_, err := g.call("usermgr", "core_user_delete_users", map[string]any{"userids": ids})
			if wsgate.CodeOf(err) != "useradminodelete" || wsgate.AsError(err).Message != "Admin accounts can not be deleted" {
				t.Errorf("delete_users %v: %v, want useradminodelete", ids, err)
			}
		}
		g.unchanged(g.admin, "pw")
		g.unchanged(other, "pw-admin2")
		g.unchanged(plain, "plain-pw")
	})
}

// TestSiteAdminChangesSiteAdmins: a site administrator may change another
// site administrator's account, password included, but deletes none (as
// Moodle) and does not suspend the last usable one.
func TestSiteAdminChangesSiteAdmins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		ctx := context.Background()
		other := g.siteAdmin("admin2")
		id, otherID := fmt.Sprint(g.admin.ID), fmt.Sprint(other.ID)
		v := g.mustCall("admin", "core_user_update_users", map[string]any{"users": []any{
			map[string]any{"id": otherID, "username": "admin3", "password": "New-pw-3", "suspended": "1"}}})
		if w := warnings(v); w != "" {
			t.Errorf("warnings = %s", w)
		}
		if _, err := g.store.CheckPassword(ctx, "admin3", "New-pw-3"); err == nil {
			t.Error("a suspended admin logs in")
		}
		if u, _ := g.store.UserByID(ctx, other.ID); u.Username != "admin3" || !u.Suspended {
			t.Errorf("admin2 = %+v", u)
		}
		// The other administrator is suspended: this one is the last usable one.
		for _, change := range []map[string]any{{"suspended": "1"}, {"auth": "nologin"}} {
			item := map[string]any{"id": id}
			for k, val := range change {
				item[k] = val
			}
			v := g.mustCall("admin", "core_user_update_users", map[string]any{"users": []any{item}})
			if w := warnings(v); w != id+":lastsiteadmin" {
				t.Errorf("%v of the last site admin: warnings %s", change, w)
			}
		}
		g.unchanged(g.admin, "pw")
		if _, err := g.call("admin", "core_user_delete_users", map[string]any{"userids": []any{otherID}}); wsgate.CodeOf(err) != "useradminodelete" {
			t.Errorf("a site admin deletes another: %v, want useradminodelete", err)
		}
		if u, _ := g.store.UserByID(ctx, other.ID); u.Deleted {
			t.Error("admin2 deleted")
		}
	})
}

// TestGetUsersByFieldOneQuery is finding 2 of issue 12: one query for all
// the values of a call, whichever the field; emails match whatever their case.
func TestGetUsersByFieldOneQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		ctx := context.Background()
		var emails, usernames, ids []any
		for i := range 40 {
			u, err := g.store.CreateUser(ctx, services.User{Username: fmt.Sprintf("u%02d", i),
				Email: fmt.Sprintf("User%02d@Example.org", i)}, "")
			if err != nil {
				t.Fatal(err)
			}
			if i%2 == 0 {
				emails = append(emails, strings.ToLower(u.Email))
				usernames = append(usernames, strings.ToUpper(u.Username))
				ids = append(ids, fmt.Sprint(u.ID))
			}
		}
		emails = append(emails, "nobody@example.org")
		g.mustCall("viewer", "core_user_get_users_by_field", map[string]any{"field": "id", "values": []any{"1"}}) // the token is cached
		for field, values := range map[string][]any{"email": emails, "username": usernames, "id": ids} {
			before := g.queries.Load()
			got := g.mustCall("viewer", "core_user_get_users_by_field", map[string]any{"field": field, "values": values}).([]any)
			if n := g.queries.Load() - before; n != 1 {
				t.Errorf("%s: %d queries for %d values, want 1", field, n, len(values))
			}
			if len(got) != 20 || got[0].(map[string]any)["username"] != "u00" || got[19].(map[string]any)["username"] != "u38" {
				t.Errorf("%s: %d users, first %v", field, len(got), got[0])
			}
		}
	})
}

// TestUpdateUsersPasswordRevokes is finding 3 of issue 12 through the call
// pipeline: changing one's own password keeps the token that did it and
// ends the others; an administrator's change ends them all.
func TestUpdateUsersPasswordRevokes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		u := g.userWith("self", "pw", []string{"moodle/user:update"}, []string{"core_user_update_users"})
		first := g.tokens["self"]
		second, _, err := g.store.CreateToken(context.Background(), services.TokenSpec{UserID: u.ID,
			ServiceID: mustService(t, g, "custom_self")})
		if err != nil {
			t.Fatal(err)
		}
		noop := map[string]any{"users": []any{map[string]any{"id": fmt.Sprint(u.ID), "firstname": "Self"}}}
		g.tokens["second"] = second
		g.mustCall("second", "core_user_update_users", noop) // cached
		g.mustCall("self", "core_user_update_users", map[string]any{"users": []any{
			map[string]any{"id": fmt.Sprint(u.ID), "password": "Changed-1"}}})
		if _, err := g.call("second", "core_user_update_users", noop); wsgate.CodeOf(err) != "invalidtoken" {
			t.Errorf("the other token: %v, want invalidtoken", err)
		}
		g.mustCall("self", "core_user_update_users", noop)
		if g.tokens["self"] != first {
			t.Fatal("token changed")
		}
		g.mustCall("admin", "core_user_update_users", map[string]any{"users": []any{
			map[string]any{"id": fmt.Sprint(u.ID), "password": "Changed-2"}}})
		if _, err := g.call("self", "core_user_update_users", noop); wsgate.CodeOf(err) != "invalidtoken" {
			t.Errorf("token after an administrator's change: %v, want invalidtoken", err)
		}
	})
}

func mustService(t *testing.T, g *gateway, shortname string) int64 {
	t.Helper()
	s, err := g.store.ServiceByShortname(context.Background(), shortname)
	if err != nil {
		t.Fatal(err)
	}
	return s.ID
}
