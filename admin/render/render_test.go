package render_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"wsgate"
	"wsgate/admin/render"
)

// detailed is a Detailed error of kind Conflict.
type detailed struct{}

func (detailed) Error() string                { return "Service already exists" }
func (detailed) Unwrap() error                { return wsgate.ErrConflict }
func (detailed) ErrorID() string              { return "resource-exists" }
func (detailed) ErrorDetails() map[string]any { return map[string]any{"name": "already exists"} }

func TestError(t *testing.T) {
	gin.SetMode(gin.TestMode)
	now := time.Unix(1700000000, 250000000)
	tests := []struct {
		name    string
		err     error
		status  int
		body    string
		logged  bool
		noCause string // must not appear in the answer
	}{
		{"detailed", detailed{}, 409,
			`{"message": "Service already exists", "error_id": "resource-exists", "details": {"name": "already exists"}, "resource": "services", "timestamp": 1700000000.25}`,
			false, ""},
		{"wrapped detailed", errors.Join(detailed{}), 409, "", false, ""},
		{"gateway error", wsgate.ErrInvalidParameter.WithDebug("service name is empty"), 400,
			`{"message": "Invalid parameter value detected", "error_id": "invalid-data", "details": {"debuginfo": "service name is empty"}, "resource": "services", "timestamp": 1700000000.25}`,
			false, ""},
		{"not found", wsgate.ErrNotFound, 404, "", false, ""},
		{"unavailable", wsgate.ErrUpstream, 503, "", false, ""},
		{"foreign error", errors.New("pq: password authentication failed for user wsgate"), 500,
			`{"message": "Internal server error", "error_id": "internal-error", "details": {}, "resource": "services", "timestamp": 1700000000.25}`,
			true, "password"},
		{"internal with debuginfo", wsgate.ErrCoding.WithDebug("secret detail"), 500,
			`{"message": "Internal server error", "error_id": "internal-error", "details": {}, "resource": "services", "timestamp": 1700000000.25}`,
			true, "secret"},
		{"nil", nil, 500, "", true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log bytes.Buffer
			r := &render.Renderer{Log: slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelInfo})),
				Now: func() time.Time { return now }}
			rec := httptest.NewRecorder()
			c, _ := gin.CreateTestContext(rec)
			c.Request = httptest.NewRequest(http.MethodGet, "/1.0/services", nil)
			r.Error(c, "services", tt.err)
			if rec.Code != tt.status {
				t.Errorf("status = %d, want %d", rec.Code, tt.status)
			}
			if !c.IsAborted() {
				t.Error("the handler chain was not aborted")
			}
			var got, want any
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil {
				t.Fatalf("body %q: %v", rec.Body, err)
			}
			if tt.body != "" {
				_ = json.Unmarshal([]byte(tt.body), &want)
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				if !bytes.Equal(g, w) {
					t.Errorf("body = %s, want %s", g, w)
				}
			}
			if tt.noCause != "" && strings.Contains(rec.Body.String(), tt.noCause) {
				t.Errorf("the answer shows the cause: %s", rec.Body)
			}
			if logged := log.Len() > 0; logged != tt.logged {
				t.Errorf("logged = %v (%q), want %v", logged, log.String(), tt.logged)
			}
		})
	}
}

func TestUnauthorizedSaysHow(t *testing.T) {
	gin.SetMode(gin.TestMode)
	rec := httptest.NewRecorder()
	c, _ := gin.CreateTestContext(rec)
	c.Request = httptest.NewRequest(http.MethodGet, "/1.0/users", nil)
	(&render.Renderer{}).Error(c, "users", wsgate.ErrInvalidToken)
	if rec.Code != http.StatusUnauthorized || !strings.HasPrefix(rec.Header().Get("WWW-Authenticate"), "Bearer") {
		t.Errorf("status %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
}
