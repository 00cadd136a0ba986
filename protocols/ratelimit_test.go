package protocols_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/internal/ratelimit"
	"wsgate/protocols"
	"wsgate/services"
)

// limitedFixture is the pipeline fixture with rate limits counted on a Local
// counter under a fake clock.
func limitedFixture(t testing.TB, d *db.DB, now *atomic.Int64) (*fixture, *atomic.Int64) {
	f := newFixture(t, d, "http://127.0.0.1:1")
	clock := func() time.Time { return time.Unix(0, now.Load()) }
	refused := &atomic.Int64{}
	f.pipe.Limits = &protocols.RateLimits{Rules: f.auth, Counter: ratelimit.NewLocal(clock), Now: clock,
		Limited: func(_ context.Context, c *wsgate.Caller, fn string, rule services.RateRule, d ratelimit.Decision) {
			if c.TokenID == f.tokenID && fn != "" && !d.Allowed {
				refused.Add(1)
			}
		}}
	return f, refused
}

func (f *fixture) limitedCall(fn string, params map[string]any) (*protocols.Call, error) {
	call := &protocols.Call{Protocol: "rest", Token: f.token, Function: fn, Params: params, RemoteIP: "127.0.0.1"}
	_, err := f.pipe.Dispatch(context.Background(), call)
	return call, err
}

func TestAdmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := &atomic.Int64{}
		now.Store(time.Date(2026, 12, 3, 10, 0, 15, 0, time.UTC).UnixNano())
		f, refused := limitedFixture(t, d, now)
		echo := map[string]any{"n": "1"}

		// No rule: no headers, no counting.
		call, err := f.limitedCall("local_test_echo", echo)
		if err != nil || call.RateLimit.Windows[ratelimit.Minute].Limit != 0 {
			t.Fatalf("unlimited call: %v %+v", err, call.RateLimit)
		}

		// The service's default, set after the policy was cached: the change drops it.
		if err := f.store.SetRateLimit(ctx, services.RateLimit{Scope: services.LimitService, TargetID: f.svcID, PerMinute: 3}); err != nil {
			t.Fatal(err)
		}
		for i := int64(2); i >= 0; i-- {
			call, err := f.limitedCall("local_test_echo", echo)
			if err != nil {
				t.Fatalf("call %d: %v", 3-i, err)
			}
			h := http.Header{}
			protocols.SetRateLimitHeaders(h, call)
			if exact(h, "X-RateLimit-Limit-Minute") != "3" || exact(h, "X-RateLimit-Remaining-Minute") != string(rune('0'+i)) ||
				h["Retry-After"] != nil || len(h) != 2 {
				t.Fatalf("call %d headers %v", 3-i, h)
			}
		}
		// Over the limit: refused before validation (the parameters are wrong too), with Retry-After.
		call, err = f.limitedCall("local_test_echo", map[string]any{"n": "not a number"})
		if !errors.Is(err, wsgate.ErrRateLimited) || wsgate.KindOf(err) != wsgate.RateLimited {
			t.Fatalf("fourth call: %v, want ratelimitexceeded", err)
		}
		h := http.Header{}
		protocols.SetRateLimitHeaders(h, call)
		if exact(h, "Retry-After") != "45" || exact(h, "X-RateLimit-Remaining-Minute") != "0" {
			t.Fatalf("refused headers %v, want Retry-After 45", h)
		}
		if refused.Load() != 1 {
			t.Fatalf("Limited hook told %d times, want 1", refused.Load())
		}

		// The token's own rule overrides the service's; a weight spends more.
		if err := f.store.SetRateLimit(ctx, services.RateLimit{Scope: services.LimitToken, TargetID: f.tokenID, PerMinute: 10, PerHour: 100}); err != nil {
			t.Fatal(err)
		}
		if err := f.store.SetFunctionWeight(ctx, "local_test_echo", 4); err != nil {
			t.Fatal(err)
		}
		for _, want := range []struct {
			ok     bool
			remain int64
		}{{true, 6}, {true, 2}, {false, 0}} {
			call, err := f.limitedCall("local_test_echo", echo)
			if (err == nil) != want.ok || call.RateLimit.Windows[ratelimit.Minute].Remaining != want.remain {
				t.Fatalf("weighted call: %v remaining %d, want ok=%v remaining %d", err,
					call.RateLimit.Windows[ratelimit.Minute].Remaining, want.ok, want.remain)
			}
		}
		// The next minute starts a new window.
		now.Add(int64(45 * time.Second))
		if _, err := f.limitedCall("local_test_echo", echo); err != nil {
			t.Fatalf("in the next minute: %v", err)
		}
		// The user's rule applies once the token's is cleared (the token has a rule of its own before).
		if err := f.store.DeleteRateLimit(ctx, services.LimitToken, f.tokenID); err != nil {
			t.Fatal(err)
		}
		if err := f.store.SetRateLimit(ctx, services.RateLimit{Scope: services.LimitUser, TargetID: f.userID, PerDay: 4}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.limitedCall("local_test_echo", echo); err != nil {
			t.Fatalf("user rule, first call: %v", err)
		}
		if call, err := f.limitedCall("local_test_echo", echo); !errors.Is(err, wsgate.ErrRateLimited) ||
			call.RateLimit.Windows[ratelimit.Day].Limit != 4 {
			t.Fatalf("user rule, second call of weight 4: %v %+v", err, call.RateLimit)
		}
	})
}

func TestAdmitNoQueryInSteadyState(t *testing.T) {
	d := dbtest.Open(t, db.SQLite, true)
	now := &atomic.Int64{}
	now.Store(time.Now().UnixNano())
	f, _ := limitedFixture(t, d, now)
	if err := f.store.SetRateLimit(context.Background(), services.RateLimit{Scope: services.LimitService, TargetID: f.svcID, PerDay: 1 << 40}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.limitedCall("local_test_echo", map[string]any{"n": "1"}); err != nil {
		t.Fatal(err)
	}
	before := f.queries.Load()
	for range 500 {
		if _, err := f.limitedCall("local_test_echo", map[string]any{"n": "1"}); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.queries.Load() - before; n != 0 {
		t.Errorf("500 limited calls ran %d queries, want 0", n)
	}
}

// exact returns the header stored under exactly name: the X-RateLimit
// headers keep Kong's spelling, which is not Go's canonical form.
func exact(h http.Header, name string) string {
	if v := h[name]; len(v) == 1 {
		return v[0]
	}
	return ""
}

// BenchmarkDispatchLimited measures what a limit never reached adds to a
// call: the same call without a rule, with a token rule on the Local
// counter, and its headers.
func BenchmarkDispatchLimited(b *testing.B) {
	for _, limited := range []bool{false, true} {
		name := "unlimited"
		if limited {
			name = "limited"
		}
		b.Run(name, func(b *testing.B) {
			f := newFixture(b, dbtest.Open(b, db.SQLite, true), "http://127.0.0.1:1")
			f.pipe.Limits = &protocols.RateLimits{Rules: f.auth, Counter: ratelimit.NewLocal(nil)}
			f.pipe.Log = slog.New(slog.DiscardHandler)
			if limited {
				if err := f.store.SetRateLimit(context.Background(), services.RateLimit{Scope: services.LimitToken,
					TargetID: f.tokenID, PerMinute: 1 << 50, PerDay: 1 << 50}); err != nil {
					b.Fatal(err)
				}
			}
			params := map[string]any{"n": "1"}
			h := http.Header{}
			b.ReportAllocs()
			for b.Loop() {
				call := &protocols.Call{Protocol: "rest", Token: f.token, Function: "local_test_echo", Params: params, RemoteIP: "127.0.0.1"}
				if _, err := f.pipe.Dispatch(context.Background(), call); err != nil {
					b.Fatal(err)
				}
				protocols.SetRateLimitHeaders(h, call)
			}
		})
	}
}
