package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"wsgate/admin"
	"wsgate/services"
)

// testService makes an enabled custom service with the functions the test
// client tests call.
func (f *fixture) testService() services.Service {
	f.t.Helper()
	ctx := context.Background()
	sv, err := f.store.CreateService(ctx, services.Service{Name: "Test client", Shortname: "tc", Enabled: true})
	if err != nil {
		f.t.Fatal(err)
	}
	for _, fn := range []string{"core_webservice_get_site_info", "core_user_create_users", "core_user_get_users_by_field"} {
		if err := f.store.AddServiceFunction(ctx, sv.ID, fn); err != nil {
			f.t.Fatal(err)
		}
	}
	return sv
}

// tcPage is the test client's address for service sv and function fn.
func tcPage(sv services.Service, fn string) string {
	return "/admin/testclient?service=" + itoa(sv.ID) + "&function=" + fn
}

// tcForm is the form that calls fn of sv over protocol with the token choice.
func tcForm(sv services.Service, fn, protocol, token string, params url.Values) url.Values {
	v := url.Values{"tc.service": {itoa(sv.ID)}, "tc.function": {fn}, "tc.protocol": {protocol},
		"tc.token": {token}, "tc.call": {"1"}}
	for k, vs := range params {
		v[k] = vs
	}
	return v
}

// adminTokens counts the tokens of the fixture's admin.
func (f *fixture) adminTokens() int {
	f.t.Helper()
	toks, err := f.store.TokensForUser(context.Background(), f.users["admin"].ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return len(toks)
}

// Only a holder of wsgate/site:config gets the page, and a POST without
// the session's CSRF token calls nothing and makes no token.
func TestTestClientRefusals(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sv := f.testService()
	call := tcForm(sv, "core_webservice_get_site_info", "rest-json", "new", nil)

	anon := f.client()
	anon.get("/admin/testclient").wantRedirect("/admin/login?next=*")
	anon.post("/admin/testclient", call).want(http.StatusForbidden)

	reader := f.client()
	reader.login("reader", callerPassword).want(http.StatusForbidden)
	reader.get("/admin/testclient").wantRedirect("/admin/login?next=*")

	// A manager whose role loses wsgate/site:config is refused at once.
	manager := f.client()
	manager.mustLogin("manager", adminPassword)
	page := manager.get(tcPage(sv, "core_webservice_get_site_info")).want(http.StatusOK)
	roles, err := f.store.UserRoles(context.Background(), f.users["manager"].ID)
	if err != nil || len(roles) != 1 {
		t.Fatalf("roles %v, %v", roles, err)
	}
	if err := f.store.RemoveRoleCapability(context.Background(), roles[0].ID, admin.AdminCapability); err != nil {
		t.Fatal(err)
	}
	f.auth.Invalidate()
	withCSRF := tcForm(sv, "core_webservice_get_site_info", "rest-json", "new", url.Values{"csrf_token": {page.csrf()}})
	manager.post("/admin/testclient", withCSRF).want(http.StatusForbidden).contains("Access ended")
	manager.get("/admin/testclient").wantRedirect("/admin/login?next=*") // the session is over

	c := f.client()
	c.mustLogin("admin", adminPassword)
	c.post("/admin/testclient", call).want(http.StatusForbidden).contains("Nothing was changed")
	wrong := tcForm(sv, "core_webservice_get_site_info", "rest-json", "new", url.Values{"csrf_token": {"x" + page.csrf()}})
	c.post("/admin/testclient", wrong).want(http.StatusForbidden)
	if n := f.gatewayHits.Load(); n != 0 {
		t.Errorf("%d requests reached the gateway", n)
	}
	if n := f.adminTokens(); n != 0 {
		t.Errorf("%d tokens made", n)
	}
}

// The form follows the function's description: Moodle's REST names, one
// item in each list to start with, items added and removed by buttons with
// what was entered kept; lists of values too.
func TestTestClientForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sv := f.testService()
	c := f.client()
	c.mustLogin("admin", adminPassword)

	c.get("/admin/testclient").want(http.StatusOK).checkPage(true).has("service", "choose").lacks("tc-form")
	c.get("/admin/testclient?service=" + itoa(sv.ID)).want(http.StatusOK).checkPage(true).
		contains(`<option value="core_user_create_users">`).lacks("tc-form")
	c.get("/admin/testclient?service=" + itoa(sv.ID) + "&function=core_user_delete_users").want(http.StatusNotFound)
	c.get("/admin/testclient?service=99999&function=core_user_create_users").want(http.StatusNotFound)

	r := c.get(tcPage(sv, "core_user_create_users")).want(http.StatusOK).checkPage(true)
	r.has("p-users", "p-users-0", "p-users-0-username", "p-users-0-createpassword", "p-users-add", "p-users-remove",
		"tc-protocol", "tc-token", "tc-tokenvalue", "tc-call")
	if got := attr(r.byID("p-users-0-username"), "name"); got != "users[0][username]" {
		t.Errorf("username field named %q", got)
	}
	if r.byID("p-users-0-createpassword").Data != "select" {
		t.Error("a BOOL is not a choice")
	}
	if r.byID("p-users-1") != nil {
		t.Error("two items to start with")
	}
	r.contains(`name="tc.rows:users" value="1"`, `default “manual”`)
	for _, p := range []string{"REST, JSON answer", "REST, XML answer", "XML-RPC", "SOAP (document/literal)", "MCP (tools/call)"} {
		r.contains(">" + p + "</option>")
	}

	add := url.Values{"csrf_token": {r.csrf()}, "tc.service": {itoa(sv.ID)}, "tc.function": {"core_user_create_users"},
		"tc.rows:users": {"1"}, "users[0][username]": {"kept <value>"}, "tc.add": {"users"}}
	r = c.post("/admin/testclient", add).want(http.StatusOK).checkPage(true)
	r.has("p-users-1-username", "p-users-1-email")
	if got := attr(r.byID("p-users-0-username"), "value"); got != "kept <value>" {
		t.Errorf("entered value %q after adding an item", got)
	}
	r.contains(`name="tc.rows:users" value="2"`)
	if n := f.gatewayHits.Load(); n != 0 {
		t.Errorf("adding an item called the gateway %d times", n)
	}
	add.Set("tc.rows:users", "2")
	add.Del("tc.add")
	add.Set("tc.remove", "users")
	r = c.post("/admin/testclient", add).want(http.StatusOK)
	if r.byID("p-users-1") != nil || r.byID("p-users-0") == nil {
		t.Error("remove did not drop the last item only")
	}

	r = c.get(tcPage(sv, "core_user_get_users_by_field")).want(http.StatusOK).checkPage(true)
	r.has("p-field", "p-values", "p-values-0", "p-values-add")
	if got := attr(r.byID("p-values-0"), "name"); got != "values[0]" {
		t.Errorf("list item named %q", got)
	}
	r = c.get(tcPage(sv, "core_webservice_get_site_info")).want(http.StatusOK).checkPage(true)
	r.has("p-serviceshortnames-0")

	// Each function's page links to the test client, once per service.
	r = c.get("/admin/functions/core_user_create_users").want(http.StatusOK).checkPage(true)
	if got := attr(r.byID("try-"+itoa(sv.ID)), "href"); got != tcPage(sv, "core_user_create_users") {
		t.Errorf("link to the test client %q", got)
	}
	// The navigation has the page, marked current on it.
	current := 0
	for n := range c.get("/admin/testclient").all("a") {
		if attr(n, "href") == "/admin/testclient" && attr(n, "aria-current") == "page" {
			current++
		}
	}
	if current != 1 {
		t.Errorf("%d current menu entries for the test client", current)
	}
}

// A call over each protocol goes to the gateway itself and shows its real
// answer, the status and the same request as curl; the nested parameters
// of core_user_create_users arrive whole over each protocol. The token is
// made for the session once, then reused; its value is never logged.
func TestTestClientCalls(t *testing.T) {
	t.Parallel()
	logs := &syncBuffer{}
	f := newFixture(t, func(o *options) { o.log = logs })
	sv := f.testService()
	c := f.client()
	c.mustLogin("admin", adminPassword)
	csrf := c.get(tcPage(sv, "core_webservice_get_site_info")).csrf()

	token := "new"
	var value string
	for _, tc := range []struct {
		protocol string
		answer   []string
		curl     []string
	}{
		{"rest-json", []string{`"sitename": "Test site"`, `"username": "admin"`},
			[]string{"curl -sS", "--data-raw 'wstoken=", "&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json'",
				f.srv.URL + "/webservice/rest/server.php"}},
		{"rest-xml", []string{`<KEY name="sitename">`, `<VALUE>Test site</VALUE>`}, []string{"moodlewsrestformat=xml"}},
		{"xmlrpc", []string{"<name>sitename</name>", "<string>Test site</string>"},
			[]string{"<methodCall><methodName>core_webservice_get_site_info</methodName>", "/webservice/xmlrpc/server.php?wstoken="}},
		{"soap", []string{`<core_webservice_get_site_infoResponse xmlns="` + f.srv.URL + `/webservice/soap/server.php">`,
			"<sitename>Test site</sitename>"},
			[]string{`SOAPAction: "` + f.srv.URL + `/webservice/soap/server.php#core_webservice_get_site_info"`,
				`<core_webservice_get_site_info xmlns="` + f.srv.URL + `/webservice/soap/server.php">`}},
		{"mcp", []string{`"structuredContent": {`, `"sitename": "Test site"`, `"text": "{\"sitename\":\"Test site\"`},
			[]string{"SESSION=$(curl", `"method":"tools/call"`, `-H "Mcp-Session-Id: $SESSION"`, "Authorization: Bearer "}},
	} {
		r := c.post("/admin/testclient", tcForm(sv, "core_webservice_get_site_info", tc.protocol, token,
			url.Values{"csrf_token": {csrf}})).want(http.StatusOK).checkPage(true)
		if got := r.text("tc-status"); got != "200 OK" {
			t.Errorf("%s: status %q\n%s", tc.protocol, got, r.text("tc-answer"))
		}
		if r.byID("tc-error") != nil || r.byID("tc-problem") != nil {
			t.Errorf("%s: an error is shown", tc.protocol)
		}
		answer, curl := r.text("tc-answer"), r.text("tc-curl")
		for _, bad := range []string{"exception", "EXCEPTION", "Fault", "faultCode", `"isError": true`} {
			if strings.Contains(answer, bad) {
				t.Errorf("%s: the answer is an error\n%s", tc.protocol, answer)
			}
		}
		for _, want := range tc.answer {
			if !strings.Contains(answer, want) {
				t.Errorf("%s: answer lacks %q\n%s", tc.protocol, want, answer)
			}
		}
		for _, want := range tc.curl {
			if !strings.Contains(curl, want) {
				t.Errorf("%s: curl lacks %q\n%s", tc.protocol, want, curl)
			}
		}
		if token == "new" { // the next calls use the session's token
			m := regexp.MustCompile(`wstoken=([0-9a-f]{32})`).FindStringSubmatch(curl)
			if m == nil {
				t.Fatalf("no token in %s", curl)
			}
			value, token = m[1], "session"
			if sel := attr(r.byID("tc-token"), "name"); sel != "tc.token" {
				t.Errorf("token select %q", sel)
			}
			r.contains(`<option value="session" selected>`)
		} else if !strings.Contains(curl, value) {
			t.Errorf("%s: not the session's token\n%s", tc.protocol, curl)
		}

		// Nested parameters: a user created over this protocol.
		name := "tc" + strings.ReplaceAll(tc.protocol, "-", "")
		r = c.post("/admin/testclient", tcForm(sv, "core_user_create_users", tc.protocol, "session", url.Values{
			"csrf_token": {csrf}, "tc.rows:users": {"2"}, "users[0][username]": {name}, "users[0][password]": {"Secret-1x"},
			"users[0][firstname]": {"Test"}, "users[0][lastname]": {"Client"}, "users[0][email]": {name + "@example.org"},
			"users[0][createpassword]": {"0"}})).want(http.StatusOK)
		if answer := r.text("tc-answer"); !strings.Contains(answer, name) {
			t.Errorf("%s: create_users answered\n%s", tc.protocol, answer)
		}
		if u, err := f.store.UserByUsername(context.Background(), name); err != nil || u.Email != name+"@example.org" {
			t.Errorf("%s: user %+v, %v", tc.protocol, u, err)
		}
	}
	if n := f.adminTokens(); n != 1 {
		t.Errorf("%d tokens made for the session, want 1", n)
	}
	if strings.Contains(strings.Join(logs.lines(), "\n"), value) {
		t.Error("the token's value is in the log")
	}
	if !strings.Contains(strings.Join(logs.lines(), "\n"), "admin pages: test call") {
		t.Error("the calls are not logged")
	}
}

// An own token is used once its value is entered and checked: another
// user's token, or a wrong value, is refused and nothing is called.
func TestTestClientOwnToken(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	sv := f.testService()
	mine := f.token("admin", "tc")
	theirs := f.token("caller", "tc")
	c := f.client()
	c.mustLogin("admin", adminPassword)
	r := c.get(tcPage(sv, "core_webservice_get_site_info")).want(http.StatusOK)
	toks, err := f.store.TokensForUser(context.Background(), f.users["admin"].ID)
	if err != nil || len(toks) != 1 {
		t.Fatalf("tokens %v, %v", toks, err)
	}
	own := "tok:" + itoa(toks[0].ID)
	r.contains(`<option value="` + own + `">`)
	callerToks, _ := f.store.TokensForUser(context.Background(), f.users["caller"].ID)
	r.lacks(`value="tok:` + itoa(callerToks[0].ID) + `"`)
	csrf := r.csrf()

	for _, v := range []string{theirs, "", "nonsense"} {
		r = c.post("/admin/testclient", tcForm(sv, "core_webservice_get_site_info", "rest-json", own,
			url.Values{"csrf_token": {csrf}, "tc.tokenvalue": {v}})).want(http.StatusOK)
		if r.has("tc-problem"); r.byID("result") != nil {
			t.Errorf("value %q: an answer is shown", v)
		}
	}
	if n := f.gatewayHits.Load(); n != 0 {
		t.Errorf("%d requests reached the gateway", n)
	}
	r = c.post("/admin/testclient", tcForm(sv, "core_webservice_get_site_info", "rest-json", own,
		url.Values{"csrf_token": {csrf}, "tc.tokenvalue": {mine}})).want(http.StatusOK)
	if got := r.text("tc-status"); got != "200 OK" || !strings.Contains(r.text("tc-curl"), "wstoken="+mine) {
		t.Errorf("status %q, curl %s", got, r.text("tc-curl"))
	}
	if n := f.adminTokens(); n != 1 {
		t.Errorf("%d tokens of the admin, want 1", n)
	}
}
