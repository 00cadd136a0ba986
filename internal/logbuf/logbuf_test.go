package logbuf_test

import (
	"bytes"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/internal/logbuf"
)

// output records what the flusher writes and reports each write on wrote.
type output struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	wrote chan struct{}
}

func newOutput() *output { return &output{wrote: make(chan struct{}, 100)} }

func (o *output) Write(p []byte) (int, error) {
	o.mu.Lock()
	o.buf.Write(p)
	o.mu.Unlock()
	select {
	case o.wrote <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (o *output) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

// blocking is an output whose writes wait until release is closed; entered
// tells each write has begun.
type blocking struct {
	*output
	entered chan struct{}
	release chan struct{}
}

func (b *blocking) Write(p []byte) (int, error) {
	b.entered <- struct{}{}
	<-b.release
	return b.output.Write(p)
}

// line is the n-th test line, 10 bytes.
func line(n int) string { return fmt.Sprintf("line %04d\n", n) }

// TestLinesArriveWholeAndInOrder: lines logged by many goroutines at once
// come out whole, each goroutine's in the order it logged them, none lost.
func TestLinesArriveWholeAndInOrder(t *testing.T) {
	out := newOutput()
	// The lines (about 130 kB) fit in Size, so none can be dropped, and pass
	// 64 KiB, so a batch is written before Close.
	w := logbuf.New(out, logbuf.Options{Size: 160_000, Tick: make(chan time.Time)})
	log := slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey {
			return slog.Attr{}
		}
		return a
	}}))
	const writers, lines = 8, 200
	var wg sync.WaitGroup
	for g := range writers {
		wg.Go(func() {
			for i := range lines {
				log.Info("call", "writer", g, "seq", i, "pad", strings.Repeat("x", 40))
			}
		})
	}
	wg.Wait()
	<-out.wrote // the batch written once 64 KiB waited
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if n := w.Dropped(); n != 0 {
		t.Fatalf("dropped %d lines", n)
	}
	next := make([]int, writers)
	got := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(got) != writers*lines {
		t.Fatalf("%d lines, want %d", len(got), writers*lines)
	}
	for _, l := range got {
		var g, i int
		if _, err := fmt.Sscanf(l, "level=INFO msg=call writer=%d seq=%d pad="+strings.Repeat("x", 40), &g, &i); err != nil {
			t.Fatalf("line %q is not whole: %v", l, err)
		}
		if i != next[g] {
			t.Fatalf("writer %d: seq %d after %d", g, i, next[g]-1)
		}
		next[g]++
	}
}

// TestFlushOnTick: lines wait in the buffer until the flusher's tick.
func TestFlushOnTick(t *testing.T) {
	out := newOutput()
	tick := make(chan time.Time)
	w := logbuf.New(out, logbuf.Options{Size: 1000, Tick: tick})
	defer w.Close()
	for i := range 3 {
		_, _ = io.WriteString(w, line(i))
	}
	if s := out.String(); s != "" {
		t.Fatalf("written before the tick: %q", s)
	}
	tick <- time.Now()
	<-out.wrote
	if s, want := out.String(), line(0)+line(1)+line(2); s != want {
		t.Fatalf("after the tick: %q, want %q", s, want)
	}
	_, _ = io.WriteString(w, line(3))
	tick <- time.Now()
	<-out.wrote
	if s := out.String(); !strings.HasSuffix(s, line(2)+line(3)) {
		t.Fatalf("after the second tick: %q", s)
	}
}

// TestFullBufferDrops: while the output blocks, the buffer fills, further
// lines are dropped and counted, and no Write waits (the test completes).
// Close writes everything kept.
func TestFullBufferDrops(t *testing.T) {
	out := &blocking{output: newOutput(), entered: make(chan struct{}, 10), release: make(chan struct{})}
	tick := make(chan time.Time)
	w := logbuf.New(out, logbuf.Options{Size: 100, Tick: tick})
	_, _ = io.WriteString(w, line(0))
	tick <- time.Now()
	<-out.entered // the flusher holds line 0 and waits on the output
	for i := 1; i <= 15; i++ {
		if n, err := io.WriteString(w, line(i)); n != 10 || err != nil {
			t.Fatalf("write %d = %d, %v", i, n, err)
		}
	}
	if n := w.Dropped(); n != 5 {
		t.Errorf("dropped %d lines, want 5 (lines 11 to 15: 100 bytes hold lines 1 to 10)", n)
	}
	close(out.release)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var want strings.Builder
	for i := 0; i <= 10; i++ {
		want.WriteString(line(i))
	}
	if s := out.String(); s != want.String() {
		t.Errorf("written %q, want %q", s, want.String())
	}
}

// TestLineLargerThanBuffer is dropped whole, never cut.
func TestLineLargerThanBuffer(t *testing.T) {
	out := newOutput()
	w := logbuf.New(out, logbuf.Options{Size: 16, Tick: make(chan time.Time)})
	_, _ = io.WriteString(w, strings.Repeat("y", 40)+"\n")
	_, _ = io.WriteString(w, line(1))
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s := out.String(); s != line(1) {
		t.Errorf("written %q, want only %q", s, line(1))
	}
	if n := w.Dropped(); n != 1 {
		t.Errorf("dropped %d, want 1", n)
	}
}

// TestCloseFlushesAndWritesAfterGoStraightOut: Close writes what waits, a
// line written after Close reaches the output at once, after the others.
func TestCloseFlushesAndWritesAfterGoStraightOut(t *testing.T) {
	out := newOutput()
	w := logbuf.New(out, logbuf.Options{Tick: make(chan time.Time)})
	for i := range 3 {
		_, _ = io.WriteString(w, line(i))
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if s, want := out.String(), line(0)+line(1)+line(2); s != want {
		t.Fatalf("after Close: %q, want %q", s, want)
	}
	_, _ = io.WriteString(w, line(3))
	if s := out.String(); !strings.HasSuffix(s, line(2)+line(3)) {
		t.Fatalf("a line after Close: %q", s)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}

func TestDroppedOfNilWriter(t *testing.T) {
	var w *logbuf.Writer
	if n := w.Dropped(); n != 0 {
		t.Errorf("Dropped() = %d", n)
	}
}
