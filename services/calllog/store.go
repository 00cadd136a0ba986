package calllog

import (
	"context"
	"database/sql"
	"strconv"
	"time"

	"wsgate/internal/db"
)

// Store is the external_calls table.
type Store struct {
	d *db.DB
}

// NewStore returns the call log of d.
func NewStore(d *db.DB) *Store { return &Store{d: d} }

// columns are the stored fields, in the order of Insert's values and scan.
const columns = `timecreated, functionname, protocol, userid, username, serviceid, service, tokenid,
	outcome, durationus, remoteaddr, requestsize`

const perRow = 12

// insertChunk is the most rows one INSERT statement carries.
const insertChunk = 100

// Insert writes entries in one transaction, insertChunk rows per statement.
// On SQLite the placeholders are ? (numbered by position), not $n: SQLite
// looks each $n up in a list as it parses and binds, so a statement of
// 1200 of them costs the square (50 µs an entry at 100 rows), where ?
// costs the same for every one. There the full chunk's statement is
// prepared once per call and run for each full chunk.
func (s *Store) Insert(ctx context.Context, entries []Entry) error {
	positional := s.d.Dialect == db.SQLite
	return s.d.Transact(ctx, func(tx *sql.Tx) error {
		var full *sql.Stmt
		if positional && len(entries) >= 2*insertChunk {
			st, err := tx.PrepareContext(ctx, insertQuery(insertChunk, true))
			if err != nil {
				return err
			}
			defer st.Close()
			full = st
		}
		args := make([]any, 0, min(len(entries), insertChunk)*perRow)
		for len(entries) > 0 {
			n := min(len(entries), insertChunk)
			args = args[:0]
			for i := range entries[:n] {
				args = rowArgs(args, &entries[i])
			}
			var err error
			if full != nil && n == insertChunk {
				_, err = full.ExecContext(ctx, args...)
			} else {
				_, err = tx.ExecContext(ctx, insertQuery(n, positional), args...)
			}
			if err != nil {
				return err
			}
			entries = entries[n:]
		}
		return nil
	})
}

// rowArgs appends the values of e's columns to args.
func rowArgs(args []any, e *Entry) []any {
	return append(args, e.Time.Unix(), clip(e.Function, 255), clip(e.Protocol, 20), e.UserID, clip(e.Username, 100),
		e.ServiceID, clip(e.Service, 255), e.TokenID, clip(e.Outcome, 100), e.Duration.Microseconds(),
		clip(e.RemoteIP, 45), int64(e.Size))
}

// fullInserts are the INSERTs of a full chunk ($n, then ?), built once.
var fullInserts = [2]string{buildInsert(insertChunk, false), buildInsert(insertChunk, true)}

// insertQuery returns the INSERT of n rows, with ? placeholders when
// positional is set and $1.. otherwise.
func insertQuery(n int, positional bool) string {
	if n == insertChunk {
		if positional {
			return fullInserts[1]
		}
		return fullInserts[0]
	}
	return buildInsert(n, positional)
}

// buildInsert writes the INSERT of n rows.
func buildInsert(n int, positional bool) string {
	b := make([]byte, 0, 64+len(columns)+n*perRow*6)
	b = append(b, `INSERT INTO external_calls (`+columns+`) VALUES `...)
	for i := range n {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '(')
		for j := range perRow {
			if j > 0 {
				b = append(b, ',')
			}
			if positional {
				b = append(b, '?')
			} else {
				b = append(b, '$')
				b = strconv.AppendInt(b, int64(i*perRow+j+1), 10)
			}
		}
		b = append(b, ')')
	}
	return string(b)
}

// clip cuts s to at most n bytes on a rune boundary: a name sent by a
// client is recorded, never refused by the column.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && n < len(s) && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}

// pruneLockKey is the PostgreSQL advisory lock that makes one instance at a
// time prune the call log ("wsgate" and 2).
const pruneLockKey int64 = 0x7773_6761_7465_0002

// Prune deletes the rows from before cutoff and, when maxRows > 0, the
// oldest rows beyond maxRows, in one transaction. On PostgreSQL it takes a
// transaction-scoped advisory lock first and does nothing (0, nil) when
// another instance holds it.
func (s *Store) Prune(ctx context.Context, cutoff time.Time, maxRows int64) (int64, error) {
	var deleted int64
	err := s.d.Transact(ctx, func(tx *sql.Tx) error {
		if s.d.Dialect == db.Postgres {
			var locked bool
			if err := tx.QueryRowContext(ctx, `SELECT pg_try_advisory_xact_lock($1)`, pruneLockKey).Scan(&locked); err != nil {
				return err
			}
			if !locked {
				return nil
			}
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM external_calls WHERE timecreated < $1`, cutoff.Unix())
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		deleted += n
		if maxRows <= 0 {
			return nil
		}
		res, err = tx.ExecContext(ctx, `DELETE FROM external_calls WHERE id <= (SELECT id FROM external_calls ORDER BY id DESC LIMIT 1 OFFSET $1)`, maxRows)
		if err != nil {
			return err
		}
		n, _ = res.RowsAffected()
		deleted += n
		return nil
	})
	return deleted, err
}

// Count returns the number of rows.
func (s *Store) Count(ctx context.Context) (int64, error) {
	var n int64
	err := s.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_calls`).Scan(&n)
	return n, db.Translate(err)
}

func scanEntries(rows *sql.Rows) ([]Entry, error) {
	defer rows.Close()
	out := []Entry{}
	for rows.Next() {
		var e Entry
		var at, us, size int64
		if err := rows.Scan(&e.ID, &at, &e.Function, &e.Protocol, &e.UserID, &e.Username, &e.ServiceID, &e.Service,
			&e.TokenID, &e.Outcome, &us, &e.RemoteIP, &size); err != nil {
			return nil, db.Translate(err)
		}
		e.Time, e.Duration, e.Size = time.Unix(at, 0), time.Duration(us)*time.Microsecond, int(size)
		out = append(out, e)
	}
	return out, db.Translate(rows.Err())
}
