package soap_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	gosoap "github.com/hooklift/gowsdl/soap"

	"wsgate"
	"wsgate/protocols"
	"wsgate/protocols/soap"
	"wsgate/protocols/soap/internal/soapclient"
)

// clientFile is the client gowsdl generated from testdata/catalog.wsdl.
var clientFile = filepath.Join("internal", "soapclient", "soapclient.go")

// newClient starts the server over d and returns a generated client for it.
func newClient(t *testing.T, d protocols.Dispatcher) soapclient.WsgatePortType {
	t.Helper()
	srv := httptest.NewServer(newServer(d))
	t.Cleanup(srv.Close)
	return soapclient.NewWsgatePortType(gosoap.NewClient(soap.Address(srv.URL+soap.Path, testToken)))
}

func ptr[T any](v T) *T { return &v }

func TestClientCreateUsers(t *testing.T) {
	rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) {
		return result(call, []any{
			map[string]any{"id": int64(101), "username": "jdoe"},
			map[string]any{"id": int64(102), "username": "asmith", "undeclared": "dropped"},
		})
	}}
	c := newClient(t, rec)
	resp, err := c.Core_user_create_users(&soapclient.Core_user_create_users{Users: &soapclient.Core_user_create_users_users{
		Item: []*soapclient.Core_user_create_users_users_item{
			{Username: "jdoe", Email: "jdoe@example.com", Auth: "manual", Preferences: &soapclient.Core_user_create_users_users_item_preferences{
				Item: []*soapclient.Core_user_create_users_users_item_preferences_item{
					{Type_: "htmleditor", Value: "atto"}, {Type_: "email_bounce_count", Value: "1"},
				},
			}},
			{Username: "asmith", Email: "asmith@example.com", Idnumber: ptr("X-1 <&>"), Suspended: ptr(true), Password: ptr("Pa55 word!")},
		},
	}})
	if err != nil {
		t.Fatal(err)
	}
	call := rec.last(t)
	if call.Protocol != "soap" || call.Token != testToken || call.Function != "core_user_create_users" || call.Args != nil {
		t.Errorf("call %+v", call)
	}
	want := map[string]any{"users": []any{
		map[string]any{"username": "jdoe", "email": "jdoe@example.com", "auth": "manual", "preferences": []any{
			map[string]any{"type": "htmleditor", "value": "atto"},
			map[string]any{"type": "email_bounce_count", "value": "1"},
		}},
		map[string]any{"username": "asmith", "email": "asmith@example.com", "idnumber": "X-1 <&>", "suspended": true,
			"password": "Pa55 word!"},
	}}
	if !reflect.DeepEqual(call.Params, want) {
		t.Errorf("params\n got %#v\nwant %#v", call.Params, want)
	}
	if resp.Return_ == nil || len(resp.Return_.Item) != 2 {
		t.Fatalf("response %+v", resp)
	}
	if got := *resp.Return_.Item[1]; got.Id != 102 || got.Username != "asmith" {
		t.Errorf("second user %+v", got)
	}
}

func TestClientCourseContents(t *testing.T) {
	rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) {
		return result(call, []any{map[string]any{
			"id": int64(7), "name": "General", "summary": "<p>Welcome</p>", "uservisible": false, "visible": int64(1),
			"modules": []any{
				map[string]any{"id": int64(70), "name": "Forum", "url": "https://lms.example.org/mod/forum/view.php?id=70&x=1",
					"grade": 12.5, "dates": []any{map[string]any{"label": "Opened:", "timestamp": int64(1700000000)}}},
				map[string]any{"id": int64(71), "name": "Page"},
			},
		}})
	}}
	c := newClient(t, rec)
	resp, err := c.Core_course_get_contents(&soapclient.Core_course_get_contents{Courseid: 42,
		Options: &soapclient.Core_course_get_contents_options{Item: []*soapclient.Core_course_get_contents_options_item{
			{Name: "excludemodules", Value: "1"},
		}}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"courseid": int64(42), "options": []any{map[string]any{"name": "excludemodules", "value": "1"}}}
	if got := rec.last(t).Params; !reflect.DeepEqual(got, want) {
		t.Errorf("params\n got %#v\nwant %#v", got, want)
	}
	if resp.Return_ == nil || len(resp.Return_.Item) != 1 {
		t.Fatalf("response %+v", resp)
	}
	s := resp.Return_.Item[0]
	if s.Id != 7 || s.Summary != "<p>Welcome</p>" || s.Uservisible == nil || *s.Uservisible || s.Visible == nil || *s.Visible != 1 {
		t.Errorf("section %+v", s)
	}
	if s.Modules == nil || len(s.Modules.Item) != 2 {
		t.Fatalf("modules %+v", s.Modules)
	}
	m := s.Modules.Item[0]
	if m.Grade == nil || *m.Grade != 12.5 || m.Url == nil || *m.Url != "https://lms.example.org/mod/forum/view.php?id=70&x=1" ||
		m.Dates == nil || len(m.Dates.Item) != 1 || m.Dates.Item[0].Timestamp != 1700000000 {
		t.Errorf("module %+v", m)
	}
	if m := s.Modules.Item[1]; m.Grade != nil || m.Url != nil || m.Dates != nil {
		t.Errorf("absent optional keys came back: %+v", m)
	}
}

func TestClientSiteInfoMatrixPingPurge(t *testing.T) {
	rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) {
		switch call.Function {
		case "core_webservice_get_site_info":
			return result(call, map[string]any{"sitename": "Ünïcode & Co", "userid": int64(2), "userissiteadmin": true,
				"functions":             []any{map[string]any{"name": "core_user_create_users", "version": "2024100700"}},
				"advancedfeatures":      []any{map[string]any{"name": "usecomments", "value": int64(1)}},
				"usermaxuploadfilesize": int64(-1)})
		case "local_wsgate_matrix":
			return result(call, []any{[]any{1.5, -2.0}, []any{1e-7, 3e21}})
		case "local_wsgate_ping":
			return result(call, true)
		}
		return result(call, nil)
	}}
	c := newClient(t, rec)

	info, err := c.Core_webservice_get_site_info(&soapclient.Core_webservice_get_site_info{})
	if err != nil {
		t.Fatal(err)
	}
	if got := rec.last(t).Params; len(got) != 0 {
		t.Errorf("params %#v, want none", got)
	}
	r := info.Return_
	if r == nil || r.Sitename != "Ünïcode & Co" || r.Userid != 2 || !r.Userissiteadmin || r.Functions == nil ||
		len(r.Functions.Item) != 1 || r.Functions.Item[0].Version != "2024100700" || r.Advancedfeatures == nil ||
		r.Advancedfeatures.Item[0].Value != 1 || r.Usermaxuploadfilesize == nil || *r.Usermaxuploadfilesize != -1 || r.Theme != nil {
		t.Errorf("site info %+v", r)
	}

	m, err := c.Local_wsgate_matrix(&soapclient.Local_wsgate_matrix{Rows: &soapclient.Local_wsgate_matrix_rows{
		Item: []*soapclient.Local_wsgate_matrix_rows_item{{Item: []*float64{ptr(1.5), ptr(1e-7)}}, {Item: []*float64{ptr(-2.0), ptr(3e21)}}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"rows": []any{[]any{1.5, 1e-7}, []any{-2.0, 3e21}}}
	if got := rec.last(t).Params; !reflect.DeepEqual(got, want) {
		t.Errorf("params\n got %#v\nwant %#v", got, want)
	}
	if len(m.Return_.Item) != 2 || *m.Return_.Item[1].Item[0] != 1e-7 || *m.Return_.Item[1].Item[1] != 3e21 {
		t.Errorf("matrix %+v", m.Return_)
	}

	p, err := c.Local_wsgate_ping(&soapclient.Local_wsgate_ping{})
	if err != nil || !p.Return_ {
		t.Errorf("ping: %+v %v", p, err)
	}

	if _, err := c.Local_wsgate_purge(&soapclient.Local_wsgate_purge{Ids: &soapclient.Local_wsgate_purge_ids{Item: []int64{3, 4}}}); err != nil {
		t.Fatal(err)
	}
	want = map[string]any{"ids": []any{int64(3), int64(4)}}
	if got := rec.last(t).Params; !reflect.DeepEqual(got, want) {
		t.Errorf("params\n got %#v\nwant %#v", got, want)
	}
}

// faultEnvelope reads a fault as gowsdl v0.5.0 leaves it: in the body of an
// *soap.HTTPError.
type faultEnvelope struct {
	Fault struct {
		Code   string `xml:"faultcode"`
		String string `xml:"faultstring"`
		Detail struct {
			ErrorCode string `xml:"errorcode"`
			Exception string `xml:"exception"`
			DebugInfo *string
		} `xml:"detail"`
	} `xml:"Body>Fault"`
}

func TestClientFault(t *testing.T) {
	rec := &recorder{answer: func(*protocols.Call) (*protocols.Result, error) { return nil, wsgate.ErrInvalidToken }}
	c := newClient(t, rec)
	_, err := c.Local_wsgate_ping(&soapclient.Local_wsgate_ping{})
	var he *gosoap.HTTPError
	if !errors.As(err, &he) || he.StatusCode != http.StatusInternalServerError {
		t.Fatalf("err %v, want *soap.HTTPError with 500", err)
	}
	var env faultEnvelope
	if err := xml.Unmarshal(he.ResponseBody, &env); err != nil {
		t.Fatal(err)
	}
	if env.Fault.Code != "soap:Client" || env.Fault.String != "Invalid token - token not found | ERRORCODE: invalidtoken" ||
		env.Fault.Detail.ErrorCode != "invalidtoken" || env.Fault.Detail.Exception != "moodle_exception" {
		t.Errorf("fault %+v", env.Fault)
	}
}

// TestClientUpToDate regenerates the client from the live server's WSDL
// with the gowsdl tool and compares it with the committed one, so the WSDL
// and the client cannot drift (-update rewrites the committed client).
// It runs the very command the committed file came from (go tool gowsdl,
// which concatenates and formats the pieces), in its own process: gowsdl's
// Start fills one map from two goroutines without a lock.
func TestClientUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs go tool gowsdl")
	}
	goTool, err := exec.LookPath("go") // go test puts its own GOROOT/bin first in PATH
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(newServer(nil))
	defer srv.Close()
	dir := t.TempDir()
	cmd := exec.Command(goTool, "tool", "gowsdl", "-d", dir, "-p", "soapclient", "-o", "soapclient.go",
		srv.URL+soap.Path+"?wsdl=1&wstoken="+testToken)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("go tool gowsdl: %v\n%s", err, out)
	}
	got, err := os.ReadFile(filepath.Join(dir, "soapclient", "soapclient.go"))
	if err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(clientFile, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(clientFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is not what gowsdl generates from the server's WSDL: run go test -run TestClientUpToDate -update", clientFile)
	}
}
