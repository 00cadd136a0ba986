package changes_test

import (
	"context"
	"io"
	"log/slog"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"wsgate/internal/changes"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

func TestBumpAndWatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var seen atomic.Int32
		done := make(chan struct{})
		go func() {
			changes.Watch(ctx, d, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)), func() { seen.Add(1) })
			close(done)
		}()
		time.Sleep(50 * time.Millisecond)
		if seen.Load() != 0 {
			t.Fatal("changed called without a change")
		}
		if err := changes.Bump(ctx, d); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(20 * time.Second) // CI shares two cores among every package's databases
		for seen.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if seen.Load() != 1 {
			t.Fatalf("changed called %d times after one bump, want 1", seen.Load())
		}
		if g, err := changes.Generation(ctx, d); err != nil || g != 1 {
			t.Errorf("generation = %d, %v", g, err)
		}
		cancel()
		<-done
	})
}

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// runWatcher runs w until the test ends and returns the number of calls to
// changed so far, counted in seen.
func runWatcher(t *testing.T, w *changes.Watcher, seen *atomic.Int32) func() int32 {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
	return seen.Load
}

// A bump committed after the Baseline but before Run starts is a change:
// a process takes the Baseline before it caches anything and serves while
// Run is still starting. On PostgreSQL the poll is an hour away, so the
// re-reading once the listener is up must catch it.
func TestBumpBetweenBaselineAndRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		interval := 10 * time.Millisecond
		if d.Dialect == db.Postgres {
			interval = time.Hour
		}
		var seen atomic.Int32
		w := changes.NewWatcher(d, interval, quiet(), func() { seen.Add(1) }, nil)
		w.Baseline(context.Background())
		if err := changes.Bump(context.Background(), d); err != nil {
			t.Fatal(err)
		}
		n := runWatcher(t, w, &seen)
		waitFor(t, "changed for the bump before Run", func() bool { return n() == 1 })
		time.Sleep(50 * time.Millisecond)
		if n() != 1 {
			t.Errorf("changed called %d times after one bump, want 1", n())
		}
	})
}

// When the Baseline cannot read the count (the store is down), the first
// reading that succeeds calls changed: caches may have been filled and a
// change committed in between, and nothing else would tell.
func TestFailedBaselineFiresOnceReadable(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skipf("%s is not set", dbtest.PostgresEnv)
	}
	u, proxy := dbtest.PostgresURLThrough(t)
	d, err := db.Open(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.MigrateUp(); err != nil {
		t.Fatal(err)
	}
	proxy.Cut()
	var seen atomic.Int32
	w := changes.NewWatcher(d, 20*time.Millisecond, quiet(), func() { seen.Add(1) }, nil)
	w.Baseline(context.Background())
	proxy.Restore()
	n := runWatcher(t, w, &seen)
	waitFor(t, "changed once the count is readable", func() bool { return n() >= 1 })
}

// watch runs Watch on d until the test ends and returns the number of calls
// to changed so far.
func watch(t *testing.T, d *db.DB, interval time.Duration) func() int32 {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	var seen atomic.Int32
	done := make(chan struct{})
	go func() {
		changes.Watch(ctx, d, interval, slog.New(slog.NewTextHandler(io.Discard, nil)), func() { seen.Add(1) })
		close(done)
	}()
	t.Cleanup(func() { cancel(); <-done })
	return seen.Load
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// twoInstances returns two handles on one fresh PostgreSQL database, as two
// gateway instances would have.
func twoInstances(t *testing.T) (*db.DB, *db.DB) {
	t.Helper()
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skipf("%s is not set", dbtest.PostgresEnv)
	}
	d1 := dbtest.Open(t, db.Postgres, true)
	d2, err := db.Open(context.Background(), d1.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d1, d2
}

// listeners returns the backends listening for changes on d's database.
func listeners(t *testing.T, d *db.DB) []int {
	t.Helper()
	rows, err := d.Query(`SELECT pid FROM pg_stat_activity
	                      WHERE datname = current_database() AND application_name = $1`, changes.ListenerName)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var pids []int
	for rows.Next() {
		var pid int
		if err := rows.Scan(&pid); err != nil {
			t.Fatal(err)
		}
		pids = append(pids, pid)
	}
	return pids
}

// A bump on one instance reaches the other through NOTIFY: its poll interval
// is far too long to explain the call.
func TestNotifyReachesOtherInstance(t *testing.T) {
	d1, d2 := twoInstances(t)
	seen := watch(t, d2, time.Hour)
	// A bump before Watch's first reading is no change; wait until it runs.
	waitFor(t, "a listener", func() bool { return len(listeners(t, d1)) == 1 })
	for i := int32(1); i <= 3; i++ {
		if err := changes.Bump(context.Background(), d1); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the other instance to hear of the bump", func() bool { return seen() >= i })
	}
	time.Sleep(100 * time.Millisecond)
	if n := seen(); n != 3 {
		t.Errorf("changed called %d times after 3 bumps, want 3", n)
	}
}

// When the listening connection is killed, Watch reconnects, calls changed
// (notifications may have been lost) and hears later bumps again.
func TestListenerReconnects(t *testing.T) {
	changes.SetListenTiming(t, 30*time.Second, 10*time.Millisecond)
	d1, d2 := twoInstances(t)
	seen := watch(t, d2, time.Hour)
	var pids []int
	waitFor(t, "a listener", func() bool { pids = listeners(t, d1); return len(pids) == 1 })
	if _, err := d1.Exec(`SELECT pg_terminate_backend($1)`, pids[0]); err != nil {
		t.Fatal(err)
	}
	// Each reconnection calls changed; on a loaded machine the first attempt
	// may fail and another follow, so count from what has been seen.
	waitFor(t, "changed after reconnecting", func() bool { return seen() >= 1 })
	waitFor(t, "a new listener", func() bool { pids2 := listeners(t, d1); return len(pids2) == 1 && pids2[0] != pids[0] })
	before := seen()
	if err := changes.Bump(context.Background(), d1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the bump after reconnecting", func() bool { return seen() > before })
}

// A quiet listener is pinged now and then; that must neither break it nor
// count as a change.
func TestQuietListenerStays(t *testing.T) {
	changes.SetListenTiming(t, 20*time.Millisecond, 10*time.Millisecond)
	d1, d2 := twoInstances(t)
	seen := watch(t, d2, time.Hour)
	var pids []int
	waitFor(t, "a listener", func() bool { pids = listeners(t, d1); return len(pids) == 1 })
	time.Sleep(300 * time.Millisecond)
	if n := seen(); n != 0 {
		t.Fatalf("changed called %d times without a change", n)
	}
	if now := listeners(t, d1); len(now) != 1 || now[0] != pids[0] {
		t.Fatalf("listener changed from %v to %v", pids, now)
	}
	var last string
	if err := d1.QueryRow(`SELECT query FROM pg_stat_activity WHERE pid = $1`, pids[0]).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if strings.HasPrefix(last, "LISTEN") {
		t.Errorf("the quiet listener was never pinged (last query %q)", last)
	}
	if err := changes.Bump(context.Background(), d1); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the bump", func() bool { return seen() == 1 })
}

func TestHealth(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := &changes.Health{}
		if h.Check(context.Background()) == nil {
			t.Fatal("a watch that has not started reports ok")
		}
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		w := changes.NewWatcher(d, 10*time.Millisecond, quiet(), func() {}, h)
		go func() {
			w.Baseline(ctx)
			w.Run(ctx)
			close(done)
		}()
		deadline := time.Now().Add(5 * time.Second)
		for h.Check(context.Background()) != nil {
			if time.Now().After(deadline) {
				t.Fatalf("the watch never reported ok: %v", h.Check(context.Background()))
			}
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-done
	})
}
