package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"text/tabwriter"
	"time"
)

var listeningLine = regexp.MustCompile(`^listening (\S+)$`)

// measureStore runs every case (those o.only matches, when set) on a gateway over a fresh store of kind store
// ("sqlite" or "postgres") and prints the table.
func measureStore(ctx context.Context, o options, store string, stdout, stderr io.Writer) error {
	bin, err := filepath.Abs(o.wsgate)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "wsgate-loadtest-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintln(stdout, "keeping", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	dbURL := "sqlite:" + filepath.Join(dir, "wsgate.db")
	profile := ""
	if store == "postgres" {
		u, drop, err := createPostgres(ctx, o.postgres)
		if err != nil {
			return err
		}
		defer drop()
		dbURL = u
	} else if o.cpuProfile != "" {
		if profile, err = filepath.Abs(o.cpuProfile); err != nil {
			return err
		}
	}

	up, upAddr, err := startProc("upstream", exec.Command(self, "upstream"), listeningLine, 10*time.Second)
	if err != nil {
		return err
	}
	defer up.stop()
	upstreamURL := "http://" + upAddr
	gw, err := startGateway(ctx, bin, dir, dbURL, upstreamURL, profile, o.callLog, o.concurrency)
	if err != nil {
		return err
	}
	defer gw.stop()

	client := newClient(o.concurrency)
	sessions, err := mcpSessions(client, gw.url, gw.token, o.concurrency)
	if err != nil {
		return err
	}
	cases := buildCases(gw.url, gw.token, sessions)
	routes, err := capture(ctx, client, cases)
	if err != nil {
		return err
	}
	casesFile := filepath.Join(dir, "bare-cases.json")
	data, err := json.Marshal(routes)
	if err != nil {
		return err
	}
	if err := os.WriteFile(casesFile, data, 0o600); err != nil {
		return err
	}
	bare, bareAddr, err := startProc("bare", exec.Command(self, "bare", "-cases", casesFile, "-upstream", upstreamURL,
		"-concurrency", fmt.Sprint(o.concurrency)), listeningLine, 10*time.Second)
	if err != nil {
		return err
	}
	defer bare.stop()
	for _, tc := range cases {
		tc.bare.url = "http://" + bareAddr + tc.bare.url
		a, err := fetch(client, &tc.bare)
		if err != nil {
			return fmt.Errorf("bare %s %s: %w", tc.name, tc.protocol, err)
		}
		if err := tc.check(a); err != nil {
			return fmt.Errorf("bare: %w", err)
		}
		tc.bare.prefix = prefixOf(a.Body)
	}

	fmt.Fprintf(stdout, "\n%s store, call log %s: gateway pid %d (log %s), bare pid %d, upstream pid %d\n", store,
		onOff(o.callLog), gw.pid(), filepath.Join(dir, "wsgate.log"), bare.cmd.Process.Pid, up.cmd.Process.Pid)
	gwRes := make([]*result, len(cases))
	bareRes := make([]*result, len(cases))
	for i, tc := range cases {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if o.only != nil && !o.only.MatchString(tc.name+" "+tc.protocol) {
			continue // left out of the table
		}
		gwRes[i], bareRes[i] = &result{}, &result{}
		load(ctx, client, &tc.gateway, o.concurrency, o.warmup)
		load(ctx, client, &tc.bare, o.concurrency, o.warmup)
		for range o.rounds {
			measured(ctx, client, gw, gw.pid(), &tc.gateway, o, gwRes[i])
			measured(ctx, client, nil, bare.cmd.Process.Pid, &tc.bare, o, bareRes[i])
		}
	}
	printTable(stdout, cases, gwRes, bareRes)
	if o.only != nil {
		return nil
	}
	if err := measureRateLimits(ctx, o, gw, dbURL, client, stdout); err != nil {
		return err
	}
	return measureCallLog(ctx, o, gw, dbURL, client, stdout)
}

// capture sends each case once to the gateway, checks the answer and
// returns the routes that make the bare server answer the same bytes.
// Changes made by the CLI reach the server within its poll interval, so a
// refused first call is tried again for a while.
func capture(ctx context.Context, client *http.Client, cases []*testCase) ([]replay, error) {
	var routes []replay
	for _, tc := range cases {
		var last error
		deadline := time.Now().Add(15 * time.Second)
		for {
			a, err := fetch(client, &tc.gateway)
			if err == nil {
				err = tc.check(a)
			}
			if err == nil {
				tc.gateway.prefix = prefixOf(a.Body)
				if tc.replay {
					routes = append(routes, replay{Path: tc.route, Answer: *a})
				}
				break
			}
			last = err
			if time.Now().After(deadline) || ctx.Err() != nil {
				return nil, fmt.Errorf("gateway: %w", last)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	return routes, nil
}

// measured runs one measured load of t and adds it to into, with the
// server's CPU time (pid) and, for the gateway, its allocations, read
// o.settle after the load.
func measured(ctx context.Context, client *http.Client, gw *gateway, pid int, t *target, o options, into *result) {
	cpu0, cerr0 := cpuTime(pid)
	var m0 float64
	merr0 := errors.New("no metrics")
	if gw != nil {
		m0, merr0 = gw.mallocs(client)
	}
	r := load(ctx, client, t, o.concurrency, o.duration)
	time.Sleep(o.settle)
	cpu1, cerr1 := cpuTime(pid)
	if cerr0 == nil && cerr1 == nil {
		into.cpu += cpu1 - cpu0
		into.cpuKnown = true
	}
	if merr0 == nil {
		if m1, err := gw.mallocs(client); err == nil {
			into.mallocs += m1 - m0
			into.mallocsKnown = true
		}
	}
	into.add(r)
}

// printTable prints one line per case: the gateway, the bare server, their
// ratio of throughput, and the gateway's and bare server's cost per call.
func printTable(w io.Writer, cases []*testCase, gw, bare []*result) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "case\tprotocol\tgw req/s\tgw p50\tgw p99\tbare req/s\tbare p50\tbare p99\tratio\tgw cpu/call\tbare cpu/call\tgw allocs/call\terrors gw/bare\t")
	for i, tc := range cases {
		g, b := gw[i], bare[i]
		if g == nil {
			continue // not measured (-only)
		}
		ratio := 0.0
		if b.rate() > 0 {
			ratio = g.rate() / b.rate()
		}
		fmt.Fprintf(tw, "%s\t%s\t%.0f\t%s\t%s\t%.0f\t%s\t%s\t%.2f\t%s\t%s\t%s\t%d/%d\t\n", tc.name, tc.protocol,
			g.rate(), ms(g.percentile(0.50)), ms(g.percentile(0.99)),
			b.rate(), ms(b.percentile(0.50)), ms(b.percentile(0.99)), ratio,
			perCall(g), perCall(b), allocsPerCall(g), g.errors, b.errors)
	}
	_ = tw.Flush()
	fmt.Fprintln(w, "ratio = gateway req/s / bare req/s; cpu/call = the server's utime+stime over the runs / good answers;")
	fmt.Fprintln(w, "allocs/call = go_memstats_mallocs_total over the runs / good answers (two /metrics scrapes per run included).")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d)/float64(time.Millisecond)) }

func perCall(r *result) string {
	if !r.cpuKnown || r.calls == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0fµs", float64(r.cpu)/float64(time.Microsecond)/float64(r.calls))
}

func allocsPerCall(r *result) string {
	if !r.mallocsKnown || r.calls == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", r.mallocs/float64(r.calls))
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}
