// Package migrations holds the gateway's schema as golang-migrate SQL files,
// one folder per dialect, embedded in the binary, and runs them.
package migrations

import (
	"database/sql"
	"embed"
	"errors"
	"fmt"

	"github.com/golang-migrate/migrate/v4"
	mpgx "github.com/golang-migrate/migrate/v4/database/pgx/v5"
	msqlite "github.com/golang-migrate/migrate/v4/database/sqlite"
	"github.com/golang-migrate/migrate/v4/source/iofs"
)

// FS holds the migration files: postgres/*.sql and sqlite/*.sql.
//
//go:embed postgres/*.sql sqlite/*.sql
var FS embed.FS

// Dialects are the folder names, one per supported database.
var Dialects = []string{"postgres", "sqlite"}

func newMigrate(db *sql.DB, dialect string) (*migrate.Migrate, error) {
	src, err := iofs.New(FS, dialect)
	if err != nil {
		return nil, fmt.Errorf("migrations for %s: %w", dialect, err)
	}
	switch dialect {
	case "sqlite":
		drv, err := msqlite.WithInstance(db, &msqlite.Config{})
		if err != nil {
			return nil, err
		}
		return migrate.NewWithInstance("iofs", src, "sqlite", drv)
	case "postgres":
		drv, err := mpgx.WithInstance(db, &mpgx.Config{})
		if err != nil {
			return nil, err
		}
		return migrate.NewWithInstance("iofs", src, "pgx5", drv)
	}
	return nil, fmt.Errorf("unknown dialect %q", dialect)
}

// run opens a migrate instance on db, applies op and closes the instance, which
// closes db: callers hand over a handle of its own (the pgx driver holds a
// connection until Close).
func run(db *sql.DB, dialect string, op func(m *migrate.Migrate) error) error {
	m, err := newMigrate(db, dialect)
	if err != nil {
		return err
	}
	opErr := op(m)
	srcErr, _ := m.Close()
	if opErr != nil && !errors.Is(opErr, migrate.ErrNoChange) {
		return opErr
	}
	return srcErr
}

// Up applies every migration not yet applied. It closes db.
func Up(db *sql.DB, dialect string) error {
	return run(db, dialect, func(m *migrate.Migrate) error { return m.Up() })
}

// Down reverts every applied migration. It closes db.
func Down(db *sql.DB, dialect string) error {
	return run(db, dialect, func(m *migrate.Migrate) error { return m.Down() })
}

// Steps applies n migrations forward (n > 0) or reverts -n (n < 0). It closes db.
func Steps(db *sql.DB, dialect string, n int) error {
	return run(db, dialect, func(m *migrate.Migrate) error { return m.Steps(n) })
}

// Version reports the applied version (0 when none is) and whether the last
// migration failed half-way (dirty). It closes db.
func Version(db *sql.DB, dialect string) (version uint, dirty bool, err error) {
	err = run(db, dialect, func(m *migrate.Migrate) error {
		version, dirty, err = m.Version()
		if errors.Is(err, migrate.ErrNilVersion) {
			return nil
		}
		return err
	})
	return version, dirty, err
}

// Latest is the highest version the embedded files provide for dialect.
func Latest(dialect string) (uint, error) {
	src, err := iofs.New(FS, dialect)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	v, err := src.First()
	if err != nil {
		return 0, err
	}
	for {
		next, err := src.Next(v)
		if err != nil {
			return v, nil
		}
		v = next
	}
}
