// Package proxy lets the gateway see its clients' addresses when it runs
// behind a reverse proxy (nginx): requests that come from a trusted proxy get
// their client address from X-Forwarded-For, so IP restrictions and login
// limits apply to the real client.
package proxy

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// ParsePrefixes reads trusted proxy addresses: single IPs or CIDR ranges.
func ParsePrefixes(list []string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(s)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an IP address nor a CIDR range", s)
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

func trusted(prefixes []netip.Prefix, s string) bool {
	a, err := netip.ParseAddr(strings.TrimSpace(s))
	if err != nil {
		return false
	}
	a = a.Unmap()
	for _, p := range prefixes {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// Handler rewrites r.RemoteAddr for requests whose peer is a trusted proxy:
// the client is the right-most address of X-Forwarded-For that is not itself
// a trusted proxy. Other requests, and all requests when trustedProxies is
// empty, pass unchanged (a client cannot forge its address).
func Handler(trustedProxies []netip.Prefix, next http.Handler) http.Handler {
	if len(trustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err == nil && trusted(trustedProxies, host) {
			if client := forwardedClient(trustedProxies, r.Header.Values("X-Forwarded-For")); client != "" {
				r2 := r.Clone(r.Context())
				r2.RemoteAddr = net.JoinHostPort(client, "0")
				r = r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

// forwardedClient walks X-Forwarded-For from the right, skipping trusted proxies.
func forwardedClient(trustedProxies []netip.Prefix, headers []string) string {
	var hops []string
	for _, h := range headers {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		a, err := netip.ParseAddr(hop)
		if err != nil {
			return "" // a malformed chain: trust none of it
		}
		if !trusted(trustedProxies, hop) {
			return a.Unmap().String()
		}
	}
	return ""
}
