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

// DB is an open store: a *sql.DB for both dialects, plus the pgx pool on
// PostgreSQL for what database/sql cannot do (LISTEN/NOTIFY).
type DB struct {
	*sql.DB
	Dialect Dialect
	Pool    *pgxpool.Pool // nil on SQLite
	URL     string
	dsn     string // the SQLite driver's data source
}

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
	dsn := "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)" +
		"&_pragma=busy_timeout(10000)&_pragma=synchronous(NORMAL)&_txlock=immediate"
	sdb, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	sdb.SetMaxOpenConns(8)
	sdb.SetMaxIdleConns(8)
	sdb.SetConnMaxIdleTime(0)
	if err := sdb.PingContext(ctx); err != nil {
		sdb.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return &DB{DB: sdb, Dialect: SQLite, URL: rawURL, dsn: dsn}, nil
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
	return &DB{DB: stdlib.OpenDBFromPool(pool), Dialect: Postgres, Pool: pool, URL: rawURL}, nil
}

// Close closes the store.
func (d *DB) Close() error {
	err := d.DB.Close()
	if d.Pool != nil {
		d.Pool.Close()
	}
	return err
}

// Querier is what both *sql.DB and *sql.Tx offer; store code takes it so the same
// method runs inside or outside a transaction.
type Querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// Transact runs fn in a transaction, committing when fn returns nil and rolling
// back otherwise (also on panic). Driver errors come back typed (see Translate).
func (d *DB) Transact(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	tx, err := d.BeginTx(ctx, nil)
	if err != nil {
		return Translate(err)
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
		return Translate(err)
	}
	return Translate(tx.Commit())
}

// Handle returns a new *sql.DB on the same store, for a user that closes its
// handle when done (golang-migrate does). On PostgreSQL it shares the pool.
func (d *DB) Handle() (*sql.DB, error) {
	if d.Pool != nil {
		return stdlib.OpenDBFromPool(d.Pool), nil
	}
	return sql.Open("sqlite", d.dsn)
}
