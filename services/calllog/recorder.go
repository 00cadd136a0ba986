// Package calllog is the call log: one row per call in external_calls,
// recorded off the call path through a bounded buffer and written in
// batches, pruned by age and count, and read back in pages and summaries
// for the admin API and pages.
package calllog

import (
	"context"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Entry is one call: who called what, how, and how it ended. It holds the
// token's id, never its value.
type Entry struct {
	ID        int64 // 0 until stored
	Time      time.Time
	Function  string
	Protocol  string
	UserID    int64  // 0: the call was refused before its user was known
	Username  string // as it was at the call
	ServiceID int64
	Service   string // the service's shortname (or name) at the call
	TokenID   int64
	Outcome   string // "ok" or the Moodle errorcode
	Duration  time.Duration
	RemoteIP  string
	Size      int // the request's size in bytes
}

// OK reports whether the call succeeded.
func (e *Entry) OK() bool { return e.Outcome == OutcomeOK }

// OutcomeOK is the outcome of a call that succeeded.
const OutcomeOK = "ok"

// Options tune a Recorder; zero fields take the defaults.
type Options struct {
	Buffer        int           // entries held before the writer (default 10000); more are dropped
	BatchSize     int           // rows per write (default 500)
	FlushInterval time.Duration // longest an entry waits for its write (default 1s)
	Retention     time.Duration // rows older are pruned (default 14 days)
	MaxRows       int64         // the most rows kept (0: no bound by count)
	PruneInterval time.Duration // how often to prune (default 10 minutes)
	Now           func() time.Time
	Log           *slog.Logger
}

// DefaultRetention is how long calls are kept unless configured otherwise.
const DefaultRetention = 14 * 24 * time.Hour

func (o Options) withDefaults() Options {
	if o.Buffer <= 0 {
		o.Buffer = 10000
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = time.Second
	}
	if o.Retention <= 0 {
		o.Retention = DefaultRetention
	}
	if o.PruneInterval <= 0 {
		o.PruneInterval = 10 * time.Minute
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	return o
}

// Recorder takes entries from the call path and writes them in batches. A
// nil *Recorder records nothing (call logging off).
type Recorder struct {
	store   *Store
	opts    Options
	queue   chan Entry
	dropped atomic.Uint64
	written atomic.Uint64
	flushMu sync.Mutex // one write at a time
	start   sync.Once
	done    chan struct{}
}

// NewRecorder returns a recorder writing to store; Start runs its writer.
func NewRecorder(store *Store, opts Options) *Recorder {
	opts = opts.withDefaults()
	return &Recorder{store: store, opts: opts, queue: make(chan Entry, opts.Buffer), done: make(chan struct{})}
}

// Record queues e for writing. It never blocks: when the buffer is full the
// entry is dropped and counted.
func (r *Recorder) Record(e Entry) {
	if r == nil {
		return
	}
	select {
	case r.queue <- e:
	default:
		r.dropped.Add(1)
	}
}

// Dropped counts the entries lost: the buffer was full, or their write failed.
func (r *Recorder) Dropped() uint64 {
	if r == nil {
		return 0
	}
	return r.dropped.Load()
}

// Written counts the entries stored.
func (r *Recorder) Written() uint64 {
	if r == nil {
		return 0
	}
	return r.written.Load()
}

// Flush writes the entries queued when it is called, in batches. A batch
// whose write fails is dropped and counted (the log must not hold calls back).
func (r *Recorder) Flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	var firstErr error
	for n := len(r.queue); n > 0; {
		batch := make([]Entry, 0, min(n, r.opts.BatchSize))
		for ; n > 0 && len(batch) < cap(batch); n-- {
			batch = append(batch, <-r.queue)
		}
		if err := r.write(ctx, batch); err != nil && firstErr == nil {
			firstErr = err
		}
	}
	return firstErr
}

func (r *Recorder) write(ctx context.Context, batch []Entry) error {
	if len(batch) == 0 {
		return nil
	}
	if err := r.store.Insert(ctx, batch); err != nil {
		r.dropped.Add(uint64(len(batch)))
		return err
	}
	r.written.Add(uint64(len(batch)))
	return nil
}

// Start runs the writer and the pruner until ctx is done, then writes what
// is queued a last time and closes Done. Calls after the first do nothing.
func (r *Recorder) Start(ctx context.Context) {
	if r == nil {
		return
	}
	r.start.Do(func() { go r.run(ctx) })
}

// Done is closed once the loop begun by Start has made its final write;
// a nil Recorder's is closed already.
func (r *Recorder) Done() <-chan struct{} {
	if r == nil {
		closed := make(chan struct{})
		close(closed)
		return closed
	}
	return r.done
}

// finalFlushTimeout bounds the last write when Start's context ends.
const finalFlushTimeout = 10 * time.Second

func (r *Recorder) run(ctx context.Context) {
	defer close(r.done)
	flush := time.NewTicker(r.opts.FlushInterval)
	defer flush.Stop()
	prune := time.NewTicker(r.opts.PruneInterval)
	defer prune.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalFlushTimeout)
			if err := r.Flush(fctx); err != nil {
				r.opts.Log.Error("final write of the call log", "err", err)
			}
			cancel()
			return
		case <-flush.C:
			if err := r.Flush(ctx); err != nil {
				r.opts.Log.Warn("write the call log (the batch is dropped)", "err", err)
			}
		case <-prune.C:
			r.Prune(ctx)
		}
	}
}

// Prune deletes the rows older than the retention and beyond the row
// bound, on one instance at a time, and logs what it did.
func (r *Recorder) Prune(ctx context.Context) {
	n, err := r.store.Prune(ctx, r.opts.Now().Add(-r.opts.Retention), r.opts.MaxRows)
	switch {
	case err != nil:
		r.opts.Log.Warn("prune the call log", "err", err)
	case n > 0:
		r.opts.Log.Info("call log pruned", "rows", n)
	}
}
