// Package render writes the admin API's answers: JSON bodies and the one
// error form, {"message", "error_id", "details", "resource", "timestamp"},
// with the one table that maps an error kind to an HTTP status.
//
// It imports the root package wsgate and gin only.
package render

import (
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"wsgate"
)

// Detailed is an error that says more than its kind: the error_id and the
// details of its answer (a field map for invalid data).
type Detailed interface {
	error
	ErrorID() string
	ErrorDetails() map[string]any
}

// kinds maps each error kind to its HTTP status, default error_id and
// message. Kinds are append-only; so is this table.
var kinds = map[wsgate.Kind]struct {
	status  int
	id      string
	message string
}{
	wsgate.Internal:        {http.StatusInternalServerError, "internal-error", "Internal server error"},
	wsgate.Invalid:         {http.StatusBadRequest, "invalid-data", "Sent data is invalid"},
	wsgate.NotFound:        {http.StatusNotFound, "not-found", "Resource not found"},
	wsgate.Unauthenticated: {http.StatusUnauthorized, "unauthorized", "Unauthorized"},
	wsgate.Forbidden:       {http.StatusForbidden, "forbidden", "Forbidden"},
	wsgate.Conflict:        {http.StatusConflict, "resource-exists", "Resource already exists"},
	wsgate.Unavailable:     {http.StatusServiceUnavailable, "unavailable", "Service unavailable"},
	wsgate.RateLimited:     {http.StatusTooManyRequests, "rate-limited", "Too many requests"},
}

// Describe returns the status and the body (without resource and
// timestamp) of the answer to err, a refusal or a failure of a change: what
// the REST API answers, and what the pages and the command line show. A
// Detailed error gives its error_id and details; other errors of the
// gateway give their kind's error_id and, but for internal errors, their
// message and debuginfo. A nil error is a coding error.
func Describe(err error) (int, ErrorBody) {
	if err == nil {
		err = wsgate.ErrCoding.WithDebug("render.Describe called without an error")
	}
	e := wsgate.AsError(err)
	k, ok := kinds[e.Kind]
	if !ok {
		k = kinds[wsgate.Internal]
	}
	body := ErrorBody{Message: k.message, ErrorID: k.id, Details: map[string]any{}}
	var d Detailed
	switch {
	case e.Kind == wsgate.Internal || !ok:
	case errors.As(err, &d):
		body.Message, body.ErrorID = d.Error(), d.ErrorID()
		for key, v := range d.ErrorDetails() {
			body.Details[key] = v
		}
	default:
		if e.Message != "" {
			body.Message = e.Message
		}
		if e.DebugInfo != "" {
			body.Details["debuginfo"] = e.DebugInfo
		}
	}
	return k.status, body
}

// ErrorBody is the JSON body of every error answer.
type ErrorBody struct {
	Message   string         `json:"message"`
	ErrorID   string         `json:"error_id"`
	Details   map[string]any `json:"details"`
	Resource  string         `json:"resource"`
	Timestamp float64        `json:"timestamp"` // unix seconds
}

// Renderer writes answers; its zero value logs to slog.Default and uses time.Now.
type Renderer struct {
	Log *slog.Logger
	Now func() time.Time
}

// Error answers err about resource (a collection name such as "services")
// and aborts the handler chain, with the status and body Describe gives.
// Internal errors are logged with their cause and answered without it.
func (r *Renderer) Error(c *gin.Context, resource string, err error) {
	if err == nil {
		err = wsgate.ErrCoding.WithDebug("render.Error called without an error")
	}
	status, body := Describe(err)
	body.Resource, body.Timestamp = resource, float64(r.now().UnixMicro())/1e6
	if status == http.StatusInternalServerError {
		r.log().ErrorContext(c.Request.Context(), "admin API", "method", c.Request.Method, "path", c.Request.URL.Path,
			"err", err)
	}
	if status < http.StatusInternalServerError {
		r.log().DebugContext(c.Request.Context(), "admin API refused", "method", c.Request.Method,
			"path", c.Request.URL.Path, "status", status, "err", err, "details", body.Details)
	}
	if status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="wsgate"`)
	}
	c.AbortWithStatusJSON(status, body)
}

// JSON answers v with status.
func (r *Renderer) JSON(c *gin.Context, status int, v any) {
	c.JSON(status, v)
}

// NoContent answers 204.
func (r *Renderer) NoContent(c *gin.Context) {
	c.Status(http.StatusNoContent)
}

func (r *Renderer) log() *slog.Logger {
	if r == nil || r.Log == nil {
		return slog.Default()
	}
	return r.Log
}

func (r *Renderer) now() time.Time {
	if r == nil || r.Now == nil {
		return time.Now()
	}
	return r.Now()
}
