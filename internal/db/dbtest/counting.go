package dbtest

import (
	"context"
	"database/sql"
	"sync/atomic"

	"wsgate/internal/db"
)

// Counting wraps a querier and counts every statement that goes through it,
// so tests can show that a path makes no query.
type Counting struct {
	db.Querier
	N *atomic.Int64
}

// Counter returns a wrapper for services.WithQuerier that counts into n.
func Counter(n *atomic.Int64) func(db.Querier) db.Querier {
	return func(q db.Querier) db.Querier { return Counting{Querier: q, N: n} }
}

// ExecContext counts, then runs the statement.
func (c Counting) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	c.N.Add(1)
	return c.Querier.ExecContext(ctx, q, args...)
}

// QueryContext counts, then runs the query.
func (c Counting) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	c.N.Add(1)
	return c.Querier.QueryContext(ctx, q, args...)
}

// QueryRowContext counts, then runs the query.
func (c Counting) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	c.N.Add(1)
	return c.Querier.QueryRowContext(ctx, q, args...)
}
