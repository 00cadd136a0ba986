package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/migrations"
)

// newTestApp starts an App on a fresh store of the dialect, listening on a free port.
func newTestApp(t *testing.T, dialect db.Dialect) *App {
	t.Helper()
	cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=" + dbtest.URL(t, dialect)})
	if err != nil {
		t.Fatal(err)
	}
	cfg.ShutdownGrace = 5 * time.Second
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	if err := app.Listen(); err != nil {
		t.Fatal(err)
	}
	return app
}

func TestStatus(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			app := newTestApp(t, dialect)
			ctx, stop := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- app.Serve(ctx) }()
			defer func() { stop(); <-served }()
			get := func() (int, map[string]any) {
				w := httptest.NewRecorder()
				app.Engine.ServeHTTP(w, httptest.NewRequest("GET", "/status", nil))
				var body map[string]any
				if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
					t.Fatalf("status body %q: %v", w.Body, err)
				}
				return w.Code, body
			}
			component := func(body map[string]any, name string) any {
				c, _ := body["components"].(map[string]any)[name].(map[string]any)
				return c["status"]
			}
			deadline := time.Now().Add(5 * time.Second)
			code, body := get()
			for code != 200 && time.Now().Before(deadline) { // the change watch starts with Serve
				time.Sleep(10 * time.Millisecond)
				code, body = get()
			}
			if code != 200 || body["status"] != "ok" || body["store"] != string(dialect) || body["schema_version"] == nil {
				t.Fatalf("status = %d %v", code, body)
			}
			for _, name := range []string{"database", "cache_invalidation", "upgrade", "outbox"} {
				if got := component(body, name); got != "ok" {
					t.Errorf("%s = %v, want ok", name, got)
				}
			}
			app.DB.Close()
			code, body = get()
			if code != 503 || body["status"] != "fail" || component(body, "database") != "fail" {
				t.Fatalf("status with the database closed = %d %v", code, body)
			}
		})
	}
}

func TestStatusReportsPendingUpgrade(t *testing.T) {
	dbURL := dbtest.URL(t, db.SQLite)
	cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=" + dbURL,
		"WSGATE_COMPONENTS_UPGRADE_ON_START=false"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	rep := app.Status.Run(context.Background())
	if rep.Components["upgrade"].Status != "fail" {
		t.Errorf("a store never upgraded reports upgrade %v", rep.Components["upgrade"])
	}
}

func TestGracefulShutdown(t *testing.T) {
	app := newTestApp(t, db.SQLite)
	started := make(chan struct{})
	app.Engine.GET("/slow", func(c *gin.Context) {
		close(started)
		time.Sleep(700 * time.Millisecond)
		c.String(200, "finished")
	})
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- app.Serve(ctx) }()

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get(app.URL() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-started
	cancel() // as SIGTERM does
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request = %q, %v; want it to finish", r.body, r.err)
	}
	if err := <-served; err != nil {
		t.Fatalf("Serve = %v", err)
	}
	if _, err := http.Get(app.URL() + "/status"); err == nil {
		t.Error("server still accepts requests after shutdown")
	}
}

func TestMigrateCommands(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			env := []string{"WSGATE_DATABASE_URL=" + dbtest.URL(t, dialect)}
			latest, err := migrations.Latest(string(dialect))
			if err != nil {
				t.Fatal(err)
			}
			atLatest := fmt.Sprintf("schema version %d", latest)
			for _, step := range []struct {
				args []string
				want string
			}{
				{[]string{"migrate", "version"}, "schema version 0"},
				{[]string{"migrate", "up"}, atLatest},
				{[]string{"migrate", "down"}, "schema version 0"},
				{[]string{"migrate", "up"}, atLatest},
				{[]string{"version"}, "wsgate "},
			} {
				var out, errOut bytes.Buffer
				if code := Run(context.Background(), step.args, nil, &out, &errOut, env); code != 0 {
					t.Fatalf("%v: exit %d: %s", step.args, code, errOut.String())
				}
				if !strings.Contains(out.String(), step.want) {
					t.Errorf("%v printed %q, want %q", step.args, out.String(), step.want)
				}
			}
		})
	}
}

// welcomeWatcher is serve's standard output: it tells the serving URL once
// the welcome is printed.
type welcomeWatcher struct {
	once sync.Once
	url  chan string
}

func (w *welcomeWatcher) Write(p []byte) (int, error) {
	if _, rest, ok := strings.Cut(string(p), " is serving on "); ok {
		w.once.Do(func() { w.url <- strings.Fields(rest)[0] })
	}
	return len(p), nil
}

// TestServeWritesEveryLogLineByExit: serve logs through a buffer, and by the
// time it returns every line is written, the call line and the shutdown
// lines included, the last (stopped) written after the store was closed.
func TestServeWritesEveryLogLineByExit(t *testing.T) {
	dir := t.TempDir()
	environ := []string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=sqlite:" + filepath.Join(dir, "serve.db"),
		"WSGATE_SHUTDOWN_GRACE=5s"}
	ctx, stop := context.WithCancel(context.Background())
	defer stop()
	stdout := &welcomeWatcher{url: make(chan string, 1)}
	var stderr bytes.Buffer // read once Run returned
	code := make(chan int, 1)
	go func() { code <- Run(ctx, []string{"serve"}, nil, stdout, &stderr, environ) }()
	var base string
	select {
	case base = <-stdout.url:
	case c := <-code:
		t.Fatalf("serve exited with %d: %s", c, stderr.String())
	}
	resp, err := http.Get(base + "/webservice/rest/server.php?wstoken=nope&wsfunction=core_webservice_get_site_info")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	stop()
	if c := <-code; c != 0 {
		t.Fatalf("serve exited with %d: %s", c, stderr.String())
	}
	logged := stderr.String()
	for _, want := range []string{"msg=serving", "msg=call function=core_webservice_get_site_info protocol=rest outcome=invalidtoken",
		`msg="shutting down"`, "msg=stopped"} {
		if !strings.Contains(logged, want) {
			t.Errorf("the log lacks %q:\n%s", want, logged)
		}
	}
	if !strings.HasSuffix(logged, "\n") {
		t.Errorf("the log ends in a partial line: %q", logged)
	}
}
