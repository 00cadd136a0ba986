package protocols

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"wsgate"
	"wsgate/functions"
	"wsgate/internal/deadline"
	"wsgate/services"
	"wsgate/services/calllog"
)

// Authorizer decides whether a token may call a function, or may make calls
// at all (services.Authorizer).
type Authorizer interface {
	Authorize(ctx context.Context, req services.AuthRequest) (*wsgate.Caller, error)
	AuthorizeToken(ctx context.Context, req services.AuthRequest) error
}

// Pipeline is the one Dispatcher every protocol uses: authorize, admit (rate
// limits), validate the parameters, invoke the implementation with a
// deadline, clean the return value.
type Pipeline struct {
	Auth      Authorizer
	Functions *functions.Catalog
	Validator *functions.Validator
	Upstream  *UpstreamClient
	Timeout   time.Duration // per call; 0 means no deadline of our own
	// Limits counts calls against their rate limits (nil: no limits).
	Limits *RateLimits
	Log    *slog.Logger
	// Observe, when set, is told the outcome of every call (metrics): the
	// function ("unknown" for names not installed, to bound label values),
	// the protocol, "ok" or the errorcode, and the duration.
	Observe func(function, protocol, outcome string, d time.Duration)
	// Calls, when not nil, records every call in the call log, off the
	// call path (calllog.Recorder never blocks).
	Calls *calllog.Recorder
}

// Dispatch runs call through the pipeline. The result or the error is logged
// once; errors are always *wsgate.Error.
func (p *Pipeline) Dispatch(ctx context.Context, call *Call) (res *Result, err error) {
	start := time.Now()
	var caller *wsgate.Caller
	// The function is looked up once: Authorize gets its capabilities, the
	// log and metrics its name (nil: not installed).
	entry, found := p.Functions.Get(call.Function)
	defer func() { p.logCall(ctx, call, caller, entry, err, time.Since(start)) }()
	// The token is checked first, as Moodle does; the authorizer then refuses
	// an empty function name, then one that is not installed.
	req := services.AuthRequest{Token: call.Token, Function: call.Function,
		RemoteIP: call.RemoteIP, Protocol: call.Protocol, Looked: true, Installed: found}
	if found {
		req.FunctionCaps, req.FunctionRead = entry.Capabilities, entry.Type == "read"
	}
	if caller, err = p.Auth.Authorize(ctx, req); err != nil {
		return nil, err
	}
	if !found { // an Authorizer that does not consult the lookup
		return nil, wsgate.ErrInvalidRecord
	}
	if err = p.Limits.admit(ctx, call, caller); err != nil {
		return nil, err
	}
	raw := call.Params
	if call.Args != nil {
		if raw, err = positional(entry.Params, call.Args); err != nil {
			return nil, err
		}
	}
	if raw == nil {
		raw = map[string]any{}
	}
	params, err := p.Validator.Validate(entry.Params, raw)
	if err != nil {
		return nil, err
	}
	paramMap, _ := params.(map[string]any)
	ictx := withCall(wsgate.WithCaller(ctx, caller), call)
	if call.Settings != nil {
		ictx = wsgate.WithSettings(ictx, *call.Settings)
	}
	out, err := p.invoke(ictx, entry, paramMap)
	if err != nil {
		return nil, err
	}
	value, enc, err := functions.CleanReturnKept(entry.Returns, out)
	if err != nil {
		return nil, err
	}
	return &Result{Function: entry.Function, Value: value, Encodings: enc}, nil
}

// invoke calls the implementation under the deadline (armed only if the
// function waits on it, internal/deadline); a panic becomes an internal
// error and the process keeps serving.
func (p *Pipeline) invoke(ctx context.Context, e *functions.Entry, params map[string]any) (out any, err error) {
	if p.Timeout > 0 {
		d := deadline.New(ctx, p.Timeout)
		defer d.Stop()
		ctx = d
	}
	if e.Upstream != nil {
		return p.Upstream.Call(ctx, e.Function, params)
	}
	if e.Handler == nil {
		return nil, wsgate.ErrCoding.WithDebugf("no implementation of %s::%s in this binary", e.ClassName, e.MethodName)
	}
	defer func() {
		if r := recover(); r != nil {
			p.logger().Error("function panicked", "function", e.Name, "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
			out, err = nil, wsgate.ErrInternal.WithDebug("the function failed").Wrap(fmt.Errorf("panic: %v", r))
		}
	}()
	out, err = e.Handler(ctx, params)
	if err != nil && errors.Is(ctx.Err(), context.DeadlineExceeded) && wsgate.KindOf(err) == wsgate.Internal {
		return nil, wsgate.ErrTimeout.Wrap(err)
	}
	return out, err
}

// positional maps XML-RPC's positional arguments onto the declared parameters
// in order; a single struct argument keyed by the declared names is taken as
// named parameters.
func positional(d *functions.Description, args []any) (map[string]any, error) {
	if len(args) == 1 && d != nil {
		if m, ok := args[0].(map[string]any); ok && len(d.Keys) > 0 && namesDeclared(d, m) {
			return m, nil
		}
	}
	n := 0
	if d != nil {
		n = len(d.Keys)
	}
	if len(args) > n {
		return nil, wsgate.ErrInvalidParameter.WithDebugf("Too many parameters: %d given, %d declared", len(args), n)
	}
	out := make(map[string]any, len(args))
	for i, a := range args {
		out[d.Keys[i].Name] = a
	}
	return out, nil
}

func namesDeclared(d *functions.Description, m map[string]any) bool {
	if len(m) == 0 {
		return false
	}
	for k := range m {
		found := false
		for _, key := range d.Keys {
			if key.Name == k {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

func (p *Pipeline) logger() *slog.Logger {
	if p.Log != nil {
		return p.Log
	}
	return slog.Default()
}

// logCall logs each call once: never the token, never the parameters.
// entry is the installed function, nil when call.Function names none.
func (p *Pipeline) logCall(ctx context.Context, call *Call, caller *wsgate.Caller, entry *functions.Entry, err error, d time.Duration) {
	outcome := "ok"
	level := slog.LevelInfo
	if err != nil {
		e := wsgate.AsError(err)
		outcome = e.Code
		if e.Kind == wsgate.Internal || e.Kind == wsgate.Unavailable {
			level = slog.LevelError
		}
	}
	// A fixed array keeps the attributes off the heap.
	var buf [9]slog.Attr
	attrs := append(buf[:0], slog.String("function", call.Function), slog.String("protocol", call.Protocol),
		slog.String("outcome", outcome), slog.Duration("duration", d), slog.String("remote", call.RemoteIP))
	if caller != nil {
		attrs = append(attrs, slog.Int64("userid", caller.UserID), slog.String("service", caller.Shortname))
	}
	if call.Within != "" {
		attrs = append(attrs, slog.String("within", call.Within))
	}
	if err != nil && level == slog.LevelError {
		attrs = append(attrs, slog.String("error", err.Error()))
	}
	p.logger().LogAttrs(ctx, level, "call", attrs...)
	if p.Calls != nil {
		p.Calls.Record(callEntry(call, caller, outcome, d))
	}
	if p.Observe != nil {
		fn := call.Function
		if entry == nil {
			fn = "unknown"
		}
		p.Observe(fn, call.Protocol, outcome, d)
	}
}

// Callable returns, sorted by name, the installed functions call.Token may
// call from call.RemoteIP over call.Protocol (call.Function is ignored). A
// token refused outright (unknown, expired, wrong address, user refused) is an
// error, as is a token that may call nothing.
func (p *Pipeline) Callable(ctx context.Context, call *Call) ([]*functions.Function, error) {
	var out []*functions.Function
	var refused error
	for _, e := range p.Functions.All() {
		_, err := p.Auth.Authorize(ctx, services.AuthRequest{Token: call.Token, Function: e.Name,
			RemoteIP: call.RemoteIP, Protocol: call.Protocol})
		switch {
		case err == nil:
			out = append(out, e.Function)
		case errors.Is(err, wsgate.ErrAccess), errors.Is(err, wsgate.ErrNoPermissions):
			refused = err // this function only, or the whole token: decided below
		default:
			return nil, err
		}
	}
	if len(out) == 0 && refused != nil {
		return nil, refused
	}
	return out, nil
}
