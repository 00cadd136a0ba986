package db

import (
	"database/sql"

	"wsgate/migrations"
)

// MigrateUp applies every pending migration.
func (d *DB) MigrateUp() error { return d.migrate(migrations.Up) }

// MigrateDown reverts every applied migration.
func (d *DB) MigrateDown() error { return d.migrate(migrations.Down) }

// MigrationVersion reports the applied schema version and whether it is dirty.
func (d *DB) MigrationVersion() (version uint, dirty bool, err error) {
	h, err := d.Handle()
	if err != nil {
		return 0, false, err
	}
	return migrations.Version(h, string(d.Dialect))
}

func (d *DB) migrate(op func(h *sql.DB, dialect string) error) error {
	h, err := d.Handle()
	if err != nil {
		return err
	}
	return op(h, string(d.Dialect))
}
