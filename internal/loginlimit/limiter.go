// Package loginlimit limits password guessing at the two places that check a
// password, /login/token.php (protocols/login) and /admin/login (web): one
// Limiter serves both, so guesses at either count against the same limits.
// It lives apart from both endpoints, and from services, which owns the users
// but not the traffic against them: the limits are state about attempts and
// addresses, kept in memory (Memory) or, with the same rules, in the Redis of
// the rate limits (Redis), shared by every instance using it.
//
// An attempt is reserved before the password check and the reservation is
// ended after it, so attempts in flight count against the limits and a burst
// of parallel guesses gets no more checks than a sequence would. The package
// also writes the log line of a refused login (RefusalLog), bounded in size
// and rate.
package loginlimit

import (
	"context"
	"fmt"
	"time"
)

// Limiter reserves password checks.
type Limiter interface {
	// Reserve takes a place for one password check of username from address
	// (an IP address, without a port). While the limits are reached it
	// returns a *LockedError and no reservation; another error means the
	// limits could not be consulted, and the login must be refused.
	Reserve(ctx context.Context, username, address string) (Reservation, error)
}

// Reservation is one password check in flight; exactly one of its methods
// ends it (later calls do nothing).
type Reservation interface {
	// Success says the password was right: the failures of this username
	// from this address are forgotten.
	Success()
	// Failure says the password was wrong: the attempt counts as a failure.
	Failure()
	// Cancel says the password was not checked (the store failed): the
	// attempt does not count.
	Cancel()
}

// LockedError refuses an attempt while the limits are reached.
type LockedError struct {
	// RetryAfter is how long the lockout lasts; 0 when the places are taken
	// by attempts still in flight (it ends when they do).
	RetryAfter time.Duration
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("too many failed logins: try again in %s", e.RetryAfter.Round(time.Second))
}
