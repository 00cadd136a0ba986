package files

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"time"

	"wsgate/internal/db"
)

// sweepLock is the PostgreSQL advisory lock key of the draft sweep ("wsgfiles").
const sweepLock int64 = 0x77736766696c6573

// stagedTTL is how old a staged content must be before the sweep takes it
// for the leftover of a crash.
const stagedTTL = 24 * time.Hour

// SweepDrafts removes draft files last modified more than ttl ago, every
// file of a deleted user (Moodle removes a user's files with the account;
// here the account's deletion leaves them to the next sweep), their
// contents with their last file, and staged contents a crash left behind. On PostgreSQL it runs under an advisory lock, so that of several
// instances one sweeps at a time; ran is false when another held it.
func (s *Store) SweepDrafts(ctx context.Context, ttl time.Duration) (removed int, ran bool, err error) {
	now := s.now()
	var after []func(bool)
	err = s.db.Transact(ctx, func(tx *sql.Tx) error {
		removed, after = 0, nil
		if s.db.Dialect == db.Postgres {
			if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, sweepLock).Scan(&ran); err != nil || !ran {
				return err
			}
		}
		ran = true
		rows, err := s.query(ctx, tx, `SELECT `+columns+` FROM files WHERE component = $1 AND filearea = $2
			AND timemodified < $3`, ComponentUser, AreaDraft, now.Add(-ttl).Unix())
		if err != nil {
			return err
		}
		orphans, err := s.query(ctx, tx, `SELECT `+columns+` FROM files
			WHERE userid IN (SELECT id FROM users WHERE deleted = TRUE)`)
		if err != nil {
			return err
		}
		seen := map[int64]bool{} // an old draft of a deleted user is in both lists
		for _, r := range append(rows, orphans...) {
			if seen[r.ID] {
				continue
			}
			seen[r.ID] = true
			f, err := s.deleteTx(ctx, tx, r.ID)
			if err != nil {
				return err
			}
			after = append(after, f)
			removed++
		}
		return nil
	})
	for _, f := range after {
		f(err == nil)
	}
	if err != nil || !ran {
		return 0, ran, err
	}
	return removed, true, s.content.sweep(ctx, now.Add(-stagedTTL).Unix(), func(hash string) (bool, error) {
		var one int
		err := s.db.QueryRowContext(ctx, `SELECT 1 FROM file_contents WHERE contenthash = $1`, hash).Scan(&one)
		if errors.Is(err, sql.ErrNoRows) {
			return false, nil
		}
		return err == nil, err
	})
}

// RunSweeper sweeps drafts every interval until ctx is done, logging what it removed.
func (s *Store) RunSweeper(ctx context.Context, interval, ttl time.Duration, log *slog.Logger) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		n, ran, err := s.SweepDrafts(ctx, ttl)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("draft file sweep", "error", err)
		case ran && n > 0:
			log.Info("old drafts and deleted users' files removed", "files", n, "drafts_older_than", ttl)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
