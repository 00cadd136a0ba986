package services_test

import (
	"context"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

func TestLastAccess(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("la")
		other := e.make("la2")
		lastAccess := func(id int64) int64 {
			t.Helper()
			tok, err := e.s.TokenByID(e.ctx, id)
			e.must(err)
			return tok.LastAccess
		}
		authorize := func(r ...made) {
			t.Helper()
			for _, x := range r {
				_, err := e.a.Authorize(e.ctx, x.req)
				e.must(err)
			}
		}
		flush := func() int64 {
			t.Helper()
			before := e.queries.Load()
			e.must(e.a.Flush(e.ctx))
			return e.queries.Load() - before
		}

		t0 := e.clock.Unix()
		authorize(m, other, m)
		if got := lastAccess(m.token.ID); got != 0 {
			t.Fatalf("lastaccess written on the call path: %d", got)
		}
		if q := flush(); q != 1 {
			t.Errorf("first flush: %d statements, want 1 batch", q)
		}
		if a, b := lastAccess(m.token.ID), lastAccess(other.token.ID); a != t0 || b != t0 {
			t.Fatalf("after flush lastaccess = %d, %d; want %d", a, b, t0)
		}
		if tok, err := e.s.TokenByID(e.ctx, m.token.ID); err != nil || tok.LastAccessIP != m.req.RemoteIP || tok.LastAccessIP == "" {
			t.Errorf("last access address = %q, %v; want %q", tok.LastAccessIP, err, m.req.RemoteIP)
		}

		// Within the minute: nothing is queued, nothing is written.
		e.clock.Add(59 * time.Second)
		authorize(m, other)
		if q := flush(); q != 0 {
			t.Errorf("flush within the minute: %d statements, want 0", q)
		}
		if got := lastAccess(m.token.ID); got != t0 {
			t.Errorf("lastaccess moved within the minute: %d", got)
		}

		// A minute later: written once, with the newest time.
		e.clock.Add(time.Second)
		t1 := e.clock.Unix()
		authorize(m)
		e.clock.Add(10 * time.Second)
		authorize(m)
		e.must(e.a.Flush(e.ctx))
		if a, b := lastAccess(m.token.ID), lastAccess(other.token.ID); a != t1 || b != t0 {
			t.Errorf("lastaccess = %d, %d; want %d, %d", a, b, t1, t0)
		}

		// A reload of the cache (invalidation) does not queue a second write
		// within the minute.
		e.a.Invalidate()
		e.clock.Add(5 * time.Second)
		authorize(m)
		if q := flush(); q != 0 {
			t.Errorf("flush after a reload within the minute: %d statements", q)
		}

		// Refused calls that pass the token checks still count, as in Moodle;
		// an expired token does not.
		e.clock.Add(2 * time.Minute)
		t2 := e.clock.Unix()
		r := m.req
		r.Function = "core_outside"
		if _, err := e.a.Authorize(e.ctx, r); err == nil {
			t.Fatal("core_outside allowed")
		}
		e.must(e.a.Flush(e.ctx))
		if got := lastAccess(m.token.ID); got != t2 {
			t.Errorf("lastaccess after a refused call = %d, want %d", got, t2)
		}
	})
}

func TestStartFlushesOnStop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{FlushInterval: time.Hour})
		m := e.make("stop")
		ctx, cancel := context.WithCancel(e.ctx)
		e.a.Start(ctx)
		e.a.Start(ctx) // a second Start does nothing
		_, err := e.a.Authorize(e.ctx, m.req)
		e.must(err)
		cancel()
		select {
		case <-e.a.Done():
		case <-time.After(10 * time.Second):
			t.Fatal("the background loop did not stop")
		}
		tok, err := e.s.TokenByID(e.ctx, m.token.ID)
		e.must(err)
		if tok.LastAccess != e.clock.Unix() {
			t.Errorf("lastaccess after stop = %d, want %d", tok.LastAccess, e.clock.Unix())
		}
	})
}

func TestBackgroundFlush(t *testing.T) {
	d := dbtest.Open(t, db.SQLite, true)
	e := newEnv(t, d, services.AuthorizerOptions{FlushInterval: 20 * time.Millisecond})
	m := e.make("bg")
	ctx, cancel := context.WithCancel(e.ctx)
	defer func() { cancel(); <-e.a.Done() }()
	e.a.Start(ctx)
	_, err := e.a.Authorize(e.ctx, m.req)
	e.must(err)
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		tok, err := e.s.TokenByID(e.ctx, m.token.ID)
		e.must(err)
		if tok.LastAccess == e.clock.Unix() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the background loop never wrote lastaccess")
}
