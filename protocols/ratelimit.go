package protocols

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"wsgate"
	"wsgate/internal/ratelimit"
	"wsgate/services"
)

// RateRules resolves the rate limit rule of a call (services.Authorizer).
type RateRules interface {
	RateLimit(ctx context.Context, caller *wsgate.Caller, function string) (services.RateRule, error)
}

// RateLimits is the pipeline's rate limiting: the rules, the counter they
// are counted with (a ratelimit.Guard) and a hook told of each refusal.
type RateLimits struct {
	Rules   RateRules
	Counter ratelimit.Counter
	// Limited, when set, is told about every call refused for its rate limit
	// (metrics and the ratelimit_exceeded event).
	Limited func(ctx context.Context, caller *wsgate.Caller, function string, rule services.RateRule, d ratelimit.Decision)
	Now     func() time.Time
}

// admit counts call against its rate limit, once authorized and before its
// parameters are validated; it records the decision in call for the headers.
func (rl *RateLimits) admit(ctx context.Context, call *Call, caller *wsgate.Caller) error {
	if rl == nil || rl.Rules == nil || rl.Counter == nil {
		return nil
	}
	rule, err := rl.Rules.RateLimit(ctx, caller, call.Function)
	if err != nil || rule.Limits.IsZero() {
		return err
	}
	d, _ := rl.Counter.Take(ctx, rule.Key, rule.Limits, rule.Weight) // a Guard never fails
	call.RateLimit = d
	if d.Allowed {
		return nil
	}
	call.RetryAfter = d.RetryAfter(rl.now())
	if rl.Limited != nil && !d.Degraded {
		rl.Limited(ctx, caller, call.Function, rule, d)
	}
	retry := int64(call.RetryAfter / time.Second)
	if w, ok := d.Exceeded(); ok {
		return wsgate.ErrRateLimited.WithDebugf("the %s limit of %d per %s is spent; retry in %d s",
			rule.Scope, d.Windows[w].Limit, lower(w), retry)
	}
	return wsgate.ErrRateLimited.WithDebugf("the rate limit backend is unavailable and the gateway refuses limited calls; retry in %d s", retry)
}

func (rl *RateLimits) now() time.Time {
	if rl.Now != nil {
		return rl.Now()
	}
	return time.Now()
}

var windowLower = [ratelimit.NumWindows]string{"second", "minute", "hour", "day"}

func lower(w ratelimit.Window) string { return windowLower[w] }

// Header names, as Kong writes them; assigned directly to keep their case.
var (
	hdrLimit     [ratelimit.NumWindows]string
	hdrRemaining [ratelimit.NumWindows]string
)

func init() {
	for w := range ratelimit.NumWindows {
		hdrLimit[w] = "X-RateLimit-Limit-" + w.String()
		hdrRemaining[w] = "X-RateLimit-Remaining-" + w.String()
	}
}

// SetRateLimitHeaders adds to h, for a call counted against a limit,
// X-RateLimit-Limit-<Window> and X-RateLimit-Remaining-<Window> for each
// limited window and, when the call was refused, Retry-After (seconds).
// Every protocol server calls it before writing its answer.
func SetRateLimitHeaders(h http.Header, call *Call) {
	if call == nil {
		return
	}
	d := &call.RateLimit
	n := 0
	for _, s := range d.Windows {
		if s.Limit > 0 {
			n++
		}
	}
	if n == 0 && call.RetryAfter <= 0 {
		return
	}
	// Two allocations whatever the windows: the digits of every value in
	// one string, and the header values in one slice.
	var buf [2*ratelimit.NumWindows*20 + 20]byte
	var ends [2*ratelimit.NumWindows + 1]int
	digits, k := buf[:0], 0
	for _, s := range d.Windows {
		if s.Limit > 0 {
			digits = strconv.AppendInt(digits, s.Limit, 10)
			ends[k] = len(digits)
			digits = strconv.AppendInt(digits, s.Remaining, 10)
			ends[k+1] = len(digits)
			k += 2
		}
	}
	if call.RetryAfter > 0 {
		digits = strconv.AppendInt(digits, int64((call.RetryAfter+time.Second-1)/time.Second), 10)
		ends[k] = len(digits)
		k++
	}
	all := string(digits)
	vals := make([]string, k)
	start := 0
	for i := range k {
		vals[i], start = all[start:ends[i]], ends[i]
	}
	i := 0
	for w, s := range d.Windows {
		if s.Limit > 0 {
			h[hdrLimit[w]] = vals[i : i+1 : i+1]
			h[hdrRemaining[w]] = vals[i+1 : i+2 : i+2]
			i += 2
		}
	}
	if call.RetryAfter > 0 {
		h["Retry-After"] = vals[i : i+1 : i+1]
	}
}

// RateLimited reports whether err refuses a call for its rate limit (REST answers 429).
func RateLimited(err error) bool { return err != nil && wsgate.KindOf(err) == wsgate.RateLimited }
