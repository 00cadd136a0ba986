package services_test

import (
	"errors"
	"maps"
	"slices"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

func TestRolesAndCapabilities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		ctx := e.ctx
		u, err := e.s.CreateUser(ctx, services.User{Username: "u"}, "")
		e.must(err)

		editor, err := e.s.CreateRole(ctx, services.Role{Shortname: "editor", Name: "Editor",
			Capabilities: []string{"mod/x:edit", "mod/x:view", "mod/x:edit"}})
		e.must(err)
		if editor.ID == 0 || editor.Name != "Editor" || !slices.Equal(editor.Capabilities, []string{"mod/x:edit", "mod/x:view"}) {
			t.Fatalf("created %+v", editor)
		}
		if got, err := e.s.RoleByShortname(ctx, "editor"); err != nil || got.ID != editor.ID || len(got.Capabilities) != 2 {
			t.Errorf("RoleByShortname = %+v, %v", got, err)
		}
		if _, err := e.s.RoleByShortname(ctx, "nope"); !errors.Is(err, wsgate.ErrNotFound) {
			t.Errorf("missing role: %v", err)
		}
		_, err = e.s.CreateRole(ctx, services.Role{Shortname: "editor"})
		if ce := db.ConstraintOf(err); ce == nil || ce.Kind != db.Unique || wsgate.KindOf(err) != wsgate.Conflict {
			t.Errorf("duplicate shortname: %v, want a unique conflict", err)
		}
		if _, err := e.s.CreateRole(ctx, services.Role{}); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Errorf("empty shortname: %v", err)
		}

		caps := func() map[string]bool {
			t.Helper()
			c, err := e.s.UserCapabilities(ctx, u.ID)
			e.must(err)
			return c
		}
		if len(caps()) != 0 {
			t.Errorf("caps before assignment: %v", caps())
		}
		e.must(e.s.AssignRole(ctx, u.ID, editor.ID))
		e.must(e.s.AssignRole(ctx, u.ID, editor.ID)) // idempotent
		e.must(e.s.AddRoleCapability(ctx, editor.ID, "mod/x:delete"))
		e.must(e.s.AddRoleCapability(ctx, editor.ID, "mod/x:delete")) // idempotent
		if got := caps(); !maps.Equal(got, map[string]bool{"mod/x:edit": true, "mod/x:view": true, "mod/x:delete": true}) {
			t.Errorf("caps = %v", got)
		}
		e.must(e.s.RemoveRoleCapability(ctx, editor.ID, "mod/x:delete"))
		if roles, err := e.s.UserRoles(ctx, u.ID); err != nil || len(roles) != 1 || roles[0].Shortname != "editor" {
			t.Errorf("UserRoles = %+v, %v", roles, err)
		}
		if err := e.s.AssignRole(ctx, 9999, editor.ID); !errors.Is(err, wsgate.ErrNotFound) {
			t.Errorf("assign to a missing user: %v, want not found", err)
		}
		if err := e.s.AddRoleCapability(ctx, 9999, "c"); !errors.Is(err, wsgate.ErrNotFound) {
			t.Errorf("capability of a missing role: %v, want not found", err)
		}
		e.must(e.s.UnassignRole(ctx, u.ID, editor.ID))
		e.must(e.s.UnassignRole(ctx, u.ID, editor.ID)) // idempotent
		if len(caps()) != 0 {
			t.Errorf("caps after unassignment: %v", caps())
		}

		admin, err := e.s.EnsureAdminRole(ctx)
		e.must(err)
		again, err := e.s.EnsureAdminRole(ctx)
		e.must(err)
		if admin.Shortname != services.AdminRole || again.ID != admin.ID || len(admin.Capabilities) != 0 {
			t.Errorf("admin role %+v, again %+v", admin, again)
		}
		if is, err := e.s.IsSiteAdmin(ctx, u.ID); err != nil || is {
			t.Errorf("IsSiteAdmin before = %v, %v", is, err)
		}
		e.must(e.s.AssignRole(ctx, u.ID, admin.ID))
		if is, err := e.s.IsSiteAdmin(ctx, u.ID); err != nil || !is {
			t.Errorf("IsSiteAdmin after = %v, %v", is, err)
		}
		if err := e.s.DeleteRole(ctx, admin.ID); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Errorf("delete admin role: %v", err)
		}
		e.must(e.s.DeleteRole(ctx, editor.ID))
		if roles, err := e.s.ListRoles(ctx); err != nil || len(roles) != 1 || roles[0].ID != admin.ID {
			t.Errorf("ListRoles = %+v, %v", roles, err)
		}

		e.must(e.s.RegisterCapability(ctx, "mod/x:view", "mod_x", "View x"))
		e.must(e.s.RegisterCapability(ctx, "mod/x:view", "mod_y", "See x")) // upsert
		e.must(e.s.RegisterCapability(ctx, "mod/a:use", "mod_a", ""))
		if ok, err := e.s.CapabilityExists(ctx, "mod/x:view"); err != nil || !ok {
			t.Errorf("CapabilityExists = %v, %v", ok, err)
		}
		if ok, err := e.s.CapabilityExists(ctx, "mod/x:nope"); err != nil || ok {
			t.Errorf("CapabilityExists(missing) = %v, %v", ok, err)
		}
		list, err := e.s.ListCapabilities(ctx)
		e.must(err)
		want := []services.Capability{{"mod/a:use", "mod_a", ""}, {"mod/x:view", "mod_y", "See x"}}
		if !slices.Equal(list, want) {
			t.Errorf("ListCapabilities = %+v, want %+v", list, want)
		}
		if err := e.s.RegisterCapability(ctx, " ", "", ""); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Errorf("empty capability: %v", err)
		}
	})
}
