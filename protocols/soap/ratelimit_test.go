package soap_test

import (
	"testing"

	"wsgate/protocols/protocolstest"
)

// TestRateLimited: a call over its rate limit is a Fault (soap:Client) with
// the ratelimitexceeded code, with Retry-After and the X-RateLimit headers.
func TestRateLimited(t *testing.T) {
	for _, debug := range []bool{false, true} {
		name := "ratelimited"
		if debug {
			name += "_debug"
		}
		t.Run(name, func(t *testing.T) {
			s := newServer(protocolstest.Limited)
			s.Debug = debug
			w := post(t, s, "?wstoken="+testToken, envelope("<core_webservice_get_site_info/>"))
			golden(t, name+".txt", protocolstest.Wire(w))
		})
	}
}
