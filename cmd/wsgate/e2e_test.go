package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// cliEnv runs the binary's commands against one store.
type cliEnv struct {
	t   *testing.T
	env []string
}

func (c cliEnv) run(stdin string, args ...string) (string, int) {
	c.t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), args, strings.NewReader(stdin), &out, &errOut, c.env)
	if code != 0 {
		return errOut.String(), code
	}
	return out.String(), code
}

func (c cliEnv) must(stdin string, args ...string) string {
	c.t.Helper()
	out, code := c.run(stdin, args...)
	if code != 0 {
		c.t.Fatalf("%v: exit %d: %s", args, code, out)
	}
	return out
}

func restGet(t *testing.T, base string, q url.Values) string {
	t.Helper()
	resp, err := http.Get(base + "/webservice/rest/server.php?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// TestFirstCall walks the README's first call: a new store, the CLI makes an
// administrator, enables the mobile service and a token; REST answers in JSON
// and XML; a change made by the CLI while serving is seen by the server.
func TestFirstCall(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			dbURL := dbtest.URL(t, dialect)
			c := cliEnv{t, []string{"WSGATE_DATABASE_URL=" + dbURL, "WSGATE_LISTEN=127.0.0.1:0",
				"WSGATE_CALLS_CHANGE_POLL_INTERVAL=50ms"}}
			dry := c.must("", "upgrade", "--dry-run")
			for _, w := range []string{"Dry run", "+ core_webservice_get_site_info", "+ core_user_create_users", "+ Moodle mobile web service"} {
				if !strings.Contains(dry, w) {
					t.Errorf("dry run output lacks %q:\n%s", w, dry)
				}
			}
			if out := c.must("", "upgrade"); !strings.Contains(out, "functions: 12 added") {
				t.Errorf("upgrade printed %s", out)
			}
			if out := c.must("", "upgrade"); strings.TrimSpace(out) != "No changes." {
				t.Errorf("second upgrade printed %q", out)
			}
			c.must("change-me\n", "user", "create", "admin", "--password-stdin", "--role", "admin")
			c.must("", "service", "enable", "moodle_mobile_app")
			token := strings.TrimSpace(c.must("", "token", "create", "--user", "admin", "--service", "moodle_mobile_app"))
			if len(token) != 32 || strings.Trim(token, "0123456789abcdef") != "" {
				t.Fatalf("token create printed %q", token)
			}
			if out, code := c.run("", "token", "create", "--user", "nobody", "--service", "moodle_mobile_app"); code != 1 || !strings.Contains(out, "nobody") {
				t.Errorf("token for an unknown user: exit %d, %s", code, out)
			}
			if _, code := c.run("", "token", "create", "--user", "admin"); code != 2 {
				t.Errorf("token create without --service: exit %d, want 2", code)
			}

			// The command line changes through the admin services: its events wait in the outbox.
			if got := outboxNames(t, dbURL); got != "service_edited,token_created,user_created,user_role_associated" {
				t.Errorf("events written by the CLI: %s", got)
			}

			cfg, _, err := LoadConfig("", c.env)
			if err != nil {
				t.Fatal(err)
			}
			app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			defer app.Close()
			if err := app.Listen(); err != nil {
				t.Fatal(err)
			}
			ctx, stop := context.WithCancel(context.Background())
			served := make(chan error, 1)
			go func() { served <- app.Serve(ctx) }()
			defer func() { stop(); <-served }()

			q := url.Values{"wstoken": {token}, "wsfunction": {"core_webservice_get_site_info"}, "moodlewsrestformat": {"json"}}
			var info map[string]any
			body := restGet(t, app.URL(), q)
			if err := json.Unmarshal([]byte(body), &info); err != nil || info["username"] != "admin" || info["userissiteadmin"] != true {
				t.Fatalf("get_site_info JSON = %s (%v)", body, err)
			}
			if fns, _ := info["functions"].([]any); len(fns) != 8 { // with tool_mobile_call_external_functions
				t.Errorf("functions of moodle_mobile_app = %v", info["functions"])
			}
			q.Del("moodlewsrestformat")
			if xml := restGet(t, app.URL(), q); !strings.HasPrefix(xml, "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n<SINGLE>\n<KEY name=\"sitename\"><VALUE>wsgate</VALUE>\n</KEY>") {
				t.Errorf("get_site_info XML = %s", xml)
			}
			bad := url.Values{"wstoken": {"nope"}, "wsfunction": {"core_webservice_get_site_info"}, "moodlewsrestformat": {"json"}}
			if got := restGet(t, app.URL(), bad); got != `{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}` {
				t.Errorf("invalid token answer = %s", got)
			}

			// A change made by another process (the CLI) reaches the serving one.
			c.must("", "service", "disable", "moodle_mobile_app")
			q.Set("moodlewsrestformat", "json")
			deadline := time.Now().Add(10 * time.Second)
			for {
				got := restGet(t, app.URL(), q)
				if strings.Contains(got, `"errorcode":"accessexception"`) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("disabling the service from the CLI was not seen by the server: %s", got)
				}
				time.Sleep(20 * time.Millisecond)
			}
		})
	}
}

// outboxNames lists the distinct event names waiting in the outbox, sorted.
func outboxNames(t *testing.T, dbURL string) string {
	t.Helper()
	d, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rows, err := d.Query(`SELECT DISTINCT name FROM outbox ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		_ = rows.Scan(&n)
		names = append(names, n)
	}
	return strings.Join(names, ",")
}

func TestUpgradeRefusesBadManifestAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "local_broken", "db")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "services.yaml"), []byte("functions:\n  local_broken_f:\n    upstream: {url: 'http://127.0.0.1:1/'}\n    parameters: {x: NUMBERZ}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	dbURL := dbtest.URL(t, db.SQLite)
	c := cliEnv{t, []string{"WSGATE_DATABASE_URL=" + dbURL, "WSGATE_COMPONENTS_PATHS=" + dir}}
	out, code := c.run("", "upgrade")
	if code != 1 || !strings.Contains(out, filepath.Join(dir, "local_broken/db/services.yaml")) || !strings.Contains(out, "NUMBERZ") {
		t.Fatalf("exit %d: %s", code, out)
	}
	d, err := db.Open(context.Background(), dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.QueryRow(`SELECT (SELECT COUNT(*) FROM external_functions) + (SELECT COUNT(*) FROM external_services)`).Scan(&n); err != nil || n != 0 {
		t.Errorf("a refused upgrade left %d rows (%v)", n, err)
	}
}

func TestRESTFunctionInPath(t *testing.T) {
	app := startApp(t, dbtest.URL(t, db.SQLite))
	token := siteAdminToken(t, app, "p", "", "wsgate_admin")
	req, _ := http.NewRequest("POST", app.URL()+"/webservice/rest/server.php/core_user_get_users_by_field?moodlewsrestformat=json&wsfunction=ignored",
		strings.NewReader(`{"field":"username","values":["p"]}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if !strings.Contains(string(body), `"username":"p"`) {
		t.Errorf("function named by the path: %s", body)
	}
}
