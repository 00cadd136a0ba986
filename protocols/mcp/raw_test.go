package mcp_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// rawSession is an MCP session opened on the fixture's handler in process,
// with hand-made requests (no client, no sockets).
type rawSession struct {
	f         *fixture
	token, id string
}

// openRaw initializes a session of token on f's handler.
func openRaw(t testing.TB, f *fixture, token string) *rawSession {
	t.Helper()
	s := &rawSession{f: f, token: token}
	w := s.post(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":{"protocolVersion":"2025-11-25",` +
		`"capabilities":{},"clientInfo":{"name":"raw","version":"1"}}}`)
	if s.id = w.Header().Get("Mcp-Session-Id"); w.Code != http.StatusOK || s.id == "" {
		t.Fatalf("initialize: HTTP %d, session %q: %s", w.Code, s.id, w.Body)
	}
	if w = s.post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`); w.Code != http.StatusAccepted {
		t.Fatalf("initialized: HTTP %d: %s", w.Code, w.Body)
	}
	return s
}

// post sends body in the session and returns the recorded answer.
func (s *rawSession) post(body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodPost, s.f.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set("Authorization", "Bearer "+s.token)
	req.Header.Set("Mcp-Protocol-Version", "2025-11-25")
	if s.id != "" {
		req.Header.Set("Mcp-Session-Id", s.id)
	}
	w := httptest.NewRecorder()
	s.f.handler.ServeHTTP(w, req)
	return w
}

// TestCallAnswer checks the wire form of a tools/call answer: one JSON-RPC
// response as application/json (no event stream), whose text block and
// structuredContent carry the same value.
func TestCallAnswer(t *testing.T) {
	f := newFixture(t, dbtest.Open(t, db.SQLite, true))
	token, _ := f.token(t, false)
	s := openRaw(t, f, token)
	w := s.post(`{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"local_lib_get_books","arguments":{"ids":[1,2]}}}`)
	if ct := w.Header().Get("Content-Type"); w.Code != http.StatusOK || ct != "application/json" {
		t.Fatalf("HTTP %d, Content-Type %q: %s", w.Code, ct, w.Body)
	}
	var answer struct {
		ID     int
		Result struct {
			Content           []struct{ Type, Text string }
			StructuredContent struct{ Result json.RawMessage }
			IsError           bool
		}
	}
	if err := json.Unmarshal(w.Body.Bytes(), &answer); err != nil {
		t.Fatalf("%v: %s", err, w.Body)
	}
	r := answer.Result
	if answer.ID != 7 || r.IsError || len(r.Content) != 1 || r.Content[0].Type != "text" {
		t.Fatalf("answer %s", w.Body)
	}
	want := `[{"id":1,"title":"Book one"},{"id":2,"title":"Book one"}]`
	var text, structured bytes.Buffer
	if err := json.Compact(&text, []byte(r.Content[0].Text)); err != nil || text.String() != want {
		t.Errorf("text %q (%v), want %s", r.Content[0].Text, err, want)
	}
	if err := json.Compact(&structured, r.StructuredContent.Result); err != nil || structured.String() != want {
		t.Errorf("structuredContent.result %s (%v), want %s", r.StructuredContent.Result, err, want)
	}
}
