package xmlrpc_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/xmlrpc"
)

// benchCall is a small call: a token check's worth of parameters.
var benchCall = []byte(`<?xml version="1.0"?><methodCall><methodName>core_user_get_users_by_field</methodName>` +
	`<params><param><value><string>id</string></value></param><param><value><array><data>` +
	`<value><int>2</int></value><value><int>3</int></value></data></array></value></param></params></methodCall>`)

var benchReturns = multiple(single("id", val(functions.ParamInt), "username", val(functions.ParamRaw),
	"fullname", val(functions.ParamRaw), "suspended", val(functions.ParamBool), "firstaccess", val(functions.ParamInt)))

var benchValue = []any{
	map[string]any{"id": int64(2), "username": "admin", "fullname": "Admin User", "suspended": false, "firstaccess": int64(1700000000)},
	map[string]any{"id": int64(3), "username": "jdoe", "fullname": "Jane Doe", "suspended": false, "firstaccess": int64(1700000100)},
}

// BenchmarkDecodeEncode decodes a small methodCall and encodes a small
// methodResponse: the codec's share of one call.
func BenchmarkDecodeEncode(b *testing.B) {
	b.ReportAllocs()
	b.SetBytes(int64(len(benchCall)))
	for b.Loop() {
		mc, err := xmlrpc.DecodeCall(bytes.NewReader(benchCall))
		if err != nil || len(mc.Params) != 2 {
			b.Fatal(err)
		}
		if out := xmlrpc.EncodeResponse(benchReturns, benchValue); len(out) == 0 {
			b.Fatal("empty")
		}
	}
}

// BenchmarkServeHTTP runs the same call through the handler with a
// Dispatcher that answers at once.
func BenchmarkServeHTTP(b *testing.B) {
	fn := &functions.Function{Name: "core_user_get_users_by_field", Returns: benchReturns}
	s := &xmlrpc.Server{
		Dispatcher: protocols.DispatcherFunc(func(context.Context, *protocols.Call) (*protocols.Result, error) {
			return &protocols.Result{Function: fn, Value: benchValue}, nil
		}),
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	}
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, httptest.NewRequest(http.MethodPost, xmlrpc.Path+"?wstoken=t", bytes.NewReader(benchCall)))
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}
