package components_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"

	"wsgate"
	"wsgate/admin"
	"wsgate/components"
	"wsgate/discovery"
	"wsgate/files"
	"wsgate/functions"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols"
	"wsgate/services"
)

// gateway is the shipped components installed on a fresh store, with an
// administrator and a plain user, each holding a token for wsgate_admin.
type gateway struct {
	t       testing.TB
	store   *services.Store
	catalog *functions.Catalog
	auth    *services.Authorizer
	pipe    *protocols.Pipeline
	admin   services.User
	tokens  map[string]string // username -> token of wsgate_admin
	queries *atomic.Int64     // queries run through store
	files   *files.Store
}

func newGateway(t testing.TB, d *db.DB) *gateway {
	t.Helper()
	ctx := context.Background()
	queries := &atomic.Int64{}
	store := services.NewStore(d, services.WithBcryptCost(4), services.WithQuerier(dbtest.Counter(queries)))
	reg := functions.NewRegistry()
	catalog := functions.NewCatalog(d, reg)
	auth := services.NewAuthorizer(store, catalog, services.AuthorizerOptions{})
	fileStore := files.NewStore(d, files.NewChunks(d))
	users := admin.NewServices(admin.Deps{Store: store, Catalog: catalog, Auth: auth,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}).Users
	components.Register(reg, components.Deps{Store: store, Users: users, Auth: auth, Catalog: catalog, SiteName: "Test site",
		Files: fileStore, Access: files.NewAccessRules(), FileQuota: 5000, FileMaxBytes: 300,
		SiteURL: func() string { return "http://gw.test" }})
	cat, err := discovery.Load([]discovery.Source{{Name: "embedded", FS: components.Manifests}}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&discovery.Syncer{DB: d, Tables: discovery.ServicesTables(store)}).Sync(ctx, cat, false); err != nil {
		t.Fatal(err)
	}
	if err := catalog.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	adminRole, err := store.EnsureAdminRole(ctx)
	if err != nil {
		t.Fatal(err)
	}
	viewer, err := store.CreateRole(ctx, services.Role{Shortname: "viewer"})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"wsgate/site:config", "moodle/user:viewdetails"} {
		if err := store.AddRoleCapability(ctx, viewer.ID, c); err != nil {
			t.Fatal(err)
		}
	}
	svc, err := store.ServiceByShortname(ctx, "wsgate_admin")
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{t: t, store: store, catalog: catalog, auth: auth, tokens: map[string]string{}, queries: queries, files: fileStore}
	for _, u := range []struct {
		name string
		role int64
	}{{"admin", adminRole.ID}, {"viewer", viewer.ID}} {
		user, err := store.CreateUser(ctx, services.User{Username: u.name, FirstName: "First" + u.name, LastName: "Last",
			Email: u.name + "@example.org", Auth: services.AuthManual}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		if err := store.AssignRole(ctx, user.ID, u.role); err != nil {
			t.Fatal(err)
		}
		tok, _, err := store.CreateToken(ctx, services.TokenSpec{UserID: user.ID, ServiceID: svc.ID})
		if err != nil {
			t.Fatal(err)
		}
		g.tokens[u.name] = tok
		if u.name == "admin" {
			g.admin = user
		}
	}
	g.pipe = &protocols.Pipeline{Auth: auth, Functions: catalog, Validator: &functions.Validator{},
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	return g
}

func (g *gateway) call(user, fn string, params map[string]any) (any, error) {
	res, err := g.pipe.Dispatch(context.Background(), &protocols.Call{Protocol: "rest", Token: g.tokens[user],
		Function: fn, Params: params, RemoteIP: "127.0.0.1"})
	if err != nil {
		return nil, err
	}
	return res.Value, nil
}

func (g *gateway) mustCall(user, fn string, params map[string]any) any {
	g.t.Helper()
	v, err := g.call(user, fn, params)
	if err != nil {
		g.t.Fatalf("%s as %s: %v", fn, user, err)
	}
	return v
}

func TestGetSiteInfo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		info := g.mustCall("admin", "core_webservice_get_site_info", nil).(map[string]any)
		want := map[string]any{"sitename": "Test site", "username": "admin", "firstname": "Firstadmin",
			"fullname": "Firstadmin Last", "userid": g.admin.ID, "siteurl": "http://gw.test", "userissiteadmin": true,
			"downloadfiles": int64(0), "uploadfiles": int64(0), "usercanmanageownfiles": true, "userquota": int64(5000),
			"usermaxuploadfilesize": int64(300)}
		for k, v := range want {
			if info[k] != v {
				t.Errorf("%s = %#v, want %#v", k, info[k], v)
			}
		}
		fns := info["functions"].([]any)
		if len(fns) != 6 {
			t.Errorf("functions of wsgate_admin = %v", fns)
		}
		if first := fns[0].(map[string]any); first["name"] != "core_user_create_users" || first["version"] != wsgate.Version {
			t.Errorf("first function = %v", first)
		}
		if info := g.mustCall("viewer", "core_webservice_get_site_info", nil).(map[string]any); info["userissiteadmin"] != false {
			t.Errorf("viewer is a site admin: %v", info)
		}
	})
}

func TestCoreUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		created := g.mustCall("admin", "core_user_create_users", map[string]any{"users": []any{
			map[string]any{"username": "jdoe", "password": "pw1", "firstname": "Jane", "lastname": "Doe", "email": "jdoe@example.org"},
			map[string]any{"username": "rroe", "firstname": "Rich", "lastname": "Roe", "email": "rroe@example.org", "auth": "nologin"},
		}}).([]any)
		if len(created) != 2 || created[0].(map[string]any)["username"] != "jdoe" {
			t.Fatalf("created = %v", created)
		}
		jdoe := created[0].(map[string]any)["id"].(int64)

		// All or nothing: a duplicate username rolls back the whole batch.
		_, err := g.call("admin", "core_user_create_users", map[string]any{"users": []any{
			map[string]any{"username": "new1", "firstname": "N", "lastname": "One", "email": "n1@example.org"},
			map[string]any{"username": "jdoe", "firstname": "J", "lastname": "D", "email": "j@example.org"},
		}})
		if wsgate.CodeOf(err) != "invalidparameter" {
			t.Errorf("duplicate username: %v", err)
		}
		if _, err := g.store.UserByUsername(context.Background(), "new1"); err == nil {
			t.Error("the first user of a failed batch was kept")
		}

		byField := g.mustCall("viewer", "core_user_get_users_by_field", map[string]any{
			"field": "username", "values": []any{"jdoe", "nobody"}}).([]any)
		if len(byField) != 1 || byField[0].(map[string]any)["fullname"] != "Jane Doe" {
			t.Errorf("get_users_by_field = %v", byField)
		}
		byID := g.mustCall("viewer", "core_user_get_users_by_field", map[string]any{
			"field": "id", "values": []any{fmt.Sprint(jdoe)}}).([]any)
		if len(byID) != 1 {
			t.Errorf("by id = %v", byID)
		}
		if _, err := g.call("viewer", "core_user_get_users_by_field", map[string]any{"field": "colour", "values": []any{"x"}}); wsgate.CodeOf(err) != "invalidparameter" {
			t.Errorf("bad field: %v", err)
		}

		found := g.mustCall("viewer", "core_user_get_users", map[string]any{"criteria": []any{
			map[string]any{"key": "lastname", "value": "%oe"}, map[string]any{"key": "nonsense", "value": "x"}}}).(map[string]any)
		if users := found["users"].([]any); len(users) != 2 {
			t.Errorf("get_users = %v", found)
		}
		if w := found["warnings"].([]any); len(w) != 1 || w[0].(map[string]any)["warningcode"] != "invalidfieldparameter" {
			t.Errorf("warnings = %v", found["warnings"])
		}

		// The viewer may read but not write.
		for _, fn := range []string{"core_user_create_users", "core_user_update_users", "core_user_delete_users"} {
			params := map[string]any{"users": []any{map[string]any{"id": fmt.Sprint(jdoe)}}}
			if fn == "core_user_delete_users" {
				params = map[string]any{"userids": []any{fmt.Sprint(jdoe)}}
			} else if fn == "core_user_create_users" {
				params = map[string]any{"users": []any{map[string]any{"username": "x", "firstname": "x", "lastname": "x", "email": "x@example.org"}}}
			}
			if _, err := g.call("viewer", fn, params); wsgate.CodeOf(err) != "nopermissions" {
				t.Errorf("%s as viewer: %v, want nopermissions", fn, err)
			}
		}

		upd := g.mustCall("admin", "core_user_update_users", map[string]any{"users": []any{
			map[string]any{"id": fmt.Sprint(jdoe), "firstname": "Janet", "suspended": "1"},
			map[string]any{"id": "99999"},
		}}).(map[string]any)
		if w := upd["warnings"].([]any); len(w) != 1 || w[0].(map[string]any)["itemid"] != int64(99999) {
			t.Errorf("update warnings = %v", upd)
		}
		u, _ := g.store.UserByID(context.Background(), jdoe)
		if u.FirstName != "Janet" || !u.Suspended {
			t.Errorf("updated user = %+v", u)
		}

		if v := g.mustCall("admin", "core_user_delete_users", map[string]any{"userids": []any{fmt.Sprint(jdoe)}}); v != nil {
			t.Errorf("delete_users returned %v, want void", v)
		}
		if u, _ := g.store.UserByID(context.Background(), jdoe); !u.Deleted {
			t.Error("user not deleted")
		}
		if _, err := g.call("admin", "core_user_delete_users", map[string]any{"userids": []any{fmt.Sprint(g.admin.ID)}}); wsgate.CodeOf(err) != "invalidparameter" {
			t.Errorf("deleting oneself: %v", err)
		}
	})
}
