package protocols_test

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate"
	"wsgate/protocols"
)

func TestErrorOf(t *testing.T) {
	cases := []struct {
		name          string
		err           error
		code, classOf string
	}{
		{"nil", nil, "generalexceptionmessage", "moodle_exception"},
		{"foreign", errors.New("disk full"), "generalexceptionmessage", "moodle_exception"},
		{"moodle error", wsgate.ErrAccess.WithDebug("x"), "accessexception", "webservice_access_exception"},
		{"no class", &wsgate.Error{Code: "nosuchthing", Message: "No such thing"}, "nosuchthing", "moodle_exception"},
	}
	for _, c := range cases {
		e := protocols.ErrorOf(c.err)
		if e.Code != c.code || e.Exception != c.classOf {
			t.Errorf("%s: ErrorOf = %s/%s, want %s/%s", c.name, e.Exception, e.Code, c.classOf, c.code)
		}
	}
}

func TestPanicError(t *testing.T) {
	if protocols.PanicError("rest", nil) != nil {
		t.Fatal("no panic is an error")
	}
	err := protocols.PanicError("rest", "boom")
	if wsgate.CodeOf(err) != "generalexceptionmessage" || !strings.Contains(err.Error(), "panic in the rest server: boom") {
		t.Fatalf("PanicError = %v", err)
	}
	defer func() {
		if p := recover(); p != http.ErrAbortHandler { //nolint:errorlint // sentinel
			t.Fatalf("ErrAbortHandler was not passed on: %v", p)
		}
	}()
	_ = protocols.PanicError("rest", http.ErrAbortHandler)
}

func TestLogFailure(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/webservice/rest/server.php", nil)
	r.RemoteAddr = "192.0.2.1:4000"
	cases := []struct {
		name  string
		level slog.Level
		err   error
		want  string
	}{
		{"internal at info level", slog.LevelInfo, wsgate.ErrInternal.Wrap(errors.New("cause")),
			`level=ERROR msg="rest: internal error" function=f protocol=rest errorcode=generalexceptionmessage remote=192.0.2.1`},
		{"refusal hidden at info level", slog.LevelInfo, wsgate.ErrInvalidParameter, ""},
		{"refusal at debug level", slog.LevelDebug, wsgate.ErrInvalidParameter.WithDebug("bad"),
			`level=DEBUG msg="rest: call refused" function=f protocol=rest errorcode=invalidparameter remote=192.0.2.1 debuginfo=bad`},
	}
	for _, c := range cases {
		var buf bytes.Buffer
		log := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: c.level,
			ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
				if a.Key == slog.TimeKey {
					return slog.Attr{}
				}
				return a
			}}))
		protocols.LogFailure(r, log, "rest", "f", c.err)
		got := strings.TrimSpace(buf.String())
		if c.want == "" && got != "" || !strings.HasPrefix(got, c.want) {
			t.Errorf("%s: logged %q, want %q", c.name, got, c.want)
		}
		if strings.Count(got, "\n") > 0 {
			t.Errorf("%s: more than one line: %q", c.name, got)
		}
	}
}

// TestServerHeaders pins the headers of Moodle's servers that every answer
// carries, and that WriteBody sends the whole body with its length.
func TestServerHeaders(t *testing.T) {
	w := httptest.NewRecorder()
	protocols.SetServerHeaders(w.Header())
	protocols.WriteBody(w, http.StatusTeapot, []byte("hello"))
	want := map[string]string{"Cache-Control": "private, must-revalidate, pre-check=0, post-check=0, max-age=0",
		"Expires": "Thu, 01 Jan 1970 00:00:00 GMT", "Pragma": "no-cache", "Accept-Ranges": "none",
		"Access-Control-Allow-Origin": "*", "Content-Length": "5"}
	for k, v := range want {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if w.Code != http.StatusTeapot || w.Body.String() != "hello" {
		t.Errorf("answer %d %q", w.Code, w.Body.String())
	}
}
