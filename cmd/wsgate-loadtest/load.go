package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"sync"
	"time"
)

// target is one request the load client repeats and what a good answer
// starts with.
type target struct {
	method, url, contentType string
	// headers, when set, are more request headers, worker i sending
	// headers[i%len(headers)]: MCP sessions, one per worker, since a
	// session refuses a request id that is already in flight.
	headers []http.Header
	body    []byte
	prefix  []byte // a good answer's body starts so; the status is 200
}

// newClient returns a client whose keep-alive pool holds conns connections to a host.
func newClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		IdleConnTimeout:     time.Minute,
		DisableCompression:  true,
	}}
}

// result is what runs against one server measured.
type result struct {
	calls, errors int64
	elapsed       time.Duration
	latencies     []time.Duration // of good answers
	cpu           time.Duration   // the server's CPU time over the runs
	cpuKnown      bool
	mallocs       float64 // heap objects the server allocated over the runs
	mallocsKnown  bool
}

func (r *result) add(o *result) {
	r.calls += o.calls
	r.errors += o.errors
	r.elapsed += o.elapsed
	r.latencies = append(r.latencies, o.latencies...)
}

// rate is good answers per second.
func (r *result) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.calls) / r.elapsed.Seconds()
}

// percentile returns the latency below which the fraction p (0..1) of the
// answers came, by the nearest-rank method; 0 with no answers. It sorts
// r.latencies.
func (r *result) percentile(p float64) time.Duration {
	n := len(r.latencies)
	if n == 0 {
		return 0
	}
	if !slices.IsSorted(r.latencies) {
		slices.Sort(r.latencies)
	}
	rank := int(p*float64(n) + 0.999999999) // ceil(p*n), without float surprises at whole numbers
	rank = min(max(rank, 1), n)
	return r.latencies[rank-1]
}

// load runs conns workers against t for d: each sends the request again as
// soon as the previous answer is read, until d has passed; a request under
// way then is finished, never cut off (the server would count the
// disconnection). Answers that are not 200 with the expected start count as
// errors and not as calls.
func load(ctx context.Context, client *http.Client, t *target, conns int, d time.Duration) *result {
	base, err := http.NewRequestWithContext(ctx, t.method, t.url, nil)
	if err != nil {
		return &result{errors: 1}
	}
	if t.contentType != "" {
		base.Header.Set("Content-Type", t.contentType)
	}
	parts := make([]result, conns)
	var wg sync.WaitGroup
	start := time.Now()
	deadline := start.Add(d)
	for i := range parts {
		wg.Add(1)
		worker := base
		if len(t.headers) > 0 {
			worker = base.Clone(ctx)
			for k, v := range t.headers[i%len(t.headers)] {
				worker.Header[k] = v
			}
		}
		go func(r *result) {
			defer wg.Done()
			r.latencies = make([]time.Duration, 0, 4096)
			buf := make([]byte, len(t.prefix))
			for ctx.Err() == nil && time.Now().Before(deadline) {
				req := *worker // the header is shared and only read
				if t.body != nil {
					req.Body = io.NopCloser(bytes.NewReader(t.body))
					req.ContentLength = int64(len(t.body))
				}
				t0 := time.Now()
				ok := send(client, &req, buf, t.prefix)
				if ctx.Err() != nil {
					break // interrupted (SIGINT): neither a call nor an error
				}
				if !ok {
					r.errors++
					continue
				}
				r.latencies = append(r.latencies, time.Since(t0))
				r.calls++
			}
		}(&parts[i])
	}
	wg.Wait()
	total := &result{elapsed: time.Since(start)}
	for i := range parts {
		total.calls += parts[i].calls
		total.errors += parts[i].errors
		total.latencies = append(total.latencies, parts[i].latencies...)
	}
	return total
}

// send makes one request and reports whether the answer is 200 and starts
// with prefix; the rest of the body is read and dropped so the connection
// serves the next request.
func send(client *http.Client, req *http.Request, buf, prefix []byte) bool {
	resp, err := client.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, err = io.ReadFull(resp.Body, buf)
	ok := err == nil && resp.StatusCode == http.StatusOK && bytes.Equal(buf, prefix)
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return false
	}
	return ok
}
