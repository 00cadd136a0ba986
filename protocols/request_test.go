package protocols_test

import (
	"net/http/httptest"
	"testing"

	"wsgate/protocols"
)

func TestRequestHelpers(t *testing.T) {
	for _, tt := range []struct{ header, want string }{
		{"Bearer abc", "abc"}, {"bearer  abc ", "abc"}, {"Basic abc", ""}, {"", ""}, {"Bearer", ""},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Header.Set("Authorization", tt.header)
		if got := protocols.BearerToken(r); got != tt.want {
			t.Errorf("BearerToken(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
	for _, tt := range []struct{ addr, want string }{{"192.0.2.1:80", "192.0.2.1"}, {"[2001:db8::1]:80", "2001:db8::1"}, {"odd", "odd"}} {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.addr
		if got := protocols.RemoteIP(r); got != tt.want {
			t.Errorf("RemoteIP(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
}
