// Package logbuf puts a bounded buffer between a logger and its output, so
// that logging never holds up the caller: a line is copied into memory and a
// background goroutine writes the lines out, in order, in batches. When the
// output cannot keep up and the buffer is full, new lines are dropped and
// counted, never waited for.
package logbuf

import (
	"bytes"
	"io"
	"sync"
	"sync/atomic"
	"time"
)

// Defaults of Options.
const (
	DefaultSize       = 1 << 20 // bytes of lines waiting to be written
	DefaultFlushEvery = time.Second
)

// batchBytes is how many bytes waiting wake the flusher before its tick
// (or half of Size when smaller): small batches leave most of the buffer free
// for the lines logged while the flusher is scheduled and writes.
const batchBytes = 64 << 10

// Options tunes a Writer; the zero value is the default.
type Options struct {
	// Size bounds the bytes of lines waiting to be written (default
	// DefaultSize). The lines being written at the moment are held besides,
	// so up to twice Size is in memory.
	Size int
	// FlushEvery is the longest a line waits before it is written (default
	// DefaultFlushEvery). Lines are written sooner once 64 KiB (or half of
	// Size, when smaller) wait.
	FlushEvery time.Duration
	// Tick, when set, replaces the FlushEvery ticker: each receive writes what
	// waits (tests drive the flusher with it).
	Tick <-chan time.Time
}

// Writer is an io.Writer for a logger: each Write is one whole line (as slog
// handlers write a record), kept or dropped whole. It is safe for concurrent
// use. Close writes what waits and stops the background goroutine; Writes
// after Close go straight to the output.
type Writer struct {
	out   io.Writer
	size  int
	batch int // bytes waiting that wake the flusher

	mu     sync.Mutex
	buf    []byte // whole lines waiting, in the order written
	closed bool

	spare   []byte        // the other buffer; only the flusher touches it
	dropped atomic.Uint64 // lines dropped: the buffer was full, or the output failed
	wake    chan struct{} // one pending request to write now at most
	stop    chan struct{}
	done    chan struct{}
	once    sync.Once
}

// New returns a Writer over out and starts its flusher.
func New(out io.Writer, opts Options) *Writer {
	if opts.Size <= 0 {
		opts.Size = DefaultSize
	}
	if opts.FlushEvery <= 0 {
		opts.FlushEvery = DefaultFlushEvery
	}
	w := &Writer{out: out, size: opts.Size, batch: min(batchBytes, opts.Size/2), buf: make([]byte, 0, opts.Size), spare: make([]byte, 0, opts.Size),
		wake: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	tick := opts.Tick
	var ticker *time.Ticker
	if tick == nil {
		ticker = time.NewTicker(opts.FlushEvery)
		tick = ticker.C
	}
	go func() {
		defer close(w.done)
		if ticker != nil {
			defer ticker.Stop()
		}
		w.run(tick)
	}()
	return w
}

// Write keeps line p for the flusher, or drops it (counted in Dropped) when
// the buffer has no room for all of it. It never waits for the output and
// always reports success, as a logger has nothing better to do with a failure.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	if w.closed {
		defer w.mu.Unlock()
		if _, err := w.out.Write(p); err != nil {
			w.dropped.Add(1)
		}
		return len(p), nil
	}
	if len(w.buf)+len(p) > w.size {
		w.mu.Unlock()
		w.dropped.Add(1)
		return len(p), nil
	}
	w.buf = append(w.buf, p...)
	full := len(w.buf) >= w.batch
	w.mu.Unlock()
	if full {
		select {
		case w.wake <- struct{}{}:
		default:
		}
	}
	return len(p), nil
}

// Dropped returns how many lines were dropped so far; 0 on a nil Writer.
func (w *Writer) Dropped() uint64 {
	if w == nil {
		return 0
	}
	return w.dropped.Load()
}

// Close writes every line kept and stops the flusher; it returns once they
// are written. Calling it again does nothing.
func (w *Writer) Close() error {
	w.once.Do(func() { close(w.stop) })
	<-w.done
	return nil
}

// run writes what waits on every wake-up and tick until stopped, then writes
// the rest while holding the lock, so no line slips in behind the last batch.
func (w *Writer) run(tick <-chan time.Time) {
	for {
		select {
		case <-w.wake:
		case <-tick:
		case <-w.stop:
			w.mu.Lock()
			defer w.mu.Unlock()
			w.closed = true
			w.write(w.buf)
			w.buf = nil
			return
		}
		w.mu.Lock()
		batch := w.buf
		w.buf = w.spare[:0]
		w.mu.Unlock()
		w.write(batch)
		w.spare = batch[:0]
	}
}

// write writes batch to the output, counting the lines it failed to write as dropped.
func (w *Writer) write(batch []byte) {
	if len(batch) == 0 {
		return
	}
	n, err := w.out.Write(batch)
	if err != nil && n < len(batch) {
		w.dropped.Add(uint64(bytes.Count(batch[n:], []byte{'\n'})))
	}
}
