package services_test

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestAuthorizeMakesNoQuery warms the cache, then counts the statements that
// reach the database during 1,000 calls, allowed and refused: there must be none.
func TestAuthorizeMakesNoQuery(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		ok := e.make("ok", withCaps("mod/x:view"), call("core_capped"))
		restr := e.make("restr", restricted, authorised("192.0.2.0/24", e.clock.After(time.Hour)))
		susp := e.make("susp", suspended)
		tokIP := e.make("tokip", tokenIP("10.0.0.1"))
		admin := e.make("admin", asAdmin(), call("core_two"))
		reqs := []services.AuthRequest{ok.req, restr.req, susp.req, tokIP.req, admin.req}
		for _, fn := range []string{"core_outside", "core_nope", "core_two"} {
			r := ok.req
			r.Function = fn
			reqs = append(reqs, r)
		}
		unknown := ok.req
		unknown.Token = "00000000000000000000000000000000"
		reqs = append(reqs, unknown)

		for _, r := range reqs { // warm up
			_, _ = e.a.Authorize(e.ctx, r)
		}
		before := e.queries.Load()
		allowed := 0
		for i := range 1000 {
			if _, err := e.a.Authorize(e.ctx, reqs[i%len(reqs)]); err == nil {
				allowed++
			}
		}
		if n := e.queries.Load() - before; n != 0 {
			t.Fatalf("%d queries during 1000 calls after warm-up, want 0", n)
		}
		if want := 3 * (1000 / len(reqs)); allowed < want {
			t.Errorf("%d calls allowed, want at least %d", allowed, want)
		}
	})
}

// TestInvalidation checks that a change made through the store is seen by the
// very next call, with no TTL to wait for.
func TestInvalidation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		ctx := context.Background()
		tests := []struct {
			name         string
			mods         []func(*fix)
			change       func(*env, made) error
			before, want string // errorcodes, "" for allowed
		}{
			{name: "disable the service", change: func(e *env, m made) error {
				return e.s.SetServiceEnabled(ctx, m.svc.ID, false)
			}, want: "accessexception"},
			{name: "enable the service", mods: fixes(disabled), before: "accessexception", change: func(e *env, m made) error {
				return e.s.SetServiceEnabled(ctx, m.svc.ID, true)
			}},
			{name: "update the service", change: func(e *env, m made) error {
				sv := m.svc
				sv.RestrictedUsers = true
				_, err := e.s.UpdateService(ctx, sv)
				return err
			}, want: "accessexception"},
			{name: "remove the function", change: func(e *env, m made) error {
				return e.s.RemoveServiceFunction(ctx, m.svc.ID, "core_a")
			}, want: "accessexception"},
			{name: "add the function", mods: fixes(call("core_outside")), before: "accessexception", change: func(e *env, m made) error {
				return e.s.AddServiceFunction(ctx, m.svc.ID, "core_outside")
			}},
			{name: "delete the service", change: func(e *env, m made) error {
				return e.s.DeleteService(ctx, m.svc.ID)
			}, want: "invalidtoken"},
			{name: "suspend the user", change: func(e *env, m made) error {
				u := m.user
				u.Suspended = true
				_, err := e.s.UpdateUser(ctx, u)
				return err
			}, want: "wsaccessusersuspended"},
			{name: "delete the user", change: func(e *env, m made) error {
				return e.s.DeleteUser(ctx, m.user.ID)
			}, want: "invalidtoken"},
			{name: "delete the token", change: func(e *env, m made) error {
				return e.s.DeleteToken(ctx, m.token.ID)
			}, want: "invalidtoken"},
			{name: "delete the user's tokens", change: func(e *env, m made) error {
				_, err := e.s.DeleteUserTokens(ctx, m.user.ID)
				return err
			}, want: "invalidtoken"},
			{name: "authorise the user", mods: fixes(restricted), before: "accessexception", change: func(e *env, m made) error {
				return e.s.AuthoriseUser(ctx, m.svc.ID, m.user.ID, "", 0)
			}},
			{name: "narrow the authorisation", mods: fixes(restricted, authorised("", 0)), change: func(e *env, m made) error {
				return e.s.AuthoriseUser(ctx, m.svc.ID, m.user.ID, "10.9.9.9", 0)
			}, want: "accessexception"},
			{name: "remove the authorisation", mods: fixes(restricted, authorised("", 0)), change: func(e *env, m made) error {
				return e.s.RemoveServiceUser(ctx, m.svc.ID, m.user.ID)
			}, want: "accessexception"},
			{name: "give a capability to the role", mods: fixes(call("core_capped"), withCaps("other")), before: "nopermissions",
				change: func(e *env, m made) error {
					r, err := e.s.RoleByShortname(ctx, "role-"+m.user.Username)
					if err != nil {
						return err
					}
					return e.s.AddRoleCapability(ctx, r.ID, "mod/x:view")
				}},
			{name: "take the capability from the role", mods: fixes(call("core_capped"), withCaps("mod/x:view")),
				change: func(e *env, m made) error {
					r, err := e.s.RoleByShortname(ctx, "role-"+m.user.Username)
					if err != nil {
						return err
					}
					return e.s.RemoveRoleCapability(ctx, r.ID, "mod/x:view")
				}, want: "nopermissions"},
			{name: "unassign the role", mods: fixes(call("core_capped"), withCaps("mod/x:view")),
				change: func(e *env, m made) error {
					r, err := e.s.RoleByShortname(ctx, "role-"+m.user.Username)
					if err != nil {
						return err
					}
					return e.s.UnassignRole(ctx, m.user.ID, r.ID)
				}, want: "nopermissions"},
			{name: "make the user an admin", mods: fixes(call("core_capped")), before: "nopermissions",
				change: func(e *env, m made) error {
					r, err := e.s.EnsureAdminRole(ctx)
					if err != nil {
						return err
					}
					return e.s.AssignRole(ctx, m.user.ID, r.ID)
				}},
			{name: "change inside Transact", change: func(e *env, m made) error {
				return e.s.Transact(ctx, func(tx *services.Store) error {
					if err := tx.SetServiceEnabled(ctx, m.svc.ID, false); err != nil {
						return err
					}
					// Not committed yet: the cache still says enabled.
					_, err := e.a.Authorize(ctx, m.req)
					return err
				})
			}, want: "accessexception"},
			{name: "rolled back Transact", change: func(e *env, m made) error {
				err := e.s.Transact(ctx, func(tx *services.Store) error {
					if err := tx.SetServiceEnabled(ctx, m.svc.ID, false); err != nil {
						return err
					}
					return fmt.Errorf("roll back")
				})
				if err == nil {
					return fmt.Errorf("Transact did not fail")
				}
				return nil
			}},
			{name: "change through WithTx and Announce", change: func(e *env, m made) error {
				return withTx(ctx, e, func(tx *services.Store) error {
					return tx.SetServiceEnabled(ctx, m.svc.ID, false)
				})
			}, want: "accessexception"},
			{name: "raw change and Invalidate", change: func(e *env, m made) error {
				e.exec(`UPDATE users SET suspended = TRUE WHERE id = $1`, m.user.ID)
				e.a.Invalidate()
				return nil
			}, want: "wsaccessusersuspended"},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := e.make(fmt.Sprintf("inv%d", i), tt.mods...)
				_, err := e.a.Authorize(ctx, m.req)
				wantErr(t, err, tt.before, "", "")
				_, err = e.a.Authorize(ctx, m.req) // now from the cache
				wantErr(t, err, tt.before, "", "")
				e.must(tt.change(e, m))
				_, err = e.a.Authorize(ctx, m.req)
				wantErr(t, err, tt.want, "", "")
			})
		}
	})
}

// withTx runs fn on a WithTx store in a transaction of our own and announces after the commit.
func withTx(ctx context.Context, e *env, fn func(*services.Store) error) error {
	var txs *services.Store
	err := e.d.Transact(ctx, func(tx *sql.Tx) error {
		txs = e.s.WithTx(tx)
		return fn(txs)
	})
	if err == nil {
		txs.Announce()
	}
	return err
}

// TestTTL checks that a change made behind the store's back (another
// instance) is seen once the TTL has passed, and not before.
func TestTTL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{TTL: time.Minute})
		m := e.make("ttl")
		other := e.make("other")
		_, err := e.a.Authorize(e.ctx, m.req)
		e.must(err)
		_, err = e.a.Authorize(e.ctx, other.req)
		e.must(err)
		e.exec(`UPDATE external_services SET enabled = FALSE WHERE id = $1`, m.svc.ID)
		e.exec(`UPDATE users SET suspended = TRUE WHERE id = $1`, other.user.ID)
		e.clock.Add(30 * time.Second)
		if _, err := e.a.Authorize(e.ctx, m.req); err != nil {
			t.Fatalf("cached data dropped before the TTL: %v", err)
		}
		e.clock.Add(31 * time.Second)
		_, err = e.a.Authorize(e.ctx, m.req)
		wantErr(t, err, "accessexception", "", "")
		_, err = e.a.Authorize(e.ctx, other.req)
		wantErr(t, err, "wsaccessusersuspended", "", "")
	})
}

// TestConcurrentChanges runs calls while the service is switched on and off
// and tokens come and go; under -race this checks the locking, and the last
// state must be the one served.
func TestConcurrentChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("conc")
		ctx, cancel := context.WithCancel(e.ctx)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				for ctx.Err() == nil {
					_, _ = e.a.Authorize(ctx, m.req)
				}
			})
		}
		wg.Go(func() {
			for ctx.Err() == nil {
				value, tok, err := e.s.CreateToken(e.ctx, services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID})
				if err != nil {
					t.Error(err)
					return
				}
				r := m.req
				r.Token = value
				_, _ = e.a.Authorize(ctx, r)
				if err := e.s.DeleteToken(e.ctx, tok.ID); err != nil {
					t.Error(err)
					return
				}
				if _, err := e.a.Authorize(e.ctx, r); err == nil {
					t.Error("deleted token accepted")
				}
			}
		})
		for i := range 40 {
			e.must(e.s.SetServiceEnabled(e.ctx, m.svc.ID, i%2 == 1))
		}
		cancel()
		wg.Wait()
		_, err := e.a.Authorize(e.ctx, m.req)
		wantErr(t, err, "", "", "") // the last change enabled it
		e.must(e.s.SetServiceEnabled(e.ctx, m.svc.ID, false))
		_, err = e.a.Authorize(e.ctx, m.req)
		wantErr(t, err, "accessexception", "", "")
	})
}

// TestManyTokens loads tens of thousands of tokens into the cache.
func TestManyTokens(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	d := dbtest.Open(t, db.SQLite, true)
	e := newEnv(t, d, services.AuthorizerOptions{})
	m := e.make("many")
	n := 20000
	if raceEnabled {
		n = 2000
	}
	reqs := bulkTokens(t, e, m, n)
	for _, r := range reqs {
		if _, err := e.a.Authorize(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	before := e.queries.Load()
	for _, r := range reqs {
		if _, err := e.a.Authorize(e.ctx, r); err != nil {
			t.Fatal(err)
		}
	}
	if q := e.queries.Load() - before; q != 0 {
		t.Errorf("%d queries for %d cached tokens", q, n)
	}
}

// bulkTokens inserts n tokens of m's user and service directly and returns a request for each.
func bulkTokens(t testing.TB, e *env, m made, n int) []services.AuthRequest {
	t.Helper()
	reqs := make([]services.AuthRequest, n)
	err := e.d.Transact(e.ctx, func(tx *sql.Tx) error {
		for i := range reqs {
			value := fmt.Sprintf("%032x", i+1)
			if _, err := tx.ExecContext(e.ctx, `INSERT INTO external_tokens (tokenhash, userid, externalserviceid)
				VALUES ($1, $2, $3)`, services.HashToken(value), m.user.ID, m.svc.ID); err != nil {
				return err
			}
			reqs[i] = m.req
			reqs[i].Token = value
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return reqs
}

// TestFailClosed checks that a call needing data the cache lacks fails with
// ErrStoreUnavailable when the store cannot answer (a cancelled load, a
// closed database), while cached data keeps being served.
func TestFailClosed(t *testing.T) {
	d := dbtest.Open(t, db.SQLite, true)
	e := newEnv(t, d, services.AuthorizerOptions{})
	warm := e.make("warm")
	cold := e.make("cold")
	other := e.make("other")
	_, err := e.a.Authorize(e.ctx, warm.req)
	e.must(err)

	cancelled, cancel := context.WithCancel(e.ctx)
	cancel()
	_, err = e.a.Authorize(cancelled, cold.req)
	wantErr(t, err, "dbconnectionfailed", "", "")
	if _, err := e.a.Authorize(e.ctx, cold.req); err != nil {
		t.Fatalf("a cancelled load poisoned the cache: %v", err)
	}

	e.must(d.Close())
	_, err = e.a.Authorize(e.ctx, other.req)
	wantErr(t, err, "dbconnectionfailed", "Error: Database connection failed", "")
	if _, err := e.a.Authorize(e.ctx, warm.req); err != nil {
		t.Errorf("cached token refused while the store is down: %v", err)
	}
}
