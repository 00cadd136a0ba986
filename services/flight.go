package services

import (
	"context"
	"errors"
	"sync"
)

// flight runs one load per key at a time: callers asking for a key being
// loaded wait for that load and share its result (a small singleflight).
// The load runs with the first caller's context; a waiting caller gives up
// when its own context ends, and loads again itself when the first caller's
// context ended the shared load.
type flight[K comparable, V any] struct {
	mu    sync.Mutex
	calls map[K]*flightCall[V]
}

type flightCall[V any] struct {
	done chan struct{}
	val  V
	err  error
}

func (f *flight[K, V]) do(ctx context.Context, key K, load func(ctx context.Context) (V, error)) (V, error) {
	for {
		f.mu.Lock()
		c, ok := f.calls[key]
		if !ok {
			break // with f.mu held
		}
		f.mu.Unlock()
		select {
		case <-c.done:
			if isContextErr(c.err) && ctx.Err() == nil {
				continue // the first caller gave up, not us
			}
			return c.val, c.err
		case <-ctx.Done():
			var zero V
			return zero, ErrStoreUnavailable.Wrap(ctx.Err())
		}
	}
	if f.calls == nil {
		f.calls = make(map[K]*flightCall[V])
	}
	c := &flightCall[V]{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()

	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = load(ctx)
	return c.val, c.err
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// genKey keys a load by what it loads and the cache generation it started
// at, so a caller that starts after an invalidation never shares an older load.
type genKey[K comparable] struct {
	key K
	gen uint64
}
