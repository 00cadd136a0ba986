package ratelimit

import (
	"context"
	"sync"
	"time"
)

// localShards is the number of independently locked parts of a Local counter.
const localShards = 64

// sweepEvery is how many Takes a shard serves between sweeps of its expired keys.
const sweepEvery = 4096

// Local is a Counter in the memory of one process: exact for that process,
// shared with no other. After a key's first call it allocates nothing.
type Local struct {
	now    func() time.Time
	shards [localShards]localShard
}

type localShard struct {
	mu    sync.Mutex
	keys  map[Key]*localEntry
	takes int
	_     [32]byte // keeps neighbouring shards' locks off one cache line
}

// localEntry is one key's counts: the start of the window each count belongs to.
type localEntry struct {
	start [NumWindows]int64
	count [NumWindows]int64
}

// NewLocal returns a Local counter reading the clock now (time.Now when nil).
func NewLocal(now func() time.Time) *Local {
	if now == nil {
		now = time.Now
	}
	l := &Local{now: now}
	for i := range l.shards {
		l.shards[i].keys = make(map[Key]*localEntry)
	}
	return l
}

// Take implements Counter; it never fails.
func (l *Local) Take(_ context.Context, key Key, limits Limits, weight int64) (Decision, error) {
	now := l.now().UnixNano()
	sh := &l.shards[shardOf(key)]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	sh.takes++
	if sh.takes >= sweepEvery {
		sh.takes = 0
		sh.sweep(now)
	}
	e := sh.keys[key]
	if e == nil {
		e = &localEntry{}
		sh.keys[key] = e
	}
	d := Decision{Allowed: true}
	for w := range NumWindows {
		if limits[w] <= 0 {
			continue
		}
		if start := windowStart(w, now); e.start[w] != start {
			e.start[w], e.count[w] = start, 0
		}
		if e.count[w]+weight > limits[w] {
			d.Allowed = false
		}
	}
	for w := range NumWindows {
		if limits[w] <= 0 {
			continue
		}
		if d.Allowed {
			e.count[w] += weight
		}
		d.fill(w, limits[w], e.count[w], e.start[w])
		if !d.Allowed && e.count[w]+weight > limits[w] {
			d.Windows[w].Remaining = 0 // this window is the one that refused
		}
	}
	return d, nil
}

// sweep drops keys none of whose windows is current any more; the caller holds sh.mu.
func (sh *localShard) sweep(now int64) {
	for k, e := range sh.keys {
		live := false
		for w := range NumWindows {
			if e.start[w] != 0 && e.start[w] == windowStart(w, now) {
				live = true
				break
			}
		}
		if !live {
			delete(sh.keys, k)
		}
	}
}

// Len returns the number of keys held (for tests and metrics).
func (l *Local) Len() int {
	n := 0
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		n += len(sh.keys)
		sh.mu.Unlock()
	}
	return n
}

// shardOf hashes key (FNV-1a) onto a shard without allocating.
func shardOf(k Key) int {
	h := uint64(14695981039346656037)
	mix := func(b byte) { h ^= uint64(b); h *= 1099511628211 }
	for i := 0; i < len(k.Scope); i++ {
		mix(k.Scope[i])
	}
	for _, v := range [2]int64{k.ID, k.Sub} {
		for s := 0; s < 64; s += 8 {
			mix(byte(v >> s))
		}
	}
	for i := 0; i < len(k.Name); i++ {
		mix(k.Name[i])
	}
	return int(h % localShards)
}
