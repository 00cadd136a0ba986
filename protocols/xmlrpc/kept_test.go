package xmlrpc_test

import (
	"net/http"
	"strings"
	"testing"

	"wsgate/protocols/protocolstest"
	"wsgate/protocols/xmlrpc"
)

// TestKeptEncodings: a kept answer's response is kept, equal to a fresh one.
func TestKeptEncodings(t *testing.T) {
	d := &protocolstest.KeptAnswers{}
	s := &xmlrpc.Server{Dispatcher: d}
	protocolstest.CheckKeptEncodings(t, d, map[string]func() []byte{
		"methodResponse": func() []byte {
			w := handle(s, "?wstoken=tok", strings.NewReader(call("core_webservice_get_site_info")))
			if w.Code != http.StatusOK {
				t.Fatalf("HTTP %d %s", w.Code, w.Body)
			}
			return w.Body.Bytes()
		},
	})
}
