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

// insertChunk is the most rows one INSERT statement carries on PostgreSQL.
const insertChunk = 100

// Insert writes entries in one transaction. On PostgreSQL a statement
// carries insertChunk rows; on SQLite one row's INSERT is prepared once and
// run per entry: SQLite looks each $n placeholder up in a list as it parses
// and binds, so a statement of many rows costs the square of its
// placeholders (50 µs an entry at 100 rows, 1200 placeholders).
func (s *Store) Insert(ctx context.Context, entries []Entry) error {
	return s.d.Transact(ctx, func(tx *sql.Tx) error {
		if s.d.Dialect == db.SQLite {
			return insertEach(ctx, tx, entries)
		}
		for len(entries) > 0 {
			n := min(len(entries), insertChunk)
			if err := insertRows(ctx, tx, entries[:n]); err != nil {
				return err
			}
			entries = entries[n:]
		}
		return nil
	})
}

// insertEach runs one row's INSERT, prepared once, for every entry.
func insertEach(ctx context.Context, tx *sql.Tx, entries []Entry) error {
	st, err := tx.PrepareContext(ctx, insertQuery(1))
	if err != nil {
		return err
	}
	defer st.Close()
	for i := range entries {
		if _, err := st.ExecContext(ctx, rowArgs(make([]any, 0, perRow), &entries[i])...); err != nil {
			return err
		}
	}
	return nil
}

// rowArgs appends the values of e's columns to args.
func rowArgs(args []any, e *Entry) []any {
	return append(args, e.Time.Unix(), clip(e.Function, 255), clip(e.Protocol, 20), e.UserID, clip(e.Username, 100),
		e.ServiceID, clip(e.Service, 255), e.TokenID, clip(e.Outcome, 100), e.Duration.Microseconds(),
		clip(e.RemoteIP, 45), int64(e.Size))
}

func insertRows(ctx context.Context, tx *sql.Tx, rows []Entry) error {
	args := make([]any, 0, len(rows)*perRow)
	for i := range rows {
		args = rowArgs(args, &rows[i])
	}
	_, err := tx.ExecContext(ctx, insertQuery(len(rows)), args...)
	return err
}

// fullInsert and oneInsert are the INSERTs of a full chunk and of one row, built once.
var fullInsert, oneInsert = buildInsert(insertChunk), buildInsert(1)

// insertQuery returns the INSERT of n rows.
func insertQuery(n int) string {
	switch n {
	case insertChunk:
		return fullInsert
	case 1:
		return oneInsert
	}
	return buildInsert(n)
}

// buildInsert writes the INSERT of n rows with $1.. placeholders.
func buildInsert(n int) string {
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
			b = append(b, '$')
			b = strconv.AppendInt(b, int64(i*perRow+j+1), 10)
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
