package loginlimit

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// clock is a settable time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newTestMemory(o Options) (*Memory, *clock) {
	c := &clock{t: time.Unix(1_800_000_000, 0)}
	o.Now = c.now
	return NewMemory(o), c
}

// reserve reserves and fails the test unless the outcome is wantOK.
func reserve(t *testing.T, m Limiter, user, addr string, wantOK bool) Reservation {
	t.Helper()
	r, err := m.Reserve(context.Background(), user, addr)
	var locked *LockedError
	switch {
	case wantOK && err != nil:
		t.Fatalf("Reserve(%s, %s) = %v, want a reservation", user, addr, err)
	case !wantOK && !errors.As(err, &locked):
		t.Fatalf("Reserve(%s, %s) = %v, %v, want locked", user, addr, r, err)
	}
	return r
}

// retryAfter returns the RetryAfter of a refused reservation.
func retryAfter(t *testing.T, m Limiter, user, addr string) time.Duration {
	t.Helper()
	_, err := m.Reserve(context.Background(), user, addr)
	var locked *LockedError
	if !errors.As(err, &locked) {
		t.Fatalf("Reserve(%s, %s) = %v, want locked", user, addr, err)
	}
	return locked.RetryAfter
}

func (m *Memory) keys() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.pairs) + len(m.addrs)
}

func TestReserveCountsInFlight(t *testing.T) {
	eachLimiter(t, Options{MaxFailures: 3, MaxFailuresPerAddr: 10, Window: time.Minute}, func(t *testing.T, m Limiter, c *clock) {
		_ = c
		var held []Reservation
		for range 3 {
			held = append(held, reserve(t, m, "ann", "192.0.2.1", true))
		}
		if d := retryAfter(t, m, "ann", "192.0.2.1"); d != 0 {
			t.Errorf("refused while in flight: RetryAfter %v, want 0", d)
		}
		held[0].Cancel()
		held[0].Failure() // ended already: nothing
		held[0] = reserve(t, m, "ann", "192.0.2.1", true)
		for _, r := range held {
			r.Failure()
		}
		if d := retryAfter(t, m, "ann", "192.0.2.1"); d != time.Minute {
			t.Errorf("after 3 failures: RetryAfter %v, want 1m", d)
		}
		reserve(t, m, " ANN ", "192.0.2.1", false) // the same username as the store compares them
		reserve(t, m, "ann", "192.0.2.2", true)    // another address is not locked out
		reserve(t, m, "bob", "192.0.2.1", true)    // nor another username
	})
}

// After max failures the lockout doubles with each failure, up to MaxLockout.
func TestBackoff(t *testing.T) {
	eachLimiter(t, Options{MaxFailures: 3, MaxFailuresPerAddr: 100, Window: time.Minute, MaxLockout: 10 * time.Minute}, func(t *testing.T, m Limiter, c *clock) {
		for range 3 {
			reserve(t, m, "ann", "192.0.2.1", true).Failure()
		}
		for _, want := range []time.Duration{time.Minute, 2 * time.Minute, 4 * time.Minute, 8 * time.Minute,
			10 * time.Minute, 10 * time.Minute} {
			if d := retryAfter(t, m, "ann", "192.0.2.1"); d != want {
				t.Fatalf("lockout %v, want %v", d, want)
			}
			c.t = c.t.Add(want - time.Second)
			reserve(t, m, "ann", "192.0.2.1", false)
			c.t = c.t.Add(time.Second)
			// The lockout over, one attempt at a time.
			r := reserve(t, m, "ann", "192.0.2.1", true)
			reserve(t, m, "ann", "192.0.2.1", false)
			r.Failure()
		}
		// A window of quiet after the lockout: all is forgotten.
		c.t = c.t.Add(10*time.Minute + time.Minute)
		for range 3 {
			reserve(t, m, "ann", "192.0.2.1", true).Failure()
		}
		if d := retryAfter(t, m, "ann", "192.0.2.1"); d != time.Minute {
			t.Errorf("lockout after forgetting %v, want 1m", d)
		}
	})
}

// Failures below the limit are forgotten a window after the last one; a
// success forgets them at once.
func TestForget(t *testing.T) {
	eachLimiter(t, Options{MaxFailures: 3, MaxFailuresPerAddr: 100, Window: time.Minute}, func(t *testing.T, m Limiter, c *clock) {
		reserve(t, m, "ann", "192.0.2.1", true).Failure()
		reserve(t, m, "ann", "192.0.2.1", true).Failure()
		c.t = c.t.Add(time.Minute)
		reserve(t, m, "ann", "192.0.2.1", true).Failure()
		reserve(t, m, "ann", "192.0.2.1", true).Failure()
		reserve(t, m, "ann", "192.0.2.1", true).Success()
		reserve(t, m, "ann", "192.0.2.1", true).Failure()
		reserve(t, m, "ann", "192.0.2.1", true).Failure()
		reserve(t, m, "ann", "192.0.2.1", true).Failure()
		reserve(t, m, "ann", "192.0.2.1", false)
	})
}

// The address cap counts failures over all usernames, and a success does
// not lift it.
func TestAddressCap(t *testing.T) {
	eachLimiter(t, Options{MaxFailures: 3, MaxFailuresPerAddr: 5, Window: time.Minute}, func(t *testing.T, m Limiter, c *clock) {
		for i := range 4 {
			reserve(t, m, fmt.Sprint("user", i), "2001:db8::1", true).Failure()
		}
		reserve(t, m, "own", "2001:db8::2", true).Success()
		reserve(t, m, "user9", "2001:db8::3", true).Failure()
		if d := retryAfter(t, m, "own", "2001:db8::ffff:1"); d != time.Minute {
			t.Errorf("address lockout %v, want 1m", d)
		}
		reserve(t, m, "own", "2001:db8:0:1::1", true) // another /64
		c.t = c.t.Add(time.Minute)
		reserve(t, m, "own", "2001:db8::2", true)
	})
}

// A spray of usernames and addresses keeps memory bounded, and drops the
// keys not locked out first; a reservation in flight keeps its keys.
func TestMemoryBounded(t *testing.T) {
	m, _ := newTestMemory(Options{MaxFailures: 3, MaxFailuresPerAddr: 100, Window: time.Minute, MaxKeys: 100})
	for range 3 {
		reserve(t, m, "admin", "192.0.2.1", true).Failure()
	}
	inFlight := reserve(t, m, "ann", "192.0.2.2", true)
	for i := range 1000 {
		reserve(t, m, fmt.Sprint("spray", i), fmt.Sprintf("10.0.%d.%d", i/256, i%256), true).Failure()
		if n := m.keys(); n > 100 {
			t.Fatalf("%d keys after %d sprayed", n, i+1)
		}
	}
	reserve(t, m, "admin", "192.0.2.1", false)
	inFlight.Failure()
	reserve(t, m, "ann", "192.0.2.2", true).Failure()
	reserve(t, m, "ann", "192.0.2.2", true).Failure()
	reserve(t, m, "ann", "192.0.2.2", false) // the failure in flight counted
}

func TestAddressGroup(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"192.0.2.7", "192.0.2.7"},
		{"::ffff:192.0.2.7", "192.0.2.7"},
		{"2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::", "2001:db8:1:2::/64"},
		{"2001:DB8:1:2:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"},
		{"2001:db8:1:3::1", "2001:db8:1:3::/64"},
		{"fe80::1%eth0", "fe80::/64"},
		{"::1", "::/64"},
		{"", "invalid"},
		{"192.0.2.7:80", "invalid"},
		{"[2001:db8::1]", "invalid"},
		{"not an address", "invalid"},
	} {
		if got := AddressGroup(tt.in); got != tt.want {
			t.Errorf("AddressGroup(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzAddressGroup(f *testing.F) {
	for _, s := range []string{"192.0.2.7", "::ffff:10.0.0.1", "2001:db8::1", "fe80::1%eth0", "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		g := AddressGroup(s)
		if g == "invalid" {
			return
		}
		// A group is its own group's name: its first address maps to it.
		first := g
		if i := len(g) - 3; i > 0 && g[i:] == "/64" {
			first = g[:i]
		}
		if again := AddressGroup(first); again != g {
			t.Errorf("AddressGroup(%q) = %q, but AddressGroup(%q) = %q", s, g, first, again)
		}
	})
}
