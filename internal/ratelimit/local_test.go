package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeClock is a clock tests move by hand.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock(t time.Time) *fakeClock {
	c := &fakeClock{}
	c.ns.Store(t.UnixNano())
	return c
}

func (c *fakeClock) Now() time.Time           { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Set(t time.Time)          { c.ns.Store(t.UnixNano()) }
func (c *fakeClock) Add(d time.Duration) bool { c.ns.Add(int64(d)); return true }

var day0 = time.Date(2026, 12, 3, 0, 0, 0, 0, time.UTC)

// counters returns the backends under test: Local always, Redis when configured.
type counterCase struct {
	name string
	make func(t *testing.T, now func() time.Time) Counter
}

func localCase() counterCase {
	return counterCase{"local", func(_ *testing.T, now func() time.Time) Counter { return NewLocal(now) }}
}

// TestWindowBoundaries walks a fake clock across window edges and checks
// each call's verdict, remaining count and reset.
func TestWindowBoundaries(t *testing.T) {
	for _, bc := range backends() {
		t.Run(bc.name, func(t *testing.T) {
			type step struct {
				at        time.Duration // since day0
				weight    int64
				allowed   bool
				window    Window // the window checked below
				remaining int64
				reset     time.Duration // since day0
			}
			cases := []struct {
				name   string
				limits Limits
				steps  []step
			}{
				{"second: the last nanosecond of a window and the first of the next", Limits{Second: 2}, []step{
					{0, 1, true, Second, 1, time.Second},
					{999 * time.Millisecond, 1, true, Second, 0, time.Second},
					{time.Second - 1, 1, false, Second, 0, time.Second},
					{time.Second, 1, true, Second, 1, 2 * time.Second},
				}},
				{"minute: windows aligned on the clock, not on the first call", Limits{Minute: 3}, []step{
					{59 * time.Second, 3, true, Minute, 0, time.Minute},
					{59*time.Second + 500*time.Millisecond, 1, false, Minute, 0, time.Minute},
					{60 * time.Second, 1, true, Minute, 2, 2 * time.Minute},
				}},
				{"weight larger than what is left costs nothing", Limits{Minute: 10}, []step{
					{0, 8, true, Minute, 2, time.Minute},
					{time.Second, 3, false, Minute, 0, time.Minute},
					{2 * time.Second, 2, true, Minute, 0, time.Minute},
				}},
				{"every window must admit: the hour refuses while the second would not", Limits{Second: 5, Hour: 2}, []step{
					{0, 1, true, Hour, 1, time.Hour},
					{time.Minute, 1, true, Hour, 0, time.Hour},
					{2 * time.Minute, 1, false, Hour, 0, time.Hour},
					{2 * time.Minute, 1, false, Second, 5, 2*time.Minute + time.Second},
					{time.Hour, 1, true, Hour, 1, 2 * time.Hour},
				}},
				{"day in UTC", Limits{Day: 1}, []step{
					{23*time.Hour + 59*time.Minute, 1, true, Day, 0, 24 * time.Hour},
					{24*time.Hour - 1, 1, false, Day, 0, 24 * time.Hour},
					{24 * time.Hour, 1, true, Day, 0, 48 * time.Hour},
				}},
			}
			for i, tc := range cases {
				t.Run(tc.name, func(t *testing.T) {
					clock := newFakeClock(day0)
					c := bc.make(t, clock.Now)
					key := Key{Scope: "test", ID: int64(i)}
					for j, s := range tc.steps {
						clock.Set(day0.Add(s.at))
						d, err := c.Take(context.Background(), key, tc.limits, s.weight)
						if err != nil {
							t.Fatal(err)
						}
						ws := d.Windows[s.window]
						if d.Allowed != s.allowed || ws.Remaining != s.remaining || !ws.Reset.Equal(day0.Add(s.reset)) {
							t.Errorf("step %d: allowed %v remaining %d reset %v; want %v %d %v",
								j, d.Allowed, ws.Remaining, ws.Reset.Sub(day0), s.allowed, s.remaining, s.reset)
						}
						if ws.Limit != tc.limits[s.window] {
							t.Errorf("step %d: limit %d, want %d", j, ws.Limit, tc.limits[s.window])
						}
					}
				})
			}
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := day0.Add(10*time.Second + 200*time.Millisecond)
	cases := []struct {
		name string
		d    Decision
		want time.Duration
	}{
		{"allowed", Decision{Allowed: true}, 0},
		{"minute exceeded: until its end, rounded up", Decision{Windows: [NumWindows]WindowState{
			Minute: {Limit: 5, Remaining: 0, Reset: day0.Add(time.Minute)}}}, 50 * time.Second},
		{"the latest exceeded window counts", Decision{Windows: [NumWindows]WindowState{
			Second: {Limit: 1, Remaining: 0, Reset: day0.Add(11 * time.Second)},
			Hour:   {Limit: 5, Remaining: 0, Reset: day0.Add(time.Hour)}}}, time.Hour - 10*time.Second},
		{"a window with room does not", Decision{Windows: [NumWindows]WindowState{
			Second: {Limit: 1, Remaining: 0, Reset: day0.Add(11 * time.Second)},
			Hour:   {Limit: 5, Remaining: 3, Reset: day0.Add(time.Hour)}}}, time.Second},
		{"degraded: one second", Decision{Degraded: true}, time.Second},
	}
	for _, tc := range cases {
		if got := tc.d.RetryAfter(now); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestLocalConcurrent: 64 goroutines spend one budget; exactly the limit is
// allowed, on one key and spread over many.
func TestLocalConcurrent(t *testing.T) {
	clock := newFakeClock(day0)
	l := NewLocal(clock.Now)
	const goroutines, perG, limit = 64, 200, 5000
	var allowed atomic.Int64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perG {
				if d, _ := l.Take(context.Background(), Key{Scope: "shared"}, Limits{Minute: limit}, 1); d.Allowed {
					allowed.Add(1)
				}
				_, _ = l.Take(context.Background(), Key{Scope: "own", ID: int64(g), Sub: int64(i % 3)}, Limits{Second: 1000}, 1)
			}
		}()
	}
	wg.Wait()
	if got := allowed.Load(); got != limit {
		t.Fatalf("allowed %d of %d calls, want exactly %d", got, goroutines*perG, limit)
	}
	spent := int64(0) // the calls goroutine 7 made on its key with Sub 1
	for i := range perG {
		if i%3 == 1 {
			spent++
		}
	}
	if d, _ := l.Take(context.Background(), Key{Scope: "own", ID: 7, Sub: 1}, Limits{Second: 1000}, 1); !d.Allowed ||
		d.Windows[Second].Remaining != 1000-spent-1 {
		t.Fatalf("own key: %+v, want %d remaining", d.Windows[Second], 1000-spent-1)
	}
}

func TestLocalNoAllocation(t *testing.T) {
	l := NewLocal(nil)
	key := Key{Scope: "token", ID: 42}
	limits := Limits{Second: 1 << 40, Minute: 1 << 40, Day: 1 << 40}
	_, _ = l.Take(context.Background(), key, limits, 1)
	if n := testing.AllocsPerRun(1000, func() { _, _ = l.Take(context.Background(), key, limits, 1) }); n != 0 {
		t.Fatalf("%v allocations per Take in steady state, want 0", n)
	}
}

func TestLocalSweep(t *testing.T) {
	clock := newFakeClock(day0)
	l := NewLocal(clock.Now)
	for i := range 100 {
		_, _ = l.Take(context.Background(), Key{Scope: "s", ID: int64(i)}, Limits{Second: 1}, 1)
	}
	clock.Add(2 * time.Second)
	// Enough takes on one key to sweep its shard at least once; the others stay until their shard sweeps.
	for range sweepEvery {
		_, _ = l.Take(context.Background(), Key{Scope: "s", ID: 0}, Limits{Second: 1 << 30}, 1)
	}
	if n := l.Len(); n >= 100 {
		t.Fatalf("%d keys after their windows ended, want the expired ones of a swept shard gone", n)
	}
}

func BenchmarkLocalTake(b *testing.B) {
	l := NewLocal(nil)
	limits := Limits{Minute: 1 << 40}
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := int64(0)
		for pb.Next() {
			i++
			_, _ = l.Take(context.Background(), Key{Scope: "token", ID: i % 1000}, limits, 1)
		}
	})
}

// BenchmarkLocalTakeOneKey is every call on one key (one token under load),
// from many goroutines at once.
func BenchmarkLocalTakeOneKey(b *testing.B) {
	l := NewLocal(nil)
	limits := Limits{Minute: 1 << 40, Day: 1 << 40}
	b.ReportAllocs()
	b.SetParallelism(32)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			_, _ = l.Take(context.Background(), Key{Scope: "token", ID: 7}, limits, 1)
		}
	})
}
