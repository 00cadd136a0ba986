package main

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/internal/ratelimit/redistest"
	"wsgate/services"
)

// wireAnswer is one answer of the gateway as a client sees it.
type wireAnswer struct {
	status int
	header http.Header
	body   string
}

// callProtocol calls core_webservice_get_site_info with token over protocol.
func callProtocol(t *testing.T, base, protocol, token string) wireAnswer {
	t.Helper()
	var req *http.Request
	switch protocol {
	case "rest":
		req, _ = http.NewRequest(http.MethodGet, base+"/webservice/rest/server.php?moodlewsrestformat=json&wsfunction=core_webservice_get_site_info&wstoken="+token, nil)
	case "xmlrpc":
		req, _ = http.NewRequest(http.MethodPost, base+"/webservice/xmlrpc/server.php?wstoken="+token,
			strings.NewReader(`<?xml version="1.0"?><methodCall><methodName>core_webservice_get_site_info</methodName><params/></methodCall>`))
		req.Header.Set("Content-Type", "text/xml")
	case "soap":
		req, _ = http.NewRequest(http.MethodPost, base+"/webservice/soap/server.php?wstoken="+token,
			strings.NewReader(`<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><core_webservice_get_site_info/></s:Body></s:Envelope>`))
		req.Header.Set("Content-Type", "text/xml")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return wireAnswer{resp.StatusCode, resp.Header, string(b)}
}

// awayFromMinuteEnd waits, when the minute is about to end, for the next one,
// so that a test counting in one minute window stays in it.
func awayFromMinuteEnd() {
	if now := time.Now(); now.Second() >= 50 {
		time.Sleep(now.Truncate(time.Minute).Add(time.Minute).Sub(now))
	}
}

// TestRateLimitTwoInstancesOnRedis is the "done when": a token
// limited to 5 calls a minute, called through two gateways sharing one
// Redis, gets 5 answers in all, then 429 with Retry-After over REST, a fault
// over XML-RPC and a Fault over SOAP; the refusal is counted in the metrics
// and announced once on the bus.
func TestRateLimitTwoInstancesOnRedis(t *testing.T) {
	redisURL, prefix := redistest.URL(t), redistest.Prefix(t)
	dbURL := dbtest.URL(t, db.SQLite)
	env := []string{"WSGATE_RATELIMIT_BACKEND=redis", "WSGATE_RATELIMIT_REDIS_URL=" + redisURL,
		"WSGATE_RATELIMIT_REDIS_PREFIX=" + prefix, "WSGATE_CALLS_CHANGE_POLL_INTERVAL=50ms"}
	logs := &lockedBuffer{}
	a := startAppLogging(t, logs, dbURL, env...)
	ctx := context.Background()
	u, err := a.store.CreateUser(ctx, services.User{Username: "limited", Auth: services.AuthManual}, "")
	if err != nil {
		t.Fatal(err)
	}
	role, _ := a.store.RoleByShortname(ctx, services.AdminRole)
	if err := a.store.AssignRole(ctx, u.ID, role.ID); err != nil {
		t.Fatal(err)
	}
	svc, _ := a.store.ServiceByShortname(ctx, "wsgate_admin")
	token, tok, err := a.store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.store.SetRateLimit(ctx, services.RateLimit{Scope: services.LimitToken, TargetID: tok.ID, PerMinute: 5}); err != nil {
		t.Fatal(err)
	}
	b := startAppLogging(t, logs, dbURL, env...)

	awayFromMinuteEnd()
	apps := []*App{a, b}
	protocols := []string{"rest", "xmlrpc", "soap", "rest", "soap"}
	for i, p := range protocols {
		ans := callProtocol(t, apps[i%2].URL(), p, token)
		if strings.Contains(ans.body, "errorcode") || strings.Contains(ans.body, "ERRORCODE") {
			t.Fatalf("call %d (%s): %s", i+1, p, ans.body)
		}
		if got, want := ans.header.Get("X-RateLimit-Remaining-Minute"), string(rune('0'+4-i)); got != want ||
			ans.header.Get("X-RateLimit-Limit-Minute") != "5" {
			t.Fatalf("call %d (%s): remaining %q limit %q, want %s of 5", i+1, p, got, ans.header.Get("X-RateLimit-Limit-Minute"), want)
		}
	}
	refusals := []struct {
		app      *App
		protocol string
		status   int
		want     string
	}{
		{a, "rest", http.StatusTooManyRequests, `{"exception":"moodle_exception","errorcode":"ratelimitexceeded",` +
			`"message":"Too many calls: the rate limit is exceeded, try again later"`},
		{b, "xmlrpc", http.StatusOK, "<name>faultString</name><value><string>Too many calls: the rate limit is exceeded, try again later | ERRORCODE: ratelimitexceeded</string>"},
		{b, "soap", http.StatusInternalServerError, "<faultcode>soap:Client</faultcode><faultstring>Too many calls: the rate limit is exceeded, try again later | ERRORCODE: ratelimitexceeded</faultstring>"},
		{a, "xmlrpc", http.StatusOK, "ERRORCODE: ratelimitexceeded"},
	}
	for _, r := range refusals {
		ans := callProtocol(t, r.app.URL(), r.protocol, token)
		if ans.status != r.status || !strings.Contains(ans.body, r.want) {
			t.Errorf("%s over the limit: %d %s\nwant %d %s", r.protocol, ans.status, ans.body, r.status, r.want)
		}
		if ra := ans.header.Get("Retry-After"); ra == "" || ra == "0" || len(ra) > 2 {
			t.Errorf("%s over the limit: Retry-After %q, want 1 to 60 seconds", r.protocol, ra)
		}
		if ans.header.Get("X-RateLimit-Remaining-Minute") != "0" {
			t.Errorf("%s over the limit: remaining %q", r.protocol, ans.header.Get("X-RateLimit-Remaining-Minute"))
		}
	}
	metricsA := get(t, a.URL()+"/metrics")
	if !strings.Contains(metricsA, `wsgate_ratelimited_total{function="core_webservice_get_site_info",service="wsgate_admin"} 2`) {
		t.Errorf("instance a's metrics lack its 2 refusals:\n%s", grepLines(metricsA, "wsgate_ratelimit"))
	}
	// Four refusals on two instances, one event: the first refusal of the window.
	waitForEvents(t, logs, "ratelimit_exceeded", 1)
	if status := get(t, b.URL()+"/status"); !strings.Contains(status, `"ratelimit":{"status":"ok"}`) {
		t.Errorf("/status: %s", status)
	}
}

// TestRateLimitPolicyWhenRedisIsCut: with Redis cut, on_backend_error deny
// refuses limited calls (and only those), /status shows ratelimit fail, and
// the gateway counts again once Redis is back.
func TestRateLimitPolicyWhenRedisIsCut(t *testing.T) {
	redisURL := redistest.URL(t)
	proxy := redistest.NewProxy(t, redistest.Target(t, redisURL))
	app := startApp(t, dbtest.URL(t, db.SQLite), "WSGATE_RATELIMIT_BACKEND=redis",
		"WSGATE_RATELIMIT_REDIS_URL="+proxy.ProxyURL(t, redisURL), "WSGATE_RATELIMIT_REDIS_PREFIX="+redistest.Prefix(t),
		"WSGATE_RATELIMIT_ON_BACKEND_ERROR=deny")
	token := siteAdminToken(t, app, "cut", "", "wsgate_admin")
	svc, _ := app.store.ServiceByShortname(context.Background(), "wsgate_admin")
	if err := app.store.SetRateLimit(context.Background(), services.RateLimit{Scope: services.LimitService, TargetID: svc.ID, PerDay: 1000}); err != nil {
		t.Fatal(err)
	}
	if ans := callProtocol(t, app.URL(), "rest", token); ans.status != http.StatusOK || ans.header.Get("X-RateLimit-Remaining-Day") != "999" {
		t.Fatalf("before the cut: %d %v %s", ans.status, ans.header, ans.body)
	}
	proxy.Cut()
	ans := callProtocol(t, app.URL(), "rest", token)
	if ans.status != http.StatusTooManyRequests || !strings.Contains(ans.body, "ratelimitexceeded") || ans.header.Get("Retry-After") != "1" {
		t.Errorf("with Redis cut and deny: %d %v %s", ans.status, ans.header, ans.body)
	}
	if status := get(t, app.URL()+"/status"); !strings.Contains(status, `"ratelimit":{"status":"fail"}`) {
		t.Errorf("/status with Redis cut: %s", status)
	}
	if m := get(t, app.URL()+"/metrics"); !strings.Contains(m, "wsgate_ratelimit_backend_failures_total") ||
		strings.Contains(m, "wsgate_ratelimit_backend_failures_total 0") {
		t.Errorf("backend failures not counted:\n%s", grepLines(m, "wsgate_ratelimit"))
	}
	proxy.Restore()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ans := callProtocol(t, app.URL(), "rest", token)
		if ans.status == http.StatusOK {
			if got := ans.header.Get("X-RateLimit-Remaining-Day"); got != "998" {
				t.Errorf("after the restore: remaining %q, want 998 (the refused calls cost nothing)", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("still refused 10s after Redis came back: %s", ans.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if status := get(t, app.URL()+"/status"); !strings.Contains(status, `"ratelimit":{"status":"ok"}`) {
		t.Errorf("/status after the restore: %s", status)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// waitForEvents waits until the relays (logging the bus) published n
// events named name, and checks that no more come for a moment.
func waitForEvents(t *testing.T, logs *lockedBuffer, name string, n int) {
	t.Helper()
	count := func() int { return strings.Count(logs.String(), "name="+name+" ") }
	deadline := time.Now().Add(10 * time.Second)
	for count() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d %s events published, want %d", count(), name, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(300 * time.Millisecond) // a duplicate would be published by now
	if c := count(); c != n {
		t.Fatalf("%d %s events published, want %d:\n%s", c, name, n, grepLines(logs.String(), name))
	}
}

// TestLimitCommands: wsgate limit set, show and clear change the rules
// through the admin services; a serving gateway applies them from its next
// call (another process: through the change generation).
func TestLimitCommands(t *testing.T) {
	dbURL := dbtest.URL(t, db.SQLite)
	c := cliEnv{t, []string{"WSGATE_DATABASE_URL=" + dbURL, "WSGATE_CALLS_CHANGE_POLL_INTERVAL=50ms"}}
	app := startApp(t, dbURL, "WSGATE_CALLS_CHANGE_POLL_INTERVAL=50ms")
	token := siteAdminToken(t, app, "lim", "", "wsgate_admin")
	tok, err := app.store.TokenByValue(context.Background(), token)
	if err != nil {
		t.Fatal(err)
	}
	tokenID := strconv.FormatInt(tok.ID, 10)
	if out := c.must("", "limit", "show"); out != "No rate limits.\n" {
		t.Errorf("show on a new store: %q", out)
	}
	if out := c.must("", "limit", "set", "--service", "wsgate_admin", "--per-minute", "100", "--per-day", "1000"); out != "service wsgate_admin: 100/minute, 1000/day\n" {
		t.Errorf("set service: %q", out)
	}
	// The weight first: once the gateway sees the token's rule, it sees the weight too.
	c.must("", "limit", "set", "--function", "core_webservice_get_site_info", "--weight", "2")
	if out := c.must("", "limit", "set", "--token", tokenID, "--per-hour", "3"); out != "token "+tokenID+": 3/hour\n" {
		t.Errorf("set token: %q", out)
	}
	// Setting again replaces the windows.
	c.must("", "limit", "set", "--token", tokenID, "--per-hour", "2", "--per-second", "0")
	want := "service wsgate_admin: 100/minute, 1000/day\ntoken " + tokenID + ": 2/hour\nfunction core_webservice_get_site_info: weight 2\n"
	if out := c.must("", "limit", "show"); out != want {
		t.Errorf("show:\n%s\nwant:\n%s", out, want)
	}
	if out := c.must("", "limit", "show", "--user", "lim"); out != "user lim: no limit of its own\n" {
		t.Errorf("show user: %q", out)
	}
	// The serving gateway follows: weight 2 of an hourly 2 leaves one call.
	waitForAnswer(t, app, token, "X-RateLimit-Limit-Hour", "2")
	if ans := callProtocol(t, app.URL(), "rest", token); ans.status != http.StatusTooManyRequests {
		t.Errorf("second call of weight 2 under 2/hour: %d %s", ans.status, ans.body)
	}
	c.must("", "limit", "clear", "--token", tokenID)
	c.must("", "limit", "clear", "--function", "core_webservice_get_site_info")
	// Back to the service's default.
	waitForAnswer(t, app, token, "X-RateLimit-Limit-Minute", "100")
	for _, args := range [][]string{{"limit", "set", "--service", "wsgate_admin"}, {"limit", "set", "--token", tokenID, "--user", "lim"},
		{"limit", "set", "--function", "f"}, {"limit", "clear"}} {
		if _, code := c.run("", args...); code != 2 && code != 1 {
			t.Errorf("%v: exit %d, want a refusal", args, code)
		}
	}
	if out, code := c.run("", "limit", "clear", "--token", tokenID); code != 1 || !strings.Contains(out, "no limit of its own") {
		t.Errorf("clear twice: exit %d %s", code, out)
	}
}

// waitForAnswer calls get_site_info until header has value (another
// process's change reaches the gateway within its poll interval).
func waitForAnswer(t *testing.T, app *App, token, header, value string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		ans := callProtocol(t, app.URL(), "rest", token)
		if ans.header.Get(header) == value {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is %q, want %q: %v %s", header, ans.header.Get(header), value, ans.header, ans.body)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestLoginLockoutSharedOnRedis: with ratelimit.backend redis, failed logins
// at one instance's /login/token.php lock the username out at the other.
func TestLoginLockoutSharedOnRedis(t *testing.T) {
	redisURL, prefix := redistest.URL(t), redistest.Prefix(t)
	dbURL := dbtest.URL(t, db.SQLite)
	env := []string{"WSGATE_RATELIMIT_BACKEND=redis", "WSGATE_RATELIMIT_REDIS_URL=" + redisURL,
		"WSGATE_RATELIMIT_REDIS_PREFIX=" + prefix, "WSGATE_LOGIN_MAX_FAILURES=2"}
	a := startApp(t, dbURL, env...)
	if _, err := a.store.CreateUser(context.Background(), services.User{Username: "ann", Auth: services.AuthManual}, "right-pw"); err != nil {
		t.Fatal(err)
	}
	b := startApp(t, dbURL, env...)
	login := func(app *App, password string) string {
		resp, err := http.PostForm(app.URL()+"/login/token.php",
			url.Values{"username": {"ann"}, "password": {password}, "service": {"moodle_mobile_app"}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return string(body)
	}
	if got := login(b, "right-pw"); strings.Contains(got, "invalidlogin") {
		t.Fatalf("the right password before any failure: %s", got)
	}
	for _, app := range []*App{a, b} {
		if got := login(app, "wrong"); !strings.Contains(got, `"errorcode":"invalidlogin"`) {
			t.Fatalf("a wrong password: %s", got)
		}
	}
	// Two failures in all, one on each: locked out on both, the right password
	// too (a lockout answers invalidlogin, as Moodle does for a locked account).
	for _, app := range []*App{a, b} {
		if got := login(app, "right-pw"); !strings.Contains(got, `"errorcode":"invalidlogin"`) {
			t.Errorf("the right password after 2 failures on two instances: %s, want invalidlogin", got)
		}
	}
}
