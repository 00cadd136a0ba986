package bus_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wsgate/internal/bus"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

func ev(name string, seq int) bus.Event {
	return bus.Event{Name: name, RoutingKey: "config.test." + name, Body: map[string]any{"seq": seq, "shortname": fmt.Sprint("s", seq)}}
}

// seqOf reads back the seq field of a relayed event.
func seqOf(t *testing.T, e bus.Event) int {
	t.Helper()
	n, ok := e.Body["seq"].(json.Number)
	if !ok {
		t.Fatalf("seq is %T %v", e.Body["seq"], e.Body["seq"])
	}
	i, err := n.Int64()
	if err != nil {
		t.Fatal(err)
	}
	return int(i)
}

func TestRelayOrderAndRollback(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rec := &recorder{}
		r := bus.NewRelay(d, rec, testLog(t), bus.RelayOptions{PollInterval: time.Hour})
		startRelay(t, r)

		commit(t, d, ev("a_created", 1), ev("a_edited", 2), ev("a_deleted", 3))
		rollback(t, d, ev("never", 0))
		commit(t, d, ev("b_created", 4))
		r.Notify()
		commit(t, d, ev("b_deleted", 5))
		r.Notify()

		waitFor(t, "5 events", settle, func() bool { return len(rec.events()) >= 5 })
		got := rec.events()
		if len(got) != 5 {
			t.Fatalf("got %d events, want 5", len(got))
		}
		names := []string{"a_created", "a_edited", "a_deleted", "b_created", "b_deleted"}
		for i, g := range got {
			if g.ev.Name != names[i] || seqOf(t, g.ev) != i+1 || g.ev.RoutingKey != "config.test."+names[i] {
				t.Errorf("event %d = %+v", i, g.ev)
			}
			if g.ev.Body["shortname"] != fmt.Sprint("s", i+1) {
				t.Errorf("event %d body = %v", i, g.ev.Body)
			}
			if i > 0 && g.id <= got[i-1].id {
				t.Errorf("ids not increasing: %d after %d", g.id, got[i-1].id)
			}
			if time.Since(g.ev.Time) > time.Minute {
				t.Errorf("event time %v", g.ev.Time)
			}
		}
		// On PostgreSQL the round's deletions commit after its last publish,
		// so the recorder can see all five while they are still in the outbox.
		waitFor(t, "an empty backlog", settle, func() bool { return backlog(t, r) == 0 })
		if err := r.Check(context.Background()); err != nil {
			t.Errorf("check = %v", err)
		}
	})
}

func TestRelayPollsWithoutNotify(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rec := &recorder{}
		r := bus.NewRelay(d, rec, quietLog(), bus.RelayOptions{PollInterval: 20 * time.Millisecond})
		startRelay(t, r)
		commit(t, d, ev("x", 1))
		waitFor(t, "the polled event", settle, func() bool { return len(rec.events()) == 1 })
	})
}

func TestRelayBatches(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var evs []bus.Event
		for i := 1; i <= 25; i++ {
			evs = append(evs, ev("e", i))
		}
		commit(t, d, evs...)
		rec := &recorder{}
		r := bus.NewRelay(d, rec, quietLog(), bus.RelayOptions{BatchSize: 4, PollInterval: time.Hour})
		if n := backlog(t, r); n != 25 {
			t.Fatalf("backlog = %d, want 25", n)
		}
		startRelay(t, r)
		waitFor(t, "25 events", settle, func() bool { return len(rec.events()) == 25 })
		for i, g := range rec.events() {
			if seqOf(t, g.ev) != i+1 {
				t.Fatalf("event %d has seq %d", i, seqOf(t, g.ev))
			}
		}
	})
}

func TestRelayRetriesWhenPublishingFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		rec := &recorder{failing: true}
		r := bus.NewRelay(d, rec, testLog(t), bus.RelayOptions{PollInterval: time.Hour, MinBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond})
		startRelay(t, r)
		commit(t, d, ev("first", 1), ev("second", 2))
		r.Notify()
		waitFor(t, "a failing status", settle, func() bool { return r.Check(context.Background()) != nil })
		waitFor(t, "retries", settle, func() bool { return rec.failures() >= 3 })
		if n := backlog(t, r); n != 2 {
			t.Errorf("backlog while failing = %d, want 2", n)
		}
		commit(t, d, ev("third", 3))
		r.Notify()
		rec.setFailing(false)
		waitFor(t, "3 events", settle, func() bool { return len(rec.events()) == 3 })
		for i, g := range rec.events() {
			if seqOf(t, g.ev) != i+1 {
				t.Errorf("event %d has seq %d", i, seqOf(t, g.ev))
			}
		}
		waitFor(t, "a healthy status", settle, func() bool { return r.Check(context.Background()) == nil })
		if n := backlog(t, r); n != 0 {
			t.Errorf("backlog = %d", n)
		}
	})
}

// Two instances on one PostgreSQL database relay every event exactly once and
// in order.
func TestRelayTwoInstancesPostgres(t *testing.T) {
	if !hasPostgres() {
		t.Skipf("%s is not set", dbtest.PostgresEnv)
	}
	d1 := dbtest.Open(t, db.Postgres, true)
	d2, err := db.Open(context.Background(), d1.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })

	rec := &recorder{} // shared, so it records the order of publishing across both
	opts := bus.RelayOptions{BatchSize: 7, PollInterval: 50 * time.Millisecond}
	p1, p2 := &tagged{rec: rec}, &tagged{rec: rec}
	r1 := bus.NewRelay(d1, p1, quietLog(), opts)
	r2 := bus.NewRelay(d2, p2, quietLog(), opts)
	startRelay(t, r1)
	startRelay(t, r2)

	const n = 300
	for i := 1; i <= n; i++ {
		d, r := d1, r1
		if i%2 == 0 {
			d, r = d2, r2
		}
		commit(t, d, ev("e", i))
		r.Notify()
		if i%50 == 0 {
			// Let both compete for a backlog too.
			r1.Notify()
			r2.Notify()
		}
	}
	waitFor(t, fmt.Sprintf("%d events", n), 20*time.Second, func() bool { return len(rec.events()) >= n })
	time.Sleep(200 * time.Millisecond) // a duplicate would show up by now
	got := rec.events()
	if len(got) != n {
		t.Fatalf("relayed %d events, want %d", len(got), n)
	}
	for i, g := range got {
		if s := seqOf(t, g.ev); s != i+1 {
			t.Fatalf("event %d has seq %d: order broken or duplicate", i, s)
		}
	}
	t.Logf("instance 1 relayed %d events, instance 2 %d", p1.n.Load(), p2.n.Load())
	if p1.n.Load() == 0 || p2.n.Load() == 0 {
		t.Error("one instance relayed everything: the test did not make them take turns")
	}
}

// tagged counts what one instance publishes into a shared recorder.
type tagged struct {
	rec *recorder
	n   atomic.Int64
}

func (p *tagged) Publish(ctx context.Context, ev bus.Event, id int64) error {
	err := p.rec.Publish(ctx, ev, id)
	if err == nil {
		p.n.Add(1)
	}
	return err
}

func hasPostgres() bool {
	for _, d := range dbtest.Dialects() {
		if d == db.Postgres {
			return true
		}
	}
	return false
}

func TestLogPublisher(t *testing.T) {
	var buf bytes.Buffer
	p := bus.NewLogPublisher(slog.New(slog.NewJSONHandler(&buf, nil)))
	if err := p.Publish(context.Background(), ev("service_created", 7), 42); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 1 {
		t.Fatalf("want one line, got %q", buf.String())
	}
	var rec struct {
		Msg        string         `json:"msg"`
		ID         int64          `json:"id"`
		Name       string         `json:"name"`
		RoutingKey string         `json:"routing_key"`
		Data       map[string]any `json:"data"`
	}
	if err := json.Unmarshal([]byte(lines[0]), &rec); err != nil {
		t.Fatal(err)
	}
	if rec.ID != 42 || rec.Name != "service_created" || rec.RoutingKey != "config.test.service_created" || rec.Data["seq"] != float64(7) {
		t.Errorf("log line = %s", lines[0])
	}
}

// The relay to the log publisher is what runs with no broker configured.
func TestRelayToLog(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		var mu sync.Mutex
		var buf bytes.Buffer
		w := writerFunc(func(p []byte) (int, error) { mu.Lock(); defer mu.Unlock(); return buf.Write(p) })
		r := bus.NewRelay(d, bus.NewLogPublisher(slog.New(slog.NewTextHandler(w, nil))), quietLog(), bus.RelayOptions{})
		startRelay(t, r)
		commit(t, d, ev("service_created", 1))
		r.Notify()
		waitFor(t, "the log line", settle, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return strings.Contains(buf.String(), "name=service_created")
		})
	})
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
