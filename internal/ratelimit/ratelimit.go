// Package ratelimit counts calls against limits per fixed window (second,
// minute, hour, day): a Counter decides, atomically over every window, whether
// a call of some weight fits. Local counts in the memory of one process;
// Redis shares the counts between every instance using one Redis; Guard wraps
// either and decides what happens when the backend fails.
package ratelimit

import (
	"context"
	"strconv"
	"time"
)

// Window is one of the fixed windows a limit can be set on.
type Window uint8

// The windows, shortest first.
const (
	Second Window = iota
	Minute
	Hour
	Day
	NumWindows // the number of windows
)

var windowNames = [NumWindows]string{"Second", "Minute", "Hour", "Day"}

var windowSizes = [NumWindows]time.Duration{time.Second, time.Minute, time.Hour, 24 * time.Hour}

// String names the window as the X-RateLimit headers do ("Minute").
func (w Window) String() string {
	if w < NumWindows {
		return windowNames[w]
	}
	return "Window(" + strconv.Itoa(int(w)) + ")"
}

// Size is the length of the window.
func (w Window) Size() time.Duration { return windowSizes[w] }

// Limits is the most a key may spend in each window; 0 means no limit there.
type Limits [NumWindows]int64

// IsZero reports whether no window is limited.
func (l Limits) IsZero() bool { return l == Limits{} }

// Key names what is counted. It is comparable and built without allocation.
type Key struct {
	Scope string // what ID names: "token", "user", "service", ...
	ID    int64
	Sub   int64  // a second number when the scope needs one (0 otherwise)
	Name  string // a name when the scope counts by name (login attempts)
}

// String formats k for a backend that keys by string.
func (k Key) String() string {
	return k.Scope + ":" + strconv.FormatInt(k.ID, 10) + ":" + strconv.FormatInt(k.Sub, 10) + ":" + k.Name
}

// WindowState is the state of one limited window after a Take.
type WindowState struct {
	Limit     int64     // the limit, 0 when the window is not limited
	Remaining int64     // what is left in the current window
	Reset     time.Time // when the current window ends
}

// Decision is the answer of a Take.
type Decision struct {
	Allowed bool
	Windows [NumWindows]WindowState // only windows with a limit are set
	// Degraded is set when the backend failed and Guard's policy decided.
	Degraded bool
}

// RetryAfter is how long the caller should wait before trying again: until
// the end of the latest exceeded window, at least one second. It is 0 when
// the decision allowed the call.
func (d *Decision) RetryAfter(now time.Time) time.Duration {
	if d.Allowed {
		return 0
	}
	var wait time.Duration
	for _, w := range d.Windows {
		if w.Limit > 0 && w.Remaining <= 0 {
			wait = max(wait, w.Reset.Sub(now))
		}
	}
	// Whole seconds, rounded up: a client that waits that long finds a new window.
	wait = (wait + time.Second - 1).Truncate(time.Second)
	return max(wait, time.Second)
}

// Exceeded returns the shortest window whose limit refused the call, and
// whether there is one.
func (d *Decision) Exceeded() (Window, bool) {
	if d.Allowed {
		return 0, false
	}
	for w, s := range d.Windows {
		if s.Limit > 0 && s.Remaining <= 0 {
			return Window(w), true
		}
	}
	return 0, false
}

// Counter counts calls against limits.
type Counter interface {
	// Take spends weight in every limited window of key if it fits in all of
	// them, and spends nothing otherwise (a refused call costs nothing).
	// Remaining reports what is left after the call.
	Take(ctx context.Context, key Key, limits Limits, weight int64) (Decision, error)
}

// windowStart returns the start of the fixed window w that holds now (unix
// nanoseconds). Windows are aligned on the Unix epoch (days in UTC).
func windowStart(w Window, now int64) int64 {
	size := int64(windowSizes[w])
	return now - now%size
}

// fill sets the state of window w from its count after the decision.
func (d *Decision) fill(w Window, limit, count, start int64) {
	d.Windows[w] = WindowState{Limit: limit, Remaining: max(limit-count, 0),
		Reset: time.Unix(0, start+int64(windowSizes[w]))}
}
