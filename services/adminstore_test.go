package services_test

import (
	"errors"
	"slices"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

func TestUpdateRole(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		ctx := e.ctx
		m := e.make("editor", call("core_capped"), withCaps("mod/x:edit"))
		_, err := e.a.Authorize(ctx, m.req) // cached: the role lacks mod/x:view
		wantErr(t, err, "nopermissions", "", "")

		r, err := e.s.RoleByShortname(ctx, "role-editor")
		e.must(err)
		got, err := e.s.UpdateRole(ctx, services.Role{ID: r.ID, Shortname: " writer ", Name: "Writer",
			Description: "Writes", Capabilities: []string{"mod/x:view", "mod/y:view"}})
		e.must(err)
		want := services.Role{ID: r.ID, Shortname: "writer", Name: "Writer", Description: "Writes",
			Capabilities: []string{"mod/x:view", "mod/y:view"}}
		if got.ID != want.ID || got.Shortname != want.Shortname || got.Name != want.Name ||
			got.Description != want.Description || !slices.Equal(got.Capabilities, want.Capabilities) {
			t.Fatalf("UpdateRole = %+v, want %+v", got, want)
		}
		// The cache learnt the new capabilities at once.
		_, err = e.a.Authorize(ctx, m.req)
		wantErr(t, err, "", "", "")

		other, err := e.s.CreateRole(ctx, services.Role{Shortname: "other"})
		e.must(err)
		_, err = e.s.UpdateRole(ctx, services.Role{ID: other.ID, Shortname: "writer"})
		if wsgate.KindOf(err) != wsgate.Conflict {
			t.Errorf("taken shortname: %v, want a conflict", err)
		}
		if _, err := e.s.UpdateRole(ctx, services.Role{ID: other.ID, Shortname: " "}); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Errorf("empty shortname: %v", err)
		}
		if _, err := e.s.UpdateRole(ctx, services.Role{ID: 9999, Shortname: "x"}); !errors.Is(err, wsgate.ErrNotFound) {
			t.Errorf("missing role: %v", err)
		}
		admin, err := e.s.EnsureAdminRole(ctx)
		e.must(err)
		if _, err := e.s.UpdateRole(ctx, services.Role{ID: admin.ID, Shortname: "root"}); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Errorf("rename the admin role: %v", err)
		}
		if _, err := e.s.UpdateRole(ctx, services.Role{ID: admin.ID, Shortname: services.AdminRole,
			Capabilities: []string{"mod/x:view"}}); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Errorf("give the admin role a capability: %v", err)
		}
		got, err = e.s.UpdateRole(ctx, services.Role{ID: admin.ID, Shortname: services.AdminRole, Name: "Root"})
		e.must(err)
		if got.Name != "Root" {
			t.Errorf("admin role renamed to %+v", got)
		}
	})
}

func TestListTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		if list, err := e.s.ListTokens(e.ctx); err != nil || len(list) != 0 {
			t.Fatalf("ListTokens on an empty store = %v, %v", list, err)
		}
		a := e.make("a")
		b := e.make("b", tokenIP("10.0.0.0/8"))
		list, err := e.s.ListTokens(e.ctx)
		e.must(err)
		if len(list) != 2 || list[0] != a.token || list[1] != b.token {
			t.Errorf("ListTokens = %+v, want %+v and %+v", list, a.token, b.token)
		}
	})
}
