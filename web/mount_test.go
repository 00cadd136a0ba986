package web_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gin-gonic/gin"

	"wsgate/admin"
	"wsgate/web"
)

// Mount fits beside the gateway's own routes (as cmd wires them) and
// serves /admin, /admin/..., /webservice/docs and the OpenAPI document.
func TestMountBesideGatewayRoutes(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	e := gin.New()
	e.HandleMethodNotAllowed = true
	e.ContextWithFallback = true
	ok := func(c *gin.Context) { c.String(http.StatusOK, "gateway") }
	e.GET("/status", ok)
	e.Any("/webservice/rest/server.php", ok)
	e.Any("/webservice/rest/server.php/:function", ok)
	e.Any("/login/token.php", ok)
	e.Any("/webservice/soap/server.php", ok)
	e.Any("/webservice/xmlrpc/server.php", ok)
	deps := web.Deps{Admin: admin.Deps{Store: f.store, Catalog: f.catalog, Auth: f.auth}}
	if err := admin.Mount(e.Group("/1.0"), deps.Admin, map[string]bool{"services": true}); err != nil {
		t.Fatal(err)
	}
	if err := web.Mount(e, deps); err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]int{
		"/admin":                              http.StatusMovedPermanently,
		"/admin/":                             http.StatusSeeOther,
		"/admin/login":                        http.StatusOK,
		"/admin/static/style.css":             http.StatusOK,
		"/webservice/docs":                    http.StatusOK,
		"/webservice/rest/openapi.json":       http.StatusUnauthorized,
		"/webservice/rest/server.php/core_fn": http.StatusOK,
		"/webservice/rest/server.php":         http.StatusOK,
		"/1.0/api/api.yml":                    http.StatusOK,
	} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != want {
			t.Errorf("GET %s: %d, want %d", path, rec.Code, want)
		}
	}
}

func TestDepsRequired(t *testing.T) {
	t.Parallel()
	if _, err := web.Handler(web.Deps{}); err == nil {
		t.Error("Handler without a store")
	}
	if _, err := web.OpenAPIHandler(web.Deps{}); err == nil {
		t.Error("OpenAPIHandler without a store")
	}
	if err := web.Mount(gin.New(), web.Deps{}); err == nil {
		t.Error("Mount without a store")
	}
}

// Behind a TLS proxy, an https site URL makes the session cookie Secure,
// and the documentation shows the public URL.
func TestSiteURL(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *options) { o.siteURL = "https://gw.example.org/" })
	c := f.client()
	r := c.get("/admin/login")
	if ck := cookie(t, r, "wsgate_session"); !ck.Secure {
		t.Errorf("cookie %+v not Secure", ck)
	}
	// The client (plain HTTP) does not send a Secure cookie back: set it by hand.
	c2 := f.client()
	form := c2.get("/admin/login")
	sid := cookie(t, form, "wsgate_session").Value
	req, _ := http.NewRequest(http.MethodPost, f.srv.URL+"/admin/login",
		strings.NewReader("username=admin&password="+adminPassword+"&csrf_token="+form.csrf()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "wsgate_session", Value: sid})
	resp := c2.do(req).wantRedirect("/admin/")
	sid = cookie(t, resp, "wsgate_session").Value
	req, _ = http.NewRequest(http.MethodGet, f.srv.URL+"/admin/", nil)
	req.AddCookie(&http.Cookie{Name: "wsgate_session", Value: sid})
	c2.do(req).want(http.StatusOK).contains("https://gw.example.org/webservice/rest/server.php")
}
