package web

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/internal/ratelimit"
	"wsgate/services"
)

// windowUnits name the windows in the pages' descriptions of limits.
var windowUnits = [ratelimit.NumWindows]string{"second", "minute", "hour", "day"}

// describeLimits writes limits as "5/minute, 1000/day"; "" when there is none.
func describeLimits(l ratelimit.Limits) string {
	var parts []string
	for w, n := range l {
		if n > 0 {
			parts = append(parts, strconv.FormatInt(n, 10)+"/"+windowUnits[w])
		}
	}
	return strings.Join(parts, ", ")
}

// serviceLimit describes the service's own default limit; "" when it has none.
func (s *site) serviceLimit(ctx context.Context, serviceID int64) string {
	l, err := s.store.RateLimitOf(ctx, services.LimitService, serviceID)
	if err != nil {
		return ""
	}
	return describeLimits(l.Limits())
}

// tokenLimit describes the limit that applies to the token's calls, where
// it comes from and, when the gateway counts calls (Deps.RateCounter), what
// is used of each window now: "3 of 5/minute used (token's own)".
func (s *site) tokenLimit(ctx context.Context, t services.Token) string {
	rule, err := s.auth.RateLimit(ctx, &wsgate.Caller{TokenID: t.ID, UserID: t.UserID, ServiceID: t.ServiceID}, "")
	if err != nil || rule.Limits.IsZero() {
		return ""
	}
	from := map[string]string{services.LimitToken: "token's own", services.LimitUser: "the user's",
		services.LimitService: "the service's"}[rule.Scope]
	if s.d.RateCounter == nil {
		return describeLimits(rule.Limits) + " (" + from + ")"
	}
	d, _ := s.d.RateCounter.Take(ctx, rule.Key, rule.Limits, 0) // weight 0: reads, spends nothing
	if d.Degraded {
		return describeLimits(rule.Limits) + " (" + from + "; use unknown: the rate limit backend is unavailable)"
	}
	var parts []string
	for w, n := range rule.Limits {
		if n > 0 {
			used := n - d.Windows[w].Remaining
			parts = append(parts, strconv.FormatInt(used, 10)+" of "+strconv.FormatInt(n, 10)+"/"+windowUnits[w])
		}
	}
	return strings.Join(parts, ", ") + " used (" + from + ")"
}
