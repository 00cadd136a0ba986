package calllog_test

import (
	"context"
	"testing"
	"time"

	"wsgate/internal/db/dbtest"
	"wsgate/services/calllog"
)

// BenchmarkInsert is one Recorder batch (500 entries, the default) written
// to the store, reported per entry.
func BenchmarkInsert(b *testing.B) {
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			st := calllog.NewStore(dbtest.Open(b, dialect, true))
			batch := make([]calllog.Entry, 500)
			for i := range batch {
				batch[i] = entry(t0.Add(time.Duration(i)*time.Millisecond), "core_webservice_get_site_info", "admin", "ok")
			}
			b.ReportAllocs()
			for b.Loop() {
				if err := st.Insert(context.Background(), batch); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/entry")
		})
	}
}
