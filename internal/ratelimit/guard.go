package ratelimit

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// OnError says what Guard answers while its backend fails.
type OnError string

// The policies of ratelimit.on_backend_error.
const (
	Allow OnError = "allow" // let calls through uncounted (default)
	Deny  OnError = "deny"  // refuse every limited call
)

// ParseOnError reads ratelimit.on_backend_error.
func ParseOnError(s string) (OnError, error) {
	switch OnError(s) {
	case "", Allow:
		return Allow, nil
	case Deny:
		return Deny, nil
	}
	return "", errors.New(`ratelimit.on_backend_error must be "allow" or "deny"`)
}

// GuardOptions configure a Guard.
type GuardOptions struct {
	OnError OnError
	// Probe is how often, while the backend is down, one call tries it again;
	// the others get the policy at once (default 1s).
	Probe time.Duration
	Log   *slog.Logger
	// Failed, when set, is told about every call the policy answered (metrics).
	Failed func()
	Now    func() time.Time
}

// Guard is the Counter the gateway uses: it passes Takes to the backend and,
// when the backend fails, answers by the policy, logs once per outage and
// keeps probing until the backend answers again. It never returns an error.
type Guard struct {
	backend Counter
	opts    GuardOptions

	down      atomic.Bool
	nextProbe atomic.Int64 // unix nanoseconds
	upAt      atomic.Int64 // when the backend last came back (unix nanoseconds)
	quiet     bool         // this outage was not logged (under mu)
	mu        sync.Mutex   // orders the outage log lines
	lastErr   atomic.Value // string
}

// NewGuard wraps backend.
func NewGuard(backend Counter, o GuardOptions) *Guard {
	if o.OnError == "" {
		o.OnError = Allow
	}
	if o.Probe <= 0 {
		o.Probe = time.Second
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Guard{backend: backend, opts: o}
}

// Take asks the backend; while it is down, the policy answers.
func (g *Guard) Take(ctx context.Context, key Key, limits Limits, weight int64) (Decision, error) {
	if g.down.Load() {
		now := g.opts.Now().UnixNano()
		next := g.nextProbe.Load()
		if now < next || !g.nextProbe.CompareAndSwap(next, now+int64(g.opts.Probe)) {
			return g.policy(), nil
		}
	}
	d, err := g.backend.Take(ctx, key, limits, weight)
	if err != nil {
		if ctx.Err() != nil { // the caller went away: not the backend's fault, nothing to count
			return Decision{Allowed: g.opts.OnError == Allow, Degraded: true}, nil
		}
		g.fail(err)
		return g.policy(), nil
	}
	if g.down.Load() {
		g.recover()
	}
	return d, nil
}

func (g *Guard) policy() Decision {
	if g.opts.Failed != nil {
		g.opts.Failed()
	}
	return Decision{Allowed: g.opts.OnError == Allow, Degraded: true}
}

func (g *Guard) fail(err error) {
	g.lastErr.Store(err.Error())
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down.Load() {
		return
	}
	now := g.opts.Now().UnixNano()
	g.nextProbe.Store(now + int64(g.opts.Probe))
	g.down.Store(true)
	// A failure within a second (or a probe interval) of a recovery, such as
	// a pooled connection that died with the outage, continues that outage
	// in the log: neither it nor its end is logged again.
	if up := g.upAt.Load(); up != 0 && now-up < int64(max(g.opts.Probe, time.Second)) {
		g.quiet = true
		return
	}
	g.quiet = false
	g.opts.Log.Warn("rate limit backend unavailable", "policy", string(g.opts.OnError), "error", err.Error())
}

func (g *Guard) recover() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.down.CompareAndSwap(true, false) {
		g.upAt.Store(g.opts.Now().UnixNano())
		if !g.quiet {
			g.opts.Log.Info("rate limit backend available again")
		}
	}
}

// Check reports the backend's state for /status: an error while it is down.
func (g *Guard) Check(context.Context) error {
	if g.down.Load() {
		msg, _ := g.lastErr.Load().(string)
		return errors.New("rate limit backend unavailable: " + msg)
	}
	return nil
}

// Down reports whether the backend is failing.
func (g *Guard) Down() bool { return g.down.Load() }
