package main

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// Issue 12, finding 2: /login/token.php and /admin/login share one limiter
// configured by login.*: guesses at one lock the other out.
func TestLoginLimitShared(t *testing.T) {
	app := startApp(t, dbtest.URL(t, db.SQLite), "WSGATE_LOGIN_MAX_FAILURES=2")
	ctx := context.Background()
	role, err := app.store.EnsureAdminRole(ctx)
	if err != nil {
		t.Fatal(err)
	}
	u, err := app.store.CreateUser(ctx, services.User{Username: "admin", Auth: services.AuthManual}, "right-pw")
	if err != nil {
		t.Fatal(err)
	}
	if err := app.store.AssignRole(ctx, u.ID, role.ID); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resp, err := http.PostForm(app.URL()+"/login/token.php",
			url.Values{"username": {"admin"}, "password": {"wrong"}, "service": {"moodle_mobile_app"}})
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(b), `"errorcode":"invalidlogin"`) {
			t.Fatalf("token.php: %s", b)
		}
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Get(app.URL() + "/admin/login")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	m := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`).FindSubmatch(page)
	if m == nil {
		t.Fatalf("no CSRF token on the login page:\n%s", page)
	}
	resp, err = c.PostForm(app.URL()+"/admin/login",
		url.Values{"csrf_token": {string(m[1])}, "username": {"admin"}, "password": {"right-pw"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("page login after 2 failures at token.php: %d, want 429", resp.StatusCode)
	}
}
