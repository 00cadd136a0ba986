package services

import (
	"context"
	"database/sql"

	"wsgate/internal/db"
	"wsgate/internal/ratelimit"
)

// Scopes of a rate limit rule.
const (
	LimitService = "service" // a service's default, counted per token of the service
	LimitToken   = "token"   // one token's limit, over its service
	LimitUser    = "user"    // one user's limit, over all their tokens and services
)

// RateLimit is one rule of the ratelimits table: calls allowed per window
// (0: no limit in that window) for the service, token or user TargetID.
type RateLimit struct {
	ID           int64  `json:"id"`
	Scope        string `json:"scope"`
	TargetID     int64  `json:"targetid"`
	PerSecond    int64  `json:"persecond"`
	PerMinute    int64  `json:"perminute"`
	PerHour      int64  `json:"perhour"`
	PerDay       int64  `json:"perday"`
	TimeModified int64  `json:"timemodified"`
}

// Limits returns the rule's windows in the form the counters take.
func (r RateLimit) Limits() ratelimit.Limits {
	return ratelimit.Limits{ratelimit.Second: r.PerSecond, ratelimit.Minute: r.PerMinute,
		ratelimit.Hour: r.PerHour, ratelimit.Day: r.PerDay}
}

// FunctionWeight is what one call of a function spends of a limit.
type FunctionWeight struct {
	Function     string `json:"function"`
	Weight       int64  `json:"weight"`
	TimeModified int64  `json:"timemodified"`
}

// limitColumn is the column a scope's target is stored in.
func limitColumn(scope string) (string, error) {
	switch scope {
	case LimitService:
		return "externalserviceid", nil
	case LimitToken:
		return "tokenid", nil
	case LimitUser:
		return "userid", nil
	}
	return "", invalidf("rate limit scope %q is not service, token or user", scope)
}

// ValidateRateLimit checks a rule before it is stored.
func ValidateRateLimit(r RateLimit) error {
	if _, err := limitColumn(r.Scope); err != nil {
		return err
	}
	if r.TargetID <= 0 {
		return invalidf("rate limit target %d is not an id", r.TargetID)
	}
	l := r.Limits()
	for w, n := range l {
		if n < 0 {
			return invalidf("rate limit per %s is negative", ratelimit.Window(w))
		}
	}
	if l.IsZero() {
		return invalidf("a rate limit needs at least one window above 0 (clear it to remove it)")
	}
	return nil
}

const rateLimitColumns = `id, COALESCE(externalserviceid, tokenid, userid), persecond, perminute, perhour, perday, timemodified,
	CASE WHEN externalserviceid IS NOT NULL THEN 'service' WHEN tokenid IS NOT NULL THEN 'token' ELSE 'user' END`

func scanRateLimit(r scanner) (RateLimit, error) {
	var l RateLimit
	err := r.Scan(&l.ID, &l.TargetID, &l.PerSecond, &l.PerMinute, &l.PerHour, &l.PerDay, &l.TimeModified, &l.Scope)
	return l, err
}

// SetRateLimit creates or replaces the rule for r.Scope and r.TargetID. An
// unknown target is a not-found error.
func (s *Store) SetRateLimit(ctx context.Context, r RateLimit) error {
	_, err := s.PutRateLimit(ctx, r)
	return err
}

// PutRateLimit is SetRateLimit returning the rule as stored (with its id).
func (s *Store) PutRateLimit(ctx context.Context, r RateLimit) (RateLimit, error) {
	if err := ValidateRateLimit(r); err != nil {
		return RateLimit{}, err
	}
	col, _ := limitColumn(r.Scope)
	_, err := s.q.ExecContext(ctx, `INSERT INTO ratelimits (`+col+`, persecond, perminute, perhour, perday, timemodified)
		VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (`+col+`) DO UPDATE SET persecond = excluded.persecond,
		perminute = excluded.perminute, perhour = excluded.perhour, perday = excluded.perday,
		timemodified = excluded.timemodified`,
		r.TargetID, r.PerSecond, r.PerMinute, r.PerHour, r.PerDay, s.now())
	if err != nil {
		return RateLimit{}, missingRef(err, "%s %d does not exist", r.Scope, r.TargetID)
	}
	s.announce(Change{Limits: true})
	return s.RateLimitOf(ctx, r.Scope, r.TargetID)
}

// RateLimitOf returns the rule of scope for target; a not-found error when there is none.
func (s *Store) RateLimitOf(ctx context.Context, scope string, target int64) (RateLimit, error) {
	col, err := limitColumn(scope)
	if err != nil {
		return RateLimit{}, err
	}
	l, err := scanRateLimit(s.q.QueryRowContext(ctx, `SELECT `+rateLimitColumns+` FROM ratelimits WHERE `+col+` = $1`, target))
	if err != nil {
		return RateLimit{}, notFound("ratelimits", err)
	}
	return l, nil
}

// RateLimitByID returns rule id; a not-found error when there is none.
func (s *Store) RateLimitByID(ctx context.Context, id int64) (RateLimit, error) {
	l, err := scanRateLimit(s.q.QueryRowContext(ctx, `SELECT `+rateLimitColumns+` FROM ratelimits WHERE id = $1`, id))
	if err != nil {
		return RateLimit{}, notFound("ratelimits", err)
	}
	return l, nil
}

// RateLimits returns every rule, services first, then tokens, then users, each by target.
func (s *Store) RateLimits(ctx context.Context) ([]RateLimit, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+rateLimitColumns+` FROM ratelimits
		ORDER BY externalserviceid IS NULL, tokenid IS NULL, COALESCE(externalserviceid, tokenid, userid)`)
	return collect(rows, err, scanRateLimit)
}

// DeleteRateLimit removes the rule of scope for target; removing a missing one is a not-found error.
func (s *Store) DeleteRateLimit(ctx context.Context, scope string, target int64) error {
	col, err := limitColumn(scope)
	if err != nil {
		return err
	}
	res, err := s.q.ExecContext(ctx, `DELETE FROM ratelimits WHERE `+col+` = $1`, target)
	if err != nil {
		return db.Translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("ratelimits", sql.ErrNoRows)
	}
	s.announce(Change{Limits: true})
	return nil
}

// SetFunctionWeight sets what one call of function spends (at least 1).
func (s *Store) SetFunctionWeight(ctx context.Context, function string, weight int64) error {
	if function == "" {
		return invalidf("a function weight needs a function name")
	}
	if weight < 1 {
		return invalidf("weight %d is below 1", weight)
	}
	if _, err := s.q.ExecContext(ctx, `INSERT INTO ratelimit_weights (functionname, weight, timemodified)
		VALUES ($1, $2, $3) ON CONFLICT (functionname) DO UPDATE SET weight = excluded.weight,
		timemodified = excluded.timemodified`, function, weight, s.now()); err != nil {
		return db.Translate(err)
	}
	s.announce(Change{Limits: true})
	return nil
}

// FunctionWeightOf returns the weight of function; a not-found error when it has none of its own.
func (s *Store) FunctionWeightOf(ctx context.Context, function string) (FunctionWeight, error) {
	var w FunctionWeight
	err := s.q.QueryRowContext(ctx, `SELECT functionname, weight, timemodified FROM ratelimit_weights
		WHERE functionname = $1`, function).Scan(&w.Function, &w.Weight, &w.TimeModified)
	if err != nil {
		return FunctionWeight{}, notFound("ratelimit_weights", err)
	}
	return w, nil
}

// FunctionWeights returns every weight other than the default 1, by function name.
func (s *Store) FunctionWeights(ctx context.Context) ([]FunctionWeight, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT functionname, weight, timemodified FROM ratelimit_weights ORDER BY functionname`)
	return collect(rows, err, func(r scanner) (FunctionWeight, error) {
		var w FunctionWeight
		err := r.Scan(&w.Function, &w.Weight, &w.TimeModified)
		return w, err
	})
}

// DeleteFunctionWeight puts function back to weight 1; a not-found error when it had none.
func (s *Store) DeleteFunctionWeight(ctx context.Context, function string) error {
	res, err := s.q.ExecContext(ctx, `DELETE FROM ratelimit_weights WHERE functionname = $1`, function)
	if err != nil {
		return db.Translate(err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return notFound("ratelimit_weights", sql.ErrNoRows)
	}
	s.announce(Change{Limits: true})
	return nil
}
