// Package deadline gives a call a deadline whose timer is armed only when
// something waits for it.
//
// context.WithTimeout arms a runtime timer and registers a child with its
// parent on every call, and stops both when the call returns; a function
// answered from memory never waits on its context, so that work is wasted on
// the busiest calls. A Context reports its deadline at once (Deadline, Err)
// and arms the timer the first time Done is called, which is what every
// blocking operation (a query, an HTTP request, a select) does first.
package deadline

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// Context is a context.Context with a deadline that is armed lazily; make
// one with New and call Stop when the call is over.
type Context struct {
	parent context.Context
	at     time.Time

	mu      sync.Mutex // held while arming and stopping
	armed   atomic.Pointer[armed]
	stopped atomic.Bool
}

// armed is the standard context that carries the deadline once it is armed.
type armed struct {
	ctx    context.Context
	cancel context.CancelFunc
}

// New returns a context that is done timeout from now, or when parent is.
func New(parent context.Context, timeout time.Duration) *Context {
	at := time.Now().Add(timeout)
	if pd, ok := parent.Deadline(); ok && pd.Before(at) {
		at = pd
	}
	return &Context{parent: parent, at: at}
}

// Stop releases the timer if one was armed; after Stop the context is done
// with context.Canceled, as a WithTimeout context is after its cancel.
func (c *Context) Stop() {
	c.mu.Lock()
	c.stopped.Store(true)
	a := c.armed.Load()
	c.mu.Unlock()
	if a != nil {
		a.cancel()
	}
}

// arm returns the standard context behind c, making it on the first call.
func (c *Context) arm() *armed {
	if a := c.armed.Load(); a != nil {
		return a
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if a := c.armed.Load(); a != nil {
		return a
	}
	ctx, cancel := context.WithDeadline(c.parent, c.at)
	if c.stopped.Load() {
		cancel()
	}
	a := &armed{ctx: ctx, cancel: cancel}
	c.armed.Store(a)
	return a
}

// Deadline reports when the context is done, without arming it.
func (c *Context) Deadline() (time.Time, bool) { return c.at, true }

// Done arms the deadline and returns the channel closed when it passes, the
// parent is done, or Stop is called.
func (c *Context) Done() <-chan struct{} { return c.arm().ctx.Done() }

// Err reports why the context is done, or nil; it arms nothing while the
// deadline has not passed.
func (c *Context) Err() error {
	if a := c.armed.Load(); a != nil {
		return a.ctx.Err()
	}
	if err := c.parent.Err(); err != nil {
		return err
	}
	if c.stopped.Load() {
		return context.Canceled
	}
	if !time.Now().Before(c.at) {
		return c.arm().ctx.Err()
	}
	return nil
}

// Value looks key up in the armed context once there is one (so contexts
// derived from c attach to its timer), and in the parent before.
func (c *Context) Value(key any) any {
	if a := c.armed.Load(); a != nil {
		return a.ctx.Value(key)
	}
	return c.parent.Value(key)
}

// String names the context for debugging, as the standard ones do.
func (c *Context) String() string {
	return "deadline.Context(" + c.at.Format(time.RFC3339Nano) + ")"
}
