package main

import (
	"context"
	"time"

	"wsgate"
	"wsgate/internal/bus"
	"wsgate/internal/loginlimit"
	"wsgate/internal/ratelimit"
	"wsgate/protocols"
	"wsgate/services"
)

// openRateLimits builds the configured counter behind a Guard, reports it in
// /status (ratelimit) and /metrics, and puts it in the pipeline.
func (a *App) openRateLimits() error {
	rc := a.Config.RateLimit
	onError, _ := ratelimit.ParseOnError(rc.OnBackendError) // validated with the configuration
	var backend ratelimit.Counter = ratelimit.NewLocal(nil)
	closeBackend := func() {}
	if rc.Backend == "redis" {
		r, err := ratelimit.NewRedis(ratelimit.RedisOptions{URL: rc.RedisURL, Prefix: rc.RedisPrefix, Timeout: rc.RedisTimeout})
		if err != nil {
			return err
		}
		backend, closeBackend, a.rateRedis = r, func() { _ = r.Close() }, r
	}
	a.rateCounter = ratelimit.NewGuard(backend, ratelimit.GuardOptions{OnError: onError, Log: a.Log,
		Failed: a.metrics.RateLimitBackendFailed})
	a.closeRateLimits = closeBackend
	a.Status.Add("ratelimit", a.rateCounter.Check)
	a.pipeline.Limits = &protocols.RateLimits{Rules: a.auth, Counter: a.rateCounter, Limited: a.rateLimited}
	return nil
}

// rateLimited counts a refusal and publishes ratelimit_exceeded at most once
// per key and exceeded window: the counter itself (shared through Redis)
// decides which refusal is the first.
func (a *App) rateLimited(ctx context.Context, c *wsgate.Caller, function string, rule services.RateRule, d ratelimit.Decision) {
	service := c.Shortname
	if service == "" {
		service = c.ServiceName
	}
	a.metrics.RateLimited(service, function)
	w, ok := d.Exceeded()
	if !ok {
		return
	}
	var once ratelimit.Limits
	once[w] = 1
	key := rule.Key
	key.Name = "event:" + key.Name
	first, _ := a.rateCounter.Take(ctx, key, once, 1)
	if !first.Allowed || first.Degraded {
		return
	}
	ev := bus.Event{Name: "ratelimit_exceeded", RoutingKey: "ratelimit.exceeded", Body: map[string]any{
		"scope": rule.Scope, "service_id": c.ServiceID, "service": c.Shortname, "user_id": c.UserID,
		"token_id": c.TokenID, "function": function, "window": w.String(), "limit": d.Windows[w].Limit,
		"reset": d.Windows[w].Reset.Unix()}}
	go func() { // off the call path: one write per key and window at most
		wctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := bus.Write(wctx, a.DB, ev); err != nil {
			a.Log.Warn("ratelimit_exceeded event not written", "error", err.Error())
			return
		}
		a.relay.Notify()
	}()
}

// loginLimiter is the limiter of password guessing: in the rate limits'
// Redis when ratelimit.backend is redis (every instance then shares the
// lockouts; while Redis fails, each falls back to its own memory), in
// memory otherwise.
func (a *App) loginLimiter() loginlimit.Limiter {
	lc := a.Config.Login
	o := loginlimit.Options{MaxFailures: lc.MaxFailures, MaxFailuresPerAddr: lc.MaxFailuresPerAddr,
		Window: lc.FailureWindow, MaxLockout: lc.MaxLockout}
	if a.rateRedis != nil {
		return loginlimit.NewRedis(a.rateRedis.Client(), a.rateRedis.Prefix(), o)
	}
	return loginlimit.NewMemory(o)
}
