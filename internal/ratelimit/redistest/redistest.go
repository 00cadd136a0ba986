// Package redistest gives tests a Redis of their own (a key prefix on the
// server named by WSGATE_TEST_REDIS_URL) and a TCP proxy to cut it.
package redistest

import (
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/url"
	"os"
	"testing"
	"time"

	"wsgate/internal/tcpproxy"
)

// EnvURL names the variable holding the test Redis URL.
const EnvURL = "WSGATE_TEST_REDIS_URL"

// URL returns the test Redis URL; the test is skipped when the variable is
// unset and fails when the server does not answer.
func URL(t testing.TB) string {
	t.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		t.Skip(EnvURL + " is not set")
	}
	pu, err := url.Parse(u)
	if err != nil {
		t.Fatalf("%s: %v", EnvURL, err)
	}
	c, err := net.DialTimeout("tcp", pu.Host, 2*time.Second)
	if err != nil {
		t.Fatalf("%s: redis unreachable: %v", EnvURL, err)
	}
	c.Close()
	return u
}

// Prefix returns a key prefix no other test uses.
func Prefix(t testing.TB) string {
	var b [6]byte
	_, _ = rand.Read(b[:])
	return "wsgate-test:" + hex.EncodeToString(b[:]) + ":"
}

// Proxy is a tcpproxy.Proxy in front of a Redis, with the URL through it.
type Proxy struct{ *tcpproxy.Proxy }

// NewProxy listens on 127.0.0.1:0 and forwards to target (host:port); it is
// closed when the test ends.
func NewProxy(t testing.TB, target string) *Proxy { return &Proxy{tcpproxy.New(t, target)} }

// ProxyURL returns redisURL with its host replaced by the proxy's address.
func (p *Proxy) ProxyURL(t testing.TB, redisURL string) string {
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	u.Host = p.Addr()
	return u.String()
}

// Target returns the host:port of redisURL, for NewProxy.
func Target(t testing.TB, redisURL string) string {
	u, err := url.Parse(redisURL)
	if err != nil {
		t.Fatal(err)
	}
	return u.Host
}
