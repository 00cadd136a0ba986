package wsgate

import (
	"errors"
	"fmt"
)

// Kind classifies an error for the edges that map it (HTTP status, SOAP fault
// code). Values are append-only: never reorder them.
type Kind uint8

// Error kinds.
const (
	Internal        Kind = iota // a fault of the gateway or of a function
	Invalid                     // bad input from the caller
	NotFound                    // a named thing does not exist
	Unauthenticated             // no valid credentials
	Forbidden                   // valid credentials, not allowed
	Conflict                    // the change clashes with existing data
	Unavailable                 // a dependency is down or too slow
	RateLimited                 // the caller spent its allowance; try again later
)

var kindNames = [...]string{"internal", "invalid", "not_found", "unauthenticated", "forbidden", "conflict", "unavailable", "rate_limited"}

// String names the kind in lower case.
func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// Error is the one error type of the gateway: a kind for the edges, Moodle's
// exception class and error code for the protocols, a message for people and
// debuginfo for developers. Err keeps an underlying cause, never shown to callers.
type Error struct {
	Kind      Kind
	Exception string // Moodle's exception class, e.g. invalid_parameter_exception
	Code      string // Moodle's errorcode, e.g. invalidparameter
	Message   string // the English message Moodle shows for the code
	DebugInfo string // details, shown only when debugging is on
	Err       error  // the cause, for logs
	// variant separates errors that share Moodle's class and code but mean
	// different things to Go callers (ErrNotFound and ErrInvalidRecord).
	variant string
}

// Error formats the error for logs.
func (e *Error) Error() string {
	s := e.Code
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.DebugInfo != "" {
		s += " (" + e.DebugInfo + ")"
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// AsError returns err as an *Error; a foreign error becomes an internal
// moodle_exception whose message hides the cause.
func AsError(err error) *Error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Exception: "moodle_exception", Code: "generalexceptionmessage",
		Message: "Internal server error", Err: err}
}

// KindOf returns the kind of err, Internal for foreign errors (and for nil,
// which callers should test first).
func KindOf(err error) Kind {
	if err == nil {
		return Internal
	}
	return AsError(err).Kind
}

// CodeOf returns the Moodle errorcode of err, "" for nil.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	return AsError(err).Code
}

// WithDebug returns a copy of e with the given debuginfo.
func (e *Error) WithDebug(debuginfo string) *Error {
	c := *e
	c.DebugInfo = debuginfo
	return &c
}

// WithDebugf returns a copy of e with a formatted debuginfo.
func (e *Error) WithDebugf(format string, args ...any) *Error {
	return e.WithDebug(fmt.Sprintf(format, args...))
}

// Wrap returns a copy of e carrying cause.
func (e *Error) Wrap(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// Is matches errors by Moodle errorcode and exception class, so
// errors.Is(err, ErrInvalidToken) works on copies that carry other debuginfo;
// ErrNotFound, which shares ErrInvalidRecord's code on the wire, matches only
// its own copies.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code && t.Exception == e.Exception && t.variant == e.variant
}
