package loginlimit

import (
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"wsgate/internal/ratelimit/redistest"
)

// eachLimiter runs fn on a Memory limiter and, when WSGATE_TEST_REDIS_URL
// is set, on a Redis one with its own prefix: both keep the same rules.
func eachLimiter(t *testing.T, o Options, fn func(t *testing.T, m Limiter, c *clock)) {
	t.Run("memory", func(t *testing.T) {
		m, c := newTestMemory(o)
		fn(t, m, c)
	})
	t.Run("redis", func(t *testing.T) {
		opt, err := redis.ParseURL(redistest.URL(t))
		if err != nil {
			t.Fatal(err)
		}
		client := redis.NewClient(opt)
		t.Cleanup(func() { client.Close() })
		c := &clock{t: time.Unix(1_800_000_000, 0)}
		o := o
		o.Now = c.now
		fn(t, NewRedis(client, redistest.Prefix(t), o), c)
	})
}

// TestRedisShared: two instances on one Redis share failures and lockouts;
// while Redis is cut, each falls back to its own Memory limits.
func TestRedisShared(t *testing.T) {
	url := redistest.URL(t)
	proxy := redistest.NewProxy(t, redistest.Target(t, url))
	prefix := redistest.Prefix(t)
	o := Options{MaxFailures: 2, MaxFailuresPerAddr: 100, Window: time.Minute}
	limiter := func() *Redis {
		opt, err := redis.ParseURL(proxy.ProxyURL(t, url))
		if err != nil {
			t.Fatal(err)
		}
		opt.MaxRetries = -1
		client := redis.NewClient(opt)
		t.Cleanup(func() { client.Close() })
		return NewRedis(client, prefix, o)
	}
	a, b := limiter(), limiter()
	reserve(t, a, "ann", "192.0.2.1", true).Failure()
	reserve(t, b, "ann", "192.0.2.1", true).Failure()
	reserve(t, a, "ann", "192.0.2.1", false) // locked out on both
	reserve(t, b, "ann", "192.0.2.1", false)
	reserve(t, b, "bob", "192.0.2.1", true).Success()

	proxy.Cut()
	r := reserve(t, a, "ann", "192.0.2.1", true) // a's own memory knows no failure
	r.Failure()
	reserve(t, a, "ann", "192.0.2.1", true).Failure()
	reserve(t, a, "ann", "192.0.2.1", false) // and limits on its own
	proxy.Restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, err := b.Reserve(t.Context(), "ann", "192.0.2.1"); err != nil {
			break // Redis answers again, and still holds the lockout
		}
		if time.Now().After(deadline) {
			t.Fatal("the shared lockout is not back 10s after Redis")
		}
		time.Sleep(20 * time.Millisecond)
	}
}
