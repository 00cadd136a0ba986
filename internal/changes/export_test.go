package changes

import (
	"testing"
	"time"
)

// SetListenTiming shortens the listener's keepalive and backoff for the test t
// and restores them when it ends. Call it before starting any Watch in t, so
// that every Watch has stopped by the time they are restored.
func SetListenTiming(t *testing.T, keepalive, backoff time.Duration) {
	k, lo, hi := listenKeepalive, listenMinBackoff, listenMaxBackoff
	listenKeepalive, listenMinBackoff, listenMaxBackoff = keepalive, backoff, 4*backoff
	t.Cleanup(func() { listenKeepalive, listenMinBackoff, listenMaxBackoff = k, lo, hi })
}
