package services

import (
	"context"

	"wsgate"
	"wsgate/functions"
)

// InnerCall is a call an implementation makes on its caller's behalf (an
// item of tool_mobile_call_external_functions).
type InnerCall struct {
	Function string
	Params   map[string]any   // the parameter tree, as a protocol decodes it
	Settings *wsgate.Settings // nil: the defaults
}

// InnerDispatcher runs inner calls through the gateway's one pipeline, with
// the token, address and protocol of the call that ctx belongs to: the same
// checks, validation, cleaning, log line and metrics as a direct call.
// protocols.Pipeline implements it; components receive it through their
// dependencies.
type InnerDispatcher interface {
	// DispatchInner returns the called function and its cleaned result, or
	// a *wsgate.Error.
	DispatchInner(ctx context.Context, call InnerCall) (*functions.Function, any, error)
}
