package protocols_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
)

// TestCheckToken: the token check before the body refuses an unusable
// token as Dispatch would, logs and observes the refusal once as a call,
// passes a usable one silently, and makes no query in steady state.
func TestCheckToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "http://127.0.0.1:1")
		var logs bytes.Buffer
		f.pipe.Log = slog.New(slog.NewTextHandler(&logs, nil))
		var observed []string
		f.pipe.Observe = func(function, protocol, outcome string, _ time.Duration) {
			observed = append(observed, function+" "+protocol+" "+outcome)
		}
		ctx := context.Background()
		bad := &protocols.Call{Protocol: "xmlrpc", Token: strings.Repeat("0", 32), Function: "local_test_echo", RemoteIP: "127.0.0.1"}
		good := &protocols.Call{Protocol: "xmlrpc", Token: f.token, RemoteIP: "127.0.0.1"}
		for range 2 { // the second time from the cache
			if err := f.pipe.CheckToken(ctx, bad); !errors.Is(err, wsgate.ErrInvalidToken) {
				t.Fatalf("bad token: %v", err)
			}
			if err := f.pipe.CheckToken(ctx, good); err != nil {
				t.Fatalf("good token: %v", err)
			}
		}
		before := f.queries.Load()
		for range 100 {
			_ = f.pipe.CheckToken(ctx, bad)
			_ = f.pipe.CheckToken(ctx, good)
		}
		if n := f.queries.Load() - before; n != 0 {
			t.Errorf("200 checks after warm-up ran %d queries, want 0", n)
		}
		lines := strings.Split(strings.TrimSpace(logs.String()), "\n")
		if len(lines) != 102 || !strings.Contains(lines[0], "msg=call function=local_test_echo protocol=xmlrpc outcome=invalidtoken") ||
			strings.Contains(logs.String(), f.token) {
			t.Errorf("want one call line per refusal, got %d lines: %s", len(lines), lines[0])
		}
		if len(observed) != 102 || observed[0] != "local_test_echo xmlrpc invalidtoken" {
			t.Errorf("observed %d, first %q", len(observed), observed[0])
		}
	})
}

// TestReadBody: the body is read whole and exactly, refused over the limit
// (without reading when Content-Length says so), and never reserves more
// than twice what the client sent.
func TestReadBody(t *testing.T) {
	for _, size := range []int{0, 1, 65535, 65536, 65537, 1 << 20, 3<<20 + 7} {
		for _, chunked := range []bool{false, true} {
			data := strings.Repeat("abcdefg", size/7+1)[:size]
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(data))
			if chunked {
				r.ContentLength = -1
			}
			var b *protocols.Body
			var err error
			n := protocolstest.Allocated(func() { b, err = protocols.ReadBody(httptest.NewRecorder(), r, 4<<20) })
			if err != nil || b.Len() != size || b.String() != data {
				t.Fatalf("size %d chunked %v: %v, %d bytes", size, chunked, err, b.Len())
			}
			var got bytes.Buffer
			if _, err := got.ReadFrom(b.Reader()); err != nil || got.String() != data {
				t.Fatalf("size %d: the reader gives %d bytes (%v)", size, got.Len(), err)
			}
			if limit := uint64(2*size + 64<<10 + 4096); n > limit {
				t.Errorf("size %d chunked %v: %d bytes allocated, want at most %d", size, chunked, n, limit)
			}
		}
	}
	body := strings.NewReader(strings.Repeat("x", 100))
	r := httptest.NewRequest(http.MethodPost, "/", body)
	if _, err := protocols.ReadBody(httptest.NewRecorder(), r, 99); err == nil || body.Len() != 100 {
		t.Errorf("announced oversize: %v, %d bytes read", err, 100-body.Len())
	}
	r = httptest.NewRequest(http.MethodPost, "/", strings.NewReader(strings.Repeat("x", 100)))
	r.ContentLength = -1
	var mbe *http.MaxBytesError
	if _, err := protocols.ReadBody(httptest.NewRecorder(), r, 99); !errors.As(err, &mbe) || mbe.Limit != 99 {
		t.Errorf("streamed oversize: %v", err)
	}
}
