package protocols_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
)

func upstreamFunction(url string, timeout time.Duration) *functions.Function {
	return &functions.Function{Name: "local_test_remote", Upstream: &functions.Upstream{URL: url, Timeout: timeout}}
}

// TestUpstreamReusesConnections: calls in flight to one upstream share a
// keep-alive pool as large as their number. The upstream holds the first
// calls until as many are in flight as there are workers, so exactly that
// many connections are needed; every later call must reuse one.
func TestUpstreamReusesConnections(t *testing.T) {
	const workers, calls = 16, 25
	var opened, arrived atomic.Int64
	allIn := make(chan struct{})
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if n := arrived.Add(1); n <= workers {
			if n == workers {
				close(allIn)
			}
			select {
			case <-allIn:
			case <-r.Context().Done():
			}
		}
		fmt.Fprint(w, `{"double": 2}`)
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()
	u := &protocols.UpstreamClient{MaxIdleConnsPerHost: workers}
	defer u.CloseIdleConnections()
	f := upstreamFunction(srv.URL+"/remote", 10*time.Second)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range calls {
				if _, err := u.Call(context.Background(), f, map[string]any{"n": 1}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := opened.Load(); n != workers {
		t.Errorf("%d calls from %d workers opened %d connections, want %d", workers*calls, workers, n, workers)
	}
}

// TestUpstreamFailures: every way an upstream can fail reaches the caller as
// a wsgate error with a Moodle errorcode and the gateway's own words, never
// a Go error string.
func TestUpstreamFailures(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // then the server sees the client hang up
		switch strings.TrimPrefix(r.URL.Path, "/") {
		case "ok":
			fmt.Fprint(w, `{"double": 84}`)
		case "empty":
		case "exception":
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"exception":"moodle_exception","errorcode":"nosuchthing","message":"No such thing"}`)
		case "500":
			http.Error(w, "panic: runtime error: invalid memory address", http.StatusInternalServerError)
		case "503-json":
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"double": 84}`)
		case "garbage":
			fmt.Fprint(w, "<html>oops</html>")
		case "trailing":
			fmt.Fprint(w, `{"double": 84} {"double": 85}`)
		case "cut":
			w.Header().Set("Content-Length", "100")
			fmt.Fprint(w, `{"double": `)
		case "large":
			fmt.Fprintf(w, `{"s": %q}`, strings.Repeat("x", 2048))
		case "slow":
			select {
			case <-r.Context().Done():
			case <-time.After(10 * time.Second):
			}
		}
	}))
	defer srv.Close()
	refused, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refusedURL := "http://" + refused.Addr().String() + "/"
	refused.Close()

	tests := []struct {
		name, url string
		code      string
		debug     string // the debuginfo starts so
		want      any
	}{
		{"ok", srv.URL + "/ok", "", "", map[string]any{"double": "84"}},
		{"empty answer", srv.URL + "/empty", "", "", nil},
		{"moodle exception", srv.URL + "/exception", "nosuchthing", "", nil},
		{"connection refused", refusedURL, "upstreamerror", "the upstream could not be reached", nil},
		{"timeout", srv.URL + "/slow", "upstreamerror", "the upstream did not answer within", nil},
		{"5xx", srv.URL + "/500", "upstreamerror", "the upstream answered HTTP 500", nil},
		{"5xx with JSON", srv.URL + "/503-json", "upstreamerror", "the upstream answered HTTP 503", nil},
		{"bad JSON", srv.URL + "/garbage", "upstreamerror", "the upstream's answer is not JSON", nil},
		{"two JSON values", srv.URL + "/trailing", "upstreamerror", "the upstream's answer is not JSON", nil},
		{"cut off", srv.URL + "/cut", "upstreamerror", "the upstream's answer was cut off", nil},
		{"too large", srv.URL + "/large", "upstreamerror", "the upstream's answer is larger than 1024 bytes", nil},
	}
	u := &protocols.UpstreamClient{MaxResponseBytes: 1024}
	defer u.CloseIdleConnections()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := u.Call(context.Background(), upstreamFunction(tt.url, 200*time.Millisecond), map[string]any{})
			if tt.code == "" {
				if err != nil || fmt.Sprint(out) != fmt.Sprint(tt.want) {
					t.Fatalf("got %#v, %v; want %v", out, err, tt.want)
				}
				return
			}
			e := wsgate.AsError(err)
			if e == nil || e.Code != tt.code || !strings.HasPrefix(e.DebugInfo, tt.debug) {
				t.Fatalf("err = %v, want %s (%s...)", err, tt.code, tt.debug)
			}
			// What a client sees: exception, errorcode, message and (debugging) debuginfo.
			seen := e.Exception + " " + e.Code + " " + e.Message + " " + e.DebugInfo
			for _, leak := range []string{"dial tcp", "refused", "invalid character", "panic:", "net/http", "EOF", "context deadline"} {
				if strings.Contains(seen, leak) {
					t.Errorf("the client would see %q: %s", leak, seen)
				}
			}
		})
	}
}
