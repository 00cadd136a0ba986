package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"wsgate/functions"
	"wsgate/internal/httplog"
	"wsgate/internal/logbuf"
	"wsgate/services"
)

const benchManifest = `
functions:
  local_bench_echo:
    classname: local_bench
    methodname: echo
    parameters: {name: RAW}
    returns: {type: single, keys: {greeting: RAW, length: INT}}
services:
  Bench:
    shortname: bench
    functions: [local_bench_echo, core_webservice_get_site_info]
    enabled: 1
    restrictedusers: 0
`

// loadResult is one closed-loop run against one server.
type loadResult struct {
	requests  int64
	elapsed   time.Duration
	latencies []time.Duration
}

func (r *loadResult) add(o *loadResult) {
	r.requests += o.requests
	r.elapsed += o.elapsed
	r.latencies = append(r.latencies, o.latencies...)
}

func (r *loadResult) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r *loadResult) percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	sort.Slice(r.latencies, func(i, j int) bool { return r.latencies[i] < r.latencies[j] })
	return r.latencies[int(p*float64(len(r.latencies)-1))]
}

// target is one request the load client repeats, and the answer it expects.
type target struct {
	name, method, url, contentType, body string
	want                                 []byte
}

func (t *target) do(client *http.Client) ([]byte, error) {
	req, err := http.NewRequest(t.method, t.url, strings.NewReader(t.body))
	if err != nil {
		return nil, err
	}
	if t.contentType != "" {
		req.Header.Set("Content-Type", t.contentType)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// closedLoop runs conns clients that each send the target's request again as
// soon as the previous answer arrived, for d, and records every latency.
func closedLoop(tb testing.TB, tg *target, conns int, d time.Duration) *loadResult {
	tr := &http.Transport{MaxIdleConnsPerHost: conns, MaxConnsPerHost: conns, DisableCompression: true}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr}
	deadline := time.Now().Add(d)
	var total atomic.Int64
	var failures atomic.Int64
	lat := make([][]time.Duration, conns)
	var wg sync.WaitGroup
	start := time.Now()
	for i := 0; i < conns; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				body, err := tg.do(client)
				if err != nil || string(body) != string(tg.want) {
					failures.Add(1)
					continue
				}
				lat[i] = append(lat[i], time.Since(t0))
				total.Add(1)
			}
		}(i)
	}
	wg.Wait()
	r := &loadResult{requests: total.Load(), elapsed: time.Since(start)}
	for _, l := range lat {
		r.latencies = append(r.latencies, l...)
	}
	if n := failures.Load(); n > 0 {
		tb.Fatalf("%d failed or wrong answers from %s", n, tg.name)
	}
	return r
}

// BenchmarkRESTLoad compares the REST JSON call of a small function through
// the whole gateway with a bare gin handler answering the same bytes, both
// loaded in this process by the same closed-loop client (64 connections),
// alternating runs; it prints requests/s, p50 and p99 of each and the ratio.
// It also loads core_webservice_get_site_info over REST, and the gateway logs
// each call at info level through the buffer serve uses, to the null device.
// WSGATE_LOADBENCH_SECONDS sets the total seconds per server (default 10).
func BenchmarkRESTLoad(b *testing.B) {
	seconds := 10
	if s, err := strconv.Atoi(os.Getenv("WSGATE_LOADBENCH_SECONDS")); err == nil && s > 0 {
		seconds = s
	}
	dir := b.TempDir()
	compDir := filepath.Join(dir, "components", "local_bench", "db")
	if err := os.MkdirAll(compDir, 0o755); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(compDir, "services.yaml"), []byte(benchManifest), 0o644); err != nil {
		b.Fatal(err)
	}
	cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0",
		"WSGATE_DATABASE_URL=sqlite:" + filepath.Join(dir, "bench.db"),
		"WSGATE_COMPONENTS_PATHS=" + filepath.Join(dir, "components")})
	if err != nil {
		b.Fatal(err)
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	logs := logbuf.New(devnull, logbuf.Options{})
	defer logs.Close()
	app, err := NewApp(context.Background(), cfg, httplog.New(logs, "info", "text"), func(r *functions.Registry) {
		r.Register("local_bench", "echo", func(_ context.Context, p map[string]any) (any, error) {
			name := p["name"].(string)
			return map[string]any{"greeting": "hello " + name, "length": len(name)}, nil
		})
	})
	if err != nil {
		b.Fatal(err)
	}
	defer app.Close()
	ctx := context.Background()
	u, err := app.store.CreateUser(ctx, services.User{Username: "bench", Auth: services.AuthManual}, "")
	if err != nil {
		b.Fatal(err)
	}
	svc, err := app.store.ServiceByShortname(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := app.store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID})
	if err != nil {
		b.Fatal(err)
	}
	if err := app.Listen(); err != nil {
		b.Fatal(err)
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	go func() { _ = app.Serve(sctx) }()
	base := app.URL()
	rest := &target{name: "wsgate REST", method: "GET", url: base + "/webservice/rest/server.php?wstoken=" + token +
		"&wsfunction=local_bench_echo&moodlewsrestformat=json&name=world"}
	xmlrpcT := &target{name: "wsgate XML-RPC", method: "POST", url: base + "/webservice/xmlrpc/server.php?wstoken=" + token,
		contentType: "text/xml", body: `<?xml version="1.0"?><methodCall><methodName>local_bench_echo</methodName>` +
			`<params><param><value><string>world</string></value></param></params></methodCall>`}
	soapT := &target{name: "wsgate SOAP", method: "POST", url: base + "/webservice/soap/server.php?wstoken=" + token,
		contentType: "text/xml; charset=utf-8", body: `<?xml version="1.0" encoding="UTF-8"?>` +
			`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
			`<local_bench_echo xmlns="` + app.siteURL + `/webservice/soap/server.php"><name>world</name></local_bench_echo>` +
			`</soap:Body></soap:Envelope>`}
	siteInfo := &target{name: "wsgate site_info", method: "GET", url: base + "/webservice/rest/server.php?wstoken=" + token +
		"&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json"}
	client := &http.Client{}
	for _, tg := range []*target{rest, xmlrpcT, soapT, siteInfo} {
		got, err := tg.do(client)
		if err != nil {
			b.Fatal(err)
		}
		tg.want = got
	}
	if string(rest.want) != `{"greeting":"hello world","length":5}` ||
		!strings.Contains(string(xmlrpcT.want), "hello world") || !strings.Contains(string(soapT.want), "hello world") ||
		!strings.Contains(string(siteInfo.want), `"username":"bench"`) {
		b.Fatalf("unexpected answers:\n%s\n%s\n%s\n%s", rest.want, xmlrpcT.want, soapT.want, siteInfo.want)
	}

	gin.SetMode(gin.ReleaseMode)
	bare := gin.New()
	bare.GET("/webservice/rest/server.php", func(c *gin.Context) { c.Data(200, "application/json", rest.want) })
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	bareSrv := &http.Server{Handler: bare}
	go func() { _ = bareSrv.Serve(l) }()
	defer bareSrv.Close()
	bareT := &target{name: "bare gin", method: "GET", url: "http://" + l.Addr().String() +
		"/webservice/rest/server.php?wstoken=x&wsfunction=local_bench_echo&moodlewsrestformat=json&name=world", want: rest.want}

	const conns = 64
	all := []*target{bareT, rest, xmlrpcT, soapT, siteInfo}
	for _, tg := range all { // warm-up
		closedLoop(b, tg, conns, 300*time.Millisecond)
	}
	b.ResetTimer()
	results := make([]*loadResult, len(all))
	for i := range results {
		results[i] = &loadResult{}
	}
	half := time.Duration(seconds) * time.Second / 2
	for round := 0; round < 2; round++ {
		for i, tg := range all {
			results[i].add(closedLoop(b, tg, conns, half))
		}
	}
	b.StopTimer()
	fmt.Printf("\nLoad of a small function, %d connections, %ds per server, alternating runs:\n", conns, seconds)
	fmt.Printf("  %-17s %10s %10s %10s %8s\n", "server", "req/s", "p50", "p99", "ratio")
	for i, tg := range all {
		r := results[i]
		ratio := r.rps() / results[0].rps()
		fmt.Printf("  %-17s %10.0f %10s %10s %8.2f\n", tg.name, r.rps(), r.percentile(0.5).Round(time.Microsecond),
			r.percentile(0.99).Round(time.Microsecond), ratio)
		if i > 0 {
			b.ReportMetric(ratio, strings.ToLower(strings.Fields(strings.TrimPrefix(tg.name, "wsgate "))[0])+"-ratio")
		}
	}
}
