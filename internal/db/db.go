package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/jackc/pgx/v5/stdlib"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Dialect names a supported SQL database.
type Dialect string

// Supported dialects.
const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is an open store. The embedded *sql.DB is the writer, where transactions
// run: on SQLite one connection, as SQLite takes one writer at a time. Read is
// where reads outside transactions go: on SQLite a pool of query_only
// connections, which WAL lets read while a write is under way; on PostgreSQL
// the same pool as the writer. ExecContext, QueryContext and QueryRowContext
// route by statement (see Querier), so callers need not choose; the pgx pool
// on PostgreSQL serves what database/sql cannot do (LISTEN/NOTIFY).
type DB struct {
	*sql.DB
	Read    *sql.DB
	Dialect Dialect
	Pool    *pgxpool.Pool // nil on SQLite
	URL     string        // as configured, password included: print Redact(URL)
	dsn     string        // the SQLite writer's data source
	stmts   *statements
}

// SQLite pool sizes: one writer, several readers.
const sqliteReaders = 8

// ParseURL splits a database URL into its dialect and the driver's data source:
// "sqlite:PATH" (PATH relative to the working directory) or "postgres://...".
func ParseURL(raw string) (Dialect, string, error) {
	switch {
	case strings.HasPrefix(raw, "sqlite:"):
		path := strings.TrimPrefix(raw, "sqlite:")
		path = strings.TrimPrefix(path, "//")
		if path == "" {
			return "", "", fmt.Errorf("sqlite URL %q names no file", Redact(raw))
		}
		return SQLite, path, nil
	case strings.HasPrefix(raw, "postgres://"), strings.HasPrefix(raw, "postgresql://"):
		if _, err := url.Parse(raw); err != nil {
			// A *url.Error quotes the whole URL, password included: keep only its reason.
			var ue *url.Error
			if errors.As(err, &ue) {
				err = ue.Err
			}
			return "", "", fmt.Errorf("bad postgres URL %q: %v", Redact(raw), err)
		}
		return Postgres, raw, nil
	}
	return "", "", fmt.Errorf("database URL %q must start with sqlite: or postgres://", Redact(raw))
}

// Open connects to the store named by rawURL and checks that it answers.
func Open(ctx context.Context, rawURL string) (*DB, error) {
	dialect, src, err := ParseURL(rawURL)
	if err != nil {
		return nil, err
	}
	if dialect == SQLite {
		return openSQLite(ctx, src, rawURL)
	}
	return openPostgres(ctx, src, rawURL)
}

func openSQLite(ctx context.Context, path, rawURL string) (*DB, error) {
	if dir := filepath.Dir(path); dir != "." {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create database directory: %w", err)
		}
	}
	common := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=busy_timeout(10000)"
	dsn := common + "&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	// The writer comes first: it creates the file and turns WAL on for every connection.
	w, err := openSQLitePool(ctx, dsn, 1)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	r, err := openSQLitePool(ctx, common+"&_pragma=query_only(1)", sqliteReaders)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open sqlite %s for reading: %w", path, err)
	}
	return &DB{DB: w, Read: r, Dialect: SQLite, URL: rawURL, dsn: dsn, stmts: newStatements(r, w, true)}, nil
}

func openSQLitePool(ctx context.Context, dsn string, conns int) (*sql.DB, error) {
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(conns)
	sdb.SetMaxIdleConns(conns)
	sdb.SetConnMaxIdleTime(0)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, err
	}
	return sdb, nil
}

func openPostgres(ctx context.Context, src, rawURL string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(src)
	if err != nil {
		return nil, fmt.Errorf("bad postgres URL %q: %w", Redact(rawURL), err)
	}
	if cfg.MaxConnIdleTime == 0 {
		cfg.MaxConnIdleTime = 5 * time.Minute
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("connect to postgres %s: %w", Redact(rawURL), err)
	}
	sdb := stdlib.OpenDBFromPool(pool)
	return &DB{DB: sdb, Read: sdb, Dialect: Postgres, Pool: pool, URL: rawURL, stmts: newStatements(sdb, sdb, false)}, nil
}

// Close closes the store.
func (d *DB) Close() error {
	err := d.stmts.close()
	if d.Read != d.DB {
		if e := d.Read.Close(); err == nil {
			err = e
		}
	}
	if e := d.DB.Close(); err == nil {
		err = e
	}
	if d.Pool != nil {
		d.Pool.Close()
	}
	return err
}

// Querier is what *DB, *sql.DB and *sql.Tx offer; store code takes it so the
// same method runs inside or outside a transaction. On *DB a query starting
// with SELECT runs on the read pool as a statement prepared on its first use
// and reused after; other statements run on the writer.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// ExecContext runs a statement on the writer.
func (d *DB) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return d.stmts.ExecContext(ctx, query, args...)
}

// QueryContext runs a query: a SELECT as a cached prepared statement on the
// read pool, anything else on the writer.
func (d *DB) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return d.stmts.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query expected to return at most one row, routed
// as QueryContext.
func (d *DB) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return d.stmts.QueryRowContext(ctx, query, args...)
}

// Prepares counts the statements the cache has prepared (for tests); always
// 0 on PostgreSQL, where pgx keeps prepared statements per connection itself.
func (d *DB) Prepares() int64 { return d.stmts.prepares.Load() }

// Transact runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise (also on panic). Driver errors come back typed (see
// Translate); an unreachable store is wsgate.ErrDMLWrite, even when the
// statement that met the outage was a read.
func (d *DB) Transact(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return TranslateWrite(err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	if err = fn(tx); err != nil {
		return TranslateWrite(err)
	}
	return TranslateWrite(tx.Commit())
}

// Handle returns a new *sql.DB on the same store, for a user that closes its
// handle when done (golang-migrate does). On PostgreSQL it shares the pool.
func (d *DB) Handle() (*sql.DB, error) {
	if d.Pool != nil {
		return stdlib.OpenDBFromPool(d.Pool), nil
	}
	return sql.Open("sqlite", d.dsn)
}
