package services_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

func TestUsers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		ctx := e.ctx
		u, err := e.s.CreateUser(ctx, services.User{Username: "  Alice ", FirstName: "Alice", LastName: "Liddell",
			Email: "alice@example.org"}, "wonder land")
		e.must(err)
		want := services.User{ID: u.ID, Username: "alice", FirstName: "Alice", LastName: "Liddell",
			Email: "alice@example.org", Auth: services.AuthManual, TimeCreated: e.clock.Unix(), TimeModified: e.clock.Unix()}
		if u != want || u.ID == 0 {
			t.Fatalf("created %+v, want %+v", u, want)
		}
		for name, get := range map[string]func() (services.User, error){
			"by id":       func() (services.User, error) { return e.s.UserByID(ctx, u.ID) },
			"by username": func() (services.User, error) { return e.s.UserByUsername(ctx, "ALICE") },
		} {
			if got, err := get(); err != nil || got != want {
				t.Errorf("%s = %+v, %v; want %+v", name, got, err, want)
			}
		}

		var hash string
		if err := d.QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = $1`, u.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$2") || strings.Contains(hash, "wonder") {
			t.Errorf("password_hash = %q, want a bcrypt hash", hash)
		}

		t.Run("not found", func(t *testing.T) {
			for _, err := range []error{
				func() error { _, err := e.s.UserByID(ctx, 9999); return err }(),
				func() error { _, err := e.s.UserByUsername(ctx, "nobody"); return err }(),
				func() error { _, err := e.s.UpdateUser(ctx, services.User{ID: 9999, Username: "x"}); return err }(),
				e.s.SetPassword(ctx, 9999, "x"),
				e.s.DeleteUser(ctx, 9999),
			} {
				if !errors.Is(err, wsgate.ErrNotFound) {
					t.Errorf("err = %v, want not found", err)
				}
			}
		})

		t.Run("invalid", func(t *testing.T) {
			for _, u := range []services.User{{Username: " "}, {Username: "x", Auth: "ldap"},
				{Username: strings.Repeat("x", 101)}} {
				if _, err := e.s.CreateUser(ctx, u, ""); !errors.Is(err, wsgate.ErrInvalidParameter) {
					t.Errorf("CreateUser(%+v) = %v, want invalidparameter", u, err)
				}
			}
			if _, err := e.s.CreateUser(ctx, services.User{Username: "long"}, strings.Repeat("p", 73)); !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Errorf("73-byte password: %v, want invalidparameter", err)
			}
		})

		t.Run("duplicate username", func(t *testing.T) {
			_, err := e.s.CreateUser(ctx, services.User{Username: "ALICE"}, "")
			if ce := db.ConstraintOf(err); ce == nil || ce.Kind != db.Unique || !errors.Is(err, wsgate.ErrConflict) {
				t.Fatalf("err = %v, want a unique conflict", err)
			}
		})

		t.Run("update", func(t *testing.T) {
			e.clock.Add(10 * time.Second)
			u2 := u
			u2.FirstName, u2.Suspended, u2.Auth, u2.Deleted = "Al", true, services.AuthNoLogin, true
			got, err := e.s.UpdateUser(ctx, u2)
			e.must(err)
			if got.FirstName != "Al" || !got.Suspended || got.Auth != services.AuthNoLogin || got.Deleted ||
				got.TimeCreated != u.TimeCreated || got.TimeModified != u.TimeCreated+10 {
				t.Errorf("updated = %+v", got)
			}
			u2 = got
			u2.Suspended, u2.Auth = false, services.AuthManual
			_, err = e.s.UpdateUser(ctx, u2)
			e.must(err)
		})

		t.Run("passwords", func(t *testing.T) {
			tests := []struct {
				name, username, password string
				ok                       bool
			}{
				{"right", "alice", "wonder land", true},
				{"case-insensitive username", "Alice", "wonder land", true},
				{"wrong password", "alice", "wonder", false},
				{"password case", "alice", "Wonder land", false},
				{"unknown user", "bob", "wonder land", false},
				{"empty", "", "", false},
			}
			for _, tt := range tests {
				got, err := e.s.CheckPassword(ctx, tt.username, tt.password)
				if tt.ok && (err != nil || got.ID != u.ID) {
					t.Errorf("%s: %+v, %v", tt.name, got, err)
				}
				if !tt.ok && !errors.Is(err, services.ErrInvalidLogin) {
					t.Errorf("%s: err = %v, want invalidlogin", tt.name, err)
				}
			}
			e.must(e.s.SetPassword(ctx, u.ID, "new one"))
			if _, err := e.s.CheckPassword(ctx, "alice", "wonder land"); !errors.Is(err, services.ErrInvalidLogin) {
				t.Errorf("old password still works: %v", err)
			}
			if _, err := e.s.CheckPassword(ctx, "alice", "new one"); err != nil {
				t.Errorf("new password: %v", err)
			}
			_, err := e.s.CreateUser(ctx, services.User{Username: "nopass"}, "")
			e.must(err)
			if _, err := e.s.CheckPassword(ctx, "nopass", ""); !errors.Is(err, services.ErrInvalidLogin) {
				t.Errorf("user without password logs in: %v", err)
			}
			for _, state := range []func(*services.User){
				func(u *services.User) { u.Suspended = true },
				func(u *services.User) { u.Auth = services.AuthNoLogin },
			} {
				v, err := e.s.CreateUser(ctx, services.User{Username: "state"}, "pw")
				e.must(err)
				state(&v)
				_, err = e.s.UpdateUser(ctx, v)
				e.must(err)
				if _, err := e.s.CheckPassword(ctx, "state", "pw"); !errors.Is(err, services.ErrInvalidLogin) {
					t.Errorf("%+v logs in: %v", v, err)
				}
				e.must(e.s.DeleteUser(ctx, v.ID))
			}
		})

		t.Run("delete", func(t *testing.T) {
			m := e.make("carol")
			if _, err := e.s.CheckPassword(ctx, "carol", "secret-carol"); err != nil {
				t.Fatal(err)
			}
			e.must(e.s.DeleteUser(ctx, m.user.ID))
			e.must(e.s.DeleteUser(ctx, m.user.ID)) // again: nothing to do
			got, err := e.s.UserByID(ctx, m.user.ID)
			e.must(err)
			if !got.Deleted || got.Username == "carol" || got.Email != "" {
				t.Errorf("deleted user = %+v", got)
			}
			if toks, err := e.s.TokensForUser(ctx, m.user.ID); err != nil || len(toks) != 0 {
				t.Errorf("tokens left: %v, %v", toks, err)
			}
			if _, err := e.s.CheckPassword(ctx, got.Username, "secret-carol"); !errors.Is(err, services.ErrInvalidLogin) {
				t.Errorf("deleted user logs in: %v", err)
			}
			if _, err := e.s.UpdateUser(ctx, got); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("update of a deleted user: %v", err)
			}
			if _, err := e.s.CreateUser(ctx, services.User{Username: "carol"}, ""); err != nil {
				t.Errorf("username of a deleted user not freed: %v", err)
			}
			active, err := e.s.ListUsers(ctx, services.UserFilter{})
			e.must(err)
			all, err := e.s.ListUsers(ctx, services.UserFilter{IncludeDeleted: true})
			e.must(err)
			if len(all) != len(active)+3 { // carol and the two "state" users
				t.Errorf("list: %d active, %d in all", len(active), len(all))
			}
			for _, u := range active {
				if u.Deleted {
					t.Errorf("deleted user listed: %+v", u)
				}
			}
		})
	})
}

// TestUsersByField: one query whatever the number of values; email matched
// without regard to case, username as CreateUser stores it; deleted users
// never found; each user once, ordered by id.
func TestUsersByField(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		var ids []int64
		for _, name := range []string{"ann", "ben", "cat", "gone"} {
			u, err := e.s.CreateUser(e.ctx, services.User{Username: name, Email: strings.ToUpper(name[:1]) + name[1:] + "@Example.org"}, "")
			e.must(err)
			ids = append(ids, u.ID)
		}
		e.must(e.s.DeleteUser(e.ctx, ids[3]))
		tests := []struct {
			field   string
			values  []string
			want    []int64
			queries int64
		}{
			{"email", []string{"cat@example.org", "ANN@EXAMPLE.ORG", "nobody@example.org", "Ann@Example.org", ""}, []int64{ids[0], ids[2]}, 1},
			{"username", []string{"Ben", " cat ", "gone", "x"}, []int64{ids[1], ids[2]}, 1},
			{"id", []string{fmt.Sprint(ids[2]), fmt.Sprint(ids[0]), fmt.Sprint(ids[3]), "abc", "-1", fmt.Sprint(ids[0])}, []int64{ids[0], ids[2]}, 1},
			{"idnumber", []string{"1"}, nil, 0}, // the gateway's users have no idnumber
			{"email", nil, nil, 0},
			{"id", []string{"abc"}, nil, 0},
		}
		for _, tt := range tests {
			before := e.queries.Load()
			got, err := e.s.UsersByField(e.ctx, tt.field, tt.values)
			e.must(err)
			var gotIDs []int64
			for _, u := range got {
				gotIDs = append(gotIDs, u.ID)
			}
			if fmt.Sprint(gotIDs) != fmt.Sprint(tt.want) {
				t.Errorf("%s %q = %v, want %v", tt.field, tt.values, gotIDs, tt.want)
			}
			if n := e.queries.Load() - before; n != tt.queries {
				t.Errorf("%s %q: %d queries, want %d", tt.field, tt.values, n, tt.queries)
			}
		}
		many := make([]string, 500)
		for i := range many {
			many[i] = fmt.Sprintf("user%d@example.org", i)
		}
		many[250] = "BEN@example.org"
		before := e.queries.Load()
		got, err := e.s.UsersByField(e.ctx, "email", many)
		e.must(err)
		if n := e.queries.Load() - before; n != 1 || len(got) != 1 || got[0].ID != ids[1] {
			t.Errorf("500 emails: %d queries, found %+v; want 1 query finding ben", n, got)
		}
		if _, err := e.s.UsersByField(e.ctx, "colour", []string{"x"}); !errors.Is(err, wsgate.ErrInvalidParameter) {
			t.Errorf("unknown field: %v", err)
		}
	})
}
