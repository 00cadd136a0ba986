package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// TestStoreOutage stops PostgreSQL behind a TCP proxy while serving: /status
// says fail for the database; reads answer dmlreadexception and writes
// dmlwriteexception in each protocol's error form, the cause only in the
// log; once the store is back, calls work again.
func TestStoreOutage(t *testing.T) {
	if !slices.Contains(dbtest.Dialects(), db.Postgres) {
		t.Skipf("%s is not set", dbtest.PostgresEnv)
	}
	dbURL, proxy := dbtest.PostgresURLThrough(t)
	// The token is made before the server starts: no change notification
	// can then drop the server's caches during the outage, which would make
	// the token check itself fail (dbconnectionfailed).
	cfg, _, err := LoadConfig("", []string{"WSGATE_DATABASE_URL=" + dbURL})
	if err != nil {
		t.Fatal(err)
	}
	setup, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	token := siteAdminToken(t, setup, "root", "", "wsgate_admin")
	setup.Close()
	app, logs := serveApp(t, dbURL)
	read := url.Values{"wstoken": {token}, "wsfunction": {"core_user_get_users_by_field"}, "moodlewsrestformat": {"json"},
		"field": {"username"}, "values[0]": {"root"}}
	write := url.Values{"wstoken": {token}, "wsfunction": {"core_user_create_users"}, "moodlewsrestformat": {"json"},
		"users[0][username]": {"bob"}, "users[0][firstname]": {"Bob"}, "users[0][lastname]": {"B"},
		"users[0][email]": {"bob@example.org"}, "users[0][password]": {"Secret-123"}}
	if got := restPost(t, app.URL(), read); !strings.Contains(got, `"username":"root"`) {
		t.Fatalf("read before the outage: %s", got) // the token, user and policy are cached now
	}
	status := func() (int, string) {
		resp, err := http.Get(app.URL() + "/status")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body struct {
			Components map[string]struct{ Status string } `json:"components"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body.Components["database"].Status
	}
	// Only the database's own state is asserted: on a loaded machine another
	// component's check may miss its deadline and turn the whole answer 503.
	if _, st := status(); st != "ok" {
		t.Fatalf("status before the outage: database %q", st)
	}

	proxy.Cut()
	if code, st := status(); code != http.StatusServiceUnavailable || st != "fail" {
		t.Errorf("status during the outage: %d, database %q", code, st)
	}
	soapRead := `<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"><SOAP-ENV:Body>` +
		`<ns1:core_user_get_users_by_field xmlns:ns1="http://wsgate.test/webservice/soap/server.php"><field>username</field>` +
		`<values><item>root</item></values></ns1:core_user_get_users_by_field></SOAP-ENV:Body></SOAP-ENV:Envelope>`
	xmlrpcRead := `<?xml version="1.0"?><methodCall><methodName>core_user_get_users_by_field</methodName><params>` +
		`<param><value><string>username</string></value></param><param><value><array><data><value><string>root</string></value>` +
		`</data></array></value></param></params></methodCall>`
	for _, c := range []struct {
		name, got string
		want      []string
	}{
		{"REST read", restPost(t, app.URL(), read),
			[]string{`{"exception":"dml_read_exception","errorcode":"dmlreadexception","message":"Error reading from database"}`}},
		{"REST write", restPost(t, app.URL(), write),
			[]string{`{"exception":"dml_write_exception","errorcode":"dmlwriteexception","message":"Error writing to database"}`}},
		{"XML-RPC read", postBody(t, app.URL()+"/webservice/xmlrpc/server.php?wstoken="+token, "text/xml", xmlrpcRead),
			[]string{"<fault>", "Error reading from database"}},
		{"SOAP read", postBody(t, app.URL()+"/webservice/soap/server.php?wstoken="+token, "text/xml", soapRead),
			[]string{"Fault>", "<errorcode>dmlreadexception</errorcode>", "Error reading from database"}},
	} {
		for _, w := range c.want {
			if !strings.Contains(c.got, w) {
				t.Errorf("%s during the outage: %s\nwant %s", c.name, c.got, w)
			}
		}
		if strings.Contains(c.got, "EOF") || strings.Contains(c.got, "connect") {
			t.Errorf("%s shows the cause: %s", c.name, c.got)
		}
	}
	if l := logs.String(); !strings.Contains(l, "outcome=dmlreadexception") || !strings.Contains(l, "outcome=dmlwriteexception") ||
		!strings.Contains(l, "EOF") {
		t.Errorf("the log lacks the outage calls and their cause:\n%s", l)
	}

	proxy.Restore()
	if got := restPost(t, app.URL(), read); !strings.Contains(got, `"username":"root"`) {
		t.Errorf("read after the outage: %s", got)
	}
	// The change watch may still be reconnecting: only the database is asked about.
	if _, st := status(); st != "ok" {
		t.Errorf("status after the outage: database %q", st)
	}
}
