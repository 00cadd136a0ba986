package calllog_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services/calllog"
)

// TestInsertChunks: batches below, at and past a chunk, and past two (the
// prepared full chunk on SQLite), store every entry with its own fields.
func TestInsertChunks(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := calllog.NewStore(d)
		total := 0
		for _, n := range []int{1, 99, 100, 101, 250, 403} {
			batch := make([]calllog.Entry, n)
			for i := range batch {
				batch[i] = entry(t0.Add(time.Duration(total+i)*time.Second), fmt.Sprintf("fn_%d_%d", n, i), "ann", "ok")
			}
			if err := st.Insert(ctx, batch); err != nil {
				t.Fatalf("%d entries: %v", n, err)
			}
			total += n
			page, err := st.List(ctx, calllog.Filter{}, "", false, 1, 0)
			if err != nil {
				t.Fatal(err)
			}
			if page.Total != total {
				t.Fatalf("after %d entries: %d rows, want %d", n, page.Total, total)
			}
			if got, want := page.Items[0].Function, fmt.Sprintf("fn_%d_%d", n, n-1); got != want {
				t.Errorf("after %d entries: newest row %s, want %s", n, got, want)
			}
		}
	})
}
