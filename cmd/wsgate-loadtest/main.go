// Command wsgate-loadtest measures the built gateway as a user runs it: it
// starts bin/wsgate serve on a fresh store with the default configuration,
// sets it up through the CLI, and loads it with keep-alive connections in a
// closed loop, alternating with a bare gin handler that answers the same bytes
// (and, for a function bound to an HTTP upstream, a bare reverse proxy to the
// same upstream), then prints throughput, latency, CPU time and allocations
// per call; then get_site_info by a token under a rate limit it never
// reaches against the same call under none, on the local counter and, with
// -redis, on Redis; then get_site_info with the call log on against a second
// gateway over the same store with it off. See docs/performance.md.
//
//	wsgate-loadtest [-wsgate bin/wsgate] [-concurrency 64] [-duration 2s] [-rounds 2] [-postgres URL] [-redis URL] [-calllog=false]
//	wsgate-loadtest bare -cases FILE -upstream URL   (started by the tool)
//	wsgate-loadtest upstream                         (started by the tool)
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"regexp"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// options are the load test's flags.
type options struct {
	wsgate      string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	postgres    string
	redis       string
	cpuProfile  string
	keep        bool
	callLog     bool
	settle      time.Duration  // wait after a measured load before reading CPU and allocations
	only        *regexp.Regexp // when set, only the cases whose "name protocol" it matches, and no other table
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 {
		switch args[0] {
		case "bare":
			return serveBare(ctx, args[1:], stdout, stderr)
		case "upstream":
			return serveUpstream(ctx, args[1:], stdout, stderr)
		}
	}
	fs := flag.NewFlagSet("wsgate-loadtest", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o options
	fs.StringVar(&o.wsgate, "wsgate", "bin/wsgate", "the gateway binary to measure")
	fs.IntVar(&o.concurrency, "concurrency", 64, "keep-alive connections, each sending its next request when the answer is in")
	fs.DurationVar(&o.duration, "duration", 2*time.Second, "length of one run against one server")
	fs.DurationVar(&o.warmup, "warmup", 300*time.Millisecond, "unmeasured run against each server before the first round")
	fs.IntVar(&o.rounds, "rounds", 2, "runs per case and server, alternating gateway and bare")
	fs.StringVar(&o.postgres, "postgres", os.Getenv("WSGATE_TEST_POSTGRES_URL"),
		"admin URL of a PostgreSQL server: also measure on a database created there (default $WSGATE_TEST_POSTGRES_URL)")
	fs.StringVar(&o.redis, "redis", os.Getenv("WSGATE_TEST_REDIS_URL"),
		"URL of a Redis: also measure the rate limit row on a gateway counting there (default $WSGATE_TEST_REDIS_URL)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write the gateway's CPU profile of the SQLite run to this file")
	fs.BoolVar(&o.callLog, "calllog", true, "record calls in the call log (calllog.enabled); run with -calllog=false to compare")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (configuration, store, the gateway's log)")
	only := fs.String("only", "", `measure only the cases whose "name protocol" this regular expression matches (for profiles of one case); the other tables are left out`)
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *only != "" {
		re, err := regexp.Compile(*only)
		if err != nil {
			fmt.Fprintln(stderr, "wsgate-loadtest: -only:", err)
			return 2
		}
		o.only = re
	}
	if o.concurrency < 1 || o.rounds < 1 || o.duration <= 0 {
		fmt.Fprintln(stderr, "wsgate-loadtest: -concurrency and -rounds must be at least 1, -duration positive")
		return 2
	}
	stores := []string{"sqlite"}
	if o.postgres != "" {
		stores = append(stores, "postgres")
	}
	fmt.Fprintf(stdout, "wsgate-loadtest: %s, %d connections, %d rounds of %s per case and server\n",
		o.wsgate, o.concurrency, o.rounds, o.duration)
	for _, store := range stores {
		if err := measureStore(ctx, o, store, stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "wsgate-loadtest (%s): %v\n", store, err)
			return 1
		}
	}
	return 0
}
