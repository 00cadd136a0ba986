// Package dbtest gives tests an isolated store of each dialect: a SQLite file in
// the test's temporary directory, and, when WSGATE_TEST_POSTGRES_URL is set, a
// fresh PostgreSQL database dropped at the end of the test. An unreachable
// PostgreSQL fails the test; it never skips.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/jackc/pgx/v5"

	"wsgate/internal/db"
)

// PostgresEnv names the variable that holds the admin URL of the test server.
const PostgresEnv = "WSGATE_TEST_POSTGRES_URL"

// Dialects lists the dialects to test: SQLite always, PostgreSQL when configured.
func Dialects() []db.Dialect {
	if os.Getenv(PostgresEnv) != "" {
		return []db.Dialect{db.SQLite, db.Postgres}
	}
	return []db.Dialect{db.SQLite}
}

// URL returns the URL of a new, empty store of the dialect, removed when t ends.
func URL(t testing.TB, dialect db.Dialect) string {
	t.Helper()
	if dialect == db.SQLite {
		return "sqlite:" + filepath.Join(t.TempDir(), "wsgate.db")
	}
	return postgresURL(t)
}

// Open returns an open store of the dialect, migrated up when migrated is true.
func Open(t testing.TB, dialect db.Dialect, migrated bool) *db.DB {
	t.Helper()
	d, err := db.Open(context.Background(), URL(t, dialect))
	if err != nil {
		t.Fatalf("open %s store: %v", dialect, err)
	}
	t.Cleanup(func() { d.Close() })
	if migrated {
		if err := d.MigrateUp(); err != nil {
			t.Fatalf("migrate %s store: %v", dialect, err)
		}
	}
	return d
}

// Each runs fn as a subtest on a migrated store of every dialect to test.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, dialect := range Dialects() {
		t.Run(string(dialect), func(t *testing.T) { fn(t, Open(t, dialect, true)) })
	}
}

func postgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		t.Fatalf("%s is not set", PostgresEnv)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, admin)
	if err != nil {
		t.Fatalf("PostgreSQL at %s is unreachable: %v", PostgresEnv, err)
	}
	defer conn.Close(ctx)
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "wsgate_test_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, admin)
		if err != nil {
			t.Errorf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("drop test database %s: %v", name, err)
		}
	})
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("bad %s: %v", PostgresEnv, err)
	}
	u.Path = "/" + name
	return u.String()
}
