package login_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols/login"
	"wsgate/services"
)

type env struct {
	t       *testing.T
	store   *services.Store
	handler *login.Handler
	now     time.Time
}

func newEnv(t *testing.T, d *db.DB, secret string) *env {
	t.Helper()
	e := &env{t: t, now: time.Unix(1_800_000_000, 0)}
	clock := func() time.Time { return e.now }
	e.store = services.NewStore(d, services.WithBcryptCost(4), services.WithClock(clock))
	e.handler = login.NewHandler(e.store, login.Options{MaxFailures: 3, MaxFailuresPerAddr: 5, Window: time.Minute,
		Secret: []byte(secret), Now: clock}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"moodle/webservice:createmobiletoken", "moodle/webservice:createtoken", "local/x:use"} {
		must(e.store.RegisterCapability(ctx, name, "test", ""))
	}
	role, err := e.store.CreateRole(ctx, services.Role{Shortname: "user"})
	must(err)
	must(e.store.AddRoleCapability(ctx, role.ID, "moodle/webservice:createmobiletoken"))
	must(e.store.AddRoleCapability(ctx, role.ID, "moodle/webservice:createtoken"))
	for _, u := range []services.User{{Username: "ann", Auth: services.AuthManual}, {Username: "sus", Auth: services.AuthManual, Suspended: true}} {
		created, err := e.store.CreateUser(ctx, u, "secret")
		must(err)
		must(e.store.AssignRole(ctx, created.ID, role.ID))
	}
	for _, s := range []services.Service{
		{Name: "Mobile", Shortname: "moodle_mobile_app", Enabled: true},
		{Name: "Restricted", Shortname: "restricted", Enabled: true, RestrictedUsers: true},
		{Name: "Off", Shortname: "off"},
		{Name: "Capped", Shortname: "capped", Enabled: true, RequiredCapability: "local/x:use"},
	} {
		_, err := e.store.CreateService(ctx, s)
		must(err)
	}
	return e
}

func (e *env) post(form url.Values) map[string]any {
	e.t.Helper()
	req := httptest.NewRequest("POST", "/login/token.php", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = "192.0.2.7:5555"
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		e.t.Fatalf("status %d, headers %v", w.Code, w.Header())
	}
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		e.t.Fatalf("body %q: %v", w.Body, err)
	}
	return body
}

func login3(user, pw, service string) url.Values {
	return url.Values{"username": {user}, "password": {pw}, "service": {service}}
}

func TestTokenSuccessAndReuse(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, "s3cret")
		first := e.post(login3("Ann", "secret", "moodle_mobile_app"))
		tok, _ := first["token"].(string)
		if len(tok) != 32 || first["privatetoken"] != nil {
			t.Fatalf("first answer = %v", first)
		}
		got, err := e.store.TokenByValue(context.Background(), tok)
		if err != nil || got.ValidUntil != e.now.Add(12*7*24*time.Hour).Unix() {
			t.Fatalf("stored token = %+v, %v", got, err)
		}
		e.now = e.now.Add(time.Hour)
		if again := e.post(login3("ann", "secret", "moodle_mobile_app")); again["token"] != tok {
			t.Errorf("second login = %v, want the same token %s", again, tok)
		}
		// Past its expiry the token is not reused: a new one is made.
		e.now = e.now.Add(13 * 7 * 24 * time.Hour)
		if later := e.post(login3("ann", "secret", "moodle_mobile_app")); later["token"] == tok || later["token"] == nil {
			t.Errorf("login after expiry = %v, want a new token", later)
		}
	})
}

func TestTokenWithoutSecretMakesNewTokens(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), "")
	a := e.post(login3("ann", "secret", "moodle_mobile_app"))["token"]
	b := e.post(login3("ann", "secret", "moodle_mobile_app"))["token"]
	if a == nil || b == nil || a == b {
		t.Errorf("tokens %v and %v", a, b)
	}
}

func TestTokenFailures(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), "s3cret")
	ctx := context.Background()
	tests := []struct {
		name string
		form url.Values
		code string
		msg  string
	}{
		{"missing username", url.Values{"password": {"x"}, "service": {"s"}}, "missingparam", "A required parameter (username) was missing"},
		{"wrong password", login3("ann", "nope", "moodle_mobile_app"), "invalidlogin", "Invalid login, please try again"},
		{"unknown user", login3("nobody", "secret", "moodle_mobile_app"), "invalidlogin", "Invalid login, please try again"},
		{"suspended user", login3("sus", "secret", "moodle_mobile_app"), "invalidlogin", "Invalid login, please try again"},
		{"unknown service", login3("ann", "secret", "nope"), "servicenotavailable", "Web service is not available. (It doesn't exist or might be disabled.)"},
		{"disabled service", login3("ann", "secret", "off"), "servicenotavailable", ""},
		{"missing capability", login3("ann", "secret", "capped"), "missingrequiredcapability", "The capability local/x:use is required."},
		{"not an authorised user", login3("ann", "secret", "restricted"), "usernotallowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := e.post(tt.form)
			if body["errorcode"] != tt.code || (tt.msg != "" && body["error"] != tt.msg) {
				t.Errorf("answer = %v, want %s %q", body, tt.code, tt.msg)
			}
			for _, k := range []string{"stacktrace", "debuginfo", "reproductionlink"} {
				if v, ok := body[k]; !ok || v != nil {
					t.Errorf("%s = %v, want null", k, v)
				}
			}
		})
	}
	// Restricted service: authorised, then expired, then from another address.
	svc, _ := e.store.ServiceByShortname(ctx, "restricted")
	ann, _ := e.store.UserByUsername(ctx, "ann")
	for _, step := range []struct {
		ip    string
		until int64
		code  string
	}{
		{"", e.now.Add(-time.Hour).Unix(), "invalidtimedtoken"},
		{"10.0.0.0/8", 0, "invalidiptoken"},
		{"192.0.2.0/24", e.now.Add(time.Hour).Unix(), ""},
	} {
		if err := e.store.AuthoriseUser(ctx, svc.ID, ann.ID, step.ip, step.until); err != nil {
			t.Fatal(err)
		}
		body := e.post(login3("ann", "secret", "restricted"))
		if code, _ := body["errorcode"].(string); code != step.code {
			t.Errorf("authorised %q until %d: answer %v, want %q", step.ip, step.until, body, step.code)
		}
	}
}

func TestTokenRateLimit(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), "s3cret")
	for i := 0; i < 3; i++ {
		if body := e.post(login3("ann", "wrong", "moodle_mobile_app")); body["errorcode"] != "invalidlogin" {
			t.Fatalf("attempt %d: %v", i, body)
		}
	}
	// Even the right password is refused while the username is blocked.
	if body := e.post(login3("ann", "secret", "moodle_mobile_app")); body["errorcode"] != "toomanyattempts" {
		t.Fatalf("blocked login = %v", body)
	}
	// Other usernames from the same address are refused once the address limit is reached.
	e.post(login3("x1", "wrong", "moodle_mobile_app"))
	e.post(login3("x2", "wrong", "moodle_mobile_app"))
	if body := e.post(login3("x3", "wrong", "moodle_mobile_app")); body["errorcode"] != "toomanyattempts" {
		t.Errorf("address limit: %v", body)
	}
	e.now = e.now.Add(2 * time.Minute)
	if body := e.post(login3("ann", "secret", "moodle_mobile_app")); body["token"] == nil {
		t.Errorf("after the window: %v", body)
	}
}

func TestTokenWireForm(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), "s3cret")
	for _, tt := range []struct {
		form url.Values
		want string
	}{
		{login3("ann", "nope", "moodle_mobile_app"), `{"error":"Invalid login, please try again","errorcode":"invalidlogin","stacktrace":null,"debuginfo":null,"reproductionlink":null}`},
		{login3("ann", "secret", "moodle_mobile_app"), `{"token":"`},
	} {
		req := httptest.NewRequest("GET", "/login/token.php?"+tt.form.Encode(), nil)
		w := httptest.NewRecorder()
		e.handler.ServeHTTP(w, req)
		if !strings.HasPrefix(w.Body.String(), tt.want) {
			t.Errorf("answer %s, want %s...", w.Body, tt.want)
		}
	}
	req := httptest.NewRequest("GET", "/login/token.php?"+login3("ann", "secret", "moodle_mobile_app").Encode(), nil)
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	if body := w.Body.String(); !strings.HasSuffix(body, `","privatetoken":null}`) || len(body) != len(`{"token":"","privatetoken":null}`)+32 {
		t.Errorf("success answer %q", body)
	}
}
