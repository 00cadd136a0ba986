package loginlimit

import (
	"context"
	"crypto/sha256"
	"strings"
	"sync"
	"time"
)

// Options are the limits of a Memory limiter; zero fields take the defaults.
type Options struct {
	// MaxFailures is how many failures one username may have from one
	// address group before it is locked out (login.max_failures; 5).
	MaxFailures int
	// MaxFailuresPerAddr is how many failures an address group may have
	// over all usernames before it is locked out
	// (login.max_failures_per_address; 20).
	MaxFailuresPerAddr int
	// Window is how long failures are remembered after the last one (or
	// after the lockout they caused ends), and how long the first lockout
	// lasts (login.failure_window; 15m).
	Window time.Duration
	// MaxLockout caps the lockout of a username from an address group,
	// which doubles with each failure past MaxFailures (login.max_lockout;
	// 24h). An address group's lockout is always Window.
	MaxLockout time.Duration
	// MaxKeys bounds the usernames and address groups remembered (100000).
	MaxKeys int
	// Now is the clock (time.Now).
	Now func() time.Time
}

// Defaults of Options.
const (
	DefaultMaxFailures        = 5
	DefaultMaxFailuresPerAddr = 20
	DefaultWindow             = 15 * time.Minute
	DefaultMaxLockout         = 24 * time.Hour
	DefaultMaxKeys            = 100000
)

// Memory is a Limiter in the memory of one process: each instance of the
// gateway counts its own attempts.
type Memory struct {
	pair, addr rule
	maxKeys    int
	now        func() time.Time

	mu    sync.Mutex
	pairs map[pairKey]*entry
	addrs map[string]*entry
}

// pairKey is a username (hashed: a long one costs no memory) from an address group.
type pairKey struct {
	user [16]byte
	addr string
}

// NewMemory returns an in-memory limiter.
func NewMemory(o Options) *Memory {
	if o.MaxFailures < 1 {
		o.MaxFailures = DefaultMaxFailures
	}
	if o.MaxFailuresPerAddr < 1 {
		o.MaxFailuresPerAddr = DefaultMaxFailuresPerAddr
	}
	if o.Window <= 0 {
		o.Window = DefaultWindow
	}
	if o.MaxLockout <= 0 {
		o.MaxLockout = DefaultMaxLockout
	}
	o.MaxLockout = max(o.MaxLockout, o.Window)
	if o.MaxKeys < 1 {
		o.MaxKeys = DefaultMaxKeys
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Memory{
		pair:    rule{max: o.MaxFailures, window: o.Window, maxLock: o.MaxLockout},
		addr:    rule{max: o.MaxFailuresPerAddr, window: o.Window, maxLock: o.Window},
		maxKeys: o.MaxKeys, now: o.Now, pairs: map[pairKey]*entry{}, addrs: map[string]*entry{}}
}

// rule is the limit of one kind of key.
type rule struct {
	max     int           // failures before the lockout
	window  time.Duration // memory of failures, and the first lockout
	maxLock time.Duration // cap of the doubling lockout
}

// entry is the state of one key.
type entry struct {
	failures int       // since the key was last forgotten or succeeded
	inflight int       // reservations not ended
	last     time.Time // of the last failure
	until    time.Time // end of the lockout
}

// open reports whether e (nil: a key with no history) takes one more
// attempt now, and else how long its lockout lasts. Attempts in flight take
// places: below max failures, max-failures of them; at or past it, one.
func (r rule) open(e *entry, now time.Time) (bool, time.Duration) {
	if e == nil {
		return true, 0
	}
	if now.Before(e.until) {
		return false, e.until.Sub(now)
	}
	return e.inflight < max(1, r.max-e.failures), 0
}

// fail records a failure: from the max-th on, a lockout of window, doubled
// for each failure past max, at most maxLock.
func (r rule) fail(e *entry, now time.Time) {
	e.failures++
	e.last = now
	if e.failures < r.max {
		return
	}
	lock := r.window
	for past := r.max; past < e.failures && lock < r.maxLock; past++ {
		lock *= 2
	}
	e.until = now.Add(min(lock, r.maxLock))
}

// forgotten reports whether e has nothing left to remember: no attempt in
// flight, and a window gone by since its last failure and its lockout.
func (r rule) forgotten(e *entry, now time.Time) bool {
	quiet := e.last
	if e.until.After(quiet) {
		quiet = e.until
	}
	return e.inflight == 0 && !now.Before(quiet.Add(r.window))
}

// userHash is the key of username: compared as the store compares
// usernames (trimmed, lower case).
func userHash(username string) [16]byte {
	sum := sha256.Sum256([]byte(strings.ToLower(strings.TrimSpace(username))))
	return [16]byte(sum[:16])
}

// Reserve implements Limiter; it never fails but with a *LockedError.
func (m *Memory) Reserve(_ context.Context, username, address string) (Reservation, error) {
	pk := pairKey{user: userHash(username), addr: AddressGroup(address)}
	m.mu.Lock()
	defer m.mu.Unlock()
	now := m.now()
	m.makeRoom(now)
	p, a := m.pairs[pk], m.addrs[pk.addr]
	if p != nil && m.pair.forgotten(p, now) {
		delete(m.pairs, pk)
		p = nil
	}
	if a != nil && m.addr.forgotten(a, now) {
		delete(m.addrs, pk.addr)
		a = nil
	}
	okPair, waitPair := m.pair.open(p, now)
	okAddr, waitAddr := m.addr.open(a, now)
	if !okPair || !okAddr {
		return nil, &LockedError{RetryAfter: max(waitPair, waitAddr)}
	}
	if p == nil {
		p = &entry{}
		m.pairs[pk] = p
	}
	if a == nil {
		a = &entry{}
		m.addrs[pk.addr] = a
	}
	p.inflight++
	a.inflight++
	return &reservation{m: m, key: pk, pair: p, addr: a}, nil
}

// makeRoom keeps the number of keys below maxKeys: at the bound it drops the
// forgotten keys and, if that is not enough, others down to nine tenths of
// the bound: first those not locked out, then any; never one in flight.
func (m *Memory) makeRoom(now time.Time) {
	size := func() int { return len(m.pairs) + len(m.addrs) }
	if size() < m.maxKeys {
		return
	}
	target := m.maxKeys * 9 / 10
	for pass := 0; pass < 3 && size() > target; pass++ {
		drop := func(e *entry, r rule) bool {
			switch pass {
			case 0:
				return r.forgotten(e, now)
			case 1:
				return e.inflight == 0 && !now.Before(e.until)
			default:
				return e.inflight == 0
			}
		}
		for k, e := range m.pairs {
			if pass > 0 && size() <= target {
				break
			}
			if drop(e, m.pair) {
				delete(m.pairs, k)
			}
		}
		for k, e := range m.addrs {
			if pass > 0 && size() <= target {
				break
			}
			if drop(e, m.addr) {
				delete(m.addrs, k)
			}
		}
	}
}

// reservation is a Memory limiter's place for one attempt. Its entries
// stay in the maps while it lasts (an entry in flight is never dropped).
type reservation struct {
	m          *Memory
	key        pairKey
	pair, addr *entry
	done       bool
}

// end releases the places, then applies fn to the entries, once.
func (r *reservation) end(fn func(now time.Time)) {
	r.m.mu.Lock()
	defer r.m.mu.Unlock()
	if r.done {
		return
	}
	r.done = true
	r.pair.inflight--
	r.addr.inflight--
	fn(r.m.now())
}

// Success implements Reservation.
func (r *reservation) Success() {
	r.end(func(time.Time) {
		r.pair.failures, r.pair.last, r.pair.until = 0, time.Time{}, time.Time{}
		if r.pair.inflight == 0 {
			delete(r.m.pairs, r.key)
		}
	})
}

// Failure implements Reservation.
func (r *reservation) Failure() {
	r.end(func(now time.Time) {
		r.m.pair.fail(r.pair, now)
		r.m.addr.fail(r.addr, now)
	})
}

// Cancel implements Reservation.
func (r *reservation) Cancel() { r.end(func(time.Time) {}) }
