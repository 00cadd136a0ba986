package proxy_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/internal/proxy"
)

func TestHandler(t *testing.T) {
	trusted, err := proxy.ParsePrefixes([]string{"127.0.0.1", "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	var seen string
	h := proxy.Handler(trusted, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { seen = r.RemoteAddr }))
	tests := []struct {
		name, peer, xff, want string
	}{
		{"trusted proxy", "127.0.0.1:5000", "203.0.113.9", "203.0.113.9:0"},
		{"chain of trusted proxies", "127.0.0.1:5000", "203.0.113.9, 10.1.1.1", "203.0.113.9:0"},
		{"client forging a hop", "127.0.0.1:5000", "198.51.100.1, 203.0.113.9", "203.0.113.9:0"},
		{"untrusted peer", "192.0.2.5:5000", "203.0.113.9", "192.0.2.5:5000"},
		{"no header", "127.0.0.1:5000", "", "127.0.0.1:5000"},
		{"malformed header", "127.0.0.1:5000", "not-an-ip", "127.0.0.1:5000"},
		{"only proxies", "127.0.0.1:5000", "10.0.0.1", "127.0.0.1:5000"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		if tt.xff != "" {
			r.Header.Set("X-Forwarded-For", tt.xff)
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if seen != tt.want {
			t.Errorf("%s: RemoteAddr = %q, want %q", tt.name, seen, tt.want)
		}
	}
	if _, err := proxy.ParsePrefixes([]string{"nope"}); err == nil {
		t.Error("a bad entry was accepted")
	}
}

// X-Forwarded-Proto is believed from a trusted proxy only.
func TestHTTPS(t *testing.T) {
	trusted, err := proxy.ParsePrefixes([]string{"127.0.0.1"})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name, peer string
		proto      []string
		tls        bool
		want       bool
	}{
		{"trusted proxy, https", "127.0.0.1:5000", []string{"https"}, false, true},
		{"trusted proxy, HTTPS", "127.0.0.1:5000", []string{" HTTPS "}, false, true},
		{"trusted proxy, http", "127.0.0.1:5000", []string{"http"}, false, false},
		{"trusted proxy, no header", "127.0.0.1:5000", nil, false, false},
		{"client forging https before the proxy's http", "127.0.0.1:5000", []string{"https, http"}, false, false},
		{"proxy appending https", "127.0.0.1:5000", []string{"http", "https"}, false, true},
		{"untrusted peer, https", "192.0.2.5:5000", []string{"https"}, false, false},
		{"TLS to the gateway", "192.0.2.5:5000", nil, true, true},
	} {
		var got bool
		h := proxy.Handler(trusted, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = proxy.HTTPS(r) }))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.peer
		r.Header["X-Forwarded-Proto"] = tt.proto
		if tt.tls {
			r.TLS = &tls.ConnectionState{}
		}
		h.ServeHTTP(httptest.NewRecorder(), r)
		if got != tt.want {
			t.Errorf("%s: HTTPS = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func FuzzHTTPS(f *testing.F) {
	trusted, _ := proxy.ParsePrefixes([]string{"127.0.0.1"})
	for _, s := range []string{"https", "http, https", "HTTPS ,", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, proto string) {
		var got bool
		h := proxy.Handler(trusted, http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = proxy.HTTPS(r) }))
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = "127.0.0.1:1"
		r.Header.Set("X-Forwarded-Proto", proto)
		h.ServeHTTP(httptest.NewRecorder(), r)
		fields := strings.Split(proto, ",")
		if want := strings.EqualFold(strings.TrimSpace(fields[len(fields)-1]), "https"); got != want {
			t.Errorf("X-Forwarded-Proto %q: HTTPS = %v", proto, got)
		}
	})
}
