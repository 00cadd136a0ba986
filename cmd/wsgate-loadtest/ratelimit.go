package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"
)

// limitedUser has a rate limit it never reaches: every call is counted
// against a minute and a day window of 10^12 calls.
const limitedUser = "limited"

// limitRow is one rate limit row: get_site_info over REST on one gateway,
// by a token under a limit and by one under none, measured alternately.
type limitRow struct {
	backend            string
	gw                 *gateway
	limited, unlimited target
}

// measureRateLimits adds the rate limit rows: on gw (the local counter) and,
// when redisURL is set, on a second gateway over the same store counting in
// that Redis.
func measureRateLimits(ctx context.Context, o options, gw *gateway, dbURL string, client *http.Client, stdout io.Writer) error {
	token, err := limitedToken(ctx, gw)
	if err != nil {
		return err
	}
	rows := []*limitRow{{backend: "local", gw: gw}}
	if o.redis != "" {
		var b [6]byte
		_, _ = rand.Read(b[:])
		extra := fmt.Sprintf("ratelimit:\n  backend: redis\n  redis_url: %q\n  redis_prefix: \"wsgate-loadtest:%s:\"\n",
			o.redis, hex.EncodeToString(b[:]))
		rg, err := startServe(gw.bin, gw.dir, "wsgate-redis", dbURL, extra, "")
		if err != nil {
			return err
		}
		defer rg.stop()
		rows = append(rows, &limitRow{backend: "redis", gw: rg})
	}
	for _, r := range rows {
		r.limited, r.unlimited = restRequest(token, siteInfo), restRequest(gw.token, siteInfo)
		r.limited.url, r.unlimited.url = r.gw.url+r.limited.url, r.gw.url+r.unlimited.url
		if err := limitedAnswer(ctx, client, &r.limited, true); err != nil {
			return fmt.Errorf("%s: %w", r.backend, err)
		}
		if err := limitedAnswer(ctx, client, &r.unlimited, false); err != nil {
			return fmt.Errorf("%s: %w", r.backend, err)
		}
	}
	lim, unl := make([]*result, len(rows)), make([]*result, len(rows))
	for i, r := range rows {
		load(ctx, client, &r.limited, o.concurrency, o.warmup)
		load(ctx, client, &r.unlimited, o.concurrency, o.warmup)
		lim[i], unl[i] = &result{}, &result{}
		for range o.rounds {
			measured(ctx, client, r.gw, r.gw.pid(), &r.limited, o, lim[i])
			measured(ctx, client, r.gw, r.gw.pid(), &r.unlimited, o, unl[i])
		}
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\ncase\tbackend\tlimited req/s\tp50\tp99\tunlimited req/s\tp50\tp99\tratio\tcpu/call\tunlimited cpu/call\tallocs/call\tunlimited allocs/call\terrors\t")
	for i, r := range rows {
		l, u := lim[i], unl[i]
		ratio := 0.0
		if u.rate() > 0 {
			ratio = l.rate() / u.rate()
		}
		fmt.Fprintf(tw, "get_site_info limited\t%s\t%.0f\t%s\t%s\t%.0f\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%d/%d\t\n", r.backend,
			l.rate(), ms(l.percentile(0.50)), ms(l.percentile(0.99)), u.rate(), ms(u.percentile(0.50)), ms(u.percentile(0.99)),
			ratio, perCall(l), perCall(u), allocsPerCall(l), allocsPerCall(u), l.errors, u.errors)
	}
	_ = tw.Flush()
	fmt.Fprintln(stdout, "ratio = limited req/s / unlimited req/s on the same gateway (a token under a limit never reached, one under none).")
	return nil
}

// limitedToken makes the user limitedUser, a site administrator as admin is
// (get_site_info then does the same work for both), limits them, and returns
// a token of theirs.
func limitedToken(ctx context.Context, gw *gateway) (string, error) {
	if _, err := gw.cli(ctx, "", "user", "create", limitedUser, "--role", "admin"); err != nil {
		return "", err
	}
	if _, err := gw.cli(ctx, "", "limit", "set", "--user", limitedUser, "--per-minute", "1000000000000",
		"--per-day", "1000000000000"); err != nil {
		return "", err
	}
	out, err := gw.cli(ctx, "", "token", "create", "--user", limitedUser, "--service", "moodle_mobile_app")
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(out), nil
}

// limitedAnswer waits until t is answered, counted against a limit when
// limited is set and not otherwise (the CLI's change reaches the server
// within its poll interval), and records the answer's prefix.
func limitedAnswer(ctx context.Context, client *http.Client, t *target, limited bool) error {
	deadline := time.Now().Add(15 * time.Second)
	for {
		a, err := fetch(client, t)
		if err == nil && a.Status == http.StatusOK {
			if counted := a.Header.Get("X-RateLimit-Limit-Minute") != ""; counted == limited {
				t.prefix = prefixOf(a.Body)
				return nil
			}
			err = fmt.Errorf("counted against a limit: %v, want %v", !limited, limited)
		} else if err == nil {
			err = fmt.Errorf("HTTP %d: %.300s", a.Status, a.Body)
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			return fmt.Errorf("get_site_info: %w", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
