package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"

	"github.com/gin-gonic/gin"

	"wsgate"
	"wsgate/admin"
	"wsgate/admin/crud"
	"wsgate/admin/render"
	"wsgate/admin/roles"
	"wsgate/admin/servicefunctions"
	adminservices "wsgate/admin/services"
	"wsgate/admin/serviceusers"
	"wsgate/admin/tokens"
	"wsgate/admin/userroles"
	"wsgate/admin/users"
)

// adminAPI makes the pages' changes through the admin API's plugins,
// in process: the same resources, services, validators, DAOs and notifiers
// as /1.0, so a change from a page is validated, written with its event in
// one transaction, and invalidates the authorization cache, exactly as one
// through the REST API. The plugins' services are not exported, so the
// pages call their gin handlers with a JSON body; the caller (the
// administrator of the session) travels in the request's context instead
// of a token.
type adminAPI struct {
	h http.Handler
}

func newAdminAPI(d admin.Deps) *adminAPI {
	rd := &render.Renderer{Log: d.Log, Now: d.Now}
	env := &crud.Env{Store: d.Store, Catalog: d.Catalog, Render: rd, Now: d.Now,
		Changes: &crud.Changes{Store: d.Store, AfterCommit: d.AfterCommit, Log: d.Log}}
	e := gin.New()
	e.ContextWithFallback = true
	for _, p := range []admin.Plugin{
		adminservices.New(env),
		users.New(env),
		roles.New(env),
		tokens.New(env),
		servicefunctions.New(env),
		serviceusers.New(env),
		userroles.New(env),
	} {
		p.Routes(e)
	}
	return &adminAPI{h: e}
}

// apiError is a refusal of the admin API: its status and error body.
type apiError struct {
	Status int
	Body   render.ErrorBody
}

func (e *apiError) Error() string {
	if f := e.Fields(); len(f) > 0 {
		return e.Body.Message + " (" + strings.Join((&formError{Fields: f}).List(nil), ", ") + ")"
	}
	return e.Body.Message
}

// Fields returns the details that name a field and say what is wrong with it.
func (e *apiError) Fields() map[string]string {
	f := map[string]string{}
	for k, v := range e.Body.Details {
		if s, ok := v.(string); ok && k != "debuginfo" {
			f[k] = s
		}
	}
	return f
}

// Internal reports whether the API failed rather than refused.
func (e *apiError) Internal() bool { return e.Status >= http.StatusInternalServerError }

// do sends method path with in as its JSON body (nil for none) on behalf of
// caller, and decodes a 2xx answer into out (nil to ignore it). A refusal
// is an *apiError.
func (a *adminAPI) do(ctx context.Context, caller *wsgate.Caller, method, path string, in, out any) error {
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
	req.RemoteAddr = net.JoinHostPort(caller.RemoteIP, "0")
	rec := &recorder{header: http.Header{}}
	a.h.ServeHTTP(rec, req)
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	if rec.status >= 300 {
		e := &apiError{Status: rec.status}
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

// formError is what a page shows about a refused change: a message and the
// fields at fault.
type formError struct {
	Message string
	Fields  map[string]string
}

// Err returns the message about field ("" when it is fine).
func (f *formError) Err(field string) string {
	if f == nil {
		return ""
	}
	return f.Fields[field]
}

// List returns "field: message" lines for the summary, sorted, each field
// named by its label in labels when it has one.
func (f *formError) List(labels map[string]string) []string {
	if f == nil {
		return nil
	}
	var out []string
	for k, v := range f.Fields {
		name := labels[k]
		if name == "" {
			name = k
		}
		out = append(out, name+": "+v)
	}
	sort.Strings(out)
	return out
}

// asFormError turns a refusal of the admin API, or a field error of the
// page, into a formError; other errors give nil.
func asFormError(err error) *formError {
	switch e := err.(type) {
	case *apiError:
		if e.Internal() {
			return nil
		}
		msg := e.Body.Message
		if e.Body.ErrorID == "invalid-data" {
			msg = "Please correct the fields marked below."
		}
		return &formError{Message: msg, Fields: e.Fields()}
	case *formError:
		return e
	}
	return nil
}

func (f *formError) Error() string {
	var b strings.Builder
	b.WriteString(f.Message)
	for _, l := range f.List(nil) {
		b.WriteString("; " + l)
	}
	return b.String()
}
