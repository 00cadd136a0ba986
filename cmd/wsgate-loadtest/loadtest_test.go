package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	tests := []struct {
		name string
		lat  []time.Duration
		p    float64
		want time.Duration
	}{
		{"none", nil, 0.5, 0},
		{"one", ms(7), 0.99, 7 * time.Millisecond},
		{"median of four", ms(4, 1, 3, 2), 0.5, 2 * time.Millisecond},
		{"median of five", ms(5, 4, 3, 2, 1), 0.5, 3 * time.Millisecond},
		{"p99 of 100", ms(seq(100)...), 0.99, 99 * time.Millisecond},
		{"p99 of 1000", ms(seq(1000)...), 0.99, 990 * time.Millisecond},
		{"p99 of 10 is the top", ms(seq(10)...), 0.99, 10 * time.Millisecond},
		{"p0 is the least", ms(3, 9, 1), 0, 1 * time.Millisecond},
		{"p100 is the most", ms(3, 9, 1), 1, 9 * time.Millisecond},
	}
	for _, tt := range tests {
		r := &result{latencies: tt.lat}
		if got := r.percentile(tt.p); got != tt.want {
			t.Errorf("%s: percentile(%v) = %v, want %v", tt.name, tt.p, got, tt.want)
		}
	}
}

// seq is 1..n.
func seq(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

func TestParseStat(t *testing.T) {
	tests := []struct {
		name, stat string
		want       time.Duration
		wantErr    bool
	}{
		{"plain", "4242 (wsgate) S 1 4242 4242 0 -1 4194560 1000 0 0 0 250 50 0 0 20 0 12 0 100 0 0", 3 * time.Second, false},
		{"name with spaces and parens", "7 (a (b) c) R 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0", 30 * time.Millisecond, false},
		{"no name", "7 a R 1", 0, true},
		{"too short", "7 (x) R 1 2 3", 0, true},
		{"not numbers", "7 (x) R 1 7 7 0 -1 0 0 0 0 0 u s 0", 0, true},
	}
	for _, tt := range tests {
		got, err := parseStat([]byte(tt.stat))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("%s: parseStat = %v, %v; want %v (error %v)", tt.name, got, err, tt.want, tt.wantErr)
		}
	}
	// This process has used some CPU time, and the real file parses.
	if d, err := cpuTime(os.Getpid()); err != nil || d < 0 {
		t.Errorf("cpuTime(self) = %v, %v", d, err)
	}
}

func TestParseMetric(t *testing.T) {
	text := "# HELP go_memstats_mallocs_total Total number of heap objects allocated.\n" +
		"# TYPE go_memstats_mallocs_total counter\n" +
		"go_memstats_mallocs_total_other 5\n" +
		"go_memstats_mallocs_total{x=\"y\"} 6\n" +
		"go_memstats_mallocs_total 1.234567e+06\n"
	if v, err := parseMetric(strings.NewReader(text), "go_memstats_mallocs_total"); err != nil || v != 1234567 {
		t.Errorf("parseMetric = %v, %v; want 1234567", v, err)
	}
	if _, err := parseMetric(strings.NewReader("other 1\n"), "go_memstats_mallocs_total"); err == nil {
		t.Error("a missing series parsed")
	}
}

// TestLoadCountsErrors: answers that are not 200 with the expected start are
// errors, not calls; every good one has a latency.
func TestLoadCountsErrors(t *testing.T) {
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch n.Add(1) % 3 {
		case 0:
			http.Error(w, "no", http.StatusInternalServerError)
		case 1:
			fmt.Fprint(w, `{"exception":"x"}`)
		default:
			fmt.Fprint(w, `{"ok":true,"padding":"...."}`)
		}
	}))
	defer srv.Close()
	client := newClient(4)
	r := load(context.Background(), client, &target{method: http.MethodPost, url: srv.URL, body: []byte("x=1"),
		prefix: []byte(`{"ok":true`)}, 4, 200*time.Millisecond)
	total := n.Load()
	if r.calls+r.errors != total || r.calls == 0 || r.errors == 0 || int64(len(r.latencies)) != r.calls {
		t.Fatalf("calls %d + errors %d, latencies %d; the server answered %d", r.calls, r.errors, len(r.latencies), total)
	}
	if want := total / 3; r.calls < want-4 || r.calls > want+4 {
		t.Errorf("calls = %d, want about a third of %d", r.calls, total)
	}
}

// TestRequestsAgainstTheGateway builds the gateway, starts it and sets it up
// as the load test does, and checks that every case's request is answered
// without error, that the bare server replays the same bytes and proxies the
// upstream, and that a short load counts no error.
func TestRequestsAgainstTheGateway(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and starts the gateway")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "wsgate")
	build := exec.Command("go", "build", "-o", bin, "wsgate/cmd/wsgate")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	upstream := httptest.NewServer(echoHandler())
	defer upstream.Close()
	ctx := context.Background()
	gw, err := startGateway(ctx, bin, dir, "sqlite:"+filepath.Join(dir, "wsgate.db"), upstream.URL, "", true, 2)
	if err != nil {
		t.Fatal(err)
	}
	defer gw.stop()
	client := newClient(4)
	sessions, err := mcpSessions(client, gw.url, gw.token, 2) // the short loads' workers
	if err != nil {
		t.Fatal(err)
	}
	cases := buildCases(gw.url, gw.token, sessions)
	if len(cases) != 8 {
		t.Fatalf("%d cases, want 8", len(cases))
	}
	routes, err := capture(ctx, client, cases)
	if err != nil {
		t.Fatal(err)
	}
	upURL, _ := url.Parse(upstream.URL)
	bare := httptest.NewServer(bareHandler(routes, upURL, 4))
	defer bare.Close()
	for _, tc := range cases {
		t.Run(tc.name+" "+tc.protocol, func(t *testing.T) {
			want, err := fetch(client, &tc.gateway)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.check(want); err != nil {
				t.Fatal(err)
			}
			bt := tc.bare
			bt.url = bare.URL + bt.url
			got, err := fetch(client, &bt)
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.check(got); err != nil {
				t.Fatalf("bare: %v", err)
			}
			if tc.replay && (!bytes.Equal(got.Body, want.Body) || got.Header.Get("Content-Type") != want.Header.Get("Content-Type")) {
				t.Errorf("bare answered %s %q, gateway %s %q", got.Header.Get("Content-Type"), got.Body,
					want.Header.Get("Content-Type"), want.Body)
			}
			if !tc.replay && !strings.HasPrefix(string(got.Body), `{"greeting":"hello world","length":5}`) {
				t.Errorf("proxied upstream answered %q", got.Body)
			}
			r := load(ctx, client, &tc.gateway, 2, 50*time.Millisecond)
			if r.errors != 0 || r.calls == 0 {
				t.Errorf("short load: %d calls, %d errors", r.calls, r.errors)
			}
		})
	}
	if m, err := gw.mallocs(client); err != nil || m <= 0 {
		t.Errorf("mallocs from /metrics = %v, %v", m, err)
	}
	if d, err := cpuTime(gw.pid()); err != nil || d <= 0 {
		t.Errorf("gateway CPU time = %v, %v", d, err)
	}
}
