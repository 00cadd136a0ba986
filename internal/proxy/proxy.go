// Package proxy lets the gateway see its clients' addresses when it runs
// behind a reverse proxy (nginx): requests that come from a trusted proxy get
// their client address from X-Forwarded-For, so IP restrictions and login
// limits apply to the real client, and their scheme from X-Forwarded-Proto,
// so the session cookie is Secure when the client used TLS (HTTPS).
package proxy

import (
	"context"
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
// a trusted proxy; and it marks them HTTPS when X-Forwarded-Proto says so.
// Other requests, and all requests when trustedProxies is empty, pass
// unchanged (a client can forge neither its address nor its scheme).
func Handler(trustedProxies []netip.Prefix, next http.Handler) http.Handler {
	if len(trustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, err := net.SplitHostPort(r.RemoteAddr)
		if err == nil && trusted(trustedProxies, host) {
			client := forwardedClient(trustedProxies, r.Header.Values("X-Forwarded-For"))
			https := forwardedHTTPS(r.Header.Values("X-Forwarded-Proto"))
			if client != "" || https {
				ctx := r.Context()
				if https {
					ctx = context.WithValue(ctx, httpsKey{}, true)
				}
				r2 := r.Clone(ctx)
				if client != "" {
					r2.RemoteAddr = net.JoinHostPort(client, "0")
				}
				r = r2
			}
		}
		next.ServeHTTP(w, r)
	})
}

// httpsKey marks in a request's context that a trusted proxy received it over TLS.
type httpsKey struct{}

// HTTPS reports whether the client reached the gateway over TLS: directly,
// or through a trusted proxy that says so in X-Forwarded-Proto (see Handler).
func HTTPS(r *http.Request) bool {
	return r.TLS != nil || r.Context().Value(httpsKey{}) == true
}

// forwardedHTTPS reads X-Forwarded-Proto: its right-most value, the one the
// trusted peer set or appended, is https.
func forwardedHTTPS(headers []string) bool {
	if len(headers) == 0 {
		return false
	}
	last := headers[len(headers)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
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
