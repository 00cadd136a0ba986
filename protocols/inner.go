package protocols

import (
	"context"

	"wsgate"
	"wsgate/functions"
	"wsgate/services"
)

// callKey carries the Call whose implementation runs under a context.
type callKey struct{}

// withCall returns a context carrying call, for DispatchInner.
func withCall(ctx context.Context, call *Call) context.Context {
	return context.WithValue(ctx, callKey{}, call)
}

// DispatchInner runs an inner call through Dispatch as the call ctx belongs
// to: its token, address and protocol, so the inner function must be in the
// token's service and passes every check a direct call does. An inner call
// may not make inner calls of its own.
func (p *Pipeline) DispatchInner(ctx context.Context, in services.InnerCall) (*functions.Function, any, error) {
	outer, _ := ctx.Value(callKey{}).(*Call)
	if outer == nil {
		return nil, nil, wsgate.ErrCoding.WithDebug("an inner call outside any call")
	}
	if outer.Within != "" {
		return nil, nil, wsgate.ErrInvalidParameter.WithDebugf("%s was called inside %s and cannot call other functions",
			outer.Function, outer.Within)
	}
	res, err := p.Dispatch(ctx, &Call{Protocol: outer.Protocol, Token: outer.Token, Function: in.Function,
		Params: in.Params, RemoteIP: outer.RemoteIP, Settings: in.Settings, Within: outer.Function})
	if err != nil {
		return nil, nil, err
	}
	return res.Function, res.Value, nil
}

var _ services.InnerDispatcher = (*Pipeline)(nil)
