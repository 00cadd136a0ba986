package xmlrpc_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/protocols/protocolstest"
	"wsgate/protocols/xmlrpc"
)

// TestRateLimited: a call over its rate limit is a fault with the
// ratelimitexceeded code, with Retry-After and the X-RateLimit headers.
func TestRateLimited(t *testing.T) {
	s := &xmlrpc.Server{Dispatcher: protocolstest.Limited, Log: slog.New(slog.DiscardHandler)}
	body := `<?xml version="1.0"?><methodCall><methodName>core_webservice_get_site_info</methodName><params/></methodCall>`
	w := httptest.NewRecorder()
	s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, xmlrpc.Path+"?wstoken=t", strings.NewReader(body)))
	compareGolden(t, "testdata/ratelimited.txt", string(protocolstest.Wire(w)))
}
