package services_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestProfileMemo: a value built from the profile is built once and served
// from memory (no query, the same value) until what the profile reads
// changes: the user, the service (the policy), the TTL, or an Invalidate; it
// is kept apart per name and per read-only flag.
func TestProfileMemo(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{TTL: time.Minute})
		m := e.make("ada", func(f *fix) {
			f.user.FirstName = "Ada"
			f.functions = []string{"core_a", "core_a_write", "core_two"}
		})
		c, err := e.a.Authorize(e.ctx, m.req)
		e.must(err)
		builds := 0
		memo := func(name string) string {
			t.Helper()
			caller := *c
			if name == "readonly" {
				caller.ReadOnly = true
			}
			v, err := services.ProfileMemo(e.ctx, e.a, &caller, name, func(p services.Profile) *string {
				builds++
				s := p.FirstName + ":" + strings.Join(p.Functions, ",")
				return &s
			})
			e.must(err)
			return *v
		}
		steps := []struct {
			name   string
			change func()
			memo   string
			want   string
			builds int // builds so far
		}{
			{"first", func() {}, "a", "Ada:core_a,core_a_write,core_two", 1},
			{"kept", func() {}, "a", "Ada:core_a,core_a_write,core_two", 1},
			{"another name", func() {}, "b", "Ada:core_a,core_a_write,core_two", 2},
			{"first name kept", func() {}, "a", "Ada:core_a,core_a_write,core_two", 2},
			{"read-only apart", func() {}, "readonly", "Ada:core_a,core_two", 3},
			{"user renamed", func() {
				u := m.user
				u.FirstName = "Augusta"
				_, err := e.s.UpdateUser(e.ctx, u)
				e.must(err)
			}, "a", "Augusta:core_a,core_a_write,core_two", 4},
			{"function removed", func() { e.must(e.s.RemoveServiceFunction(e.ctx, m.svc.ID, "core_two")) },
				"a", "Augusta:core_a,core_a_write", 5},
			{"kept again", func() {}, "a", "Augusta:core_a,core_a_write", 5},
			{"changed behind the store", func() { e.exec(`UPDATE users SET firstname = 'Lady' WHERE id = $1`, m.user.ID) },
				"a", "Augusta:core_a,core_a_write", 5},
			{"past the TTL", func() { e.clock.Add(time.Minute + time.Second) }, "a", "Lady:core_a,core_a_write", 6},
			{"invalidated", func() { e.a.Invalidate() }, "a", "Lady:core_a,core_a_write", 7},
		}
		for _, s := range steps {
			s.change()
			before := e.queries.Load()
			if got := memo(s.memo); got != s.want {
				t.Errorf("%s: %q, want %q", s.name, got, s.want)
			}
			if builds != s.builds {
				t.Errorf("%s: %d builds, want %d", s.name, builds, s.builds)
			}
			if n := e.queries.Load() - before; n != 0 && strings.HasPrefix(s.name, "kept") {
				t.Errorf("%s: %d queries, want 0", s.name, n)
			}
		}
	})
}

// TestProfileMemoConcurrent: callers racing with invalidations each get a
// value built from a profile (run under -race by make test).
func TestProfileMemoConcurrent(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), services.AuthorizerOptions{TTL: time.Minute})
	m := e.make("ada", func(f *fix) { f.user.FirstName = "Ada" })
	c, err := e.a.Authorize(e.ctx, m.req)
	e.must(err)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				if g == 0 && i%20 == 0 {
					e.a.Invalidate()
				}
				v, err := services.ProfileMemo(e.ctx, e.a, c, "n", func(p services.Profile) string { return p.FirstName })
				if err != nil || v != "Ada" {
					t.Errorf("ProfileMemo = %q, %v", v, err)
					return
				}
			}
		}()
	}
	wg.Wait()
}
