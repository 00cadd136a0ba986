package files

import (
	"context"
	"database/sql"
)

// MoveOptions shape a Move.
type MoveOptions struct {
	// Clear empties the target area first.
	Clear bool
	// Rename, when set, chooses the files moved and their new names (ok false leaves a file where it is).
	Rename func(Record) (name string, ok bool)
}

// Move puts the files of from into to, in one transaction, keeping their
// paths (and names unless Rename says otherwise); a file of to at the same
// path is replaced. It returns the moved records.
func (s *Store) Move(ctx context.Context, from, to Area, opts MoveOptions) ([]Record, error) {
	var after []func(bool)
	var moved []Record
	now := s.now().Unix()
	err := s.db.Transact(ctx, func(tx *sql.Tx) error {
		after, moved = nil, nil
		if opts.Clear {
			olds, err := s.query(ctx, tx, `SELECT `+columns+` FROM files WHERE contextid = $1 AND component = $2
				AND filearea = $3 AND itemid = $4`, to.ContextID, to.Component, to.FileArea, to.ItemID)
			if err != nil {
				return err
			}
			for _, o := range olds {
				f, err := s.deleteTx(ctx, tx, o.ID)
				if err != nil {
					return err
				}
				after = append(after, f)
			}
		}
		recs, err := s.query(ctx, tx, `SELECT `+columns+` FROM files WHERE contextid = $1 AND component = $2
			AND filearea = $3 AND itemid = $4 ORDER BY filepath, filename`, from.ContextID, from.Component, from.FileArea, from.ItemID)
		if err != nil {
			return err
		}
		for _, r := range recs {
			name := r.FileName
			if opts.Rename != nil {
				n, ok := opts.Rename(r)
				if !ok {
					continue
				}
				name = n
			}
			hash := PathnameHash(to, r.FilePath, name)
			var oldID int64
			switch err := tx.QueryRowContext(ctx, `SELECT id FROM files WHERE pathnamehash = $1`, hash).Scan(&oldID); {
			case err == nil:
				f, err := s.deleteTx(ctx, tx, oldID)
				if err != nil {
					return err
				}
				after = append(after, f)
			case err != sql.ErrNoRows:
				return err
			}
			_, err := tx.ExecContext(ctx, `UPDATE files SET contextid = $1, component = $2, filearea = $3, itemid = $4,
				filename = $5, pathnamehash = $6, timemodified = $7 WHERE id = $8`,
				to.ContextID, to.Component, to.FileArea, to.ItemID, name, hash, now, r.ID)
			if err != nil {
				return err
			}
			r.Area, r.FileName, r.PathnameHash, r.TimeModified = to, name, hash, now
			moved = append(moved, r)
		}
		return nil
	})
	for _, f := range after {
		f(err == nil)
	}
	return moved, err
}
