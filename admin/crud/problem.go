package crud

import (
	"errors"

	"wsgate"
)

// Problem is an admin API error with the error_id and details of its
// answer. It unwraps to a *wsgate.Error of its kind, so wsgate.KindOf and
// the render table see it like any other error of the gateway.
type Problem struct {
	err     *wsgate.Error
	id      string
	details map[string]any
}

// NewProblem returns a Problem of kind with its error_id, message and details.
func NewProblem(kind wsgate.Kind, id, message string, details map[string]any) *Problem {
	if details == nil {
		details = map[string]any{}
	}
	return &Problem{err: &wsgate.Error{Kind: kind, Code: id, Message: message}, id: id, details: details}
}

// Error returns the message.
func (p *Problem) Error() string { return p.err.Message }

// Unwrap returns the gateway error that carries the kind.
func (p *Problem) Unwrap() error { return p.err }

// ErrorID returns the error_id of the answer, e.g. invalid-data.
func (p *Problem) ErrorID() string { return p.id }

// ErrorDetails returns the details of the answer.
func (p *Problem) ErrorDetails() map[string]any { return p.details }

// Fields maps a field name to what is wrong with it.
type Fields map[string]string

// Invalid returns the 400 error of data that breaks the rules of its
// fields: error_id invalid-data, the field map in details.
func Invalid(fields Fields) *Problem {
	details := make(map[string]any, len(fields))
	for k, v := range fields {
		details[k] = v
	}
	return NewProblem(wsgate.Invalid, "invalid-data", "Sent data is invalid", details)
}

// InvalidField is Invalid with one field.
func InvalidField(field, message string) *Problem { return Invalid(Fields{field: message}) }

// fieldsOf returns the field map of an Invalid problem, nil for other errors.
func fieldsOf(err error) Fields {
	var p *Problem
	if !errors.As(err, &p) || p.id != "invalid-data" {
		return nil
	}
	out := Fields{}
	for k, v := range p.details {
		s, _ := v.(string)
		out[k] = s
	}
	return out
}

// Exists returns the 409 error of a unique field whose value is taken:
// error_id resource-exists, the field in details.
func Exists(resource, field, value string) *Problem {
	return NewProblem(wsgate.Conflict, "resource-exists",
		resource+" already exists ("+field+": "+value+")", map[string]any{field: "already exists"})
}

// NotPermitted returns the 409 error of a business rule the change breaks:
// error_id not-permitted; details name the fields concerned, if any.
func NotPermitted(message string, fields Fields) *Problem {
	details := map[string]any{}
	for k, v := range fields {
		details[k] = v
	}
	return NewProblem(wsgate.Conflict, "not-permitted", message, details)
}

// NotFound returns the 404 error of a resource that does not exist; details
// give the key it was looked up by.
func NotFound(resource, key, value string) *Problem {
	return NewProblem(wsgate.NotFound, "not-found", resource+" was not found", map[string]any{key: value})
}

// notFoundAs turns a not-found error of the store into NotFound(resource,
// key, value) and returns other errors as they are.
func notFoundAs(err error, resource, key, value string) error {
	if IsNotFound(err) {
		var p *Problem
		if errors.As(err, &p) {
			return err
		}
		return NotFound(resource, key, value)
	}
	return err
}

// merge adds the fields of b to a, keeping a's message for a field both name.
func merge(a, b Fields) Fields {
	if a == nil {
		a = Fields{}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			a[k] = v
		}
	}
	return a
}

// IsNotFound reports whether err is of the kind wsgate.NotFound.
func IsNotFound(err error) bool { return err != nil && wsgate.KindOf(err) == wsgate.NotFound }
