package proxy_test

import (
	"net/http"
	"net/http/httptest"
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
