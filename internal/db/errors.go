package db

import (
	"database/sql"
	"errors"
	"regexp"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"wsgate"
)

// Constraint is the kind of integrity rule a write broke.
type Constraint uint8

// Constraint kinds.
const (
	Unique Constraint = iota + 1
	ForeignKey
	NotNull
	Check
)

var constraintNames = map[Constraint]string{Unique: "unique", ForeignKey: "foreign key", NotNull: "not null", Check: "check"}

// String names the constraint kind.
func (c Constraint) String() string { return constraintNames[c] }

// ConstraintError is a write refused by an integrity rule, the same on both
// dialects. Name is the constraint or "table.column" when the driver says it.
type ConstraintError struct {
	Kind Constraint
	Name string
	Err  error
}

// Error describes the violation.
func (e *ConstraintError) Error() string {
	s := e.Kind.String() + " constraint violated"
	if e.Name != "" {
		s += ": " + e.Name
	}
	return s
}

// Unwrap returns the driver error.
func (e *ConstraintError) Unwrap() error { return e.Err }

// SQLite extended result codes (sqlite3.h).
const (
	sqliteConstraintCheck      = 275
	sqliteConstraintForeignKey = 787
	sqliteConstraintNotNull    = 1299
	sqliteConstraintPrimaryKey = 1555
	sqliteConstraintUnique     = 2067
)

var sqliteConstraintName = regexp.MustCompile(`constraint failed: ([^ ]+(?:, [^ ]+)*)`)

// Translate maps driver errors to the gateway's typed errors: constraint
// violations become a wsgate Conflict error wrapping a *ConstraintError,
// sql.ErrNoRows becomes wsgate.ErrNotFound, and an unreachable store
// (Unreachable) wsgate.ErrDMLRead (TranslateWrite: ErrDMLWrite). Other
// errors pass unchanged.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	var we *wsgate.Error
	if errors.As(err, &we) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return wsgate.ErrNotFound.Wrap(err)
	}
	if ce := constraintOf(err); ce != nil {
		return wsgate.ErrConflict.WithDebug(ce.Error()).Wrap(ce)
	}
	return outage(err, false)
}

func constraintOf(err error) *ConstraintError {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		kinds := map[string]Constraint{"23505": Unique, "23503": ForeignKey, "23502": NotNull, "23514": Check}
		if k, ok := kinds[pe.Code]; ok {
			name := pe.ConstraintName
			if name == "" {
				name = pe.TableName + "." + pe.ColumnName
			}
			return &ConstraintError{Kind: k, Name: name, Err: err}
		}
		return nil
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		kinds := map[int]Constraint{sqliteConstraintUnique: Unique, sqliteConstraintPrimaryKey: Unique,
			sqliteConstraintForeignKey: ForeignKey, sqliteConstraintNotNull: NotNull, sqliteConstraintCheck: Check}
		if k, ok := kinds[se.Code()]; ok {
			ce := &ConstraintError{Kind: k, Err: err}
			if m := sqliteConstraintName.FindStringSubmatch(se.Error()); m != nil {
				ce.Name = m[1]
			}
			return ce
		}
	}
	return nil
}

// ConstraintOf returns the constraint violation inside err, or nil.
func ConstraintOf(err error) *ConstraintError {
	var ce *ConstraintError
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}
