package db_test

import (
	"context"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// benchRead is the shape of the store's hot read: one user by a unique column.
const benchRead = `SELECT id, username, firstname, lastname, email FROM users WHERE username = $1`

// BenchmarkRead compares, on every configured dialect, one indexed read made
// through the store's path (the cached prepared statement on the read pool)
// with the same read unprepared on database/sql and, on PostgreSQL, straight
// on the pgx pool (no database/sql), all from parallel goroutines.
func BenchmarkRead(b *testing.B) {
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			d := dbtest.Open(b, dialect, true)
			ctx := context.Background()
			for _, u := range []string{"alice", "bob", "carol"} {
				if _, err := d.ExecContext(ctx, `INSERT INTO users (username, firstname, lastname, email) VALUES ($1, 'F', 'L', 'e@x')`, u); err != nil {
					b.Fatal(err)
				}
			}
			type row struct {
				id                    int64
				name, first, last, em string
			}
			ways := []struct {
				name string
				read func(r *row) error
			}{
				{"store", func(r *row) error {
					return d.QueryRowContext(ctx, benchRead, "bob").Scan(&r.id, &r.name, &r.first, &r.last, &r.em)
				}},
				{"database-sql-unprepared", func(r *row) error {
					return d.Read.QueryRowContext(ctx, benchRead, "bob").Scan(&r.id, &r.name, &r.first, &r.last, &r.em)
				}},
			}
			if dialect == db.Postgres {
				ways = append(ways, struct {
					name string
					read func(r *row) error
				}{"pgxpool", func(r *row) error {
					return d.Pool.QueryRow(ctx, benchRead, "bob").Scan(&r.id, &r.name, &r.first, &r.last, &r.em)
				}})
			}
			for _, w := range ways {
				b.Run(w.name, func(b *testing.B) {
					b.ReportAllocs()
					b.RunParallel(func(pb *testing.PB) {
						var r row
						for pb.Next() {
							if err := w.read(&r); err != nil || r.name != "bob" {
								b.Errorf("read: %v %q", err, r.name)
								return
							}
						}
					})
				})
			}
		})
	}
}
