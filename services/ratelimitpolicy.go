package services

import (
	"context"

	"wsgate"
	"wsgate/internal/ratelimit"
)

// rateRules are the rate limit rules and function weights, cached with the
// policy and dropped with it (Change.Limits, Services, Roles, All).
type rateRules struct {
	services, tokens, users map[int64]ratelimit.Limits
	weights                 map[string]int64
}

// RateRule is what Admit needs to count one call: the key it is counted
// under, the limits of that key and the call's weight. A zero Limits means
// the call is not limited.
type RateRule struct {
	Key    ratelimit.Key
	Limits ratelimit.Limits
	Weight int64
	Scope  string // which rule applies: LimitToken, LimitUser or LimitService
}

// RateLimit resolves the rule for caller calling function, from the cache:
// the token's own rule, else the user's (counted over all their tokens),
// else the service's default (counted per token), else the configured
// default (AuthorizerOptions.DefaultRateLimit, counted per token); the weight is the
// function's (1 by default).
func (a *Authorizer) RateLimit(ctx context.Context, caller *wsgate.Caller, function string) (RateRule, error) {
	now := a.opts.Now().UnixNano()
	a.mu.RLock()
	pol, gen := a.pol, a.gen
	a.mu.RUnlock()
	if pol != nil && a.fresh(pol.loadedAt, now) { // the steady state: no allocation
		return pol.limits.resolve(caller, function, a.opts.DefaultRateLimit), nil
	}
	return a.loadRateLimit(ctx, caller, function, now, gen)
}

// loadRateLimit is RateLimit when the policy must be loaded first.
func (a *Authorizer) loadRateLimit(ctx context.Context, caller *wsgate.Caller, function string, now int64, gen uint64) (RateRule, error) {
	v := view{now: now, gen: gen}
	pol, err := a.policy(ctx, &v)
	if err != nil {
		return RateRule{}, err
	}
	return pol.limits.resolve(caller, function, a.opts.DefaultRateLimit), nil
}

func (r *rateRules) resolve(c *wsgate.Caller, function string, fallback ratelimit.Limits) RateRule {
	rule := RateRule{Weight: 1}
	if w, ok := r.weights[function]; ok {
		rule.Weight = w
	}
	if l, ok := r.tokens[c.TokenID]; ok {
		rule.Key, rule.Limits, rule.Scope = ratelimit.Key{Scope: LimitToken, ID: c.TokenID}, l, LimitToken
	} else if l, ok := r.users[c.UserID]; ok {
		rule.Key, rule.Limits, rule.Scope = ratelimit.Key{Scope: LimitUser, ID: c.UserID}, l, LimitUser
	} else if l, ok := r.services[c.ServiceID]; ok {
		rule.Key, rule.Limits, rule.Scope = ratelimit.Key{Scope: LimitService, ID: c.ServiceID, Sub: c.TokenID}, l, LimitService
	} else if !fallback.IsZero() {
		rule.Key, rule.Limits, rule.Scope = ratelimit.Key{Scope: LimitService, ID: c.ServiceID, Sub: c.TokenID}, fallback, LimitService
	}
	return rule
}

// loadRateRules reads every rule and weight.
func loadRateRules(ctx context.Context, s *Store) (rateRules, error) {
	r := rateRules{services: map[int64]ratelimit.Limits{}, tokens: map[int64]ratelimit.Limits{},
		users: map[int64]ratelimit.Limits{}, weights: map[string]int64{}}
	rules, err := s.RateLimits(ctx)
	if err != nil {
		return r, err
	}
	for _, l := range rules {
		switch l.Scope {
		case LimitService:
			r.services[l.TargetID] = l.Limits()
		case LimitToken:
			r.tokens[l.TargetID] = l.Limits()
		case LimitUser:
			r.users[l.TargetID] = l.Limits()
		}
	}
	weights, err := s.FunctionWeights(ctx)
	if err != nil {
		return r, err
	}
	for _, w := range weights {
		r.weights[w.Function] = w.Weight
	}
	return r, nil
}
