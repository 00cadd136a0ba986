package files

import (
	"context"
	"os"
	"path/filepath"
	"strings"
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

// TestSweepRestoresAContentStillReferenced: a content left in trash/ by a
// crash before its delete committed is put back; one no row names is removed.
func TestSweepRestoresAContentStillReferenced(t *testing.T) {
	d := dbtest.Open(t, db.SQLite, true)
	dir := t.TempDir()
	disk, err := NewDisk(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := NewStore(d, disk)
	ctx := context.Background()
	st, err := s.Stage(ctx, strings.NewReader("kept"), 100)
	if err != nil {
		t.Fatal(err)
	}
	added, _, err := s.Add(ctx, []NewFile{{Record: Record{Area: DraftArea(1, 1), FilePath: "/", FileName: "k"}, Content: st}}, AddOptions{})
	if err != nil {
		t.Fatal(err)
	}
	hash := added[0].ContentHash
	old := time.Now().Add(-48 * time.Hour)
	crashed := filepath.Join(dir, "trash", hash+".x")
	orphan := filepath.Join(dir, "trash", strings.Repeat("ab", 20)+".y")
	if err := os.Rename(disk.path(hash), crashed); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphan, []byte("gone"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{crashed, orphan} {
		_ = os.Chtimes(p, old, old)
	}
	if _, _, err := s.SweepDrafts(ctx, 1000*time.Hour); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(disk.path(hash)); err != nil {
		t.Fatalf("the referenced content was not put back: %v", err)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Fatalf("the orphan is still there: %v", err)
	}
}
