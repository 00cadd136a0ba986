package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

var updateGolden = flag.Bool("update", false, "rewrite the golden files of testdata/")

// lockedBuffer is a log sink tests read while the server writes.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// serveApp starts a gateway whose site URL is fixed (for golden files),
// logging into the returned buffer; it stops with the test.
func serveApp(t *testing.T, dbURL string, env ...string) (*App, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	cfg, _, err := LoadConfig("", append([]string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=" + dbURL,
		"WSGATE_SITE_URL=http://wsgate.test"}, env...))
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Listen(); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx) }()
	t.Cleanup(func() { stop(); <-done; app.Close() })
	return app, logs
}

// enableMobile enables the mobile service and returns a token of a new
// site administrator for it.
func enableMobile(t *testing.T, app *App) string {
	t.Helper()
	enableMobileService(t, app)
	return siteAdminToken(t, app, "admin", "", "moodle_mobile_app")
}

// mobileApp is serveApp with the mobile service enabled and a site
// administrator's token for it.
func mobileApp(t *testing.T, dbURL string, env ...string) (*App, string, *lockedBuffer) {
	t.Helper()
	app, logs := serveApp(t, dbURL, env...)
	return app, enableMobile(t, app), logs
}

// batchItem is one request of a batch as a test writes it.
type batchItem struct {
	Function  string
	Arguments string
	Lang      string
}

// threeCalls is the batch every protocol answers in Moodle's format.
var threeCalls = []batchItem{
	{Function: "core_webservice_get_site_info", Arguments: "{}", Lang: "fr"},
	{Function: "core_user_get_users_by_field", Arguments: `{"field":"username","values":["admin"]}`},
	{Function: "core_user_get_users_by_field", Arguments: `{"field":"id","values":[1]}`},
}

// stopsAtError has a function outside the mobile service second: the
// answer holds two items, the second an accessexception.
var stopsAtError = []batchItem{
	{Function: "core_user_get_users_by_field", Arguments: `{"field":"id","values":["1"]}`},
	{Function: "core_user_get_users", Arguments: `{"criteria":[]}`},
	{Function: "core_webservice_get_site_info"},
}

// restBatch posts a batch as Moodle's app does (form fields, JSON answer).
func restBatch(t *testing.T, app *App, token string, items []batchItem, format string) string {
	t.Helper()
	form := url.Values{"wstoken": {token}, "wsfunction": {"tool_mobile_call_external_functions"}, "moodlewsrestformat": {format}}
	for i, it := range items {
		form.Set(fmt.Sprintf("requests[%d][function]", i), it.Function)
		if it.Arguments != "" {
			form.Set(fmt.Sprintf("requests[%d][arguments]", i), it.Arguments)
		}
		if it.Lang != "" {
			form.Set(fmt.Sprintf("requests[%d][settinglang]", i), it.Lang)
		}
	}
	return restPost(t, app.URL(), form)
}

// xmlrpcBatch sends a batch as one XML-RPC call whose argument is the list of requests.
func xmlrpcBatch(t *testing.T, app *App, token string, items []batchItem) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><methodCall><methodName>tool_mobile_call_external_functions</methodName><params><param><value><array><data>`)
	for _, it := range items {
		b.WriteString(`<value><struct>`)
		member := func(k, v string) {
			var esc bytes.Buffer
			_ = xml.EscapeText(&esc, []byte(v))
			fmt.Fprintf(&b, `<member><name>%s</name><value><string>%s</string></value></member>`, k, esc.String())
		}
		member("function", it.Function)
		if it.Arguments != "" {
			member("arguments", it.Arguments)
		}
		if it.Lang != "" {
			member("settinglang", it.Lang)
		}
		b.WriteString(`</struct></value>`)
	}
	b.WriteString(`</data></array></value></param></params></methodCall>`)
	return postBody(t, app.URL()+"/webservice/xmlrpc/server.php?wstoken="+token, "text/xml", b.String())
}

// soapBatch sends a batch as a document/literal SOAP call.
func soapBatch(t *testing.T, app *App, token string, items []batchItem) string {
	t.Helper()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">` +
		`<SOAP-ENV:Body><ns1:tool_mobile_call_external_functions xmlns:ns1="http://wsgate.test/webservice/soap/server.php"><requests>`)
	for _, it := range items {
		b.WriteString(`<item>`)
		for _, kv := range [][2]string{{"function", it.Function}, {"arguments", it.Arguments}, {"settinglang", it.Lang}} {
			if kv[1] == "" {
				continue
			}
			var esc bytes.Buffer
			_ = xml.EscapeText(&esc, []byte(kv[1]))
			fmt.Fprintf(&b, `<%s>%s</%[1]s>`, kv[0], esc.String())
		}
		b.WriteString(`</item>`)
	}
	b.WriteString(`</requests></ns1:tool_mobile_call_external_functions></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
	return postBody(t, app.URL()+"/webservice/soap/server.php?wstoken="+token, "text/xml; charset=utf-8", b.String())
}

func postBody(t *testing.T, target, contentType, body string) string {
	t.Helper()
	resp, err := http.Post(target, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return string(out)
}

// goldenFile compares got, with the version written as VERSION, to
// testdata/<name>; -update rewrites it.
func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	got = strings.ReplaceAll(got, wsgate.Version, "VERSION")
	path := filepath.Join("testdata", name)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run the test with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file:\n got %s\nwant %s", name, got, want)
	}
}

// TestBatchGolden: a batch of three calls and one that stops at its second
// item, over REST (JSON and XML), XML-RPC and SOAP, answer Moodle's format.
func TestBatchGolden(t *testing.T) {
	app, token, _ := mobileApp(t, dbtest.URL(t, db.SQLite))
	for _, c := range []struct {
		name  string
		items []batchItem
	}{{"three", threeCalls}, {"stops", stopsAtError}} {
		goldenFile(t, "batch/"+c.name+".rest.json", restBatch(t, app, token, c.items, "json"))
		goldenFile(t, "batch/"+c.name+".rest.xml", restBatch(t, app, token, c.items, "xml"))
		goldenFile(t, "batch/"+c.name+".xmlrpc.xml", xmlrpcBatch(t, app, token, c.items))
		goldenFile(t, "batch/"+c.name+".soap.xml", soapBatch(t, app, token, c.items))
	}
	resp, err := http.Get(app.URL() + "/webservice/soap/server.php?wsdl=1&wstoken=" + token)
	if err != nil {
		t.Fatal(err)
	}
	wsdl, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(wsdl, []byte(`name="tool_mobile_call_external_functions"`)) {
		t.Errorf("WSDL of the mobile service: %d\n%s", resp.StatusCode, wsdl)
	}
}

// TestBatchItems: what the items answer, decoded as the app decodes them,
// one log line and one metric per inner call, and get_site_info listing
// the batch function.
func TestBatchItems(t *testing.T) {
	app, token, logs := mobileApp(t, dbtest.URL(t, db.SQLite))
	var answer struct {
		Responses []struct {
			Error     bool    `json:"error"`
			Data      *string `json:"data"`
			Exception *string `json:"exception"`
		} `json:"responses"`
	}
	if err := json.Unmarshal([]byte(restBatch(t, app, token, threeCalls, "json")), &answer); err != nil {
		t.Fatal(err)
	}
	if len(answer.Responses) != 3 {
		t.Fatalf("%d responses, want 3: %+v", len(answer.Responses), answer)
	}
	var info struct {
		Lang      string `json:"lang"`
		Functions []struct {
			Name string `json:"name"`
		} `json:"functions"`
	}
	if r := answer.Responses[0]; r.Error || r.Data == nil || json.Unmarshal([]byte(*r.Data), &info) != nil {
		t.Fatalf("get_site_info item %+v", r)
	}
	listed := false
	for _, f := range info.Functions {
		listed = listed || f.Name == "tool_mobile_call_external_functions"
	}
	if info.Lang != "fr" || !listed {
		t.Errorf("get_site_info in the batch: lang %q, batch function listed %v", info.Lang, listed)
	}
	var users []map[string]any
	if r := answer.Responses[1]; r.Error || json.Unmarshal([]byte(*r.Data), &users) != nil || len(users) != 1 || users[0]["username"] != "admin" {
		t.Errorf("get_users_by_field item %+v", r)
	}
	lines := strings.Count(logs.String(), "within=tool_mobile_call_external_functions")
	if lines != 3 {
		t.Errorf("%d log lines of inner calls, want 3:\n%s", lines, logs)
	}
	resp, err := http.Get(app.URL() + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{
		`wsgate_calls_total{function="core_user_get_users_by_field",outcome="ok",protocol="rest"} 2`,
		`wsgate_calls_total{function="core_webservice_get_site_info",outcome="ok",protocol="rest"} 1`,
		`wsgate_calls_total{function="tool_mobile_call_external_functions",outcome="ok",protocol="rest"} 1`,
	} {
		if !strings.Contains(string(metrics), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// TestBatchRefused: bad batches answer invalidparameter in the protocol's
// form and run none of their items.
func TestBatchRefused(t *testing.T) {
	app, token, logs := mobileApp(t, dbtest.URL(t, db.SQLite), "WSGATE_CALLS_MAX_BATCH_REQUESTS=3", "WSGATE_DEBUG=true")
	ok := batchItem{Function: "core_user_get_users_by_field", Arguments: `{"field":"id","values":[1]}`}
	four := []batchItem{ok, ok, ok, ok}
	cases := []struct {
		name  string
		items []batchItem
		debug string
	}{
		{"too many", four, "at most 3 requests"},
		{"nested", []batchItem{ok, {Function: "tool_mobile_call_external_functions", Arguments: "{}"}}, "cannot be called inside a batch"},
		{"malformed arguments", []batchItem{ok, {Function: "core_webservice_get_site_info", Arguments: `{"a":`}}, "JSON object"},
		{"arguments not an object", []batchItem{ok, {Function: "core_webservice_get_site_info", Arguments: `[1]`}}, "JSON object"},
		{"bad lang", []batchItem{ok, {Function: "core_webservice_get_site_info", Lang: "../../etc"}}, "settinglang"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := strings.Count(logs.String(), "within=")
			got := restBatch(t, app, token, c.items, "json")
			if !strings.Contains(got, `"errorcode":"invalidparameter"`) || !strings.Contains(got, c.debug) {
				t.Errorf("REST answer %s, want invalidparameter naming %q", got, c.debug)
			}
			if x := xmlrpcBatch(t, app, token, c.items); !strings.Contains(x, "invalidparameter") || !strings.Contains(x, "<fault>") {
				t.Errorf("XML-RPC answer %s", x)
			}
			if s := soapBatch(t, app, token, c.items); !strings.Contains(s, "invalidparameter") || !strings.Contains(s, "Fault>") {
				t.Errorf("SOAP answer %s", s)
			}
			if n := strings.Count(logs.String(), "within="); n != before {
				t.Errorf("%d items ran", n-before)
			}
		})
	}
}

// TestSettingsEveryProtocol: moodlewssettinglang changes the lang
// get_site_info reports over REST, XML-RPC and SOAP; a bad setting is
// invalidparameter.
func TestSettingsEveryProtocol(t *testing.T) {
	app, token, _ := mobileApp(t, dbtest.URL(t, db.SQLite))
	rest := func(lang string) string {
		return restPost(t, app.URL(), url.Values{"wstoken": {token}, "wsfunction": {"core_webservice_get_site_info"},
			"moodlewsrestformat": {"json"}, "moodlewssettinglang": {lang}, "moodlewssettingfilter": {"true"}})
	}
	xmlrpc := func(lang string) string {
		return postBody(t, app.URL()+"/webservice/xmlrpc/server.php?moodlewssettingfileurl=0&moodlewssettinglang="+lang+"&wstoken="+token, "text/xml",
			`<?xml version="1.0"?><methodCall><methodName>core_webservice_get_site_info</methodName></methodCall>`)
	}
	soap := func(lang string) string {
		return postBody(t, app.URL()+"/webservice/soap/server.php?moodlewssettinglang="+lang+"&wstoken="+token, "text/xml",
			`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>`+
				`<ns1:core_webservice_get_site_info xmlns:ns1="http://wsgate.test/webservice/soap/server.php"/></SOAP-ENV:Body></SOAP-ENV:Envelope>`)
	}
	for _, c := range []struct {
		name     string
		call     func(string) string
		wantLang string
	}{
		{"rest", rest, `"lang":"de"`},
		{"xmlrpc", xmlrpc, "<name>lang</name><value><string>de</string>"},
		{"soap", soap, "<lang>de</lang>"},
	} {
		if got := c.call("de"); !strings.Contains(got, c.wantLang) {
			t.Errorf("%s with lang de: %s", c.name, got)
		}
		if got := c.call("not-a*lang"); !strings.Contains(got, "invalidparameter") {
			t.Errorf("%s with a bad lang: %s", c.name, got)
		}
	}
}
