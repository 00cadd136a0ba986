package soap_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/protocols"
	"wsgate/protocols/soap"
)

// BenchmarkServeHTTPSmallCall serves one small document/literal call through
// a Dispatcher that does nothing: the protocol layer's own cost.
func BenchmarkServeHTTPSmallCall(b *testing.B) {
	f, _ := byName("core_user_create_users")
	res := &protocols.Result{Function: f, Value: []any{map[string]any{"id": int64(101), "username": "jdoe"}}}
	s := newServer(protocols.DispatcherFunc(func(context.Context, *protocols.Call) (*protocols.Result, error) {
		return res, nil
	}))
	body := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<core_user_create_users xmlns="` + testBase + `"><users><item><username>jdoe</username>` +
		`<email>jdoe@example.com</email><auth>manual</auth></item></users></core_user_create_users>` +
		`</soap:Body></soap:Envelope>`
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, soap.Path+"?wstoken="+testToken, strings.NewReader(body))
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
}

// BenchmarkWSDL generates the WSDL of the test catalog.
func BenchmarkWSDL(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = soap.WSDL(testBase, testToken, catalog)
	}
}

// BenchmarkRecorderOnly is the cost of httptest itself, to subtract.
func BenchmarkRecorderOnly(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest(http.MethodPost, soap.Path+"?wstoken="+testToken, strings.NewReader("x"))
		w := httptest.NewRecorder()
		w.WriteHeader(http.StatusOK)
		_ = r
	}
}
