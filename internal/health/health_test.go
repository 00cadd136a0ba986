package health

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"
)

// TestRunChecksEachWithinItsDeadline: every check gets a deadline of at
// most CheckTimeout; one that never answers is fail without holding up the
// report or the others.
func TestRunChecksEachWithinItsDeadline(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	s := &Status{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	deadline := make(chan time.Duration, 1)
	s.Add("ok", func(ctx context.Context) error {
		d, ok := ctx.Deadline()
		if !ok {
			return errors.New("no deadline")
		}
		deadline <- time.Until(d)
		return nil
	})
	s.Add("down", func(context.Context) error { return errors.New("refused") })
	s.Add("hangs", func(context.Context) error { <-block; return nil }) // ignores its context
	r := s.Run(context.Background())
	got := <-deadline
	want := map[string]string{"ok": "ok", "down": "fail", "hangs": "fail"}
	for name, st := range want {
		if r.Components[name].Status != st {
			t.Errorf("%s: %q, want %q", name, r.Components[name].Status, st)
		}
	}
	if r.Status != "fail" {
		t.Errorf("status %q, want fail", r.Status)
	}
	if got > CheckTimeout {
		t.Errorf("a check's deadline is %v away, more than %v", got, CheckTimeout)
	}
}
