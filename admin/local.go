package admin

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"

	"github.com/gin-gonic/gin"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/admin/render"
)

// Local calls the admin API's plugins in process for a caller who is already
// authenticated (the admin pages' session, the command line): the same
// resources, validators, DAOs and notifiers as /1.0, so a change made this way
// is validated, written with its event in one transaction and invalidates the
// authorization cache exactly as one made through the REST API.
type Local struct {
	h http.Handler
}

// NewLocal builds every plugin over d (whatever enabled_plugins says: the
// pages and the command line need them all).
func NewLocal(d Deps) *Local {
	d = d.withDefaults()
	rd := &render.Renderer{Log: d.Log, Now: d.Now}
	env := &crud.Env{Store: d.Store, Catalog: d.Catalog, Render: rd, Now: d.Now,
		Changes: &crud.Changes{Store: d.Store, AfterCommit: d.AfterCommit, Log: d.Log}}
	e := gin.New()
	e.ContextWithFallback = true
	for _, p := range plugins(env) {
		p.Routes(e)
	}
	return &Local{h: e}
}

// Refusal is an answer of the admin API other than a success: its HTTP
// status and its error body (message, error_id, details).
type Refusal struct {
	Status int
	Body   render.ErrorBody
}

// Error returns the message of the refusal.
func (e *Refusal) Error() string { return e.Body.Message }

// Internal reports whether the API failed rather than refused.
func (e *Refusal) Internal() bool { return e.Status >= http.StatusInternalServerError }

// Fields returns the details that name a field and say what is wrong with it.
func (e *Refusal) Fields() map[string]string {
	f := map[string]string{}
	for k, v := range e.Body.Details {
		if s, ok := v.(string); ok && k != "debuginfo" {
			f[k] = s
		}
	}
	return f
}

// Do sends method path (relative to /1.0) with in as its JSON body (nil for
// none) on behalf of caller, and decodes a 2xx answer into out (nil to
// ignore it). A refusal is a *Refusal.
func (l *Local) Do(ctx context.Context, caller *wsgate.Caller, method, path string, in, out any) error {
	var body bytes.Buffer
	if in != nil {
		if err := json.NewEncoder(&body).Encode(in); err != nil {
			return err
		}
	}
	req, err := http.NewRequestWithContext(wsgate.WithCaller(ctx, caller), method, path, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	ip := caller.RemoteIP
	if ip == "" {
		ip = "127.0.0.1"
	}
	req.RemoteAddr = net.JoinHostPort(ip, "0")
	rec := &recorder{header: http.Header{}}
	l.h.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 300 {
		e := &Refusal{Status: rec.status}
		if err := json.Unmarshal(rec.body.Bytes(), &e.Body); err != nil || e.Body.Message == "" {
			e.Body.Message = fmt.Sprintf("The admin API answered %d to %s %s", rec.status, method, path)
		}
		return e
	}
	if out != nil {
		return json.Unmarshal(rec.body.Bytes(), out)
	}
	return nil
}

// recorder is the http.ResponseWriter of an in-process call.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}

func (r *recorder) WriteHeader(status int) {
	if r.status == 0 {
		r.status = status
	}
}
