package components_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols/rest"
	"wsgate/protocols/soap"
	"wsgate/protocols/xmlrpc"
	"wsgate/services"
)

// soapNamespace is the SOAP servers' namespace in these tests.
const soapNamespace = "http://gw.test" + soap.Path

// serve starts the REST, XML-RPC and SOAP servers over g's pipeline.
func (g *gateway) serve() *httptest.Server {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	mux := http.NewServeMux()
	mux.Handle("/webservice/rest/server.php", &rest.Server{Dispatcher: g.pipe, Log: log})
	mux.Handle(xmlrpc.Path, &xmlrpc.Server{Dispatcher: g.pipe, Lister: g.pipe, Log: log})
	mux.Handle(soap.Path, &soap.Server{Dispatcher: g.pipe, Lister: g.pipe, Log: log,
		Functions: func(name string) (*functions.Function, bool) {
			e, ok := g.catalog.Get(name)
			if !ok {
				return nil, false
			}
			return e.Function, true
		},
		BaseURL: func(*http.Request) string { return soapNamespace }})
	srv := httptest.NewServer(mux)
	g.t.Cleanup(srv.Close)
	return srv
}

// siteInfoRequest is core_webservice_get_site_info over one protocol.
type siteInfoRequest struct {
	name        string
	method      string
	path        string // with the query, before wstoken
	contentType string
	body        string
}

var siteInfoRequests = []siteInfoRequest{
	{name: "REST JSON", method: "GET", path: "/webservice/rest/server.php?wsfunction=core_webservice_get_site_info&moodlewsrestformat=json"},
	{name: "REST XML", method: "POST", path: "/webservice/rest/server.php?wsfunction=core_webservice_get_site_info",
		contentType: "application/x-www-form-urlencoded", body: "serviceshortnames[0]=wsgate_admin"},
	{name: "XML-RPC", method: "POST", path: xmlrpc.Path + "?", contentType: "text/xml",
		body: `<?xml version="1.0"?><methodCall><methodName>core_webservice_get_site_info</methodName><params/></methodCall>`},
	{name: "SOAP", method: "POST", path: soap.Path + "?", contentType: "text/xml; charset=utf-8",
		body: `<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">` +
			`<soap:Body><core_webservice_get_site_info xmlns="` + soapNamespace + `"/></soap:Body></soap:Envelope>`},
}

// do sends r with token and returns the answer's body.
func (r siteInfoRequest) do(t *testing.T, srv *httptest.Server, token string) []byte {
	t.Helper()
	sep := "&"
	if strings.HasSuffix(r.path, "?") {
		sep = ""
	}
	req, err := http.NewRequest(r.method, srv.URL+r.path+sep+"wstoken="+url.QueryEscape(token), strings.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	if r.contentType != "" {
		req.Header.Set("Content-Type", r.contentType)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: status %d: %s", r.name, resp.StatusCode, body)
	}
	return body
}

// TestGetSiteInfoMakesNoQueryInSteadyState: once a first call filled the
// authorizer's cache, get_site_info answers from it over every protocol,
// without a query and with the same bytes.
func TestGetSiteInfoMakesNoQueryInSteadyState(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		srv := g.serve()
		for _, r := range siteInfoRequests {
			t.Run(r.name, func(t *testing.T) {
				want := r.do(t, srv, g.tokens["admin"]) // warm-up
				for _, s := range []string{"Test site", "Firstadmin", "core_user_create_users"} {
					if !bytes.Contains(want, []byte(s)) {
						t.Fatalf("answer lacks %q: %s", s, want)
					}
				}
				before := g.queries.Load()
				for range 100 {
					if got := r.do(t, srv, g.tokens["admin"]); !bytes.Equal(got, want) {
						t.Fatalf("answer changed:\n%s\nwant\n%s", got, want)
					}
				}
				if n := g.queries.Load() - before; n != 0 {
					t.Errorf("100 calls after warm-up ran %d queries, want 0", n)
				}
			})
		}
		// Answers that differ by the call's language alternate, still from memory.
		fr := siteInfoRequests[0]
		fr.path += "&moodlewssettinglang=fr"
		want := map[bool][]byte{false: siteInfoRequests[0].do(t, srv, g.tokens["admin"]), true: fr.do(t, srv, g.tokens["admin"])}
		if !bytes.Contains(want[true], []byte(`"lang":"fr"`)) || !bytes.Contains(want[false], []byte(`"lang":"en"`)) {
			t.Fatalf("answers by language:\n%s\n%s", want[false], want[true])
		}
		before := g.queries.Load()
		for i := range 20 {
			r := siteInfoRequests[0]
			if i%2 == 1 {
				r = fr
			}
			if got := r.do(t, srv, g.tokens["admin"]); !bytes.Equal(got, want[i%2 == 1]) {
				t.Fatalf("answer %d changed:\n%s", i, got)
			}
		}
		if n := g.queries.Load() - before; n != 0 {
			t.Errorf("20 calls alternating languages ran %d queries, want 0", n)
		}
	})
}

// TestGetSiteInfoFollowsChanges: what get_site_info serves from memory moves
// with the store: at once for changes made through this process's store, and
// for another process's changes once the cache is invalidated, as the change
// watch does when it sees them.
func TestGetSiteInfoFollowsChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		g := newGateway(t, d)
		info := func() map[string]any {
			t.Helper()
			return g.mustCall("admin", "core_webservice_get_site_info", nil).(map[string]any)
		}
		names := func(v map[string]any) []string {
			var out []string
			for _, f := range v["functions"].([]any) {
				out = append(out, f.(map[string]any)["name"].(string))
			}
			return out
		}
		svc, err := g.store.ServiceByShortname(ctx, "wsgate_admin")
		if err != nil {
			t.Fatal(err)
		}
		// The functions are sorted: create_users, delete_users, get_users, ...
		if got := names(info()); len(got) != 6 || got[1] != "core_user_delete_users" {
			t.Fatalf("functions = %v", got)
		}

		if err := g.store.RemoveServiceFunction(ctx, svc.ID, "core_user_delete_users"); err != nil {
			t.Fatal(err)
		}
		if got := names(info()); len(got) != 5 || slices.Contains(got, "core_user_delete_users") {
			t.Errorf("after removing core_user_delete_users: functions = %v", got)
		}
		if err := g.store.AddServiceFunction(ctx, svc.ID, "core_user_delete_users"); err != nil {
			t.Fatal(err)
		}
		if got := names(info()); len(got) != 6 || got[1] != "core_user_delete_users" {
			t.Errorf("after adding core_user_delete_users back: functions = %v", got)
		}

		u := g.admin
		u.FirstName = "Ada"
		if _, err := g.store.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if v := info(); v["firstname"] != "Ada" || v["fullname"] != "Ada Last" {
			t.Errorf("after renaming: firstname %v, fullname %v", v["firstname"], v["fullname"])
		}

		svc.DownloadFiles = true
		if _, err := g.store.UpdateService(ctx, svc); err != nil {
			t.Fatal(err)
		}
		if v := info(); v["downloadfiles"] != int64(1) || v["uploadfiles"] != int64(0) {
			t.Errorf("after allowing downloads: downloadfiles %v, uploadfiles %v", v["downloadfiles"], v["uploadfiles"])
		}

		// Another process's store: this authorizer hears nothing until invalidated.
		other := services.NewStore(d)
		u.LastName = "Lovelace"
		if _, err := other.UpdateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		if v := info(); v["lastname"] != "Last" {
			t.Errorf("lastname before invalidation = %v, want the cached Last", v["lastname"])
		}
		g.auth.Invalidate()
		if v := info(); v["lastname"] != "Lovelace" || v["fullname"] != "Ada Lovelace" {
			t.Errorf("after invalidation: lastname %v, fullname %v", v["lastname"], v["fullname"])
		}
	})
}

// TestGetSiteInfoEncodingsFollowChanges: the bytes each protocol kept for a
// get_site_info answer are dropped with the answer when the profile changes.
func TestGetSiteInfoEncodingsFollowChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		g := newGateway(t, d)
		srv := g.serve()
		for _, r := range siteInfoRequests {
			for range 2 {
				if body := r.do(t, srv, g.tokens["admin"]); !bytes.Contains(body, []byte("Firstadmin")) {
					t.Fatalf("%s: answer lacks Firstadmin: %s", r.name, body)
				}
			}
		}
		u := g.admin
		u.FirstName = "Grace"
		if _, err := g.store.UpdateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
		for _, r := range siteInfoRequests {
			if body := r.do(t, srv, g.tokens["admin"]); !bytes.Contains(body, []byte("Grace")) || bytes.Contains(body, []byte("Firstadmin")) {
				t.Errorf("%s after renaming: %s", r.name, body)
			}
		}
	})
}

// BenchmarkGetSiteInfo is one get_site_info call through the pipeline once
// the cache is warm (SQLite).
func BenchmarkGetSiteInfo(b *testing.B) {
	g := newGateway(b, dbtest.Open(b, db.SQLite, true))
	g.mustCall("admin", "core_webservice_get_site_info", nil)
	before := g.queries.Load()
	b.ReportAllocs()
	for b.Loop() {
		g.mustCall("admin", "core_webservice_get_site_info", nil)
	}
	b.ReportMetric(float64(g.queries.Load()-before)/float64(b.N), "queries/op")
}
