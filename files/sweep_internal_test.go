package files

import (
	"context"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// TestSweepRunsOnOneInstanceAtATime: while another holds the advisory lock,
// a sweep on PostgreSQL does nothing and says so.
func TestSweepRunsOnOneInstanceAtATime(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		if dialect != db.Postgres {
			continue
		}
		d := dbtest.Open(t, dialect, true)
		s := NewStore(d, NewChunks(d))
		ctx := context.Background()
		tx, err := d.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, sweepLock); err != nil {
			t.Fatal(err)
		}
		if _, ran, err := s.SweepDrafts(ctx, time.Hour); err != nil || ran {
			t.Fatalf("sweep under another's lock: ran %v, %v", ran, err)
		}
		_ = tx.Rollback()
		if _, ran, err := s.SweepDrafts(ctx, time.Hour); err != nil || !ran {
			t.Fatalf("sweep after the lock: ran %v, %v", ran, err)
		}
	}
}
