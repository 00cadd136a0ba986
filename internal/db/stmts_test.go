package db_test

import (
	"context"
	"database/sql"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// TestReadsWhileWriting: reads outside a transaction are answered, with the
// committed data, while a write transaction holds the writer.
func TestReadsWhileWriting(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.ExecContext(ctx, `INSERT INTO users (username) VALUES ('before')`); err != nil {
			t.Fatal(err)
		}
		inTx := make(chan struct{})
		release := make(chan struct{})
		txDone := make(chan error, 1)
		go func() {
			txDone <- d.Transact(ctx, func(tx *sql.Tx) error {
				if _, err := tx.ExecContext(ctx, `INSERT INTO users (username) VALUES ('during')`); err != nil {
					return err
				}
				close(inTx)
				<-release
				return nil
			})
		}()
		<-inTx
		rctx, cancel := context.WithTimeout(ctx, 30*time.Second)
		defer cancel()
		var wg sync.WaitGroup
		errs := make(chan error, 16)
		for range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var names []string
				rows, err := d.QueryContext(rctx, `SELECT username FROM users ORDER BY id`)
				if err != nil {
					errs <- err
					return
				}
				defer rows.Close()
				for rows.Next() {
					var n string
					if err := rows.Scan(&n); err != nil {
						errs <- err
						return
					}
					names = append(names, n)
				}
				if err := rows.Err(); err != nil {
					errs <- err
					return
				}
				if strings.Join(names, ",") != "before" {
					errs <- &readError{names}
				}
			}()
		}
		wg.Wait()
		close(release)
		if err := <-txDone; err != nil {
			t.Fatal(err)
		}
		close(errs)
		for err := range errs {
			t.Error(err)
		}
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n != 2 {
			t.Errorf("after commit: %d users, %v; want 2", n, err)
		}
	})
}

type readError struct{ names []string }

func (e *readError) Error() string {
	return "read during the transaction saw " + strings.Join(e.names, ",") + ", want before"
}

// TestReadPoolRefusesWrites: on SQLite the read connections are query_only.
func TestReadPoolRefusesWrites(t *testing.T) {
	d := dbtest.Open(t, db.SQLite, true)
	ctx := context.Background()
	if _, err := d.Read.ExecContext(ctx, `INSERT INTO users (username) VALUES ('sneaky')`); err == nil ||
		!strings.Contains(err.Error(), "readonly") {
		t.Fatalf("write on the read pool: %v, want a read-only error", err)
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n != 0 {
		t.Errorf("users = %d, %v; want 0", n, err)
	}
	// A statement that is not a SELECT goes to the writer even through QueryContext.
	var id int64
	if err := d.QueryRowContext(ctx, `INSERT INTO users (username) VALUES ('ok') RETURNING id`).Scan(&id); err != nil {
		t.Fatalf("INSERT ... RETURNING through the store's querier: %v", err)
	}
}

// TestStatementCache: on SQLite a read is prepared once and reused; writes and failed
// preparations are not cached, and errors come back as the driver gives them.
func TestStatementCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		base := d.Prepares()
		read := `SELECT COUNT(*) FROM users WHERE username = $1`
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 20 {
					var n int
					if err := d.QueryRowContext(ctx, read, "x").Scan(&n); err != nil {
						t.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
		// Concurrent first uses may each prepare; one statement is kept. On
		// PostgreSQL pgx caches statements per connection, the cache prepares none.
		lo, hi := int64(1), int64(8)
		if d.Dialect == db.Postgres {
			lo, hi = 0, 0
		}
		if got := d.Prepares() - base; got < lo || got > hi {
			t.Fatalf("prepares after 160 concurrent reads = %d, want %d..%d", got, lo, hi)
		}
		settled := d.Prepares()
		for range 50 {
			rows, err := d.QueryContext(ctx, read, "y")
			if err != nil {
				t.Fatal(err)
			}
			rows.Close()
		}
		if got := d.Prepares() - settled; got != 0 {
			t.Errorf("prepares after 50 more reads = %d, want 0", got)
		}
		for i := range 5 {
			if _, err := d.ExecContext(ctx, `INSERT INTO users (username) VALUES ($1)`, "u"+string(rune('a'+i))); err != nil {
				t.Fatal(err)
			}
		}
		if got := d.Prepares() - settled; got != 0 {
			t.Errorf("writes prepared %d statements, want 0", got)
		}
		if err := d.QueryRowContext(ctx, `SELECT nope FROM users`).Scan(new(int)); err == nil ||
			!strings.Contains(err.Error(), "nope") {
			t.Errorf("bad query: %v, want the driver's error naming the column", err)
		}
		var n int
		if err := d.QueryRowContext(ctx, read, "ua").Scan(&n); err != nil || n != 1 {
			t.Errorf("cached read sees %d, %v; want 1", n, err)
		}
	})
}
