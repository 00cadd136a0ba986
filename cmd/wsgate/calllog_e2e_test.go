package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services/calllog"
)

// TestCallLogRecordsEveryProtocol calls over REST, XML-RPC and SOAP, with a
// good token and a bad one, and reads the call log back: the fields of each
// call, and no token value anywhere in the table or the log.
func TestCallLogRecordsEveryProtocol(t *testing.T) {
	for _, dialect := range dbtest.Dialects() {
		t.Run(string(dialect), func(t *testing.T) { testCallLog(t, dbtest.URL(t, dialect)) })
	}
}

func testCallLog(t *testing.T, dbURL string) {
	var logs lockedBuffer
	cfg, _, err := LoadConfig("", []string{"WSGATE_LISTEN=127.0.0.1:0", "WSGATE_DATABASE_URL=" + dbURL, "WSGATE_LOG_LEVEL=debug"})
	if err != nil {
		t.Fatal(err)
	}
	app, err := NewApp(context.Background(), cfg, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
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

	token := siteAdminToken(t, app, "logged", "", "wsgate_admin")
	const badToken = "0123456789abcdef0123456789abcdef"
	xmlrpcCall := `<?xml version="1.0"?><methodCall><methodName>core_webservice_get_site_info</methodName><params/></methodCall>`
	soapCall := `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>` +
		`<core_webservice_get_site_info xmlns="` + app.siteURL + `/webservice/soap/server.php"/></soap:Body></soap:Envelope>`
	restQuery := "wsfunction=core_webservice_get_site_info&moodlewsrestformat=json&wstoken="
	calls := []struct {
		path, query, contentType, body string
		protocol, outcome              string
	}{
		{"/webservice/rest/server.php", "", "application/x-www-form-urlencoded", restQuery + token, "rest", "ok"},
		{"/webservice/xmlrpc/server.php", "wstoken=" + token, "text/xml", xmlrpcCall, "xmlrpc", "ok"},
		{"/webservice/soap/server.php", "wstoken=" + token, "text/xml; charset=utf-8", soapCall, "soap", "ok"},
		{"/webservice/rest/server.php", "", "application/x-www-form-urlencoded", restQuery + badToken, "rest", "invalidtoken"},
	}
	for _, c := range calls {
		resp, err := http.Post(app.URL()+c.path+"?"+c.query, c.contentType, strings.NewReader(c.body))
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	if err := app.recorder.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	page, err := app.calls.List(context.Background(), calllog.Filter{}, "time", true, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Items) != len(calls) {
		t.Fatalf("%d calls recorded, want %d: %+v", len(page.Items), len(calls), page.Items)
	}
	tok, err := app.store.ListTokens(context.Background())
	if err != nil || len(tok) != 1 {
		t.Fatalf("tokens: %v %v", tok, err)
	}
	for i, c := range calls {
		got := page.Items[i]
		if got.Protocol != c.protocol || got.Outcome != c.outcome || got.Function != "core_webservice_get_site_info" ||
			got.RemoteIP != "127.0.0.1" || got.Size != len(c.body)+len(c.query) || got.Duration <= 0 {
			t.Errorf("call %d: %+v", i, got)
		}
		if c.outcome == "ok" && (got.Username != "logged" || got.Service != "wsgate_admin" || got.TokenID != tok[0].ID || got.UserID == 0) {
			t.Errorf("call %d: caller not recorded: %+v", i, got)
		}
		if c.outcome != "ok" && (got.TokenID != 0 || got.UserID != 0) {
			t.Errorf("call %d: a refused call names a token or user: %+v", i, got)
		}
	}
	// No token value in the table: every column of every row, as text.
	rows, err := app.DB.QueryContext(context.Background(), `SELECT `+
		`CAST(timecreated AS TEXT) || functionname || protocol || CAST(userid AS TEXT) || username || CAST(serviceid AS TEXT) || `+
		`service || CAST(tokenid AS TEXT) || outcome || CAST(durationus AS TEXT) || remoteaddr || CAST(requestsize AS TEXT) FROM external_calls`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var table strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&table, s)
	}
	if !strings.Contains(table.String(), "core_webservice_get_site_info") {
		t.Fatalf("the table read back holds no call: %q", table.String())
	}
	for _, v := range []string{token, badToken} {
		if strings.Contains(table.String(), v) {
			t.Errorf("a token value is in external_calls")
		}
		if strings.Contains(logs.String(), v) {
			t.Errorf("a token value is in the log")
		}
	}
	if !strings.Contains(logs.String(), "msg=call") {
		t.Errorf("the log holds no call line")
	}
}

// TestCallLogRecordsBatchItems: a batch is recorded once for itself and
// once for each inner call, each with the batch's token, user and address.
func TestCallLogRecordsBatchItems(t *testing.T) {
	app, token, _ := mobileApp(t, dbtest.URL(t, db.SQLite))
	restBatch(t, app, token, []batchItem{{Function: "core_webservice_get_site_info"},
		{Function: "core_user_get_users_by_field", Arguments: `{"field":"id","values":["1"]}`}}, "json")
	if err := app.recorder.Flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	page, err := app.calls.List(context.Background(), calllog.Filter{}, "time", true, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]calllog.Entry{}
	for _, e := range page.Items {
		got[e.Function] = e
	}
	if len(page.Items) != 3 {
		t.Fatalf("%d calls recorded, want the batch and its two items: %+v", len(page.Items), page.Items)
	}
	batch := got["tool_mobile_call_external_functions"]
	for _, fn := range []string{"tool_mobile_call_external_functions", "core_webservice_get_site_info", "core_user_get_users_by_field"} {
		e, ok := got[fn]
		if !ok || e.Outcome != "ok" || e.TokenID == 0 || e.TokenID != batch.TokenID || e.Username != "admin" ||
			e.RemoteIP != "127.0.0.1" || e.Protocol != "rest" {
			t.Errorf("%s: %+v", fn, e)
		}
	}
}
