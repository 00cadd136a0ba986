package db_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

func TestUnreachable(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"refused", &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}, true},
		{"reset", fmt.Errorf("read: %w", syscall.ECONNRESET), true},
		{"eof", fmt.Errorf("receive message: %w", io.ErrUnexpectedEOF), true},
		{"admin shutdown", &pgconn.PgError{Code: "57P01"}, true},
		{"connection failure", &pgconn.PgError{Code: "08006"}, true},
		{"syntax error", &pgconn.PgError{Code: "42601"}, false},
		{"unique violation", &pgconn.PgError{Code: "23505"}, false},
		{"cancelled", fmt.Errorf("query: %w", context.Canceled), false},
		{"deadline", context.DeadlineExceeded, false},
		{"other", errors.New("something else"), false},
	}
	for _, c := range cases {
		if got := db.Unreachable(c.err); got != c.want {
			t.Errorf("%s: Unreachable = %v, want %v", c.name, got, c.want)
		}
	}
	if err := db.Translate(&net.OpError{Op: "dial", Err: syscall.ECONNREFUSED}); !errors.Is(err, wsgate.ErrDMLRead) {
		t.Errorf("Translate(refused) = %v, want dmlreadexception", err)
	}
	if err := db.TranslateWrite(io.EOF); !errors.Is(err, wsgate.ErrDMLWrite) || wsgate.KindOf(err) != wsgate.Unavailable {
		t.Errorf("TranslateWrite(EOF) = %v, want dmlwriteexception", err)
	}
	if err := db.TranslateWrite(db.Translate(io.EOF)); !errors.Is(err, wsgate.ErrDMLWrite) {
		t.Errorf("a read outage inside a write = %v, want dmlwriteexception", err)
	}
}

// TestOutageOnPostgres cuts the connection to PostgreSQL: reads answer
// dmlreadexception, writes and transactions dmlwriteexception, the cause in
// debuginfo; after the outage the store works again.
func TestOutageOnPostgres(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skipf("%s is not set", dbtest.PostgresEnv)
	}
	u, proxy := dbtest.PostgresURLThrough(t)
	ctx := context.Background()
	d, err := db.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if err := d.MigrateUp(); err != nil {
		t.Fatal(err)
	}
	read := func() error {
		var n int
		return db.Translate(d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n))
	}
	if err := read(); err != nil {
		t.Fatal(err)
	}
	proxy.Cut()
	rows, err := d.QueryContext(ctx, `SELECT id FROM users`)
	if err == nil {
		rows.Close()
	}
	checks := []struct {
		name string
		err  error
		want *wsgate.Error
	}{
		{"QueryContext", err, wsgate.ErrDMLRead},
		{"QueryRowContext", read(), wsgate.ErrDMLRead},
		{"ExecContext", func() error {
			_, err := d.ExecContext(ctx, `UPDATE users SET firstname = 'x' WHERE id = 0`)
			return err
		}(), wsgate.ErrDMLWrite},
		{"Transact", d.Transact(ctx, func(tx *sql.Tx) error {
			_, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = 0`)
			return err
		}), wsgate.ErrDMLWrite},
	}
	for _, c := range checks {
		e := wsgate.AsError(c.err)
		t.Logf("%s: %v", c.name, c.err)
		if !errors.Is(c.err, c.want) || e.DebugInfo == "" || e.Err == nil {
			t.Errorf("%s during the outage: %v, want %s with the cause", c.name, c.err, c.want.Code)
		}
	}
	proxy.Restore()
	if err := read(); err != nil {
		t.Errorf("read after the outage: %v", err)
	}
}
