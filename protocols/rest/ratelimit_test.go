package rest_test

import (
	"log/slog"
	"testing"

	"wsgate/protocols/protocolstest"
	"wsgate/protocols/rest"
)

// TestRateLimited: a call over its rate limit is HTTP 429 with Retry-After,
// the X-RateLimit headers and Moodle's exception body, in both formats.
func TestRateLimited(t *testing.T) {
	for _, format := range []string{"json", "xml"} {
		for _, debug := range []bool{false, true} {
			name := "ratelimited_" + format
			if debug {
				name += "_debug"
			}
			t.Run(name, func(t *testing.T) {
				s := &rest.Server{Dispatcher: protocolstest.Limited, Debug: debug, Log: slog.New(slog.DiscardHandler)}
				w := serve(t, s, request{target: rest.Path + "?wstoken=t&wsfunction=f&moodlewsrestformat=" + format})
				golden(t, name+".txt", protocolstest.Wire(w))
			})
		}
	}
}
