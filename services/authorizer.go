package services

import (
	"context"
	"crypto/sha256"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"wsgate"
	"wsgate/internal/ratelimit"
)

// FunctionInfo tells the authorizer which functions exist and which
// capabilities each declares; package functions supplies it.
type FunctionInfo interface {
	// FunctionCapabilities returns the capabilities function name declares;
	// ok is false when no function has that name.
	FunctionCapabilities(name string) (caps []string, ok bool)
	// FunctionIsRead reports whether function name is installed and of type read.
	FunctionIsRead(name string) bool
}

// AuthRequest is what a protocol server knows about a call when it asks
// whether the call may go ahead.
type AuthRequest struct {
	Token    string // the wstoken value
	Function string // the wsfunction name
	RemoteIP string // the caller's address, with or without a port
	Protocol string // rest, xmlrpc, soap or mcp; other names (admin, "") skip the protocol checks
	// Looked says the caller has already looked Function up in the catalog:
	// Installed, FunctionCaps and FunctionRead are its answer, and Authorize
	// does not ask again.
	Looked       bool
	Installed    bool
	FunctionCaps []string
	FunctionRead bool // the function is of type read
}

// AuthorizerOptions tunes an Authorizer; the zero value is the default.
type AuthorizerOptions struct {
	// TTL bounds how long cached data is trusted without an invalidation
	// (changes made by other instances, or directly in the database). Default 5m.
	TTL time.Duration
	// FlushInterval is how often Start writes recorded token last access
	// times. Default 1m; a token's lastaccess moves at most once a minute whatever it is.
	FlushInterval time.Duration
	// IgnoreFunctionCapabilities turns off the check, beyond Moodle, that the
	// caller holds every capability the function declares.
	IgnoreFunctionCapabilities bool
	// RequireProtocolCapability adds Moodle's check that the user holds
	// webservice/<protocol>:use.
	RequireProtocolCapability bool
	// Protocols, when not nil, are the protocols enabled on the site; a call
	// over another answers wsgate.ErrServiceNotAvailable.
	Protocols []string
	// MaxUnknownTokens bounds the cache of token values known not to exist. Default 10000.
	MaxUnknownTokens int
	// DefaultRateLimit applies to every service without a rate limit rule of
	// its own, counted per token (zero: no limit).
	DefaultRateLimit ratelimit.Limits
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Logger receives background failures (default slog.Default()).
	Logger *slog.Logger
}

// Authorizer decides whether a token may call a function, with Moodle's
// ordered checks and error codes. In steady state it makes no database query:
// tokens, users and services are cached in memory, dropped when the Store
// announces a change, and reloaded after the TTL at the latest. It is safe
// for concurrent use.
type Authorizer struct {
	store *Store
	funcs FunctionInfo
	opts  AuthorizerOptions
	log   *slog.Logger

	cache
	access    accessLog
	knownCaps atomic.Pointer[map[string]struct{}] // the capabilities of the last policy loaded

	hookMu sync.Mutex
	hooks  []func(Change) // told after every invalidation (OnInvalidate)

	startOnce sync.Once
	done      chan struct{}
}

// NewAuthorizer returns an Authorizer over store, told about functions by
// funcs. It subscribes to the store's changes; call Start to write last
// access times.
func NewAuthorizer(store *Store, funcs FunctionInfo, opts AuthorizerOptions) *Authorizer {
	if opts.TTL <= 0 {
		opts.TTL = 5 * time.Minute
	}
	if opts.FlushInterval <= 0 {
		opts.FlushInterval = time.Minute
	}
	if opts.MaxUnknownTokens <= 0 {
		opts.MaxUnknownTokens = 10000
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	a := &Authorizer{store: store, funcs: funcs, opts: opts, log: opts.Logger, done: make(chan struct{})}
	a.cache.init()
	store.OnChange(a.InvalidateChange)
	return a
}

// Authorize checks that req may run, in Moodle's order, and returns who is calling:
//
//  1. the token exists (wsgate.ErrInvalidToken);
//  2. it has not expired (else it is deleted; wsgate.ErrAccess);
//  3. its IP restriction allows req.RemoteIP (wsgate.ErrAccess);
//  4. the user is not deleted, suspended or nologin (wsgate.ErrUserDeleted,
//     ErrUserSuspended, ErrUserNoLogin), and, with RequireProtocolCapability,
//     holds webservice/<protocol>:use (wsgate.ErrAccess);
//  5. the function exists (wsgate.ErrInvalidRecord; an empty name is wsgate.ErrInvalidParameter);
//  6. the token's service is enabled and contains the function; if the
//     service is restricted, the user is authorised for it, that
//     authorisation has not expired and its IP restriction allows the caller;
//     the user holds the service's required capability (wsgate.ErrAccess);
//  7. a read-only token calls only functions of type read (wsgate.ErrAccess);
//  8. unless IgnoreFunctionCapabilities, the user holds every capability the
//     function declares (wsgate.ErrNoPermissions).
//
// Before 5, a request naming a protocol must use one enabled on the site
// (AuthorizerOptions.Protocols) and for the token's service
// (Service.Protocols); otherwise wsgate.ErrServiceNotAvailable.
//
// The returned Caller's Capabilities map is shared: read it, never write it.
// When data is not cached and the store cannot be read, it returns
// ErrStoreUnavailable.
func (a *Authorizer) Authorize(ctx context.Context, req AuthRequest) (*wsgate.Caller, error) {
	now := a.opts.Now().Unix()
	tok, pol, usr, err := a.authenticate(ctx, req)
	if err != nil {
		return nil, err
	}
	if req.Function == "" {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Missing function name")
	}
	fcaps, ok, read := req.FunctionCaps, req.Installed, req.FunctionRead
	if !req.Looked {
		fcaps, ok = a.funcs.FunctionCapabilities(req.Function)
		read = tok.readOnly && a.funcs.FunctionIsRead(req.Function) // asked only when it matters
	}
	if !ok {
		return nil, wsgate.ErrInvalidRecord
	}
	svc := pol.services[tok.serviceID]
	if svc == nil || !svc.enabled || !svc.has(req.Function) {
		return nil, wsgate.ErrAccess.WithDebugf(debugNotAllowed, req.Function)
	}
	if err := svc.admits(usr, req.Function, req.RemoteIP, now); err != nil {
		return nil, err
	}
	if tok.readOnly && !read {
		return nil, wsgate.ErrAccess.WithDebugf("Access to the function %s() is not allowed: "+
			"the token is read-only and the function is not of type read", req.Function)
	}
	if !a.opts.IgnoreFunctionCapabilities {
		for _, c := range fcaps {
			if !usr.can(c) {
				return nil, wsgate.ErrNoPermissions.Messagef(c)
			}
		}
	}
	return newCaller(tok, usr, svc, req), nil
}

// KnownCapability reports whether name is a registered capability, from the
// policy Authorize last loaded (PARAM_CAPABILITY checks; the pipeline
// validates only after Authorize, so the set is that of the call's own
// policy or a newer one). It never queries the store.
func (a *Authorizer) KnownCapability(name string) bool {
	caps := a.knownCaps.Load()
	if caps == nil {
		return false
	}
	_, ok := (*caps)[name]
	return ok
}

// debugNotAllowed is the debuginfo when the token's service does not grant
// the function: Moodle's list of possible causes, in our words.
const debugNotAllowed = "Access to the function %s() is not allowed. Possible causes: " +
	"1. the service of the token does not contain the function; " +
	"2. the service is disabled; " +
	"3. the service is restricted to authorised users and the user is not one of them; " +
	"4. the user's authorisation for the service is limited to other IP addresses; " +
	"5. the user's authorisation for the service has expired; " +
	"6. the token has expired; " +
	"7. the service requires a capability the user does not hold. " +
	"Services, their functions, authorised users and tokens are managed in the administration of the gateway."

// admits applies the service-level checks that follow "the service contains
// the function": authorised users of a restricted service, then the required capability.
func (s *serviceEntry) admits(u *userEntry, function, remoteIP string, now int64) error {
	if s.restricted {
		su, ok := u.services[s.id]
		switch {
		case !ok:
			return wsgate.ErrAccess.WithDebugf("Access to the function %s() is not allowed: "+
				"the service %q is restricted and user %s is not one of its authorised users", function, s.name, u.username)
		case su.validUntil != 0 && su.validUntil < now:
			return wsgate.ErrAccess.WithDebugf("Access to the function %s() is not allowed: "+
				"the authorisation of user %s for the service %q has expired", function, u.username, s.name)
		case !su.ip.AllowsString(remoteIP):
			return wsgate.ErrAccess.WithDebugf("Access to the function %s() is not allowed: "+
				"the authorisation of user %s for the service %q does not include IP:%s", function, u.username, s.name, remoteIP)
		}
	}
	if s.requiredCap != "" && !u.can(s.requiredCap) {
		return wsgate.ErrAccess.WithDebugf("Access to the function %s() is not allowed: "+
			"the service %q requires the capability %s", function, s.name, s.requiredCap)
	}
	return nil
}

// Invalidate drops everything cached; the next calls reload from the store.
// Other packages call it after changing the tables behind the store's back
// (the upgrade step) or when another instance announces a change.
func (a *Authorizer) Invalidate() { a.InvalidateChange(Change{All: true}) }

// InvalidateChange drops what c names from the cache; the Store calls it
// after each committed change.
func (a *Authorizer) InvalidateChange(c Change) {
	a.cache.invalidate(c)
	a.hookMu.Lock()
	hooks := a.hooks
	a.hookMu.Unlock()
	for _, h := range hooks {
		h(c)
	}
}

// OnInvalidate registers fn to be told, after the cache dropped it, of
// every change the authorizer is told about (Invalidate is Change{All:
// true}). fn runs on the invalidating goroutine and must not block: open
// MCP sessions use it to tell their clients that their tools changed.
func (a *Authorizer) OnInvalidate(fn func(Change)) {
	a.hookMu.Lock()
	defer a.hookMu.Unlock()
	a.hooks = append(a.hooks[:len(a.hooks):len(a.hooks)], fn)
}

// protocolEnabled refuses a request over a call protocol (one of
// Protocols) the site or the service svc (nil when the token's service is
// gone) has switched off; other names ("", "admin") are not call protocols.
func (a *Authorizer) protocolEnabled(svc *serviceEntry, protocol string) error {
	if !slices.Contains(Protocols, protocol) {
		return nil
	}
	if a.opts.Protocols != nil && !slices.Contains(a.opts.Protocols, protocol) {
		return wsgate.ErrServiceNotAvailable.WithDebugf("The %s protocol is not enabled on this site", protocol)
	}
	if svc != nil && svc.protocols != nil && !slices.Contains(svc.protocols, protocol) {
		return wsgate.ErrServiceNotAvailable.WithDebugf("The %s protocol is not enabled for the service %q", protocol, svc.name)
	}
	return nil
}

// tokenUser runs the checks every entry point shares, in Moodle's order: the
// token exists, has not expired (else it is deleted), its IP restriction
// allows the caller; its user is not deleted, suspended or nologin. It
// returns the token, the policy and the user from the cache. A refusal is a
// *wsgate.Error; a store failure (nothing cached) is ErrStoreUnavailable.
func (a *Authorizer) tokenUser(ctx context.Context, req AuthRequest) (*tokenEntry, *policy, *userEntry, error) {
	clock := a.opts.Now()
	now := clock.Unix()
	v := view{now: clock.UnixNano(), key: sha256.Sum256([]byte(req.Token))}
	a.lookup(&v)

	tok, err := a.token(ctx, &v)
	if err != nil {
		return nil, nil, nil, err
	}
	if tok == nil {
		return nil, nil, nil, wsgate.ErrInvalidToken
	}
	if tok.validUntil != 0 && tok.validUntil < now {
		if err := a.store.DeleteToken(ctx, tok.id); err != nil && !isNotFound(err) {
			a.log.Warn("delete expired token", "tokenid", tok.id, "err", err)
		}
		return nil, nil, nil, wsgate.ErrAccess.WithDebug(debugTokenExpired)
	}
	if !tok.ip.AllowsString(req.RemoteIP) {
		return nil, nil, nil, wsgate.ErrAccess.WithDebugf(debugTokenIP, req.RemoteIP)
	}
	a.recordAccess(tok, now, req.RemoteIP)

	pol, err := a.policy(ctx, &v)
	if err != nil {
		return nil, nil, nil, err
	}
	usr, err := a.user(ctx, &v, tok.userID)
	if err != nil {
		return nil, nil, nil, err
	}
	switch {
	case usr == nil:
		return nil, nil, nil, wsgate.ErrInvalidToken
	case usr.deleted:
		return nil, nil, nil, wsgate.ErrUserDeleted.Messagef(usr.username)
	case usr.suspended:
		return nil, nil, nil, wsgate.ErrUserSuspended.Messagef(usr.username)
	case usr.auth == AuthNoLogin:
		return nil, nil, nil, wsgate.ErrUserNoLogin.Messagef(usr.username)
	}
	return tok, pol, usr, nil
}
