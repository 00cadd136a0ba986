// Package protocolstest holds what the tests of the protocol servers share:
// measuring the memory a request costs, checking a decoded tree against the
// parse budget, and a token check that knows one token.
package protocolstest

import (
	"context"
	"encoding/json"
	"runtime"
	"sync/atomic"
	"testing"

	"wsgate"
	"wsgate/protocols"
)

// BytesPerNode bounds what one node of the parse budget may cost while a
// request is decoded (a PHP array is a Go map, an XML value a few tokens):
// a request may allocate this much per node on top of a small multiple of
// its size.
const BytesPerNode = 512

// Allocated returns the bytes allocated on the heap while f runs
// (runtime.MemStats.TotalAlloc), after a collection so that earlier garbage
// is not counted.
func Allocated(f func()) uint64 {
	runtime.GC()
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Tokens accepts the token Valid and refuses any other with
// wsgate.ErrInvalidToken, counting the checks; a protocol server's token
// check before the body is read.
type Tokens struct {
	Valid  string
	Checks atomic.Int64
}

// CheckToken refuses every token but t.Valid.
func (t *Tokens) CheckToken(_ context.Context, call *protocols.Call) error {
	t.Checks.Add(1)
	if call.Token != t.Valid {
		return wsgate.ErrInvalidToken
	}
	return nil
}

// CheckWithin fails t unless the parameter tree a decoder built (named
// params, positional args) stays within l: its values (every array,
// structure and leaf below the top), their depth (the arrays and
// structures around them) and the bytes of its keys and text leaves.
func CheckWithin(t testing.TB, l protocols.Limits, params map[string]any, args []any) {
	t.Helper()
	u := &use{}
	for k, v := range params {
		u.bytes += int64(len(k))
		u.value(v, 0)
	}
	for _, v := range args {
		u.value(v, 0)
	}
	if u.nodes > l.MaxNodes || u.depth > l.MaxDepth || u.bytes > l.MaxStringBytes {
		t.Fatalf("the tree holds %d values %d deep and %d bytes of text; limits %+v", u.nodes, u.depth, u.bytes, l)
	}
}

// use is what a parameter tree holds.
type use struct {
	nodes, depth int
	bytes        int64
}

func (u *use) value(v any, depth int) {
	u.nodes++
	u.depth = max(u.depth, depth)
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			u.bytes += int64(len(k))
			u.value(c, depth+1)
		}
	case []any:
		for _, c := range x {
			u.value(c, depth+1)
		}
	case string:
		u.bytes += int64(len(x))
	case json.Number:
		u.bytes += int64(len(x))
	}
}
