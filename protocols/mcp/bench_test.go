package mcp_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// BenchmarkToolsCall is one tools/call of a read function in an open
// session, over HTTP, as the load test sends it.
func BenchmarkToolsCall(b *testing.B) {
	f := newFixture(b, dbtest.Open(b, db.SQLite, true))
	token, _ := f.token(b, false)
	post := func(session, body string) *http.Response {
		req, _ := http.NewRequest(http.MethodPost, f.url, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json, text/event-stream")
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
		if session != "" {
			req.Header.Set("Mcp-Session-Id", session)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		return resp
	}
	resp := post("", `{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"b","version":"1"}}}`)
	session := resp.Header.Get("Mcp-Session-Id")
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	resp = post(session, `{"jsonrpc":"2.0","method":"notifications/initialized"}`)
	resp.Body.Close()
	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"local_lib_get_books","arguments":{"ids":[1]}}}`
	_ = context.Background()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		resp := post(session, call)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !bytes.Contains(body, []byte(`"Book one"`)) {
			b.Fatalf("answer %s", body)
		}
	}
}
