package ratelimit

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wsgate/internal/ratelimit/redistest"
)

func backends() []counterCase {
	return []counterCase{localCase(), {"redis", func(t *testing.T, now func() time.Time) Counter {
		return newTestRedis(t, redistest.URL(t), redistest.Prefix(t), now)
	}}}
}

func newTestRedis(t *testing.T, url, prefix string, now func() time.Time) *Redis {
	t.Helper()
	r, err := NewRedis(RedisOptions{URL: url, Prefix: prefix, Now: now, Timeout: 500 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestRedisSharedBudget: two counters (two gateways) on one Redis and prefix
// spend one budget: N calls allowed in all, not 2N.
func TestRedisSharedBudget(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	clock := newFakeClock(day0.Add(time.Hour))
	a, b := newTestRedis(t, url, prefix, clock.Now), newTestRedis(t, url, prefix, clock.Now)
	const limit = 300
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := a
			if g%2 == 1 {
				c = b
			}
			for range 40 {
				d, err := c.Take(context.Background(), Key{Scope: "token", ID: 5}, Limits{Minute: limit, Day: 10 * limit}, 1)
				if err != nil {
					t.Error(err)
					return
				}
				if d.Allowed {
					allowed.Add(1)
				}
			}
		}()
	}
	wg.Wait()
	if got := allowed.Load(); got != limit {
		t.Fatalf("two instances allowed %d calls, want exactly %d", got, limit)
	}
}

// TestGuardRedisOutage cuts Redis under load and restores it: while it is
// cut the policy holds (allow or deny), the outage is logged once and shown
// by Check, and counting resumes by itself afterwards.
func TestGuardRedisOutage(t *testing.T) {
	url := redistest.URL(t)
	for _, policy := range []OnError{Allow, Deny} {
		t.Run(string(policy), func(t *testing.T) {
			proxy := redistest.NewProxy(t, redistest.Target(t, url))
			backend := newTestRedis(t, proxy.ProxyURL(t, url), redistest.Prefix(t), nil)
			var logs syncBuffer
			var failed atomic.Int64
			g := NewGuard(backend, GuardOptions{OnError: policy, Probe: 20 * time.Millisecond,
				Log: slog.New(slog.NewTextHandler(&logs, nil)), Failed: func() { failed.Add(1) }})
			limits := Limits{Day: 1 << 30}
			take := func(id int64) Decision {
				d, err := g.Take(context.Background(), Key{Scope: "token", ID: id}, limits, 1)
				if err != nil {
					t.Fatalf("Guard returned %v", err)
				}
				return d
			}
			if d := take(1); !d.Allowed || d.Degraded {
				t.Fatalf("before the cut: %+v", d)
			}
			var stop atomic.Bool
			var wg sync.WaitGroup
			for w := range 8 { // load throughout
				wg.Add(1)
				go func() {
					defer wg.Done()
					for !stop.Load() {
						take(int64(100 + w))
					}
				}()
			}
			proxy.Cut()
			waitFor(t, func() bool { return g.Down() })
			for range 20 {
				d := take(1)
				if !d.Degraded || d.Allowed != (policy == Allow) {
					t.Fatalf("during the cut: %+v, want the %s policy", d, policy)
				}
			}
			if g.Check(context.Background()) == nil {
				t.Fatal("Check is ok while Redis is cut")
			}
			proxy.Restore()
			waitFor(t, func() bool { return !g.Down() })
			stop.Store(true)
			wg.Wait()
			var d Decision
			waitFor(t, func() bool { d = take(1); return !d.Degraded }) // a pooled connection may fail once more
			if !d.Allowed || d.Windows[Day].Remaining != 1<<30-2 {
				t.Fatalf("after the restore: %+v, want counting resumed where it was", d)
			}
			if err := g.Check(context.Background()); err != nil {
				t.Fatalf("Check after the restore: %v", err)
			}
			out := logs.String()
			if n := strings.Count(out, "rate limit backend unavailable"); n != 1 {
				t.Errorf("outage logged %d times, want once:\n%s", n, out)
			}
			if n := strings.Count(out, "available again"); n != 1 {
				t.Errorf("recovery logged %d times, want once:\n%s", n, out)
			}
			if failed.Load() == 0 {
				t.Error("no call counted as answered by the policy")
			}
		})
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not reached in 10s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// BenchmarkRedisTake is one Take (the Lua script, a minute and a day
// window) against the pipelined INCRBY and PEXPIRE that would count the same
// windows in one round trip but could neither refuse without spending nor
// keep the windows consistent with each other.
func BenchmarkRedisTake(b *testing.B) {
	url := redistest.URL(b)
	r, err := NewRedis(RedisOptions{URL: url, Prefix: redistest.Prefix(b), Timeout: time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	limits := Limits{Minute: 1 << 50, Day: 1 << 50}
	b.Run("script", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := r.Take(context.Background(), Key{Scope: "token", ID: 1}, limits, 1); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("pipelined-incr", func(b *testing.B) {
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				p := r.client.Pipeline()
				p.IncrBy(context.Background(), r.prefix+"m", 1)
				p.PExpire(context.Background(), r.prefix+"m", time.Minute)
				p.IncrBy(context.Background(), r.prefix+"d", 1)
				p.PExpire(context.Background(), r.prefix+"d", 24*time.Hour)
				if _, err := p.Exec(context.Background()); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}

// TestRedisScriptFlushed: a Redis that forgot the script (a restart, SCRIPT
// FLUSH) gets it again, and the batch that met NOSCRIPT is counted once.
func TestRedisScriptFlushed(t *testing.T) {
	url, prefix := redistest.URL(t), redistest.Prefix(t)
	clock := newFakeClock(day0.Add(time.Hour))
	r := newTestRedis(t, url, prefix, clock.Now)
	key, limits := Key{Scope: "user", ID: 9}, Limits{Minute: 3}
	for want := range 2 {
		if err := r.Client().ScriptFlush(context.Background()).Err(); err != nil {
			t.Fatal(err)
		}
		d, err := r.Take(context.Background(), key, limits, 1)
		if err != nil || !d.Allowed || d.Windows[Minute].Remaining != int64(3-want-1) {
			t.Fatalf("take %d after SCRIPT FLUSH: %+v, %v", want+1, d, err)
		}
	}
}
