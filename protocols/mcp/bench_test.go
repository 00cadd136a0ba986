package mcp_test

import (
	"bytes"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// BenchmarkToolsCall is one tools/call of a read function in an open
// session, as the load test sends it, handed to the handler in process (no
// client, no sockets: a CPU or allocation profile of it is the server's).
//
//	go test -run '^$' -bench ToolsCall -cpuprofile cpu.prof -memprofile mem.prof ./protocols/mcp
func BenchmarkToolsCall(b *testing.B) {
	f := newFixture(b, dbtest.Open(b, db.SQLite, true))
	token, _ := f.token(b, false)
	s := openRaw(b, f, token)
	call := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"local_lib_get_books","arguments":{"ids":[1]}}}`
	b.ReportAllocs()
	for b.Loop() {
		if w := s.post(call); !bytes.Contains(w.Body.Bytes(), []byte(`"Book one"`)) {
			b.Fatalf("answer HTTP %d: %s", w.Code, w.Body)
		}
	}
}
