package soap_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/protocols/protocolstest"
	"wsgate/protocols/soap"
)

// TestKeptEncodings: a kept answer's envelopes are kept by everything that
// shapes them (style, namespace, the URL called), each equal to a fresh one.
// A document request without a namespace is answered in the called URL's.
func TestKeptEncodings(t *testing.T) {
	d := &protocolstest.KeptAnswers{}
	s := newServer(d)
	s.Functions = func(string) (*functions.Function, bool) { return protocolstest.KeptSite, true }
	s.BaseURL = func(r *http.Request) string { return "https://" + r.Host + soap.Path }
	send := func(host, ns string) func() *httptest.ResponseRecorder {
		return func() *httptest.ResponseRecorder {
			body := `<?xml version="1.0" encoding="UTF-8"?>` +
				`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
				`<core_webservice_get_site_info xmlns="` + ns + `"/>` +
				`</soap:Body></soap:Envelope>`
			r := httptest.NewRequest(http.MethodPost, soap.Path+"?wstoken="+testToken, strings.NewReader(body))
			r.Host = host
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			return w
		}
	}
	protocolstest.CheckKeptEncodings(t, d, map[string]func() *httptest.ResponseRecorder{
		"no namespace at a": send("a.example.org", ""),
		"no namespace at b": send("b.example.org", ""),
		"rpc in urn:one":    send("a.example.org", "urn:one"),
		"rpc in urn:two":    send("a.example.org", "urn:two"),
	})
}
