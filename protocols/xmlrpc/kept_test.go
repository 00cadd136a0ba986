package xmlrpc_test

import (
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/protocols/protocolstest"
	"wsgate/protocols/xmlrpc"
)

// TestKeptEncodings: a kept answer's response is kept, equal to a fresh one.
func TestKeptEncodings(t *testing.T) {
	d := &protocolstest.KeptAnswers{}
	s := &xmlrpc.Server{Dispatcher: d}
	protocolstest.CheckKeptEncodings(t, d, map[string]func() *httptest.ResponseRecorder{
		"methodResponse": func() *httptest.ResponseRecorder {
			return handle(s, "?wstoken=tok", strings.NewReader(call("core_webservice_get_site_info")))
		},
	})
}
