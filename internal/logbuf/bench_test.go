package logbuf_test

import (
	"io"
	"log/slog"
	"os"
	"testing"

	"wsgate/internal/logbuf"
)

// BenchmarkCallLine logs a call-sized line to the null device, straight
// (a write syscall per line) and through a Writer.
func BenchmarkCallLine(b *testing.B) {
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devnull.Close()
	for _, bc := range []struct {
		name string
		out  func() (io.Writer, func() uint64)
	}{
		{"direct", func() (io.Writer, func() uint64) { return devnull, func() uint64 { return 0 } }},
		{"buffered", func() (io.Writer, func() uint64) {
			w := logbuf.New(devnull, logbuf.Options{})
			return w, func() uint64 { _ = w.Close(); return w.Dropped() }
		}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			w, done := bc.out()
			log := slog.New(slog.NewTextHandler(w, nil))
			b.ReportAllocs()
			for b.Loop() {
				log.LogAttrs(b.Context(), slog.LevelInfo, "call", slog.String("function", "core_webservice_get_site_info"),
					slog.String("protocol", "rest"), slog.String("outcome", "ok"), slog.Int64("duration", 81234),
					slog.String("remote", "127.0.0.1"), slog.Int64("userid", 2), slog.String("service", "moodle_mobile_app"))
			}
			b.ReportMetric(float64(done())/float64(b.N), "dropped/op")
		})
	}
}
