package login_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/internal/loginlimit"
	"wsgate/protocols/login"
	"wsgate/services"
)

type env struct {
	t       *testing.T
	store   *services.Store
	handler *login.Handler
	now     time.Time
	checks  *dbtest.Holding // the password checks
	log     syncBuffer      // what the handler logs
}

// syncBuffer is a log destination safe for concurrent requests.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func newEnv(t *testing.T, d *db.DB, secret string) *env {
	t.Helper()
	e := &env{t: t, now: time.Unix(1_800_000_000, 0), checks: dbtest.NewHolding("password_hash FROM users")}
	clock := func() time.Time { return e.now }
	e.store = services.NewStore(d, services.WithBcryptCost(4), services.WithClock(clock),
		services.WithQuerier(e.checks.Wrap))
	limiter := loginlimit.NewMemory(loginlimit.Options{MaxFailures: 3, MaxFailuresPerAddr: 5, Window: time.Minute, Now: clock})
	e.handler = login.NewHandler(e.store, login.Options{Limiter: limiter, Secret: []byte(secret), Now: clock},
		slog.New(slog.NewTextHandler(&e.log, nil)))
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
	for i := range 40 {
		created, err := e.store.CreateUser(ctx, services.User{Username: fmt.Sprintf("spray%d", i), Auth: services.AuthManual}, "secret")
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

// The address tests send from, unless they say otherwise.
const testAddr = "192.0.2.7:5555"

func (e *env) post(form url.Values) map[string]any {
	e.t.Helper()
	body, err := e.send(testAddr, form)
	if err != nil {
		e.t.Fatal(err)
	}
	return body
}

// send posts form from addr; safe in any goroutine.
func (e *env) send(addr string, form url.Values) (map[string]any, error) {
	req := httptest.NewRequest("POST", "/login/token.php", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = addr
	w := httptest.NewRecorder()
	e.handler.ServeHTTP(w, req)
	if w.Code != 200 || w.Header().Get("Access-Control-Allow-Origin") != "*" {
		return nil, fmt.Errorf("status %d, headers %v", w.Code, w.Header())
	}
	var body map[string]any
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil {
		return nil, fmt.Errorf("body %q: %v", w.Body, err)
	}
	return body, nil
}

// sender returns a call for Holding.Race that posts form from addr into *into.
func (e *env) sender(addr string, form url.Values, into *map[string]any) func() {
	return func() {
		body, err := e.send(addr, form)
		if err != nil {
			e.t.Error(err)
		}
		*into = body
	}
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
	// Even the right password is refused while ann is locked out from this
	// address, with Moodle's answer to a locked account, and unchecked.
	if body := e.post(login3("ann", "secret", "moodle_mobile_app")); body["errorcode"] != "invalidlogin" ||
		body["error"] != "Invalid login, please try again" {
		t.Fatalf("locked out login = %v", body)
	}
	if n := e.checks.N.Load(); n != 3 {
		t.Errorf("%d password checks, want 3", n)
	}
	// Finding 7 of issue 12: the lockout is of ann from this address, not of ann.
	if body, err := e.send("198.51.100.1:1", login3("ann", "secret", "moodle_mobile_app")); err != nil || body["token"] == nil {
		t.Fatalf("ann from another address: %v, %v", body, err)
	}
	// Other usernames from the same address are refused once the address limit is reached.
	e.post(login3("x1", "wrong", "moodle_mobile_app"))
	e.post(login3("x2", "wrong", "moodle_mobile_app"))
	if body := e.post(login3("spray1", "secret", "moodle_mobile_app")); body["errorcode"] != "invalidlogin" {
		t.Errorf("address limit: %v", body)
	}
	e.now = e.now.Add(2 * time.Minute)
	if body := e.post(login3("ann", "secret", "moodle_mobile_app")); body["token"] == nil {
		t.Errorf("after the lockout: %v", body)
	}
	if got := strings.Count(e.log.String(), "locked=true"); got != 2 {
		t.Errorf("%d refusals logged as locked, want 2:\n%s", got, e.log.String())
	}
}

// Finding 4 of issue 12: a 60 KB username adds one short line to the log.
func TestTokenRefusalLogBounded(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), "s3cret")
	long := strings.Repeat("u", 60000)
	e.post(login3(long, "wrong", strings.Repeat("s", 3000)))
	line := e.log.String()
	if strings.Count(line, "\n") != 1 || len(line) > 400 ||
		!strings.Contains(line, `username="`+strings.Repeat("u", 64)+`…[truncated, 60000 bytes]"`) {
		t.Errorf("log %d bytes: %.400q", len(line), line)
	}
	for _, want := range []string{"level=WARN", "endpoint=/login/token.php", "remote=192.0.2.7", "errorcode=invalidlogin", "locked=false"} {
		if !strings.Contains(line, want) {
			t.Errorf("log line lacks %q: %.400q", want, line)
		}
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

// Finding 2 of issue 12: 39 guesses for one username sent at once, then the
// right password while they are in flight. Exactly max_failures (3) reach
// the password check; the in-flight ones hold their places, so the right
// password is refused as the others are, and stays refused once they failed.
func TestTokenParallelGuesses(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), "s3cret")
	answers := make([]map[string]any, 40)
	var guesses []func()
	for i := range 39 {
		guesses = append(guesses, e.sender(testAddr, login3("ann", "wrong", "moodle_mobile_app"), &answers[i]))
	}
	right := []func(){e.sender(testAddr, login3("ann", "secret", "moodle_mobile_app"), &answers[39])}
	if reached := e.checks.Race(guesses, right); reached != 3 {
		t.Errorf("%d requests reached the password check at once, want 3", reached)
	}
	if n := e.checks.N.Load(); n != 3 {
		t.Errorf("%d password checks, want 3", n)
	}
	for i, a := range answers {
		if a["errorcode"] != "invalidlogin" || a["token"] != nil {
			t.Errorf("answer %d = %v, want invalidlogin", i, a)
		}
	}
	if body := e.post(login3("ann", "secret", "moodle_mobile_app")); body["errorcode"] != "invalidlogin" {
		t.Errorf("right password after the guesses: %v, want invalidlogin (locked)", body)
	}
	if n := e.checks.N.Load(); n != 3 {
		t.Errorf("%d password checks, want 3: a locked login reached the check", n)
	}
}

// Finding 2 of issue 12: 40 usernames guessed at once from one address;
// exactly max_failures_per_address (5) reach the password check.
func TestTokenParallelAddressCap(t *testing.T) {
	e := newEnv(t, dbtest.Open(t, db.SQLite, true), "s3cret")
	answers := make([]map[string]any, 40)
	var guesses []func()
	for i := range 40 {
		guesses = append(guesses, e.sender(testAddr, login3(fmt.Sprintf("spray%d", i), "wrong", "moodle_mobile_app"), &answers[i]))
	}
	if reached := e.checks.Race(guesses); reached != 5 {
		t.Errorf("%d requests reached the password check at once, want 5", reached)
	}
	if n := e.checks.N.Load(); n != 5 {
		t.Errorf("%d password checks, want 5", n)
	}
	// The address is capped: even a right password of another user is refused.
	if body := e.post(login3("spray39", "secret", "moodle_mobile_app")); body["token"] != nil {
		t.Errorf("login from a capped address: %v", body)
	}
	// Another address is not.
	if body, err := e.send("198.51.100.1:1", login3("spray39", "secret", "moodle_mobile_app")); err != nil || body["token"] == nil {
		t.Errorf("login from another address: %v, %v", body, err)
	}
}
