package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"text/tabwriter"
	"time"
)

// logSettle is how long a run of the call log row waits, after its load,
// before it reads the gateway's CPU time and allocations: past the call
// log's flush interval (1s), so the rows a run queued are written (and
// counted) in that run, not in the next one's.
const logSettle = 1500 * time.Millisecond

// measureCallLog adds the call log row: get_site_info over REST on gw, its
// call log on (the default), against the same call by the same token on a
// second gateway over the same store with calllog.enabled: false,
// alternating. With -calllog=false gw has its call log off already and the
// row is left out.
func measureCallLog(ctx context.Context, o options, gw *gateway, dbURL string, client *http.Client, stdout io.Writer) error {
	if !o.callLog {
		return nil
	}
	ng, err := startServe(gw.bin, gw.dir, "wsgate-nolog", dbURL, "calllog:\n  enabled: false\n", "")
	if err != nil {
		return err
	}
	defer ng.stop()
	on, off := restRequest(gw.token, siteInfo), restRequest(gw.token, siteInfo)
	on.url, off.url = gw.url+on.url, ng.url+off.url
	for _, t := range []*target{&on, &off} {
		a, err := fetch(client, t)
		if err != nil {
			return fmt.Errorf("call log row: %w", err)
		}
		if a.Status != http.StatusOK {
			return fmt.Errorf("call log row: HTTP %d: %.300s", a.Status, a.Body)
		}
		t.prefix = prefixOf(a.Body)
	}
	load(ctx, client, &on, o.concurrency, o.warmup)
	load(ctx, client, &off, o.concurrency, o.warmup)
	time.Sleep(logSettle)
	ron, roff := &result{}, &result{}
	settled := o
	settled.settle = logSettle
	for range o.rounds {
		measured(ctx, client, gw, gw.pid(), &on, settled, ron)
		measured(ctx, client, ng, ng.pid(), &off, settled, roff)
	}
	ratio := 0.0
	if roff.rate() > 0 {
		ratio = ron.rate() / roff.rate()
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "\ncase\tcall log on req/s\tp50\tp99\toff req/s\tp50\tp99\tratio\tcpu/call on\toff\tallocs/call on\toff\terrors on/off\t")
	fmt.Fprintf(tw, "get_site_info REST\t%.0f\t%s\t%s\t%.0f\t%s\t%s\t%.2f\t%s\t%s\t%s\t%s\t%d/%d\t\n",
		ron.rate(), ms(ron.percentile(0.50)), ms(ron.percentile(0.99)),
		roff.rate(), ms(roff.percentile(0.50)), ms(roff.percentile(0.99)), ratio,
		perCall(ron), perCall(roff), allocsPerCall(ron), allocsPerCall(roff), ron.errors, roff.errors)
	_ = tw.Flush()
	fmt.Fprintln(stdout, "ratio = call log on req/s / off req/s (two gateways over the same store); cpu and allocs include")
	fmt.Fprintln(stdout, "the writing of the run's rows (each run waits 1.5s, past the log's flush interval, before reading them).")
	return nil
}
