package changes_test

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"wsgate/internal/changes"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

func TestBumpAndWatch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var seen atomic.Int32
		done := make(chan struct{})
		go func() {
			changes.Watch(ctx, d, 10*time.Millisecond, slog.New(slog.NewTextHandler(io.Discard, nil)), func() { seen.Add(1) })
			close(done)
		}()
		time.Sleep(50 * time.Millisecond)
		if seen.Load() != 0 {
			t.Fatal("changed called without a change")
		}
		if err := changes.Bump(ctx, d); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(5 * time.Second)
		for seen.Load() == 0 && time.Now().Before(deadline) {
			time.Sleep(10 * time.Millisecond)
		}
		if seen.Load() != 1 {
			t.Fatalf("changed called %d times after one bump, want 1", seen.Load())
		}
		if g, err := changes.Generation(ctx, d); err != nil || g != 1 {
			t.Errorf("generation = %d, %v", g, err)
		}
		cancel()
		<-done
	})
}
