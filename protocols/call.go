// Package protocols holds the one call pipeline every protocol shares
// (Dispatch: authorize, validate, invoke, clean) and, in its sub-packages, the
// REST, XML-RPC and SOAP servers that only translate wire formats into a Call
// and the Result or error back.
package protocols

import (
	"context"
	"time"

	"wsgate"
	"wsgate/functions"
	"wsgate/internal/ratelimit"
)

// Call is one function call as a protocol decoded it.
type Call struct {
	Protocol string // "rest", "xmlrpc", "soap"
	Token    string
	Function string
	// Params is the raw parameter tree keyed by parameter name: map[string]any
	// for structures, []any or index-keyed maps for lists, and leaves that are
	// strings (form encoding) or typed values (JSON, XML-RPC, SOAP).
	Params map[string]any
	// Args, when not nil, are positional parameters (XML-RPC) mapped onto the
	// declared parameters in declaration order.
	Args     []any
	RemoteIP string
	// Settings are the call's moodlewssetting* values; nil: the defaults.
	Settings *wsgate.Settings
	// Within names the function whose implementation made this call (a
	// batch item); "" for a call that came over the wire.
	Within string
	// Size is the request's size in bytes as the call log records it: the
	// body and the query string (0 when refused before the body was read).
	Size int
	// RateLimit is set by the pipeline when the call was counted against a
	// rate limit: the windows for the X-RateLimit headers (SetRateLimitHeaders).
	RateLimit ratelimit.Decision
	// RetryAfter is set when the call was refused for its rate limit: how
	// long to wait (the Retry-After header, whole seconds).
	RetryAfter time.Duration
}

// Result is a successful call: the cleaned return value and its description,
// which encoders walk to keep declaration order (nil Returns: a void function).
type Result struct {
	Function *functions.Function
	Value    any
	// Encodings, when the function returned a functions.Kept answer, keep
	// the bytes each protocol encoded Value to, so the next call that gets
	// the same answer is not encoded again; nil otherwise (Bytes then
	// just builds).
	Encodings *functions.Encodings
}

// Dispatcher runs calls through the pipeline; errors are *wsgate.Error values
// carrying Moodle's exception class and errorcode.
type Dispatcher interface {
	Dispatch(ctx context.Context, call *Call) (*Result, error)
}

// DispatcherFunc adapts a function to the Dispatcher interface (for tests).
type DispatcherFunc func(ctx context.Context, call *Call) (*Result, error)

// Dispatch calls f.
func (f DispatcherFunc) Dispatch(ctx context.Context, call *Call) (*Result, error) {
	return f(ctx, call)
}

// Lister lists the functions a token may call, for discovery by clients
// (XML-RPC system.listMethods, the per-token WSDL). The token is checked as for
// a call; an unusable token is an error.
type Lister interface {
	Callable(ctx context.Context, call *Call) ([]*functions.Function, error)
}
