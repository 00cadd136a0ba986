package web

import (
	"net/http"
	"sort"
	"strings"

	"wsgate/admin"
	"wsgate/admin/render"
)

// adminAPI is the admin services the pages change data through, called
// directly with the administrator of the session as the caller: the same
// rules, events and cache invalidation as the admin REST API.
type adminAPI = admin.Services

func newAdminAPI(d admin.Deps) *adminAPI { return admin.NewServices(d) }

// formError is what a page shows about a refused change: a message, the
// fields at fault and the status of the answer.
type formError struct {
	Message string
	Fields  map[string]string
	Status  int // 0: 400
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

// asFormError turns a refusal of the admin services (a typed error with
// its field map), or a field error of the page, into a formError; a
// failure rather than a refusal, or no error, gives nil.
func asFormError(err error) *formError {
	if err == nil {
		return nil
	}
	if e, ok := err.(*formError); ok {
		if e.Status == 0 {
			e.Status = http.StatusBadRequest
		}
		return e
	}
	status, body := render.Describe(err)
	if status >= http.StatusInternalServerError {
		return nil
	}
	fe := &formError{Message: body.Message, Fields: map[string]string{}, Status: status}
	if body.ErrorID == "invalid-data" {
		fe.Message = "Please correct the fields marked below."
	}
	for k, v := range body.Details {
		if s, ok := v.(string); ok && k != "debuginfo" {
			fe.Fields[k] = s
		}
	}
	return fe
}

func (f *formError) Error() string {
	var b strings.Builder
	b.WriteString(f.Message)
	for _, l := range f.List(nil) {
		b.WriteString("; " + l)
	}
	return b.String()
}
