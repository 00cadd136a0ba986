package db

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"sync/atomic"
)

// maxCachedStatements bounds the statement cache; reads past it run unprepared.
const maxCachedStatements = 256

// statements routes the store's statements: a query that starts with SELECT
// runs on the read pool, when prepare is set as a statement prepared on first
// use and kept for the next; everything else (and every Exec) runs on the
// writer, unprepared. A read whose preparation fails runs unprepared, so its
// error comes back as the driver gives it. An unreachable store's error is
// typed here (wsgate.ErrDMLRead for a read, ErrDMLWrite otherwise); that of
// a QueryRowContext comes at Scan, typed by the caller's Translate.
//
// On PostgreSQL prepare is off: pgx already keeps a prepared statement per
// query on each of its connections, while a *sql.Stmt over
// stdlib.OpenDBFromPool (which keeps no idle database/sql connection) would
// prepare again on every use.
type statements struct {
	read, write *sql.DB
	prepare     bool

	mu       sync.RWMutex
	byQuery  map[string]*sql.Stmt
	prepares atomic.Int64
}

func newStatements(read, write *sql.DB, prepare bool) *statements {
	return &statements{read: read, write: write, prepare: prepare, byQuery: make(map[string]*sql.Stmt)}
}

// isRead reports whether query only reads, so it may go to the read pool.
func isRead(query string) bool {
	q := strings.TrimLeft(query, " \t\r\n")
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

// stmt returns the prepared statement of a read, preparing it on first use;
// nil when it cannot be prepared or the cache is full. The lock is never held
// while preparing: two first uses may both prepare, and one statement is kept.
func (s *statements) stmt(ctx context.Context, query string) *sql.Stmt {
	if !s.prepare {
		return nil
	}
	s.mu.RLock()
	st, ok := s.byQuery[query]
	full := len(s.byQuery) >= maxCachedStatements
	s.mu.RUnlock()
	if ok {
		return st
	}
	if full {
		return nil
	}
	st, err := s.read.PrepareContext(ctx, query)
	if err != nil {
		return nil
	}
	s.prepares.Add(1)
	s.mu.Lock()
	defer s.mu.Unlock()
	if kept, ok := s.byQuery[query]; ok {
		_ = st.Close()
		return kept
	}
	if len(s.byQuery) >= maxCachedStatements {
		_ = st.Close()
		return nil
	}
	s.byQuery[query] = st
	return st
}

// ExecContext runs a statement on the writer.
func (s *statements) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := s.write.ExecContext(ctx, query, args...)
	return res, outage(err, true)
}

// QueryContext runs a query: a SELECT prepared on the read pool, anything
// else (INSERT ... RETURNING) on the writer.
func (s *statements) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if !isRead(query) {
		rows, err := s.write.QueryContext(ctx, query, args...)
		return rows, outage(err, true)
	}
	var rows *sql.Rows
	var err error
	if st := s.stmt(ctx, query); st != nil {
		rows, err = st.QueryContext(ctx, args...)
	} else {
		rows, err = s.read.QueryContext(ctx, query, args...)
	}
	return rows, outage(err, false)
}

// QueryRowContext runs a query expected to return at most one row, routed as
// QueryContext.
func (s *statements) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if !isRead(query) {
		return s.write.QueryRowContext(ctx, query, args...)
	}
	if st := s.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return s.read.QueryRowContext(ctx, query, args...)
}

// close closes every cached statement.
func (s *statements) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var first error
	for k, st := range s.byQuery {
		if err := st.Close(); err != nil && first == nil {
			first = err
		}
		delete(s.byQuery, k)
	}
	return first
}
