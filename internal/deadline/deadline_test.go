package deadline

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

type key struct{}

// wait returns the context's error once it is done, or fails after a while
// (a bound for a broken context, not a timing assertion).
func wait(t *testing.T, ctx context.Context) error {
	t.Helper()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(10 * time.Second):
		t.Fatal("the context was never done")
		return nil
	}
}

func TestDone(t *testing.T) {
	cases := []struct {
		name string
		// run builds the context, does what the case is about and returns it.
		run  func(t *testing.T) context.Context
		want error
	}{
		{"the deadline passes", func(t *testing.T) context.Context {
			return New(context.Background(), 20*time.Millisecond)
		}, context.DeadlineExceeded},
		{"the parent is cancelled before it is armed", func(t *testing.T) context.Context {
			parent, cancel := context.WithCancel(context.Background())
			c := New(parent, time.Hour)
			cancel()
			if err := c.Err(); !errors.Is(err, context.Canceled) {
				t.Fatalf("Err before Done = %v", err)
			}
			return c
		}, context.Canceled},
		{"the parent is cancelled after it is armed", func(t *testing.T) context.Context {
			parent, cancel := context.WithCancel(context.Background())
			c := New(parent, time.Hour)
			_ = c.Done()
			cancel()
			return c
		}, context.Canceled},
		{"Stop before it is armed", func(t *testing.T) context.Context {
			c := New(context.Background(), time.Hour)
			c.Stop()
			if err := c.Err(); !errors.Is(err, context.Canceled) {
				t.Fatalf("Err before Done = %v", err)
			}
			return c
		}, context.Canceled},
		{"Stop after it is armed", func(t *testing.T) context.Context {
			c := New(context.Background(), time.Hour)
			_ = c.Done()
			c.Stop()
			return c
		}, context.Canceled},
		{"a context derived from it", func(t *testing.T) context.Context {
			child, cancel := context.WithCancel(New(context.Background(), 20*time.Millisecond))
			t.Cleanup(cancel)
			return child
		}, context.DeadlineExceeded},
		{"the parent's earlier deadline", func(t *testing.T) context.Context {
			parent, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
			t.Cleanup(cancel)
			return New(parent, time.Hour)
		}, context.DeadlineExceeded},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.run(t)
			if err := wait(t, ctx); !errors.Is(err, tc.want) {
				t.Fatalf("Err = %v, want %v", err, tc.want)
			}
			if cause := context.Cause(ctx); !errors.Is(cause, tc.want) {
				t.Fatalf("Cause = %v, want %v", cause, tc.want)
			}
		})
	}
}

func TestNotArmedUntilWaitedFor(t *testing.T) {
	parent := context.WithValue(context.Background(), key{}, "caller")
	c := New(parent, time.Hour)
	defer c.Stop()
	start := time.Now()
	at, ok := c.Deadline()
	if !ok || at.Before(start.Add(59*time.Minute)) || at.After(start.Add(time.Hour)) {
		t.Fatalf("Deadline = %v, %v; want about an hour from now", at, ok)
	}
	if err := c.Err(); err != nil {
		t.Fatalf("Err = %v", err)
	}
	if got := c.Value(key{}); got != "caller" {
		t.Fatalf("Value = %v", got)
	}
	if c.armed.Load() != nil {
		t.Fatal("Deadline, Err or Value armed the timer")
	}
	select {
	case <-c.Done():
		t.Fatal("done an hour early")
	default:
	}
	if c.armed.Load() == nil {
		t.Fatal("Done did not arm the timer")
	}
	if got := c.Value(key{}); got != "caller" {
		t.Fatalf("Value once armed = %v", got)
	}
}

func TestPassedDeadlineWithoutDone(t *testing.T) {
	c := New(context.Background(), 0)
	if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err = %v", err)
	}
	if err := wait(t, c); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Err after Done = %v", err)
	}
}

// TestConcurrentUse is for -race: Done, Err and Stop from many goroutines.
func TestConcurrentUse(t *testing.T) {
	for range 50 {
		c := New(context.Background(), time.Hour)
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() { _ = c.Done(); _ = c.Err() })
		}
		wg.Go(c.Stop)
		wg.Wait()
		if err := wait(t, c); !errors.Is(err, context.Canceled) {
			t.Fatalf("Err = %v", err)
		}
	}
}

// BenchmarkCall compares a call that never waits on its context under a
// standard timeout and under a lazy one, below a cancellable parent as an
// HTTP request's context is.
func BenchmarkCall(b *testing.B) {
	parent, cancel := context.WithCancel(context.Background())
	defer cancel()
	b.Run("WithTimeout", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			ctx, cancel := context.WithTimeout(parent, 30*time.Second)
			_ = ctx.Value(key{})
			cancel()
		}
	})
	b.Run("deadline.New", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := New(parent, 30*time.Second)
			_ = c.Value(key{})
			c.Stop()
		}
	})
}
