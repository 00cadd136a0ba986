package db

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"wsgate"
)

// SQLite primary result codes that mean the file cannot be used (sqlite3.h).
const (
	sqliteIOErr     = 10
	sqliteFull      = 13
	sqliteCantOpen  = 14
	sqliteNotADB    = 26
	sqlitePrimaryOf = 0xff
)

// Unreachable reports whether err says the store could not be reached or
// the connection to it was lost: a refused or broken connection, a server
// shutting down (PostgreSQL classes 08 and 57P), a SQLite file that cannot
// be opened, read or written. Context errors are not outages: the caller
// gave up.
func Unreachable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "57P")
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & sqlitePrimaryOf {
		case sqliteIOErr, sqliteFull, sqliteCantOpen, sqliteNotADB:
			return true
		}
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	var oe *net.OpError
	switch {
	case errors.As(err, &ce), errors.As(err, &oe), errors.As(err, &ne):
		return true
	case errors.Is(err, driver.ErrBadConn), errors.Is(err, sql.ErrConnDone),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		return true
	}
	// pgx reports a connection it found dead as "conn closed" and one it
	// closed mid-statement as "conn busy" or a failed deallocate.
	msg := err.Error()
	return strings.Contains(msg, "conn closed") || strings.Contains(msg, "failed to connect")
}

// outage returns err as ErrDMLWrite (write) or ErrDMLRead when the store
// is unreachable, with the cause in debuginfo; other errors unchanged. A
// read outage inside a write becomes the write's outage.
func outage(err error, write bool) error {
	var we *wsgate.Error
	if errors.As(err, &we) {
		if write && errors.Is(we, wsgate.ErrDMLRead) {
			return wsgate.ErrDMLWrite.WithDebug(we.DebugInfo).Wrap(we.Err)
		}
		return err
	}
	if !Unreachable(err) {
		return err
	}
	e := wsgate.ErrDMLRead
	if write {
		e = wsgate.ErrDMLWrite
	}
	return e.WithDebug(err.Error()).Wrap(err)
}

// TranslateWrite is Translate for a statement that changes the store: an
// outage is ErrDMLWrite.
func TranslateWrite(err error) error {
	return Translate(outage(err, true))
}
