package xmlrpc_test

import (
	"reflect"
	"strings"
	"testing"

	kolo "github.com/kolo/xmlrpc"

	"wsgate/protocols/xmlrpc"
)

// TestKoloClient drives the server with a real XML-RPC client.
func TestKoloClient(t *testing.T) {
	ts, f := newServer(t, nil)
	client, err := kolo.NewClient(ts.URL+xmlrpc.Path+"?wstoken=tok", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()

	t.Run("nested result", func(t *testing.T) {
		var got any
		if err := client.Call("core_webservice_get_site_info", nil, &got); err != nil {
			t.Fatal(err)
		}
		want := map[string]any{
			"sitename": "Acme & Co <LMS>", "userid": int64(42), "quota": int64(104857600),
			"bigquota": 5368709120.0, "ratio": 0.25, "admin": false,
			"functions": []any{
				map[string]any{"name": "core_webservice_get_site_info", "version": "2023112400.00"},
				map[string]any{"name": "core_user_get_users", "version": "2023112400.00"},
			},
			"grid": []any{[]any{int64(1), int64(2)}, []any{}, []any{nil}},
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got  %#v\nwant %#v", got, want)
		}
	})
	t.Run("into a Go struct", func(t *testing.T) {
		var got struct {
			Sitename  string  `xmlrpc:"sitename"`
			UserID    int     `xmlrpc:"userid"`
			Ratio     float64 `xmlrpc:"ratio"`
			Admin     bool    `xmlrpc:"admin"`
			Functions []struct {
				Name string `xmlrpc:"name"`
			} `xmlrpc:"functions"`
		}
		if err := client.Call("core_webservice_get_site_info", nil, &got); err != nil {
			t.Fatal(err)
		}
		if got.Sitename != "Acme & Co <LMS>" || got.UserID != 42 || got.Ratio != 0.25 || got.Admin ||
			len(got.Functions) != 2 || got.Functions[1].Name != "core_user_get_users" {
			t.Errorf("got %+v", got)
		}
	})
	t.Run("fault", func(t *testing.T) {
		err := client.Call("local_nope", nil, nil)
		if err == nil || !strings.Contains(err.Error(),
			"Can't find data record in database table external_functions. | ERRORCODE: invalidrecord") {
			t.Errorf("err = %v", err)
		}
	})
	t.Run("system.listMethods", func(t *testing.T) {
		var got []string
		if err := client.Call("system.listMethods", nil, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, []string{"core_a", "local_b"}) {
			t.Errorf("got %v", got)
		}
	})
	t.Run("single struct param passes as named args", func(t *testing.T) {
		f.mu.Lock()
		f.calls = nil
		f.mu.Unlock()
		args := map[string]any{"userid": 5, "options": []any{"a", true}}
		if err := client.Call("local_void", args, nil); err != nil {
			t.Fatal(err)
		}
		want := []any{map[string]any{"userid": int64(5), "options": []any{"a", true}}}
		if got := f.last(t).Args; !reflect.DeepEqual(got, want) {
			t.Errorf("args = %#v, want %#v", got, want)
		}
	})
	t.Run("positional args", func(t *testing.T) {
		f.mu.Lock()
		f.calls = nil
		f.mu.Unlock()
		if err := client.Call("local_void", []any{int64(1), "two", 3.5, false}, nil); err != nil {
			t.Fatal(err)
		}
		if got, want := f.last(t).Args, []any{int64(1), "two", 3.5, false}; !reflect.DeepEqual(got, want) {
			t.Errorf("args = %#v, want %#v", got, want)
		}
	})
}

func TestListMethods(t *testing.T) {
	t.Run("bad token", func(t *testing.T) {
		ts, _ := newServer(t, nil)
		_, body := post(t, ts.URL+xmlrpc.Path+"?wstoken=bad", "text/xml", call("system.listMethods"))
		if fe := fault(t, body); fe.Code != 89159464 {
			t.Errorf("fault %d %q", fe.Code, fe.String)
		}
	})
	t.Run("no Lister", func(t *testing.T) {
		ts, f := newServer(t, func(s *xmlrpc.Server) { s.Lister = nil })
		_, body := post(t, ts.URL+xmlrpc.Path+"?wstoken=tok", "text/xml", call("system.listMethods"))
		if fe := fault(t, body); fe.Code != 23604497 || f.count() != 1 {
			t.Errorf("fault %d %q", fe.Code, fe.String)
		}
	})
}
