package mcp

import (
	"cmp"
	"context"
	"crypto/rand"
	"crypto/subtle"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"wsgate"
	"wsgate/protocols"
	"wsgate/services"
)

// Protocol is the protocol name of MCP calls (Call.Protocol, protocols.enabled).
const Protocol = "mcp"

// ProtocolVersion is the newest MCP version served, the one a client of
// the gateway (the admin pages' test client) asks for.
const ProtocolVersion = "2025-11-25"

// protocolVersions are the MCP versions served: those with the initialize
// handshake and sessions, which bind a session to its token.
var protocolVersions = []string{ProtocolVersion, "2025-06-18", "2025-03-26"}

// Pipeline is what the server needs of protocols.Pipeline: calls, the
// functions a token may call, and the token check before a request is read.
type Pipeline interface {
	protocols.Dispatcher
	protocols.Lister
	protocols.TokenChecker
}

// ServiceChecker checks that a token may use its service at all
// (services.Authorizer.AuthorizeService): the service exists, is enabled
// and is open to the token's user.
type ServiceChecker interface {
	AuthorizeService(ctx context.Context, req services.AuthRequest) (*wsgate.Caller, error)
}

// Options configure a Handler.
type Options struct {
	Pipeline Pipeline
	Services ServiceChecker
	// Intake bounds the decoding of tool arguments (the parse budget and
	// gate every protocol shares); its token check is not used.
	Intake protocols.Intake
	// MaxBodyBytes bounds a request body; 0 is the SDK's default (4 MiB).
	MaxBodyBytes int64
	// SessionTimeout ends sessions idle that long; 0 never does.
	SessionTimeout time.Duration
	// MaxSessionsPerToken bounds the open sessions of one token: opening
	// one more closes the token's least recently used session. 0: no bound.
	MaxSessionsPerToken int
	Debug               bool         // tool errors carry debuginfo
	Log                 *slog.Logger // nil: slog.Default()
}

// Handler is the MCP endpoint, an http.Handler. Register its Invalidated
// method with the authorizer (services.Authorizer.OnInvalidate) so that
// open sessions learn when their tools change.
type Handler struct {
	opts  Options
	log   *slog.Logger
	sdk   *sdk.StreamableHTTPHandler
	probe *sdk.Server // answers the SDK's questions about requests naming no open session

	mu       sync.Mutex
	sessions map[string]*session // by Mcp-Session-Id

	dirty, refreshing atomic.Bool
}

// session is one MCP session: its server, the token it is bound to and the
// functions it currently offers as tools.
type session struct {
	id     string
	token  string
	server *sdk.Server
	ip     atomic.Value // string: the client's address at its latest request
	used   atomic.Int64 // when its latest request came, in Unix nanoseconds

	mu    sync.Mutex
	tools map[string]*toolFunc // by function name
}

// pendingKey carries, in a request's context, what getServer needs to make
// a session and where it leaves it.
type pendingKey struct{}

type pending struct {
	token, ip string
	sessionID string   // the request's Mcp-Session-Id
	open      *session // the open session it names, if any
	sess      *session // the session made for it
}

// New returns the handler.
func New(opts Options) *Handler {
	h := &Handler{opts: opts, log: opts.Log, sessions: make(map[string]*session)}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.probe = newServer("", h.log)
	h.sdk = sdk.NewStreamableHTTPHandler(h.newSession, &sdk.StreamableHTTPOptions{
		SessionTimeout:      opts.SessionTimeout,
		MaxRequestBodyBytes: opts.MaxBodyBytes,
		// The gateway is reached through its own address checks (tokens'
		// IP restrictions); the host check of the SDK would refuse a
		// gateway published under a name while listening on loopback.
		DisableLocalhostProtection: true,
		// A call's answer is one JSON-RPC response, written whole as
		// application/json: no SSE framing and no flush per message (one
		// write instead of two). Notifications outside a call, such as
		// tools/list_changed, still go to the session's GET stream.
		JSONResponse: true,
	})
	return h
}

// ServeHTTP checks the request's token, then lets the SDK answer it.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	token := protocols.BearerToken(r)
	if token == "" {
		token = r.URL.Query().Get("wstoken")
	}
	ip := protocols.RemoteIP(r)
	var sess *session
	if id := r.Header.Get("Mcp-Session-Id"); id != "" {
		h.mu.Lock()
		sess = h.sessions[id]
		h.mu.Unlock()
	}
	if sess != nil && subtle.ConstantTimeCompare([]byte(sess.token), []byte(token)) != 1 {
		writeFault(w, wsgate.ErrAccess.WithDebug("The session was opened with another token"), h.opts.Debug)
		return
	}
	if err := h.check(r.Context(), token, ip); err != nil {
		if k := wsgate.KindOf(err); sess != nil && k != wsgate.Unavailable && k != wsgate.Internal {
			h.end(sess) // refused: the session is over (a store outage is not)
		}
		writeFault(w, err, h.opts.Debug)
		return
	}
	if sess != nil {
		sess.ip.Store(ip)
		sess.used.Store(time.Now().UnixNano())
	}
	p := &pending{token: token, ip: ip, sessionID: r.Header.Get("Mcp-Session-Id"), open: sess}
	h.sdk.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), pendingKey{}, p)))
	if p.sess != nil {
		h.register(p.sess)
	}
}

// check runs what every request must pass: the token and its user, the
// protocol enabled on the site and for the service (logged as a refused
// call when refused), the service enabled and open to the user.
func (h *Handler) check(ctx context.Context, token, ip string) error {
	if err := h.opts.Pipeline.CheckToken(ctx, &protocols.Call{Protocol: Protocol, Token: token, RemoteIP: ip}); err != nil {
		return err
	}
	_, err := h.opts.Services.AuthorizeService(ctx, services.AuthRequest{Token: token, RemoteIP: ip, Protocol: Protocol})
	return err
}

// newServer returns an SDK server whose sessions get the id id.
func newServer(id string, log *slog.Logger) *sdk.Server {
	return sdk.NewServer(&sdk.Implementation{Name: "wsgate", Version: wsgate.Version}, &sdk.ServerOptions{
		GetSessionID:              func() string { return id },
		Capabilities:              &sdk.ServerCapabilities{Tools: &sdk.ToolCapabilities{ListChanged: true}},
		SupportedProtocolVersions: protocolVersions,
		Logger:                    log,
	})
}

// newSession is the SDK's getServer, which it asks on every request: the
// server of the open session the request names; for a request naming none,
// a server of its own, made once, with the tools of the request's token
// (kept if the request opens a session); for a request naming a session
// that is not open, a server without tools (the SDK answers 404).
func (h *Handler) newSession(r *http.Request) *sdk.Server {
	p, _ := r.Context().Value(pendingKey{}).(*pending)
	switch {
	case p == nil:
		return nil // not reached through ServeHTTP
	case p.open != nil:
		return p.open.server
	case p.sessionID != "":
		return h.probe
	case p.sess != nil:
		return p.sess.server
	}
	sess := &session{id: rand.Text(), token: p.token, tools: map[string]*toolFunc{}}
	sess.ip.Store(p.ip)
	sess.used.Store(time.Now().UnixNano())
	sess.server = newServer(sess.id, h.log)
	fns, err := h.opts.Pipeline.Callable(r.Context(), sess.call(""))
	if err != nil && !refusedAll(err) {
		h.log.Warn("mcp: listing tools", "errorcode", wsgate.CodeOf(err), "error", err.Error())
	}
	h.setTools(sess, fns)
	p.sess = sess
	return sess.server
}

// call returns the Call of function fn in sess.
func (s *session) call(fn string) *protocols.Call {
	ip, _ := s.ip.Load().(string)
	return &protocols.Call{Protocol: Protocol, Token: s.token, Function: fn, RemoteIP: ip}
}

// connected reports whether the SDK holds a live session for s.
func (s *session) connected() bool {
	for range s.server.Sessions() {
		return true
	}
	return false
}

// register keeps sess if the SDK connected it (a request that only probed,
// like server/discover, leaves none) and forgets sessions that ended. When
// sess takes its token past MaxSessionsPerToken, the token's least recently
// used sessions are closed.
func (h *Handler) register(sess *session) {
	h.mu.Lock()
	var same []*session // the token's other sessions
	for id, s := range h.sessions {
		switch {
		case !s.connected():
			delete(h.sessions, id)
		case s.token == sess.token:
			same = append(same, s)
		}
	}
	if !sess.connected() {
		h.mu.Unlock()
		return
	}
	h.sessions[sess.id] = sess
	var evicted []*session
	if max := h.opts.MaxSessionsPerToken; max > 0 && len(same) >= max {
		slices.SortFunc(same, func(a, b *session) int { return cmp.Compare(a.used.Load(), b.used.Load()) })
		evicted = same[:len(same)-max+1]
		for _, s := range evicted {
			delete(h.sessions, s.id)
		}
	}
	h.mu.Unlock()
	for _, s := range evicted {
		h.close(s)
	}
	if len(evicted) > 0 {
		h.log.Info("mcp: closed the least recently used sessions of a token that opened too many",
			"closed", len(evicted), "max_sessions_per_token", h.opts.MaxSessionsPerToken)
	}
}

// end closes sess: its client's next request finds no session.
func (h *Handler) end(sess *session) {
	h.mu.Lock()
	delete(h.sessions, sess.id)
	h.mu.Unlock()
	h.close(sess)
}

// close ends the SDK's sessions of sess.
func (h *Handler) close(sess *session) {
	for ss := range sess.server.Sessions() {
		_ = ss.Close()
	}
}

// Sessions is the number of open sessions.
func (h *Handler) Sessions() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.sessions)
}
