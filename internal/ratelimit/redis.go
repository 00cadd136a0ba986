package ratelimit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// takeScript checks every window of a key and, only when the weight fits in
// all of them, adds it to each, in one atomic step. KEYS are the counters of
// the limited windows; ARGV[1] is the weight, then one limit per key, then
// one expiry (milliseconds) per key. It returns 1 or 0, then the count of each key.
var takeScript = redis.NewScript(`
local weight = tonumber(ARGV[1])
local n = #KEYS
local out = {1}
for i = 1, n do
  local c = tonumber(redis.call('GET', KEYS[i]) or '0')
  out[i + 1] = c
  if c + weight > tonumber(ARGV[1 + i]) then out[1] = 0 end
end
if out[1] == 1 then
  for i = 1, n do
    local c = redis.call('INCRBY', KEYS[i], weight)
    out[i + 1] = c
    if c == weight then redis.call('PEXPIRE', KEYS[i], ARGV[1 + n + i]) end
  end
end
return out
`)

// RedisOptions configure a Redis counter.
type RedisOptions struct {
	URL     string        // redis://host:port/db (ratelimit.redis_url)
	Prefix  string        // put before every key (ratelimit.redis_prefix; "wsgate:rl:")
	Timeout time.Duration // dial, read and write deadline (ratelimit.redis_timeout; 250ms)
	Now     func() time.Time
}

// Redis is a Counter kept in Redis, so every instance that uses the same
// Redis and prefix spends one budget. Each Take is one Lua script, sent
// with those of concurrent calls in one pipelined round trip (redisbatch.go). Windows follow the instances' clocks, which must agree (NTP).
type Redis struct {
	client *redis.Client
	batch  *batcher
	prefix string
	now    func() time.Time
}

// NewRedis connects lazily to the Redis at o.URL.
func NewRedis(o RedisOptions) (*Redis, error) {
	opt, err := redis.ParseURL(o.URL)
	if err != nil {
		return nil, fmt.Errorf("ratelimit: redis url: %w", err)
	}
	if o.Timeout <= 0 {
		o.Timeout = 250 * time.Millisecond
	}
	opt.DialTimeout, opt.ReadTimeout, opt.WriteTimeout = o.Timeout, o.Timeout, o.Timeout
	// One retry, on a fresh connection: a pooled connection that died with an
	// outage fails once when Redis is back, which must not look like a new
	// outage. The Guard decides what a real failure means.
	opt.MaxRetries = 1
	opt.MinRetryBackoff, opt.MaxRetryBackoff = time.Millisecond, 10*time.Millisecond
	if o.Prefix == "" {
		o.Prefix = "wsgate:rl:"
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	client := redis.NewClient(opt)
	return &Redis{client: client, batch: newBatcher(client, o.Timeout), prefix: o.Prefix, now: o.Now}, nil
}

// Take implements Counter in one round trip.
func (r *Redis) Take(ctx context.Context, key Key, limits Limits, weight int64) (Decision, error) {
	now := r.now().UnixNano()
	var keyBuf [NumWindows]string
	var argBuf [1 + 2*NumWindows]any
	var wins [NumWindows]Window
	base := r.prefix + key.String() + ":"
	n := 0
	for w := range NumWindows {
		if limits[w] > 0 {
			wins[n] = w
			n++
		}
	}
	if n == 0 {
		return Decision{Allowed: true}, nil
	}
	keys := keyBuf[:n]
	args := argBuf[:1+2*n]
	args[0] = weight
	for i, w := range wins[:n] {
		start := windowStart(w, now)
		keys[i] = base + w.String() + ":" + strconv.FormatInt(start/int64(time.Second), 10)
		args[1+i] = limits[w]
		// Kept a second past its window's end, so a late clock still finds it.
		args[1+n+i] = (start + int64(w.Size()) - now + int64(time.Second)) / int64(time.Millisecond)
	}
	res, err := r.batch.take(ctx, keys, args)
	if err != nil {
		return Decision{}, fmt.Errorf("ratelimit: redis: %w", err)
	}
	if len(res) != n+1 {
		return Decision{}, fmt.Errorf("ratelimit: redis: script answered %d values, want %d", len(res), n+1)
	}
	d := Decision{Allowed: res[0] == 1}
	for i, w := range wins[:n] {
		d.fill(w, limits[w], res[1+i], windowStart(w, now))
		if !d.Allowed && res[1+i]+weight > limits[w] {
			d.Windows[w].Remaining = 0
		}
	}
	return d, nil
}

// Ping checks that Redis answers.
func (r *Redis) Ping(ctx context.Context) error { return r.client.Ping(ctx).Err() }

// Close stops the batches and closes the connections.
func (r *Redis) Close() error {
	r.batch.close()
	return r.client.Close()
}

// Client returns the Redis connection, for other counters kept in the same
// Redis (the login limiter); their keys go under Prefix.
func (r *Redis) Client() *redis.Client { return r.client }

// Prefix returns what every key of this counter starts with.
func (r *Redis) Prefix() string { return r.prefix }
