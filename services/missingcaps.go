package services

import (
	"context"
	"slices"
)

// MissingCapabilities lists, sorted, the capabilities user userID lacks to
// call the functions of service serviceID, by Authorize's own rules: the
// service's required capability and, unless IgnoreFunctionCapabilities,
// each capability its functions declare (and, with
// RequireProtocolCapability, webservice/<protocol>:use for every protocol
// in protocols). A site administrator lacks none. An unknown user or
// service lacks nothing it could be asked about: the list is empty.
func (a *Authorizer) MissingCapabilities(ctx context.Context, userID, serviceID int64, protocols ...string) ([]string, error) {
	v := view{now: a.opts.Now().UnixNano()}
	a.mu.RLock()
	a.readPolicy(&v)
	a.mu.RUnlock()
	pol, err := a.policy(ctx, &v)
	if err != nil {
		return nil, err
	}
	usr, err := a.user(ctx, &v, userID)
	if err != nil || usr == nil {
		return []string{}, err
	}
	svc := pol.services[serviceID]
	if svc == nil {
		return []string{}, nil
	}
	seen := map[string]bool{}
	need := func(c string) {
		if c != "" && !usr.can(c) {
			seen[c] = true
		}
	}
	need(svc.requiredCap)
	if !a.opts.IgnoreFunctionCapabilities {
		for _, f := range svc.functionNames {
			caps, _ := a.funcs.FunctionCapabilities(f)
			for _, c := range caps {
				need(c)
			}
		}
	}
	if a.opts.RequireProtocolCapability {
		for _, p := range protocols {
			need("webservice/" + p + ":use")
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out, nil
}
