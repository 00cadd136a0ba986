package main

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// The pages' test client of a real gateway calls it at its own listener,
// not at the public site URL (here one that does not resolve), with the
// SOAP namespace the WSDL declares for that URL; it offers only the
// protocols the site serves, and never logs the token it made.
func TestTestClientCallsItsListener(t *testing.T) {
	app, logs := serveApp(t, dbtest.URL(t, db.SQLite), "WSGATE_PROTOCOLS_ENABLED=rest,soap")
	enableMobileService(t, app)
	siteAdminToken(t, app, "admin", "right-pw-1", "moodle_mobile_app")
	svc, err := app.store.ServiceByShortname(context.Background(), "moodle_mobile_app")
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	read := func(resp *http.Response, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	csrfRe := regexp.MustCompile(`name="csrf_token" value="([^"]+)"`)
	m := csrfRe.FindStringSubmatch(read(c.Get(app.URL() + "/admin/login")))
	if m == nil {
		t.Fatal("no CSRF token on the login page")
	}
	read(c.PostForm(app.URL()+"/admin/login", url.Values{"csrf_token": {m[1]}, "username": {"admin"},
		"password": {"right-pw-1"}}))
	page := read(c.Get(app.URL() + "/admin/testclient?service=" + strconv.FormatInt(svc.ID, 10) + "&function=core_webservice_get_site_info"))
	if !strings.Contains(page, `value="soap"`) || strings.Contains(page, `value="mcp"`) || strings.Contains(page, `value="xmlrpc"`) {
		t.Fatalf("protocols offered:\n%s", page)
	}
	m = csrfRe.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("not logged in:\n%s", page)
	}
	answer := html.UnescapeString(read(c.PostForm(app.URL()+"/admin/testclient", url.Values{"csrf_token": {m[1]},
		"tc.service": {strconv.FormatInt(svc.ID, 10)}, "tc.function": {"core_webservice_get_site_info"}, "tc.protocol": {"soap"},
		"tc.token": {"new"}, "tc.call": {"1"}})))
	for _, want := range []string{`<dd id="tc-status">200 OK</dd>`, "<sitename>",
		`<core_webservice_get_site_infoResponse xmlns="http://wsgate.test/webservice/soap/server.php">`,
		`SOAPAction: "http://wsgate.test/webservice/soap/server.php#core_webservice_get_site_info"`,
		`'` + app.URL() + `/webservice/soap/server.php?wstoken=`} {
		if !strings.Contains(answer, want) {
			t.Errorf("the page lacks %s\n%s", want, answer)
		}
	}
	tok := regexp.MustCompile(`wstoken=([0-9a-f]{32})`).FindStringSubmatch(answer)
	if tok == nil {
		t.Fatal("no token in the curl command")
	}
	if strings.Contains(logs.String(), tok[1]) {
		t.Error("the token's value is in the log")
	}
}
