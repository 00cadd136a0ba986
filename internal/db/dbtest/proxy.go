package dbtest

import (
	"net"
	"net/url"
	"testing"

	"wsgate/internal/tcpproxy"
)

// Proxy forwards TCP connections from a local port to a server; Cut drops
// them until Restore, as an outage of the server would (tcpproxy.Proxy).
type Proxy = tcpproxy.Proxy

// NewProxy starts a proxy to target (host:port) on 127.0.0.1; it stops
// when t ends.
func NewProxy(t testing.TB, target string) *Proxy { return tcpproxy.New(t, target) }

// PostgresURLThrough returns the URL of a new, empty PostgreSQL store
// (removed when t ends) reached through a new Proxy, and the proxy.
func PostgresURLThrough(t testing.TB) (string, *Proxy) {
	t.Helper()
	u, err := url.Parse(postgresURL(t))
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5432")
	}
	p := NewProxy(t, target)
	u.Host = p.Addr()
	return u.String(), p
}
