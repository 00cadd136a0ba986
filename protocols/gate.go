package protocols

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"wsgate"
)

// Gate bounds how many request bodies are decoded at once, so that many
// large requests in parallel cannot each hold a decoded tree: a decoder
// takes a slot with Enter and gives it back with Leave. A request that finds
// no free slot waits for one, at most the gate's wait, then is refused with
// wsgate.ErrServerBusy. A nil *Gate bounds nothing.
type Gate struct {
	slots   chan struct{}
	wait    time.Duration
	waiting atomic.Int64
}

// NewGate returns a gate of n slots (n ≤ 0: twice GOMAXPROCS) where a
// request waits at most wait for a slot (0: it is refused at once).
func NewGate(n int, wait time.Duration) *Gate {
	if n <= 0 {
		n = 2 * runtime.GOMAXPROCS(0)
	}
	return &Gate{slots: make(chan struct{}, n), wait: max(wait, 0)}
}

// Enter takes a slot, waiting at most the gate's wait and not beyond ctx.
// Every successful Enter must be followed by one Leave.
func (g *Gate) Enter(ctx context.Context) error {
	if g == nil {
		return nil
	}
	select {
	case g.slots <- struct{}{}:
		return nil
	default:
	}
	if g.wait == 0 {
		return wsgate.ErrServerBusy
	}
	g.waiting.Add(1)
	defer g.waiting.Add(-1)
	timer := time.NewTimer(g.wait)
	defer timer.Stop()
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-timer.C:
		return wsgate.ErrServerBusy.WithDebugf("no decoding slot became free within %s", g.wait)
	case <-ctx.Done():
		return wsgate.ErrServerBusy.Wrap(ctx.Err())
	}
}

// Leave gives back the slot of an Enter.
func (g *Gate) Leave() {
	if g != nil {
		<-g.slots
	}
}

// Waiting returns how many requests wait for a slot now.
func (g *Gate) Waiting() int {
	if g == nil {
		return 0
	}
	return int(g.waiting.Load())
}

// Busy returns how many slots are taken now.
func (g *Gate) Busy() int {
	if g == nil {
		return 0
	}
	return len(g.slots)
}
