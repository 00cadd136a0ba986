package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

func TestCleanPath(t *testing.T) {
	for _, c := range []struct {
		in, want string
		changed  bool
	}{
		{"/webservice/rest/server.php", "/webservice/rest/server.php", false},
		{"//webservice/rest/server.php", "/webservice/rest/server.php", true},
		{"/webservice//rest///server.php", "/webservice/rest/server.php", true},
		{"/webservice/rest/server.php/", "/webservice/rest/server.php", true},
		{"//login/token.php//", "/login/token.php", true},
		{"/admin/", "/admin/", false}, // a trailing slash only goes after a script
		{"//admin/", "/admin/", true},
		{"/", "/", false},
		{"//", "/", true},
	} {
		got, changed := cleanPath(c.in)
		if got != c.want || changed != c.changed {
			t.Errorf("cleanPath(%q) = %q, %v; want %q, %v", c.in, got, changed, c.want, c.changed)
		}
	}
}

// TestRedundantSlashes calls every Moodle endpoint with GET and POST on
// paths with redundant slashes, as npm moodle-client builds them from a
// wwwroot ending in "/": each is answered by its endpoint, never with a 404
// or a redirect that a POST would lose.
func TestRedundantSlashes(t *testing.T) {
	app := startApp(t, dbtest.URL(t, db.SQLite))
	ctx := context.Background()
	svc, _ := app.store.ServiceByShortname(ctx, "moodle_mobile_app")
	svc.Enabled = true
	if _, err := app.store.UpdateService(ctx, svc); err != nil {
		t.Fatal(err)
	}
	app.auth.Invalidate()
	token := siteAdminToken(t, app, "slash", "pw-slash-1", "moodle_mobile_app")
	siteInfo := "wstoken=" + token + "&wsfunction=core_webservice_get_site_info&moodlewsrestformat=json"
	login := "username=slash&password=pw-slash-1&service=moodle_mobile_app"
	xmlrpcCall := `<?xml version="1.0"?><methodCall><methodName>core_webservice_get_site_info</methodName><params/></methodCall>`
	soapCall := `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<core_webservice_get_site_info xmlns="` + app.siteURL + `/webservice/soap/server.php"/></soap:Body></soap:Envelope>`
	form := "application/x-www-form-urlencoded"
	type call struct {
		method, path, query, contentType, body, want string
	}
	var calls []call
	for _, p := range []string{"//webservice/rest/server.php", "/webservice//rest/server.php", "/webservice/rest/server.php/"} {
		calls = append(calls,
			call{"GET", p, siteInfo, "", "", `"username":"slash"`},
			call{"POST", p, "", form, siteInfo, `"username":"slash"`})
	}
	for _, p := range []string{"//login/token.php", "/login//token.php/"} {
		calls = append(calls,
			call{"GET", p, login, "", "", `"token":`},
			call{"POST", p, "", form, login, `"token":`})
	}
	for _, p := range []string{"//webservice/xmlrpc/server.php", "/webservice/xmlrpc/server.php/"} {
		calls = append(calls,
			call{"GET", p, "wstoken=" + token, "", "", "<methodResponse>"}, // a fault: XML-RPC needs a POST
			call{"POST", p, "wstoken=" + token, "text/xml", xmlrpcCall, "<name>username</name><value><string>slash</string>"})
	}
	for _, p := range []string{"//webservice/soap/server.php", "/webservice//soap/server.php/"} {
		calls = append(calls,
			call{"GET", p, "wstoken=" + token + "&wsdl=1", "", "", "<wsdl:definitions"},
			call{"POST", p, "wstoken=" + token, "text/xml; charset=utf-8", soapCall, "<username>slash</username>"})
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range calls {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			req, err := http.NewRequest(c.method, app.URL()+c.path+"?"+c.query, strings.NewReader(c.body))
			if err != nil {
				t.Fatal(err)
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			resp, err := noRedirect.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			// Any answer of the endpoint itself (XML-RPC answers a GET with a fault and 405), never a redirect or 404.
			if resp.StatusCode >= 300 && resp.StatusCode < 400 || resp.StatusCode == http.StatusNotFound || !strings.Contains(string(body), c.want) {
				t.Errorf("status %d, body %.300s; want %q", resp.StatusCode, body, c.want)
			}
		})
	}
}
