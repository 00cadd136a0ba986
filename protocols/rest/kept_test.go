package rest_test

import (
	"net/http/httptest"
	"testing"

	"wsgate/protocols/protocolstest"
	"wsgate/protocols/rest"
)

// TestKeptEncodings: a kept answer's JSON and XML are kept apart, each equal
// to a fresh encoding.
func TestKeptEncodings(t *testing.T) {
	d := &protocolstest.KeptAnswers{}
	s := &rest.Server{Dispatcher: d}
	in := func(format string) func() *httptest.ResponseRecorder {
		return func() *httptest.ResponseRecorder {
			return serve(t, s, request{target: rest.Path + "?wsfunction=core_webservice_get_site_info&moodlewsrestformat=" + format})
		}
	}
	protocolstest.CheckKeptEncodings(t, d, map[string]func() *httptest.ResponseRecorder{"json": in("json"), "xml": in("xml")})
}
