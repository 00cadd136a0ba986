package web

import (
	"context"
	"sort"
	"strings"

	"wsgate"
	"wsgate/admin"
)

// adminAPI makes the pages' changes through the admin API's plugins, in
// process (admin.Local): the administrator of the session is the caller.
type adminAPI struct {
	l *admin.Local
}

func newAdminAPI(d admin.Deps) *adminAPI { return &adminAPI{l: admin.NewLocal(d)} }

// apiError is a refusal of the admin API: its status and error body.
type apiError = admin.Refusal

// do sends method path with in as its JSON body on behalf of caller; see admin.Local.Do.
func (a *adminAPI) do(ctx context.Context, caller *wsgate.Caller, method, path string, in, out any) error {
	return a.l.Do(ctx, caller, method, path, in, out)
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
