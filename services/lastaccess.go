package services

import (
	"context"
	"sync"
	"time"
)

// finalFlushTimeout bounds the last write of access times when Start's context ends.
const finalFlushTimeout = 10 * time.Second

// accessLog holds token last access times waiting to be written.
type accessLog struct {
	mu      sync.Mutex
	pending map[int64]TokenAccess // token id -> the newest access
}

// recordAccess queues now and ip as the last access of t when the stored (or
// queued) value is at least a minute older, as Moodle throttles its write.
// It never touches the database.
func (a *Authorizer) recordAccess(t *tokenEntry, now int64, ip string) {
	last := t.lastAccess.Load()
	if now-last < lastAccessUpdateSecs || !t.lastAccess.CompareAndSwap(last, now) {
		return
	}
	a.access.mu.Lock()
	if a.access.pending == nil {
		a.access.pending = make(map[int64]TokenAccess)
	}
	if now >= a.access.pending[t.id].Time {
		a.access.pending[t.id] = TokenAccess{Time: now, IP: ip}
	}
	a.access.mu.Unlock()
}

// Flush writes the queued last access times in one batch. On failure they
// stay queued for the next flush.
func (a *Authorizer) Flush(ctx context.Context) error {
	a.access.mu.Lock()
	batch := a.access.pending
	a.access.pending = nil
	a.access.mu.Unlock()
	if len(batch) == 0 {
		return nil
	}
	err := a.store.TouchTokens(ctx, batch)
	if err != nil {
		a.access.mu.Lock()
		if a.access.pending == nil {
			a.access.pending = make(map[int64]TokenAccess, len(batch))
		}
		for id, t := range batch {
			if t.Time > a.access.pending[id].Time {
				a.access.pending[id] = t
			}
		}
		a.access.mu.Unlock()
	}
	return err
}

// Start runs the authorizer's background work until ctx is done: it writes
// queued last access times every FlushInterval and drops cache entries older
// than the TTL. When ctx ends it flushes a last time and closes Done. Calls
// after the first do nothing.
func (a *Authorizer) Start(ctx context.Context) {
	a.startOnce.Do(func() { go a.run(ctx) })
}

// Done is closed once the loop begun by Start has made its final flush.
func (a *Authorizer) Done() <-chan struct{} { return a.done }

func (a *Authorizer) run(ctx context.Context) {
	defer close(a.done)
	flush := time.NewTicker(a.opts.FlushInterval)
	defer flush.Stop()
	sweep := time.NewTicker(a.opts.TTL)
	defer sweep.Stop()
	for {
		select {
		case <-ctx.Done():
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), finalFlushTimeout)
			if err := a.Flush(fctx); err != nil {
				a.log.Error("final write of token last access times", "err", err)
			}
			cancel()
			return
		case <-flush.C:
			if err := a.Flush(ctx); err != nil {
				a.log.Warn("write token last access times", "err", err)
			}
		case <-sweep.C:
			a.sweep(a.opts.Now())
		}
	}
}
