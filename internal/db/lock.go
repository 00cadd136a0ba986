package db

import (
	"context"
	"database/sql"
)

// LockClass names what a transaction-scoped lock of LockTx serializes, so that
// keys of different uses never meet.
type LockClass int32

// The lock classes in use.
const (
	// LockUserFiles serializes the file additions of one user, so that the
	// quota check and the insert of two uploads do not interleave.
	LockUserFiles LockClass = 1
)

// LockTx holds, until tx ends, the lock of key in class: a second transaction
// asking for the same lock waits for the first to commit or roll back. On
// PostgreSQL it is an advisory transaction lock (keys are folded to 32 bits,
// so two keys may share a lock, which only serializes more). On SQLite it does
// nothing, since its write transactions already run one at a time (they begin
// IMMEDIATE).
func (d *DB) LockTx(ctx context.Context, tx *sql.Tx, class LockClass, key int64) error {
	if d.Dialect != Postgres {
		return nil
	}
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1::int4, $2::int4)`, int32(class), int32(key))
	return Translate(err)
}
