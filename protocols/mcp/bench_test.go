package mcp_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// BenchmarkToolsCall is one tools/call of a read function in an open
// session, as the load test sends it, handed to the handler in process (no
// client, no sockets: a CPU or allocation profile of it is the server's).
func BenchmarkToolsCall(b *testing.B) {
	f := newFixture(b, dbtest.Open(b, db.SQLite, true))
	token, _ := f.token(b, false)
	post := func(session, body string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, f.url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		w := httptest.NewRecorder()
		f.handler.ServeHTTP(w, req)
		return w
	}
	w := post("", `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",`+
		`"capabilities":{},"clientInfo":{"name":"b","version":"1"}}}`)
	session := w.Header().Get("Mcp-Session-Id")
	if w.Code != http.StatusOK || session == "" {
		b.Fatalf("initialize: HTTP %d, session %q: %s", w.Code, session, w.Body)
	}
	if w = post(session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`); w.Code != http.StatusAccepted {
		b.Fatalf("initialized: HTTP %d: %s", w.Code, w.Body)
	}
	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"local_lib_get_books","arguments":{"ids":[1]}}}`
	b.ReportAllocs()
	for b.Loop() {
		if w := post(session, call); !bytes.Contains(w.Body.Bytes(), []byte(`"Book one"`)) {
			b.Fatalf("answer HTTP %d: %s", w.Code, w.Body)
		}
	}
}
