package protocols

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"wsgate"
	"wsgate/functions"
)

// Defaults of UpstreamClient.
const (
	DefaultUpstreamIdleConns    = 64       // idle connections kept per upstream: the calls one upstream serves at once
	DefaultUpstreamMaxResponse  = 16 << 20 // bytes an upstream may answer
	upstreamDialTimeout         = 10 * time.Second
	upstreamIdleTimeout         = 90 * time.Second
	upstreamTLSHandshakeTimeout = 10 * time.Second
)

// UpstreamClient calls functions implemented by an HTTP service: it POSTs the
// cleaned parameters as JSON and returns the decoded answer for cleaning.
// Each upstream (scheme, host and timeout) gets its own keep-alive transport,
// so calls in flight reuse connections instead of opening one each.
type UpstreamClient struct {
	// HTTP, when set, makes every request instead of the per-upstream transports.
	HTTP *http.Client
	// MaxIdleConnsPerHost is the idle connections kept open to each upstream
	// (default DefaultUpstreamIdleConns); size it to the calls one upstream serves at once.
	MaxIdleConnsPerHost int
	// MaxResponseBytes bounds what an upstream may answer (default 16 MiB).
	MaxResponseBytes int64

	mu      sync.Mutex
	clients map[upstreamKey]*http.Client
}

// upstreamKey tells transports apart: one per upstream host and timeout.
type upstreamKey struct {
	scheme, host string
	timeout      time.Duration
}

// Headers telling the upstream who calls.
const (
	HeaderFunction = "X-Wsgate-Function"
	HeaderUserID   = "X-Wsgate-User-Id"
	HeaderUsername = "X-Wsgate-Username"
	HeaderService  = "X-Wsgate-Service"
)

// Call POSTs params to f's upstream within its timeout and the call's deadline.
// An upstream may answer an error as Moodle's JSON exception
// ({"exception", "errorcode", "message"}), which is passed on to the caller.
// Every other failure is ErrUpstream with a debuginfo of the gateway's own
// words (the cause is kept for the log only).
func (u *UpstreamClient) Call(ctx context.Context, f *functions.Function, params map[string]any) (any, error) {
	if f.Upstream.Timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, f.Upstream.Timeout)
		defer cancel()
	}
	body, err := json.Marshal(params)
	if err != nil {
		return nil, wsgate.ErrInternal.Wrap(err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, f.Upstream.URL, bytes.NewReader(body))
	if err != nil {
		return nil, wsgate.ErrUpstream.WithDebug("bad upstream URL").Wrap(err)
	}
	h := req.Header
	h["Content-Type"] = []string{"application/json"}
	h["Accept"] = []string{"application/json"}
	h[HeaderFunction] = []string{f.Name}
	if c := wsgate.CallerFrom(ctx); c != nil {
		h[HeaderUserID] = []string{strconv.FormatInt(c.UserID, 10)}
		h[HeaderUsername] = []string{c.Username}
		h[HeaderService] = []string{c.Shortname}
	}
	start := time.Now()
	resp, err := u.client(req.URL, f.Upstream.Timeout).Do(req)
	if err != nil {
		if timedOut(ctx, err) {
			return nil, upstreamTimeout(start, err)
		}
		return nil, wsgate.ErrUpstream.WithDebug("the upstream could not be reached").Wrap(err)
	}
	defer resp.Body.Close()
	limit := u.MaxResponseBytes
	if limit <= 0 {
		limit = DefaultUpstreamMaxResponse
	}
	// The answer is decoded as it arrives, never held whole beside its decoding.
	lr := &io.LimitedReader{R: resp.Body, N: limit + 1}
	out, derr := decodeJSON(lr)
	// Read what is left (at most the limit) so the connection can serve the next call.
	_, _ = io.Copy(io.Discard, lr)
	if lr.N <= 0 {
		return nil, wsgate.ErrUpstream.WithDebugf("the upstream's answer is larger than %d bytes", limit)
	}
	if exc := moodleException(out); exc != nil {
		return nil, exc
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, wsgate.ErrUpstream.WithDebugf("the upstream answered HTTP %d", resp.StatusCode)
	}
	if derr != nil {
		var syntax *json.SyntaxError
		switch {
		case errors.As(derr, &syntax), errors.Is(derr, errTrailingData):
			return nil, wsgate.ErrUpstream.WithDebug("the upstream's answer is not JSON").Wrap(derr)
		case timedOut(ctx, derr):
			return nil, upstreamTimeout(start, derr)
		default:
			return nil, wsgate.ErrUpstream.WithDebug("the upstream's answer was cut off").Wrap(derr)
		}
	}
	return out, nil
}

var errTrailingData = errors.New("data after the JSON value")

// decodeJSON decodes the one JSON value r holds (nil for an empty answer).
func decodeJSON(r io.Reader) (any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	var out any
	if err := dec.Decode(&out); err != nil {
		if err == io.EOF {
			return nil, nil
		}
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err == nil {
			err = errTrailingData
		}
		return nil, err
	}
	return out, nil
}

// timedOut reports whether err came from the call's deadline.
func timedOut(ctx context.Context, err error) bool {
	var ne net.Error
	return errors.Is(err, context.DeadlineExceeded) || errors.Is(ctx.Err(), context.DeadlineExceeded) ||
		(errors.As(err, &ne) && ne.Timeout())
}

func upstreamTimeout(start time.Time, err error) error {
	return wsgate.ErrUpstream.WithDebugf("the upstream did not answer within %s",
		time.Since(start).Round(time.Millisecond)).Wrap(err)
}

// client returns the HTTP client for an upstream at target with timeout,
// made on first use.
func (u *UpstreamClient) client(target *url.URL, timeout time.Duration) *http.Client {
	if u.HTTP != nil {
		return u.HTTP
	}
	key := upstreamKey{scheme: target.Scheme, host: target.Host, timeout: timeout}
	u.mu.Lock()
	defer u.mu.Unlock()
	if c := u.clients[key]; c != nil {
		return c
	}
	if u.clients == nil {
		u.clients = make(map[upstreamKey]*http.Client)
	}
	c := &http.Client{Transport: u.transport(timeout)}
	u.clients[key] = c
	return c
}

// transport is a keep-alive transport for one upstream: an idle pool sized
// to the calls in flight, and dial, TLS and header waits within timeout.
func (u *UpstreamClient) transport(timeout time.Duration) *http.Transport {
	idle := u.MaxIdleConnsPerHost
	if idle <= 0 {
		idle = DefaultUpstreamIdleConns
	}
	within := func(d time.Duration) time.Duration {
		if timeout > 0 && timeout < d {
			return timeout
		}
		return d
	}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: within(upstreamDialTimeout), KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConnsPerHost:   idle,
		IdleConnTimeout:       upstreamIdleTimeout,
		TLSHandshakeTimeout:   within(upstreamTLSHandshakeTimeout),
		ResponseHeaderTimeout: timeout,
		ExpectContinueTimeout: time.Second,
		ForceAttemptHTTP2:     true,
	}
}

// CloseIdleConnections closes the idle connections to every upstream.
func (u *UpstreamClient) CloseIdleConnections() {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, c := range u.clients {
		c.CloseIdleConnections()
	}
}

// moodleException recognises an error answered in Moodle's JSON form.
func moodleException(v any) *wsgate.Error {
	m, ok := v.(map[string]any)
	if !ok {
		return nil
	}
	exception, _ := m["exception"].(string)
	code, _ := m["errorcode"].(string)
	if exception == "" || code == "" {
		return nil
	}
	message, _ := m["message"].(string)
	debug, _ := m["debuginfo"].(string)
	return &wsgate.Error{Kind: wsgate.Invalid, Exception: exception, Code: code, Message: message,
		DebugInfo: debug, Err: fmt.Errorf("upstream exception %s", code)}
}
