package services

import (
	"database/sql"
	"errors"

	"wsgate"
	"wsgate/internal/db"
)

// ErrInvalidLogin is returned by CheckPassword for a wrong username or password
// and for accounts that may not log in (Moodle's login/token.php answer).
var ErrInvalidLogin = &wsgate.Error{Kind: wsgate.Unauthenticated, Exception: "moodle_exception",
	Code: "invalidlogin", Message: "Invalid login, please try again"}

// ErrStoreUnavailable is returned by Authorize when the data it needs is not
// cached and the store cannot be read: the call fails closed.
var ErrStoreUnavailable = &wsgate.Error{Kind: wsgate.Unavailable, Exception: "dml_connection_exception",
	Code: "dbconnectionfailed", Message: "Error: Database connection failed"}

// Debuginfo of the access errors Authorize returns.
const (
	debugTokenExpired = "Invalid token - token expired - check validuntil time for the token"
	debugTokenIP      = "Invalid service - IP:%s is not supported - check this allowed user"
)

// notFound turns sql.ErrNoRows into a copy of wsgate.ErrNotFound naming the
// table, as Moodle's dml_missing_record_exception does; other errors go
// through db.Translate.
func notFound(table string, err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		e := wsgate.ErrNotFound.Wrap(err)
		e.Message = "Can't find data record in database table " + table + "."
		return e
	}
	return db.Translate(err)
}

// missingRef turns a foreign key violation (a row referring to a user,
// service, role or function that does not exist) into a not-found error.
func missingRef(err error, debugf string, args ...any) error {
	err = db.Translate(err)
	if ce := db.ConstraintOf(err); ce != nil && ce.Kind == db.ForeignKey {
		return wsgate.ErrNotFound.WithDebugf(debugf, args...).Wrap(ce)
	}
	return err
}

func invalidf(format string, args ...any) error {
	return wsgate.ErrInvalidParameter.WithDebugf(format, args...)
}
