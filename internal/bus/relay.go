package bus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"wsgate/internal/db"
)

// RelayOptions tunes a Relay; zero values take the defaults.
type RelayOptions struct {
	BatchSize      int           // events read per round; 100
	PollInterval   time.Duration // safety net when nobody calls Notify; 1 s
	MinBackoff     time.Duration // first wait after a failed round; 200 ms
	MaxBackoff     time.Duration // longest wait between failed rounds; 15 s
	PublishTimeout time.Duration // per event, publish and confirm; 10 s
}

func (o RelayOptions) withDefaults() RelayOptions {
	if o.BatchSize <= 0 {
		o.BatchSize = 100
	}
	if o.PollInterval <= 0 {
		o.PollInterval = time.Second
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = 200 * time.Millisecond
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = max(15*time.Second, o.MinBackoff)
	}
	if o.PublishTimeout <= 0 {
		o.PublishTimeout = 10 * time.Second
	}
	return o
}

// relayLockKey is the PostgreSQL advisory lock that makes one instance at a
// time relay the outbox of a database ("wsgate" and 1).
const relayLockKey int64 = 0x7773_6761_7465_0001

// errBusy says another instance holds the relay lock.
var errBusy = errors.New("another instance is relaying the outbox")

// Relay moves events from the outbox table to a Publisher, in id order, and
// deletes each one once the publisher accepted it.
//
// Order: one event is published at a time, the next only after the previous
// was confirmed, and a failed event is retried (with backoff) before any
// later one. Several instances on one PostgreSQL database take turns through
// a transaction-scoped advisory lock: a round locks, reads the oldest events,
// publishes them, deletes them and commits, so no two instances publish at
// the same time and an event is published by one instance only (unless a
// round fails between the broker's confirm and the commit: delivery is at
// least once). On SQLite one process relays (the embedded store is not
// shared by serving instances).
type Relay struct {
	d    *db.DB
	p    Publisher
	log  *slog.Logger
	opts RelayOptions
	wake chan struct{}

	mu      sync.Mutex
	lastErr error
}

// NewRelay returns a relay from d's outbox to p. log may be nil.
func NewRelay(d *db.DB, p Publisher, log *slog.Logger, opts RelayOptions) *Relay {
	if log == nil {
		log = slog.Default()
	}
	return &Relay{d: d, p: p, log: log, opts: opts.withDefaults(), wake: make(chan struct{}, 1)}
}

// Notify tells the relay that events were committed; it never blocks. Call it
// after the commit of a transaction that called Write.
func (r *Relay) Notify() {
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// Backlog returns the number of events waiting in the outbox.
func (r *Relay) Backlog(ctx context.Context) (int, error) {
	var n int
	err := r.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox`).Scan(&n)
	return n, db.Translate(err)
}

// Check reports the last relay round: nil when it published what it found
// (or found nothing), the error otherwise. Its signature fits health.Check.
func (r *Relay) Check(context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.lastErr
}

// Run relays until ctx is done: at once, then whenever Notify is called or
// the poll interval passes, and, after a failure, after a growing backoff
// (Notify does not cut a backoff short).
func (r *Relay) Run(ctx context.Context) {
	backoff := r.opts.MinBackoff
	for ctx.Err() == nil {
		n, err := r.round(ctx)
		if ctx.Err() != nil {
			return
		}
		switch {
		case errors.Is(err, errBusy):
			// Another instance is relaying; it will also take our events,
			// but look again soon in case it finished just before they came.
			r.setErr(nil)
			r.idle(ctx, min(r.opts.PollInterval, 250*time.Millisecond))
		case err != nil:
			r.setErr(err)
			r.log.Debug("relay events", "error", err, "retry_in", backoff)
			sleep(ctx, backoff)
			backoff = min(2*backoff, r.opts.MaxBackoff)
		default:
			r.setErr(nil)
			backoff = r.opts.MinBackoff
			if n < r.opts.BatchSize {
				r.idle(ctx, r.opts.PollInterval)
			}
		}
	}
}

func (r *Relay) setErr(err error) {
	r.mu.Lock()
	was := r.lastErr
	r.lastErr = err
	r.mu.Unlock()
	switch {
	case err != nil && was == nil:
		r.log.Warn("cannot relay events to the bus; will retry", "error", err)
	case err == nil && was != nil:
		r.log.Info("relaying events to the bus again")
	}
}

// idle waits for Notify, the timeout or the end of ctx.
func (r *Relay) idle(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-r.wake:
	case <-t.C:
	}
}

func sleep(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}

// outboxRow is one event as stored.
type outboxRow struct {
	id          int64
	name        string
	routingKey  string
	body        string
	timecreated int64
}

// round relays at most one batch and returns how many events it published.
func (r *Relay) round(ctx context.Context) (int, error) {
	if r.d.Dialect == db.Postgres {
		return r.roundPostgres(ctx)
	}
	rows, err := r.load(ctx, r.d)
	if err != nil {
		return 0, err
	}
	return r.publish(ctx, r.d, rows)
}

// roundPostgres runs a round inside a transaction holding the relay lock, so
// that instances take turns; deletions commit even when a publish failed
// half-way or ctx ended, so published events are not sent again.
func (r *Relay) roundPostgres(ctx context.Context) (n int, err error) {
	// The transaction must outlive ctx long enough to commit what was
	// published; each statement below gets its own deadline.
	tx, err := r.d.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return 0, db.Translate(err)
	}
	defer func() {
		if n == 0 {
			_ = tx.Rollback()
			return
		}
		if cerr := tx.Commit(); cerr != nil {
			n, err = 0, fmt.Errorf("commit relayed events (they will be sent again): %w", cerr)
		}
	}()
	var locked bool
	if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, relayLockKey).Scan(&locked); err != nil {
		return 0, db.Translate(err)
	}
	if !locked {
		return 0, errBusy
	}
	rows, err := r.load(ctx, tx)
	if err != nil {
		return 0, err
	}
	return r.publish(ctx, tx, rows)
}

// load reads the oldest events.
func (r *Relay) load(ctx context.Context, q db.Querier) ([]outboxRow, error) {
	rs, err := q.QueryContext(ctx, `SELECT id, name, routing_key, body, timecreated FROM outbox ORDER BY id LIMIT $1`, r.opts.BatchSize)
	if err != nil {
		return nil, db.Translate(err)
	}
	defer rs.Close()
	var rows []outboxRow
	for rs.Next() {
		var o outboxRow
		if err := rs.Scan(&o.id, &o.name, &o.routingKey, &o.body, &o.timecreated); err != nil {
			return nil, db.Translate(err)
		}
		rows = append(rows, o)
	}
	return rows, db.Translate(rs.Err())
}

// publish sends rows in order, deleting each once published, and stops at the
// first failure.
func (r *Relay) publish(ctx context.Context, q db.Querier, rows []outboxRow) (int, error) {
	n := 0
	for _, o := range rows {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		ev, err := o.event()
		if err != nil {
			// Only a hand-edited row can get here; holding up every later
			// event for it would be worse than dropping it.
			r.log.Error("dropping an undecodable outbox event", "id", o.id, "name", o.name, "body", o.body, "error", err)
		} else {
			pctx, cancel := context.WithTimeout(ctx, r.opts.PublishTimeout)
			err = r.p.Publish(pctx, ev, o.id)
			cancel()
			if err != nil {
				return n, fmt.Errorf("publish event %d (%s): %w", o.id, o.name, err)
			}
		}
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		_, err = q.ExecContext(dctx, `DELETE FROM outbox WHERE id = $1`, o.id)
		cancel()
		if err != nil {
			return n, fmt.Errorf("delete relayed event %d: %w", o.id, db.Translate(err))
		}
		n++
	}
	return n, nil
}

// event decodes a stored row; numbers stay json.Number so they go out as
// they came in.
func (o outboxRow) event() (Event, error) {
	var body map[string]any
	dec := json.NewDecoder(bytes.NewReader([]byte(o.body)))
	dec.UseNumber()
	if err := dec.Decode(&body); err != nil {
		return Event{}, err
	}
	return Event{Name: o.name, RoutingKey: o.routingKey, Body: body, Time: time.Unix(o.timecreated, 0)}, nil
}
