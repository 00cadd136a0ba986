package db_test

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/migrations"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		in      string
		dialect db.Dialect
		src     string
		wantErr bool
	}{
		{"sqlite:var/wsgate.db", db.SQLite, "var/wsgate.db", false},
		{"sqlite:///abs/w.db", db.SQLite, "/abs/w.db", false},
		{"postgres://u@h/db", db.Postgres, "postgres://u@h/db", false},
		{"postgresql://u@h/db", db.Postgres, "postgresql://u@h/db", false},
		{"sqlite:", "", "", true},
		{"mysql://x", "", "", true},
		{"", "", "", true},
	}
	for _, tt := range tests {
		d, src, err := db.ParseURL(tt.in)
		if (err != nil) != tt.wantErr || d != tt.dialect || src != tt.src {
			t.Errorf("ParseURL(%q) = %q, %q, %v", tt.in, d, src, err)
		}
	}
}

// schema returns a dialect's description of every table, column and index, to
// compare before and after a down/up cycle.
func schema(t *testing.T, d *db.DB) string {
	t.Helper()
	q := `SELECT type || ' ' || name || ' ' || COALESCE(sql, '') FROM sqlite_master
	      WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name`
	if d.Dialect == db.Postgres {
		q = `SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' ||
		            is_nullable || ' ' || COALESCE(column_default, '')
		     FROM information_schema.columns WHERE table_schema = 'public'
		     UNION ALL
		     SELECT 'index ' || indexname || ' ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
		     UNION ALL
		     SELECT 'constraint ' || conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
		     WHERE connamespace = 'public'::regnamespace
		     ORDER BY 1`
	}
	rows, err := d.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

func TestMigrationsUpDownUp(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			d := dbtest.Open(t, dialect, false)
			if v, _, err := d.MigrationVersion(); err != nil || v != 0 {
				t.Fatalf("fresh version = %d, %v", v, err)
			}
			if err := d.MigrateUp(); err != nil {
				t.Fatal(err)
			}
			first := schema(t, d)
			for _, table := range []string{"external_functions", "external_services", "external_services_functions",
				"external_services_users", "external_tokens", "users", "roles", "role_capabilities", "role_assignments"} {
				if !strings.Contains(first, table) {
					t.Errorf("table %s missing after up", table)
				}
			}
			latest, _ := migrations.Latest(string(dialect))
			if v, dirty, err := d.MigrationVersion(); err != nil || dirty || v != latest {
				t.Fatalf("version after up = %d dirty=%v err=%v, want %d", v, dirty, err, latest)
			}
			if err := d.MigrateUp(); err != nil {
				t.Fatalf("second up: %v", err)
			}
			if err := d.MigrateDown(); err != nil {
				t.Fatal(err)
			}
			if s := schema(t, d); strings.Contains(s, "external_") {
				t.Fatalf("tables left after down:\n%s", s)
			}
			if err := d.MigrateUp(); err != nil {
				t.Fatal(err)
			}
			if again := schema(t, d); again != first {
				t.Errorf("schema differs after down and up:\n%s\nvs\n%s", first, again)
			}
		})
	}
}

func TestConstraintErrors(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		insertService := `INSERT INTO external_services (name, shortname, timecreated) VALUES ($1, $2, 0)`
		if _, err := d.ExecContext(ctx, insertService, "A", "a"); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name  string
			query string
			args  []any
			kind  db.Constraint
		}{
			{"unique name", insertService, []any{"A", "b"}, db.Unique},
			{"unique shortname", insertService, []any{"B", "a"}, db.Unique},
			{"foreign key", `INSERT INTO external_services_users (externalserviceid, userid) VALUES ($1, $2)`, []any{999, 999}, db.ForeignKey},
			{"not null", `INSERT INTO external_services (name, timecreated) VALUES ($1, 0)`, []any{nil}, db.NotNull},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := d.Transact(ctx, func(tx *sql.Tx) error {
					_, err := tx.ExecContext(ctx, tt.query, tt.args...)
					return err
				})
				ce := db.ConstraintOf(err)
				if ce == nil || ce.Kind != tt.kind {
					t.Fatalf("err = %v, want a %s constraint error", err, tt.kind)
				}
				if wsgate.KindOf(err) != wsgate.Conflict || !errors.Is(err, wsgate.ErrConflict) {
					t.Errorf("kind = %v, want conflict", wsgate.KindOf(err))
				}
			})
		}
		// Many services may have no shortname.
		for _, n := range []string{"N1", "N2"} {
			if _, err := d.ExecContext(ctx, insertService, n, nil); err != nil {
				t.Fatalf("null shortname %s: %v", n, err)
			}
		}
		// A failed transaction leaves nothing behind.
		_ = d.Transact(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, insertService, "C", "c"); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, insertService, "C", "c2")
			return err
		})
		var n int
		if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_services WHERE name = $1`, "C").Scan(&n); err != nil || n != 0 {
			t.Errorf("rolled-back row present: n=%d err=%v", n, err)
		}
		err := d.QueryRowContext(ctx, `SELECT id FROM external_services WHERE name = $1`, "nope").Scan(&n)
		if !errors.Is(db.Translate(err), wsgate.ErrNotFound) {
			t.Errorf("no rows = %v, want ErrNotFound", db.Translate(err))
		}
	})
}

func TestDeleteRules(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		exec := func(q string, args ...any) {
			t.Helper()
			if _, err := d.ExecContext(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		exec(`INSERT INTO users (id, username) VALUES (1, 'u'), (2, 'creator')`)
		exec(`INSERT INTO external_services (id, name, timecreated) VALUES (1, 'S', 0)`)
		exec(`INSERT INTO external_functions (name, classname, component) VALUES ('f', 'c', 'x')`)
		exec(`INSERT INTO external_services_functions (externalserviceid, functionname) VALUES (1, 'f')`)
		exec(`INSERT INTO external_services_users (externalserviceid, userid) VALUES (1, 1)`)
		exec(`INSERT INTO external_tokens (tokenhash, userid, externalserviceid, creatorid) VALUES ('h1', 1, 1, 2)`)
		count := func(table string) int {
			var n int
			if err := d.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		exec(`DELETE FROM users WHERE id = 2`)
		var creator sql.NullInt64
		if err := d.QueryRowContext(ctx, `SELECT creatorid FROM external_tokens`).Scan(&creator); err != nil || creator.Valid {
			t.Errorf("creator after delete = %v, %v; want NULL", creator, err)
		}
		exec(`DELETE FROM external_functions WHERE name = 'f'`)
		if n := count("external_services_functions"); n != 0 {
			t.Errorf("links left after function delete: %d", n)
		}
		exec(`DELETE FROM external_services WHERE id = 1`)
		if n := count("external_tokens") + count("external_services_users"); n != 0 {
			t.Errorf("tokens and authorised users left after service delete: %d", n)
		}
	})
}
