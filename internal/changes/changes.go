// Package changes tells every gateway process sharing a store that
// authorization data changed: writers bump a counter in the store, and each
// serving process polls it off the call path and drops its caches when it moves.
package changes

import (
	"context"
	"log/slog"
	"time"

	"wsgate/internal/db"
)

// Bump records that a change was committed.
func Bump(ctx context.Context, d *db.DB) error {
	_, err := d.ExecContext(ctx, `UPDATE change_generation SET generation = generation + 1 WHERE id = 1`)
	return db.Translate(err)
}

// Generation returns the current count.
func Generation(ctx context.Context, d *db.DB) (int64, error) {
	var g int64
	err := d.QueryRowContext(ctx, `SELECT generation FROM change_generation WHERE id = 1`).Scan(&g)
	return g, db.Translate(err)
}

// Watch polls the count every interval until ctx is done and calls changed
// whenever it moved since the previous poll (not for the first reading).
// Errors are logged and the poll goes on.
func Watch(ctx context.Context, d *db.DB, interval time.Duration, log *slog.Logger, changed func()) {
	last, err := Generation(ctx, d)
	known := err == nil
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		g, err := Generation(ctx, d)
		if err != nil {
			if ctx.Err() == nil {
				log.Warn("poll change generation", "error", err)
			}
			continue
		}
		if known && g != last {
			changed()
		}
		last, known = g, true
	}
}
