package loginlimit

import (
	"context"
	"encoding/hex"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
)

// reserveScript is Memory.Reserve on the hashes of a pair (KEYS[1]) and an
// address group (KEYS[2]) with fields f (failures), i (in flight), l (last
// failure) and u (end of the lockout), times in milliseconds. ARGV: now,
// pair max, address max, window, expiry. It returns {1, 0} for a
// reservation, or {0, milliseconds of lockout left}.
var reserveScript = redis.NewScript(`
local now, window, ttl = tonumber(ARGV[1]), tonumber(ARGV[4]), tonumber(ARGV[5])
local function load(k)
  local v = redis.call('HMGET', k, 'f', 'i', 'l', 'u')
  return {f = tonumber(v[1] or '0'), i = tonumber(v[2] or '0'), l = tonumber(v[3] or '0'), u = tonumber(v[4] or '0')}
end
local function fresh(k)
  local e = load(k)
  local quiet = math.max(e.l, e.u)
  if e.i <= 0 and now >= quiet + window then
    redis.call('DEL', k)
    return {f = 0, i = 0, l = 0, u = 0}
  end
  return e
end
local function wait(e, mx)
  if now < e.u then return e.u - now end
  if e.i < math.max(1, mx - e.f) then return -1 end
  return 0
end
local p, a = fresh(KEYS[1]), fresh(KEYS[2])
local wp, wa = wait(p, tonumber(ARGV[2])), wait(a, tonumber(ARGV[3]))
if wp >= 0 or wa >= 0 then return {0, math.max(wp, wa, 0)} end
for _, k in ipairs(KEYS) do
  redis.call('HINCRBY', k, 'i', 1)
  redis.call('PEXPIRE', k, ttl)
end
return {1, 0}
`)

// endScript ends a reservation: ARGV[1] is s (success), f (failure) or c
// (cancel); then now, pair max, address max, window, pair max lockout,
// expiry. As Memory: the places are released; a success forgets the pair's
// failures, a failure counts on both with the doubling lockout.
var endScript = redis.NewScript(`
local action, now = ARGV[1], tonumber(ARGV[2])
local window, ttl = tonumber(ARGV[5]), tonumber(ARGV[7])
for _, k in ipairs(KEYS) do
  if redis.call('EXISTS', k) == 1 then redis.call('HINCRBY', k, 'i', -1) end
end
local function fail(k, mx, maxlock)
  local f = redis.call('HINCRBY', k, 'f', 1)
  redis.call('HSET', k, 'l', now)
  if f >= mx then
    local lock, past = window, mx
    while past < f and lock < maxlock do lock = lock * 2; past = past + 1 end
    redis.call('HSET', k, 'u', now + math.min(lock, maxlock))
  end
  redis.call('PEXPIRE', k, ttl)
end
if action == 's' then
  if tonumber(redis.call('HGET', KEYS[1], 'i') or '0') <= 0 then
    redis.call('DEL', KEYS[1])
  else
    redis.call('HSET', KEYS[1], 'f', 0, 'l', 0, 'u', 0)
  end
elseif action == 'f' then
  fail(KEYS[1], tonumber(ARGV[3]), tonumber(ARGV[6]))
  fail(KEYS[2], tonumber(ARGV[4]), window)
end
return 1
`)

// Redis is a Limiter kept in Redis with Memory's rules, so every instance
// using the same Redis and prefix shares the failures and lockouts. While
// Redis fails, Reserve falls back to a Memory limiter of this process.
// A reservation whose end is lost (the process died) holds its places
// until its keys expire, MaxLockout and Window after the last write.
type Redis struct {
	client   *redis.Client
	prefix   string
	pair     rule
	addr     rule
	now      func() time.Time
	fallback *Memory
}

// NewRedis returns a limiter with the limits of o on client, its keys under prefix.
func NewRedis(client *redis.Client, prefix string, o Options) *Redis {
	m := NewMemory(o) // fills in the defaults
	return &Redis{client: client, prefix: prefix + "login:", pair: m.pair, addr: m.addr, now: m.now, fallback: m}
}

// Reserve implements Limiter.
func (l *Redis) Reserve(ctx context.Context, username, address string) (Reservation, error) {
	h := userHash(username)
	group := AddressGroup(address)
	keys := []string{l.prefix + "p:" + hex.EncodeToString(h[:]) + ":" + group, l.prefix + "a:" + group}
	now := l.now().UnixMilli()
	res, err := reserveScript.Run(ctx, l.client, keys, now, l.pair.max, l.addr.max,
		l.pair.window.Milliseconds(), l.ttl()).Int64Slice()
	if err != nil || len(res) != 2 {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return l.fallback.Reserve(ctx, username, address)
	}
	if res[0] != 1 {
		return nil, &LockedError{RetryAfter: time.Duration(res[1]) * time.Millisecond}
	}
	return &redisReservation{l: l, keys: keys}, nil
}

// ttl is how long a key outlives its last write (milliseconds): its longest
// lockout, then the window after it, and a minute to spare.
func (l *Redis) ttl() int64 {
	return (l.pair.maxLock + l.pair.window + time.Minute).Milliseconds()
}

// redisReservation is a place held in Redis.
type redisReservation struct {
	l    *Redis
	keys []string
	done atomic.Bool
}

func (r *redisReservation) end(action string) {
	if !r.done.CompareAndSwap(false, true) {
		return
	}
	l := r.l
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	// On failure the keys expire, and the places are held until then.
	_ = endScript.Run(ctx, l.client, r.keys, action, l.now().UnixMilli(), l.pair.max, l.addr.max,
		l.pair.window.Milliseconds(), l.pair.maxLock.Milliseconds(), l.ttl()).Err()
}

// Success implements Reservation.
func (r *redisReservation) Success() { r.end("s") }

// Failure implements Reservation.
func (r *redisReservation) Failure() { r.end("f") }

// Cancel implements Reservation.
func (r *redisReservation) Cancel() { r.end("c") }
