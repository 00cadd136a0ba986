package loginlimit

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestClip(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"admin", "admin"},
		{strings.Repeat("a", 64), strings.Repeat("a", 64)},
		{strings.Repeat("a", 65), strings.Repeat("a", 64) + "…[truncated, 65 bytes]"},
		{strings.Repeat("a", 60000), strings.Repeat("a", 64) + "…[truncated, 60000 bytes]"},
		// Cut on a character: 21 three-byte characters fill 63 bytes.
		{strings.Repeat("€", 30), strings.Repeat("€", 21) + "…[truncated, 90 bytes]"},
		{"ad\xffmin", "ad\uFFFDmin"},
		{"a\nb", "a\nb"}, // the handlers quote it: still one line
	} {
		if got := Clip(tt.in); got != tt.want {
			t.Errorf("Clip(%.80q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzClip(f *testing.F) {
	for _, s := range []string{"admin", strings.Repeat("é", 40), "\xff\xfe", strings.Repeat("a", 70)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := Clip(s)
		if !utf8.ValidString(got) {
			t.Fatalf("Clip(%q) = %q: not UTF-8", s, got)
		}
		value, marked := strings.CutSuffix(got, "…[truncated, "+strconv.Itoa(len(s))+" bytes]")
		if len(value) > MaxLoggedBytes {
			t.Fatalf("Clip(%q) keeps %d bytes", s, len(value))
		}
		if !marked && utf8.ValidString(s) && len(s) <= MaxLoggedBytes && got != s {
			t.Fatalf("Clip(%q) = %q changed a short valid value", s, got)
		}
		if !marked && len(s) > MaxLoggedBytes {
			t.Fatalf("Clip(%q) = %q cut without a mark", s, got)
		}
	})
}

// testLog is a RefusalLog on a settable clock, writing JSON lines, whose
// scheduled flushes run when the test says.
type testLog struct {
	*RefusalLog
	out     bytes.Buffer
	clock   clock
	flushes []func()
}

func newTestLog(perSecond int) *testLog {
	l := &testLog{clock: clock{t: time.Unix(1_800_000_000, 0)}}
	l.RefusalLog = NewRefusalLog(slog.New(slog.NewJSONHandler(&l.out, nil)))
	l.perSecond, l.now = perSecond, l.clock.now
	l.afterFunc = func(_ time.Duration, f func()) { l.flushes = append(l.flushes, f) }
	return l
}

// lines returns the lines written since the last call.
func (l *testLog) lines(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.out.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("line %q: %v", line, err)
		}
		out = append(out, m)
	}
	l.out.Reset()
	return out
}

func TestRefusalLogLine(t *testing.T) {
	l := newTestLog(10)
	l.Log(context.Background(), Refusal{Endpoint: "/login/token.php", Username: strings.Repeat("x", 60000),
		Service: "moodle_mobile_app", Remote: "192.0.2.7", ErrorCode: "invalidlogin", Locked: true})
	lines := l.lines(t)
	if len(lines) != 1 {
		t.Fatalf("lines %v", lines)
	}
	want := map[string]any{"level": "WARN", "msg": "login refused", "endpoint": "/login/token.php",
		"username": strings.Repeat("x", 64) + "…[truncated, 60000 bytes]", "service": "moodle_mobile_app",
		"remote": "192.0.2.7", "errorcode": "invalidlogin", "locked": true}
	for k, v := range want {
		if lines[0][k] != v {
			t.Errorf("%s = %v, want %v", k, lines[0][k], v)
		}
	}
}

// At most perSecond lines a second; the count of the others is logged once
// the second is over, by the scheduled flush or by the next line.
func TestRefusalLogRate(t *testing.T) {
	ctx := context.Background()
	l := newTestLog(3)
	r := Refusal{Endpoint: "/admin/login", Username: "admin", ErrorCode: "invalidlogin"}
	for range 10 {
		l.Log(ctx, r)
	}
	if lines := l.lines(t); len(lines) != 3 {
		t.Fatalf("%d lines in a second, want 3", len(lines))
	}
	if len(l.flushes) != 1 {
		t.Fatalf("%d flushes scheduled, want 1", len(l.flushes))
	}
	l.clock.t = l.clock.t.Add(time.Second)
	l.flushes[0]()
	lines := l.lines(t)
	if len(lines) != 1 || lines[0]["msg"] != "login refusals not logged" || lines[0]["count"] != 7.0 {
		t.Fatalf("after the flush: %v", lines)
	}
	// Held back again; this time the next second's first line brings the count.
	for range 5 {
		l.Log(ctx, r)
	}
	l.lines(t)
	l.clock.t = l.clock.t.Add(time.Second)
	l.Log(ctx, r)
	lines = l.lines(t)
	if len(lines) != 2 || lines[0]["count"] != 2.0 || lines[1]["msg"] != "login refused" {
		t.Fatalf("next second: %v", lines)
	}
	l.flushes[len(l.flushes)-1]() // the late flush has nothing left to count
	if lines := l.lines(t); len(lines) != 0 {
		t.Errorf("late flush logged %v", lines)
	}
}
