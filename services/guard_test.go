package services_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// as returns a context whose caller is user, a site administrator or not.
func (e *env) as(user services.User, siteAdmin bool) context.Context {
	return wsgate.WithCaller(e.ctx, &wsgate.Caller{UserID: user.ID, Username: user.Username, IsSiteAdmin: siteAdmin,
		Capabilities: map[string]bool{"moodle/user:update": true, "moodle/user:delete": true}})
}

// admins returns a fixture: the admin role, the site administrator root and
// a user manager who holds a role of their own (not the admin role).
func (e *env) admins() (services.Role, services.User, services.User) {
	e.t.Helper()
	adminRole, err := e.s.EnsureAdminRole(e.ctx)
	e.must(err)
	root, err := e.s.CreateUser(e.ctx, services.User{Username: "root", FirstName: "Root"}, "root-password")
	e.must(err)
	e.must(e.s.AssignRole(e.ctx, root.ID, adminRole.ID))
	manager, err := e.s.CreateUser(e.ctx, services.User{Username: "manager"}, "manager-password")
	e.must(err)
	return adminRole, root, manager
}

// TestSiteAdminAccountsNeedASiteAdmin is finding 1 of issue 12 at the
// store: a caller who is not a site administrator changes nothing of a site
// administrator's account, through any write.
func TestSiteAdminAccountsNeedASiteAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		adminRole, root, manager := e.admins()
		other, err := e.s.CreateRole(e.ctx, services.Role{Shortname: "other"})
		e.must(err)
		svc, err := e.s.CreateService(e.ctx, services.Service{Name: "Custom", Shortname: "custom", Enabled: true})
		e.must(err)
		ctx := e.as(manager, false)
		renamed, suspended, nologin := root, root, root
		renamed.Username = "owned"
		suspended.Suspended = true
		nologin.Auth = services.AuthNoLogin
		tests := []struct {
			name  string
			write func() error
			want  error
		}{
			{"username", func() error { _, err := e.s.UpdateUser(ctx, renamed); return err }, services.ErrSiteAdminProtected},
			{"suspended", func() error { _, err := e.s.UpdateUser(ctx, suspended); return err }, services.ErrSiteAdminProtected},
			{"auth", func() error { _, err := e.s.UpdateUser(ctx, nologin); return err }, services.ErrSiteAdminProtected},
			{"unchanged fields", func() error { _, err := e.s.UpdateUser(ctx, root); return err }, services.ErrSiteAdminProtected},
			{"password", func() error { return e.s.SetPassword(ctx, root.ID, "taken-over") }, services.ErrSiteAdminProtected},
			{"delete", func() error { return e.s.DeleteUser(ctx, root.ID) }, services.ErrSiteAdminDelete},
			{"admin role taken", func() error { return e.s.UnassignRole(ctx, root.ID, adminRole.ID) }, services.ErrSiteAdminProtected},
			{"role given", func() error { return e.s.AssignRole(ctx, root.ID, other.ID) }, services.ErrSiteAdminProtected},
			{"admin role given to oneself", func() error { return e.s.AssignRole(ctx, manager.ID, adminRole.ID) }, services.ErrSiteAdminGrant},
			{"token for the admin", func() error {
				_, _, err := e.s.CreateToken(ctx, services.TokenSpec{UserID: root.ID, ServiceID: svc.ID})
				return err
			}, services.ErrSiteAdminProtected},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if err := tt.write(); !errors.Is(err, tt.want) || wsgate.KindOf(err) != wsgate.Forbidden {
					t.Fatalf("err = %v, want %v", err, tt.want)
				}
				got, err := e.s.UserByID(e.ctx, root.ID)
				if err != nil || got != root {
					t.Errorf("root = %+v, %v; want unchanged %+v", got, err, root)
				}
				if _, err := e.s.CheckPassword(e.ctx, "root", "root-password"); err != nil {
					t.Errorf("root's password changed: %v", err)
				}
				for _, u := range []services.User{root, manager} {
					if roles, err := e.s.UserRoles(e.ctx, u.ID); err != nil || len(roles) != map[int64]int{root.ID: 1}[u.ID] {
						t.Errorf("roles of %s = %v, %v", u.Username, roles, err)
					}
				}
				if toks, err := e.s.TokensForUser(e.ctx, root.ID); err != nil || len(toks) != 0 {
					t.Errorf("tokens of root = %v, %v", toks, err)
				}
			})
		}

		// The same caller may change accounts that are not a site administrator's.
		plain, err := e.s.CreateUser(e.ctx, services.User{Username: "plain"}, "pw")
		e.must(err)
		plain.Suspended = true
		if _, err := e.s.UpdateUser(ctx, plain); err != nil {
			t.Errorf("suspend a plain user: %v", err)
		}
		e.must(e.s.SetPassword(ctx, plain.ID, "new"))
		e.must(e.s.AssignRole(ctx, plain.ID, other.ID))
		e.must(e.s.DeleteUser(ctx, plain.ID))
	})
}

// TestLastSiteAdmin: a site administrator may change another's account, but
// no one deletes a site administrator (Moodle's rule), and the last usable
// one keeps the admin role and is neither suspended nor barred from logging
// in, whoever asks (the gateway itself too).
func TestLastSiteAdmin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		adminRole, root, _ := e.admins()
		for name, ctx := range map[string]context.Context{"site admin": e.as(root, true), "no caller": e.ctx} {
			t.Run(name, func(t *testing.T) {
				suspended, nologin := root, root
				suspended.Suspended = true
				nologin.Auth = services.AuthNoLogin
				for what, err := range map[string]error{
					"suspend":    func() error { _, err := e.s.UpdateUser(ctx, suspended); return err }(),
					"nologin":    func() error { _, err := e.s.UpdateUser(ctx, nologin); return err }(),
					"unassign":   e.s.UnassignRole(ctx, root.ID, adminRole.ID),
					"deleteLast": e.s.DeleteUser(ctx, root.ID),
				} {
					want := services.ErrLastSiteAdmin
					if what == "deleteLast" {
						want = services.ErrSiteAdminDelete
					}
					if !errors.Is(err, want) {
						t.Errorf("%s the last site admin: %v, want %v", what, err, want)
					}
				}
				if got, err := e.s.UserByID(e.ctx, root.ID); err != nil || got != root {
					t.Errorf("root = %+v, %v; want unchanged", got, err)
				}
				if ok, err := e.s.IsSiteAdmin(e.ctx, root.ID); err != nil || !ok {
					t.Errorf("root lost the admin role: %v", err)
				}
			})
		}

		ctx := e.as(root, true)
		renamed := root
		renamed.FirstName = "Still root"
		if _, err := e.s.UpdateUser(ctx, renamed); err != nil {
			t.Errorf("edit the last site admin: %v", err)
		}
		e.must(e.s.SetPassword(ctx, root.ID, "new-root-password"))

		// With a second site administrator, one may be suspended, or lose the
		// role, but not both: the other one stays.
		second, err := e.s.CreateUser(e.ctx, services.User{Username: "second"}, "pw")
		e.must(err)
		e.must(e.s.AssignRole(ctx, second.ID, adminRole.ID))
		second.Suspended = true
		second, err = e.s.UpdateUser(ctx, second)
		e.must(err)
		if err := e.s.UnassignRole(ctx, root.ID, adminRole.ID); !errors.Is(err, services.ErrLastSiteAdmin) {
			t.Errorf("unassign root while the other admin is suspended: %v", err)
		}
		second.Suspended = false
		_, err = e.s.UpdateUser(ctx, second)
		e.must(err)
		if err := e.s.DeleteUser(ctx, second.ID); !errors.Is(err, services.ErrSiteAdminDelete) {
			t.Errorf("delete a site admin who is not the last: %v", err)
		}
		e.must(e.s.UnassignRole(ctx, second.ID, adminRole.ID))
		e.must(e.s.DeleteUser(ctx, second.ID)) // no longer a site admin
	})
}

// TestLastSiteAdminRace: two site administrators suspend each other at the
// same time; one of them stays usable.
func TestLastSiteAdminRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		adminRole, root, _ := e.admins()
		second, err := e.s.CreateUser(e.ctx, services.User{Username: "second"}, "pw")
		e.must(err)
		e.must(e.s.AssignRole(e.ctx, second.ID, adminRole.ID))
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, u := range []services.User{root, second} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				u.Suspended = true
				_, errs[i] = e.s.UpdateUser(e.ctx, u)
			}()
		}
		wg.Wait()
		usable := 0
		for _, u := range []services.User{root, second} {
			got, err := e.s.UserByID(e.ctx, u.ID)
			e.must(err)
			if !got.Suspended {
				usable++
			}
		}
		if usable != 1 {
			t.Fatalf("%d usable site admins left (errors %v), want 1", usable, errs)
		}
		for _, err := range errs {
			if err != nil && !errors.Is(err, services.ErrLastSiteAdmin) {
				t.Errorf("err = %v, want success or lastsiteadmin", err)
			}
		}
	})
}
