package services

import (
	"context"

	"wsgate"
)

// AuthorizeToken runs the checks of Authorize that concern the token alone,
// 1 to 4, in the same order and with the same errors: the token exists, has
// not expired (else it is deleted), its IP restriction allows req.RemoteIP;
// the user is not deleted, suspended or nologin and, with
// RequireProtocolCapability, holds webservice/<protocol>:use. req.Function
// is ignored. A protocol server calls it before it reads a request body, so
// an unusable token costs no parsing; a token that passes gets the same
// answer from Authorize as before. It serves from Authorize's cache: in
// steady state it makes no database query, for known and unknown tokens.
func (a *Authorizer) AuthorizeToken(ctx context.Context, req AuthRequest) error {
	_, _, _, err := a.authenticate(ctx, req)
	return err
}

// authenticate is tokenUser followed by the protocol checks: enabled on the
// site and for the service, and the protocol capability.
func (a *Authorizer) authenticate(ctx context.Context, req AuthRequest) (*tokenEntry, *policy, *userEntry, error) {
	tok, pol, usr, err := a.tokenUser(ctx, req)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := a.protocolEnabled(pol.services[tok.serviceID], req.Protocol); err != nil {
		return nil, nil, nil, err
	}
	if a.opts.RequireProtocolCapability {
		if c := "webservice/" + req.Protocol + ":use"; !usr.can(c) {
			return nil, nil, nil, wsgate.ErrAccess.WithDebugf(
				"You are not allowed to use the %s protocol (missing capability: %s)", req.Protocol, c)
		}
	}
	return tok, pol, usr, nil
}
