package protocolstest

import (
	"context"
	"fmt"
	"net/http/httptest"
	"slices"
	"strings"
	"time"

	"wsgate"
	"wsgate/internal/ratelimit"
	"wsgate/protocols"
)

// Limited is a Dispatcher that refuses every call as the pipeline does when
// its rate limit is spent: 5 per minute used up, retry in 42 s.
var Limited = protocols.DispatcherFunc(func(_ context.Context, call *protocols.Call) (*protocols.Result, error) {
	reset := time.Date(2026, 12, 3, 10, 1, 0, 0, time.UTC)
	call.RateLimit = ratelimit.Decision{Windows: [ratelimit.NumWindows]ratelimit.WindowState{
		ratelimit.Minute: {Limit: 5, Remaining: 0, Reset: reset},
		ratelimit.Day:    {Limit: 1000, Remaining: 995, Reset: reset.Add(14 * time.Hour)},
	}}
	call.RetryAfter = 42 * time.Second
	return nil, wsgate.ErrRateLimited.WithDebug("the token limit of 5 per minute is spent; retry in 42 s")
})

// Wire renders a recorded answer for a golden file: the status, the
// Content-Type, Retry-After and X-RateLimit headers sorted, then the body.
func Wire(w *httptest.ResponseRecorder) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "HTTP %d\n", w.Code)
	var names []string
	for k := range w.Header() {
		if k == "Content-Type" || k == "Retry-After" || strings.HasPrefix(k, "X-RateLimit-") {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	for _, k := range names {
		fmt.Fprintf(&b, "%s: %s\n", k, strings.Join(w.Header()[k], ", "))
	}
	b.WriteString("\n")
	b.Write(w.Body.Bytes())
	return []byte(b.String())
}
