// Package changes tells every gateway process sharing a store that
// authorization data changed: writers bump a counter in the store, and each
// serving process drops its caches when it moves. On PostgreSQL a bump is
// also announced with NOTIFY, so other instances hear of it at once; polling
// the counter stays as the safety net, and is the only mechanism on SQLite.
package changes

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"wsgate/internal/db"
)

// Channel is the PostgreSQL notification channel a bump is announced on; the
// payload is the new generation in decimal.
const Channel = "wsgate_changes"

// ListenerName is the application_name of the listening connection, so it can
// be told apart in pg_stat_activity.
const ListenerName = "wsgate changes listener"

// Bump records that a change was committed. On PostgreSQL the same statement
// sends the new generation on Channel, delivered when it commits.
func Bump(ctx context.Context, d *db.DB) error {
	q := `UPDATE change_generation SET generation = generation + 1 WHERE id = 1`
	if d.Dialect == db.Postgres {
		q = `WITH g AS (` + q + ` RETURNING generation)
		     SELECT pg_notify('` + Channel + `', generation::text) FROM g`
	}
	_, err := d.ExecContext(ctx, q)
	return db.Translate(err)
}

// Generation returns the current count.
func Generation(ctx context.Context, d *db.DB) (int64, error) {
	var g int64
	err := d.QueryRowContext(ctx, `SELECT generation FROM change_generation WHERE id = 1`).Scan(&g)
	return g, db.Translate(err)
}

// Tuning of the PostgreSQL listener (variables so tests can shorten them).
var (
	listenKeepalive  = 30 * time.Second       // idle time after which the listening connection is pinged
	listenMinBackoff = 100 * time.Millisecond // first wait before reconnecting
	listenMaxBackoff = 10 * time.Second       // longest wait between reconnect attempts
)

// Watch calls changed whenever the count moves, until ctx is done: it is a
// Watcher's Baseline followed by its Run, without health reporting.
func Watch(ctx context.Context, d *db.DB, interval time.Duration, log *slog.Logger, changed func()) {
	w := NewWatcher(d, interval, log, changed, nil)
	w.Baseline(ctx)
	w.Run(ctx)
}

// readTimeout bounds one reading of the count, so a store that stops
// answering cannot hold the watch (or the start of serving) for good.
const readTimeout = 10 * time.Second

// Watcher calls changed whenever the count moves: it polls the count every
// interval and, on PostgreSQL, also listens on Channel on a dedicated
// connection, so a bump by another instance is seen at once. When the
// listening connection is lost, it reconnects with backoff and calls changed
// once it listens again, since notifications may have been missed. changed
// is only ever called from Run's goroutine, never twice at once. Errors are
// logged and the watch goes on.
//
// What changed is compared with is the Baseline reading: a process takes it
// before it fills any cache (before serving), so a bump committed after it is
// always seen, however late Run starts.
type Watcher struct {
	d        *db.DB
	interval time.Duration
	log      *slog.Logger
	changed  func()
	h        *Health

	last  int64 // the count last read or notified
	known bool  // last holds a reading
}

// NewWatcher returns a watch of d's count reporting its state in h (nil: not
// reported), for /status.
func NewWatcher(d *db.DB, interval time.Duration, log *slog.Logger, changed func(), h *Health) *Watcher {
	if h == nil {
		h = &Health{}
	}
	if log == nil {
		log = slog.Default()
	}
	return &Watcher{d: d, interval: interval, log: log, changed: changed, h: h}
}

// Baseline takes the reading later ones are compared with. Call it once,
// before Run and before the process caches anything the count guards. When it
// fails, the first reading that succeeds calls changed, since caches may have
// been filled in between.
func (w *Watcher) Baseline(ctx context.Context) {
	w.h.set(func() { w.h.started, w.h.listens = true, w.d.Dialect == db.Postgres && w.d.Pool != nil })
	w.read(ctx)
}

// read re-reads the count; it reports whether it moved since the last known
// reading (or is the first success after a failed Baseline).
func (w *Watcher) read(ctx context.Context) bool {
	rctx, cancel := context.WithTimeout(ctx, readTimeout)
	g, err := Generation(rctx, w.d)
	cancel()
	w.h.set(func() { w.h.pollErr = err })
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("read change generation", "error", err)
		}
		return false
	}
	moved := !w.known || g != w.last // Baseline ignores what it returns
	w.last, w.known = g, true
	return moved
}

// Run watches until ctx is done. Listening starts after the Baseline, so
// that a bump between the two is caught by the re-reading done once the
// listener is up.
func (w *Watcher) Run(ctx context.Context) {
	var heard *signals
	if w.d.Dialect == db.Postgres && w.d.Pool != nil {
		heard = &signals{wake: make(chan struct{}, 1)}
		lctx, stop := context.WithCancel(ctx)
		var wg sync.WaitGroup
		wg.Go(func() { listen(lctx, w.d, w.log, heard, w.h) })
		defer func() { stop(); wg.Wait() }()
	}
	t := time.NewTicker(w.interval)
	defer t.Stop()
	var wake <-chan struct{}
	if heard != nil {
		wake = heard.wake
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if w.read(ctx) {
				w.changed()
			}
		case <-wake:
			s := heard.take()
			fire := s.reconnected
			if s.gen.ok && (!w.known || s.gen.value > w.last) {
				fire, w.last, w.known = true, s.gen.value, true
			}
			if s.recheck || s.reconnected {
				fire = w.read(ctx) || fire
			}
			if fire {
				w.changed()
			}
		}
	}
}

// signals carries what the listener heard to Watch's loop, coalesced so the
// listener never waits for the loop.
type signals struct {
	wake chan struct{} // one pending wake-up at most

	mu sync.Mutex
	heard
}

type heard struct {
	gen struct {
		ok    bool
		value int64
	} // the highest generation notified
	recheck     bool // read the count: listening started, or a payload was not a number
	reconnected bool // listening again after losing the connection
}

func (s *signals) note(f func(h *heard)) {
	s.mu.Lock()
	f(&s.heard)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *signals) take() heard {
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.heard
	s.heard = heard{}
	return h
}

// listen keeps a connection listening on Channel until ctx is done.
func listen(ctx context.Context, d *db.DB, log *slog.Logger, s *signals, h *Health) {
	backoff := listenMinBackoff
	listened := false
	for {
		conn, err := listenConn(ctx, d)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			log.Warn("listen for changes", "error", err, "retry_in", backoff)
			if !sleep(ctx, backoff) {
				return
			}
			backoff = min(2*backoff, listenMaxBackoff)
			continue
		}
		if listened {
			log.Info("listening for changes again")
			s.note(func(h *heard) { h.reconnected = true })
		} else {
			s.note(func(h *heard) { h.recheck = true })
		}
		listened = true
		h.set(func() { h.listening = true })
		start := time.Now()
		err = receive(ctx, conn, s)
		h.set(func() { h.listening = false })
		cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		_ = conn.Close(cctx)
		cancel()
		if ctx.Err() != nil {
			return
		}
		log.Warn("lost the connection listening for changes", "error", err)
		if time.Since(start) > listenMaxBackoff {
			backoff = listenMinBackoff
		}
		if !sleep(ctx, backoff) {
			return
		}
		backoff = min(2*backoff, listenMaxBackoff)
	}
}

// listenConn takes a connection out of d's pool for good and listens on it.
func listenConn(ctx context.Context, d *db.DB) (*pgx.Conn, error) {
	actx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	pc, err := d.Pool.Acquire(actx)
	if err != nil {
		return nil, err
	}
	conn := pc.Hijack()
	for _, q := range []string{"SET application_name = '" + ListenerName + "'", "LISTEN " + Channel} {
		if _, err := conn.Exec(actx, q); err != nil {
			_ = conn.Close(context.WithoutCancel(actx))
			return nil, err
		}
	}
	return conn, nil
}

// receive passes notifications on until the connection fails or ctx is done,
// pinging the server when it has been quiet for a while so that a dead
// connection is noticed.
func receive(ctx context.Context, conn *pgx.Conn, s *signals) error {
	for {
		wctx, cancel := context.WithTimeout(ctx, listenKeepalive)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if wctx.Err() == nil || conn.IsClosed() {
				return err
			}
			pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err = conn.Ping(pctx)
			cancel()
			if err != nil {
				return err
			}
			continue
		}
		g, perr := strconv.ParseInt(n.Payload, 10, 64)
		s.note(func(h *heard) {
			switch {
			case perr != nil:
				h.recheck = true
			case !h.gen.ok || g > h.gen.value:
				h.gen.ok, h.gen.value = true, g
			}
		})
	}
}

// sleep waits d, or returns false when ctx is done first.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}

// Health is the state of a watch, for /status: the last poll of the count
// failed, or (on PostgreSQL) the listening connection is down.
type Health struct {
	mu                          sync.Mutex
	started, listens, listening bool
	pollErr                     error
}

func (h *Health) set(f func()) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f()
}

// Check returns nil while the watch works: it has started, its last poll
// succeeded and, on PostgreSQL, it listens for notifications.
func (h *Health) Check(context.Context) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case !h.started:
		return errors.New("the change watch has not started")
	case h.pollErr != nil:
		return fmt.Errorf("polling the change count: %w", h.pollErr)
	case h.listens && !h.listening:
		return errors.New("not listening for change notifications")
	}
	return nil
}
