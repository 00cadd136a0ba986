package protocols

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"

	"wsgate"
)

// The edge code every protocol server shares: the error it answers, its
// panic recovery and its failure log, so REST, XML-RPC and SOAP map and log
// failures in one way.

// ErrorOf returns err as the *wsgate.Error a protocol answers: nil counts as
// an internal error, a foreign error becomes Moodle's general exception, and
// an error without an exception class gets moodle_exception.
func ErrorOf(err error) *wsgate.Error {
	if err == nil {
		return wsgate.ErrInternal
	}
	e := wsgate.AsError(err)
	if e.Exception == "" {
		c := *e
		c.Exception = "moodle_exception"
		e = &c
	}
	return e
}

// PanicError turns what recover() returned in a protocol server's deferred
// function into the internal error the server answers: nil for no panic;
// net/http's ErrAbortHandler panics again so that the response is aborted.
// Use it as
//
//	defer func() {
//		if err := protocols.PanicError("rest", recover()); err != nil { ... }
//	}()
//
// (recover must be called by the deferred function itself).
func PanicError(protocol string, p any) error {
	if p == nil {
		return nil
	}
	if p == http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
		panic(p)
	}
	return wsgate.ErrInternal.Wrap(fmt.Errorf("panic in the %s server: %v\n%s", protocol, p, debug.Stack()))
}

// LogFailure logs a request the protocol server refused or failed itself
// (the Pipeline logs every call it ran): internal errors at error level,
// refusals at debug level; never the token or the parameters.
func LogFailure(r *http.Request, log *slog.Logger, protocol, function string, err error) {
	if log == nil {
		log = slog.Default()
	}
	e := wsgate.AsError(err)
	attrs := []slog.Attr{slog.String("function", function), slog.String("protocol", protocol),
		slog.String("errorcode", e.Code), slog.String("remote", RemoteIP(r))}
	if e.Kind == wsgate.Internal {
		log.LogAttrs(r.Context(), slog.LevelError, protocol+": internal error", append(attrs, slog.String("error", e.Error()))...)
	} else if log.Enabled(r.Context(), slog.LevelDebug) {
		log.LogAttrs(r.Context(), slog.LevelDebug, protocol+": call refused", append(attrs, slog.String("debuginfo", e.DebugInfo))...)
	}
}
