package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"wsgate/internal/db/dbtest"
	"wsgate/protocols/protocolstest"
)

// TestRequestsBeforeTheirBody drives the wired gateway (real authorizer,
// configured budget): an unusable token in the query string or the
// Authorization header is answered invalidtoken in each protocol's form
// without the body being read; a usable token meets the configured budget;
// a call within it is answered as before.
func TestRequestsBeforeTheirBody(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) {
			cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=" + dbtest.URL(t, dialect),
				"WSGATE_PROTOCOLS_MAX_DEPTH=3", "WSGATE_PROTOCOLS_MAX_PARALLEL_DECODES=1"})
			if err != nil {
				t.Fatal(err)
			}
			app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { app.Close() })
			token := siteAdminToken(t, app, "budget", "", "wsgate_admin")

			var form strings.Builder
			for i := range 10000 {
				form.WriteString("v" + strconv.Itoa(i) + strings.Repeat("[x]", 63) + "=1&")
			}
			attrs := strings.Repeat(`a="b" `, 1<<20)
			soapBody := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><core_webservice_get_site_info ` +
				attrs + `/></s:Body></s:Envelope>`
			xmlrpcBody := `<methodCall ` + attrs + `><methodName>core_webservice_get_site_info</methodName></methodCall>`
			const restPath, xmlrpcPath, soapPath = "/webservice/rest/server.php", "/webservice/xmlrpc/server.php", "/webservice/soap/server.php"
			tests := []struct {
				name, target, auth, contentType, body, want string
			}{
				{"REST, bad wstoken", restPath + "?wstoken=bad&moodlewsrestformat=json", "", "application/x-www-form-urlencoded", form.String(),
					`{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}`},
				{"REST, bad Bearer token", restPath + "?moodlewsrestformat=json", "Bearer bad", "application/json", `{"a":[` + strings.Repeat("1,", 1<<20) + `1]}`,
					`{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}`},
				{"XML-RPC, bad wstoken", xmlrpcPath + "?wstoken=bad", "", "text/xml", xmlrpcBody,
					"<name>faultString</name><value><string>Invalid token - token not found | ERRORCODE: invalidtoken</string>"},
				{"XML-RPC, no token", xmlrpcPath, "", "text/xml", xmlrpcBody,
					"<name>faultString</name><value><string>Invalid token - token not found | ERRORCODE: invalidtoken</string>"},
				{"SOAP, bad wstoken", soapPath + "?wstoken=bad", "", "text/xml", soapBody,
					"<faultstring>Invalid token - token not found | ERRORCODE: invalidtoken</faultstring>"},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					body := strings.NewReader(tt.body)
					r := httptest.NewRequest(http.MethodPost, tt.target, body)
					r.Header.Set("Content-Type", tt.contentType)
					if tt.auth != "" {
						r.Header.Set("Authorization", tt.auth)
					}
					w := httptest.NewRecorder()
					n := protocolstest.Allocated(func() { app.Engine.ServeHTTP(w, r) })
					if !strings.Contains(w.Body.String(), tt.want) {
						t.Errorf("answer %s\nwant %s", w.Body, tt.want)
					}
					if read := len(tt.body) - body.Len(); read != 0 || n > 64<<10 {
						t.Errorf("%d body bytes read, %d bytes allocated", read, n)
					}
				})
			}

			post := func(target, contentType, body string) string {
				r := httptest.NewRequest(http.MethodPost, target, strings.NewReader(body))
				r.Header.Set("Content-Type", contentType)
				w := httptest.NewRecorder()
				app.Engine.ServeHTTP(w, r)
				return w.Body.String()
			}
			got := post(restPath+"?wstoken="+token+"&moodlewsrestformat=json", "application/x-www-form-urlencoded", form.String())
			if want := `{"exception":"invalid_parameter_exception","errorcode":"invalidparameter",` +
				`"message":"Invalid parameter value detected: the request nests deeper than 3 levels"}`; got != want {
				t.Errorf("nested form with a usable token: %s\nwant %s", got, want)
			}
			got = post(restPath+"?wstoken="+token+"&moodlewsrestformat=json", "application/x-www-form-urlencoded",
				"wsfunction=core_webservice_get_site_info&serviceshortnames[0]=wsgate_admin")
			if !strings.Contains(got, `"username":"budget"`) || !strings.Contains(got, `"userissiteadmin":true`) {
				t.Errorf("get_site_info: %s", got)
			}
		})
	}
}
