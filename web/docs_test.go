package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"wsgate/services"
)

// An administrator reads any service's documentation; /admin/docs/{shortname}
// leads there.
func TestServiceDocs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.mustLogin("admin", adminPassword)
	adm := f.service("wsgate_admin")
	r := c.get("/admin/docs/wsgate_admin")
	if r.status != http.StatusFound || r.header.Get("Location") != "/admin/services/"+itoa(adm.ID)+"/docs" {
		t.Fatalf("redirect %d %q", r.status, r.header.Get("Location"))
	}
	r = c.follow(r).want(http.StatusOK).checkPage(true)
	r.has("fn-core_user_create_users", "fn-core_user_delete_users", "fn-core_webservice_get_site_info", "openapi-link")
	r.contains("users[0][username]=", "userids[0]=", "&lt;MULTIPLE&gt;", "&lt;methodName&gt;core_user_create_users",
		"SOAPAction", "/webservice/soap/server.php?wsdl=1&amp;wstoken=TOKEN", "Parameters", "Returns",
		"/webservice/rest/openapi.json?service=wsgate_admin")
	if href := attr(r.byID("openapi-link"), "href"); href != "/admin/services/"+itoa(adm.ID)+"/openapi.json" {
		t.Errorf("OpenAPI link %q", href)
	}
	doc := validOpenAPI(t, c.get("/admin/services/"+itoa(adm.ID)+"/openapi.json").want(http.StatusOK).body)
	if doc.Info.Title != "wsgate administration" || doc.Paths.Find("/webservice/rest/server.php/core_user_create_users") == nil {
		t.Errorf("document %+v", doc.Info)
	}
}

// A token holder reads the documentation of the token's service.
func TestTokenDocs(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	mobile := f.service("moodle_mobile_app")
	mobile.Enabled = true
	if _, err := f.store.UpdateService(ctx, mobile); err != nil {
		t.Fatal(err)
	}
	token := f.token("caller", "moodle_mobile_app")
	c := f.client()

	r := c.get("/webservice/docs").want(http.StatusOK).checkPage(false)
	r.has("wstoken", "show-docs")
	r = c.post("/webservice/docs", url.Values{"wstoken": {"0123456789abcdef0123456789abcdef"}})
	r.want(http.StatusUnauthorized).checkPage(false).has("token-error", "wstoken")

	for _, r := range []*response{
		c.post("/webservice/docs", url.Values{"wstoken": {token}}),
		c.get("/webservice/docs?wstoken=" + token),
	} {
		r.want(http.StatusOK).checkPage(false)
		if r.h1() != "API documentation: Moodle mobile web service" {
			t.Errorf("h1 %q", r.h1())
		}
		r.has("fn-core_webservice_get_site_info", "fn-core_user_get_users_by_field", "wsdl-link", "openapi-link")
		r.lacks("fn-core_user_create_users", "Log out").contains("for the token of <strong>caller</strong>")
		r.has("agents", "mcp-url", "mcp-config", "mcp-tools").contains("Bearer "+token, "/webservice/mcp/server.php",
			"<code>core_webservice_get_site_info</code> – read-only")
		if href := attr(r.byID("wsdl-link"), "href"); !strings.HasSuffix(href, "/webservice/soap/server.php?wsdl=1&wstoken="+token) {
			t.Errorf("WSDL link %q", href)
		}
		href := attr(r.byID("openapi-link"), "href")
		u, err := url.Parse(href)
		if err != nil || u.Path != "/webservice/rest/openapi.json" || u.Query().Get("wstoken") != token ||
			u.Query().Get("service") != "moodle_mobile_app" {
			t.Errorf("OpenAPI link %q", href)
		}
		doc := validOpenAPI(t, c.get(u.RequestURI()).want(http.StatusOK).body)
		if doc.Paths.Find("/webservice/rest/server.php/core_webservice_get_site_info") == nil {
			t.Error("get_site_info not in the document")
		}
	}
	req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/webservice/docs", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	c.do(req).want(http.StatusOK).has("fn-core_webservice_get_site_info")

	// A read-only token's AI agents section lists the read functions only.
	caller, err := f.store.UserByUsername(ctx, "caller")
	if err != nil {
		t.Fatal(err)
	}
	readOnly, _, err := f.store.CreateToken(ctx, services.TokenSpec{UserID: caller.ID, ServiceID: mobile.ID, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	c.get("/webservice/docs?wstoken=" + readOnly).want(http.StatusOK).has("mcp-tools").
		contains("a read-only token: read functions only").lacks("– write")

	// A disabled service has no documentation.
	mobile.Enabled = false
	if _, err := f.store.UpdateService(ctx, mobile); err != nil {
		t.Fatal(err)
	}
	c.get("/webservice/docs?wstoken=" + token).want(http.StatusForbidden).has("token-error")
}

// The OpenAPI document needs a token of the service, or an admin token.
func TestOpenAPIHandler(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	mobile := f.service("moodle_mobile_app")
	mobile.Enabled = true
	if _, err := f.store.UpdateService(ctx, mobile); err != nil {
		t.Fatal(err)
	}
	caller := f.token("caller", "moodle_mobile_app")
	adminTok := f.token("admin", "wsgate_admin")
	managerTok := f.token("manager", "wsgate_admin")
	c := f.client()
	get := func(query, bearer string) *response {
		req, _ := http.NewRequest(http.MethodGet, f.srv.URL+"/webservice/rest/openapi.json?"+query, nil)
		if bearer != "" {
			req.Header.Set("Authorization", "Bearer "+bearer)
		}
		return c.do(req)
	}
	for _, tt := range []struct {
		name, query, bearer string
		status              int
		title, errorcode    string
	}{
		{"no token", "service=moodle_mobile_app", "", http.StatusUnauthorized, "", "invalidtoken"},
		{"bad token", "service=moodle_mobile_app&wstoken=0123456789abcdef0123456789abcdef", "",
			http.StatusUnauthorized, "", "invalidtoken"},
		{"own service", "service=moodle_mobile_app&wstoken=" + caller, "", http.StatusOK, "Moodle mobile web service", ""},
		{"own service by default", "", caller, http.StatusOK, "Moodle mobile web service", ""},
		{"bearer", "service=moodle_mobile_app", caller, http.StatusOK, "Moodle mobile web service", ""},
		{"another service", "service=wsgate_admin&wstoken=" + caller, "", http.StatusForbidden, "", "accessexception"},
		{"admin token, any service", "service=moodle_mobile_app", adminTok, http.StatusOK, "Moodle mobile web service", ""},
		{"wsgate/site:config holder", "service=moodle_mobile_app", managerTok, http.StatusOK, "Moodle mobile web service", ""},
		{"admin token, unknown service", "service=nope", adminTok, http.StatusNotFound, "", "invalidrecord"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := get(tt.query, tt.bearer).want(tt.status)
			if tt.status != http.StatusOK {
				var e map[string]string
				if err := json.Unmarshal([]byte(r.body), &e); err != nil || e["errorcode"] != tt.errorcode {
					t.Errorf("error body %s", r.body)
				}
				return
			}
			if ct := r.header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("content type %q", ct)
			}
			if doc := validOpenAPI(t, r.body); doc.Info.Title != tt.title {
				t.Errorf("title %q", doc.Info.Title)
			}
		})
	}
	r := c.post("/webservice/rest/openapi.json", url.Values{"wstoken": {caller}}).want(http.StatusOK)
	validOpenAPI(t, r.body)
	req, _ := http.NewRequest(http.MethodDelete, f.srv.URL+"/webservice/rest/openapi.json?wstoken="+caller, nil)
	c.do(req).want(http.StatusBadRequest)
}

// validOpenAPI parses and validates an OpenAPI 3.1 document with kin-openapi.
func validOpenAPI(t *testing.T, body string) *openapi3.T {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData([]byte(body))
	if err != nil {
		t.Fatalf("load: %v\n%s", err, body)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Errorf("openapi %q", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableExamplesValidation(),
		openapi3.EnableSchemaPatternValidation()); err != nil {
		t.Fatalf("validate: %v\n%s", err, body)
	}
	return doc
}
