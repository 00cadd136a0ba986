package rest_test

import (
	"net/http"
	"testing"

	"wsgate/protocols/protocolstest"
	"wsgate/protocols/rest"
)

// TestKeptEncodings: a kept answer's JSON and XML are kept apart, each equal
// to a fresh encoding.
func TestKeptEncodings(t *testing.T) {
	d := &protocolstest.KeptAnswers{}
	s := &rest.Server{Dispatcher: d}
	send := func(format string) func() []byte {
		return func() []byte {
			w := serve(t, s, request{target: rest.Path + "?wsfunction=core_webservice_get_site_info&moodlewsrestformat=" + format})
			if w.Code != http.StatusOK {
				t.Fatalf("%s: HTTP %d %s", format, w.Code, w.Body)
			}
			return w.Body.Bytes()
		}
	}
	protocolstest.CheckKeptEncodings(t, d, map[string]func() []byte{"json": send("json"), "xml": send("xml")})
}
