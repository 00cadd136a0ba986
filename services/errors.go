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

// The refusals of the rules that protect site administrators' accounts
// (guard.go). They are Forbidden errors with Moodle's errorcodes where
// Moodle has one.
var (
	// ErrSiteAdminProtected refuses a change to a site administrator's
	// account (any field, the password, a role, a token for it) by a caller
	// who is not a site administrator: Moodle's update_users warning.
	ErrSiteAdminProtected = &wsgate.Error{Kind: wsgate.Forbidden, Exception: "moodle_exception",
		Code: "usernotupdatedadmin", Message: "Cannot update admin accounts"}
	// ErrSiteAdminDelete refuses to delete a site administrator, whoever
	// asks, as Moodle does: the admin role must be taken away first.
	ErrSiteAdminDelete = &wsgate.Error{Kind: wsgate.Forbidden, Exception: "moodle_exception",
		Code: "useradminodelete", Message: "Admin accounts can not be deleted"}
	// ErrLastSiteAdmin refuses a change that would leave no site
	// administrator able to log in.
	ErrLastSiteAdmin = &wsgate.Error{Kind: wsgate.Forbidden, Exception: "moodle_exception", Code: "lastsiteadmin",
		Message: "The last site administrator cannot be suspended, barred from logging in or lose the admin role"}
	// ErrSiteAdminGrant refuses the admin role to a caller who is not a site administrator.
	ErrSiteAdminGrant = wsgate.ErrNoPermissions.Messagef("only a site administrator may give the admin role")
)

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
