package httplog_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/internal/httplog"
)

func TestMiddlewareLevels(t *testing.T) {
	for _, tt := range []struct {
		level  string
		status int
		want   string // "" for no line
	}{
		{"info", 200, ""},
		{"debug", 200, "level=DEBUG"},
		{"info", 404, "level=INFO"},
		{"info", 503, "level=WARN"},
	} {
		var buf bytes.Buffer
		log := httplog.New(&buf, tt.level, "text")
		h := httplog.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(tt.status) }))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("GET", "/webservice/rest/server.php?wstoken=secret", nil))
		line := buf.String()
		if tt.want == "" && line != "" || tt.want != "" && !strings.Contains(line, tt.want) {
			t.Errorf("level %s, status %d: logged %q, want %q", tt.level, tt.status, line, tt.want)
		}
		if strings.Contains(line, "secret") {
			t.Errorf("the query (with its token) was logged: %q", line)
		}
	}
}

// A handler's flush reaches the client's writer through the middleware.
func TestMiddlewareFlushes(t *testing.T) {
	log := httplog.New(&bytes.Buffer{}, "info", "text")
	h := httplog.Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte(": ok\n\n"))
		f, ok := w.(http.Flusher)
		if !ok {
			t.Fatal("the middleware's writer is not an http.Flusher")
		}
		f.Flush()
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/webservice/mcp/server.php", nil))
	if !rec.Flushed {
		t.Error("the flush did not reach the underlying writer")
	}
}
