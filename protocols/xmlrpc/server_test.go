package xmlrpc_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	kolo "github.com/kolo/xmlrpc"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/xmlrpc"
)

// fake is a Dispatcher and Lister: it records calls and answers from a
// table of functions by name; an unknown name is invalidrecord and the
// token "bad" is invalidtoken.
type fake struct {
	mu    sync.Mutex
	calls []*protocols.Call
	fns   map[string]fakeFn
}

type fakeFn struct {
	fn    *functions.Function
	value any
	err   error
	panic bool
}

func (f *fake) Dispatch(_ context.Context, c *protocols.Call) (*protocols.Result, error) {
	f.mu.Lock()
	f.calls = append(f.calls, c)
	f.mu.Unlock()
	if c.Token == "bad" {
		return nil, wsgate.ErrInvalidToken
	}
	e, ok := f.fns[c.Function]
	switch {
	case !ok:
		return nil, wsgate.ErrInvalidRecord
	case e.panic:
		panic("the function broke")
	case e.err != nil:
		return nil, e.err
	}
	return &protocols.Result{Function: e.fn, Value: e.value}, nil
}

func (f *fake) Callable(_ context.Context, c *protocols.Call) ([]*functions.Function, error) {
	if c.Token == "bad" {
		return nil, wsgate.ErrInvalidToken
	}
	return []*functions.Function{{Name: "core_a"}, {Name: "local_b"}}, nil
}

func (f *fake) last(t *testing.T) *protocols.Call {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.calls) != 1 {
		t.Fatalf("%d calls dispatched, want 1", len(f.calls))
	}
	return f.calls[0]
}

func (f *fake) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.calls)
}

// siteReturns is a nested description with every scalar type.
var siteReturns = single(
	"sitename", val(functions.ParamRaw),
	"userid", val(functions.ParamInt),
	"quota", val(functions.ParamInt),
	"bigquota", val(functions.ParamInt),
	"ratio", val(functions.ParamFloat),
	"admin", val(functions.ParamBool),
	"missing", opt(val(functions.ParamText)),
	"nothing", val(functions.ParamText),
	"functions", multiple(single("name", val(functions.ParamRaw), "version", val(functions.ParamRaw))),
	"grid", multiple(multiple(val(functions.ParamInt))),
)

var siteValue = map[string]any{
	"sitename": "Acme & Co <LMS>",
	"userid":   int64(42),
	"quota":    int64(104857600),
	"bigquota": int64(5368709120),
	"ratio":    0.25,
	"admin":    false,
	"nothing":  nil,
	"functions": []any{
		map[string]any{"name": "core_webservice_get_site_info", "version": "2023112400.00"},
		map[string]any{"name": "core_user_get_users", "version": "2023112400.00"},
	},
	"grid": []any{[]any{int64(1), int64(2)}, []any{}, []any{nil}},
}

func newFake() *fake {
	return &fake{fns: map[string]fakeFn{
		"core_webservice_get_site_info": {fn: &functions.Function{Name: "core_webservice_get_site_info", Returns: siteReturns},
			value: siteValue},
		"local_void":  {fn: &functions.Function{Name: "local_void"}},
		"local_null":  {fn: &functions.Function{Name: "local_null", Returns: val(functions.ParamRaw)}},
		"local_panic": {panic: true},
		"local_debug": {err: wsgate.ErrAccess.WithDebug("You are not allowed to use the xmlrpc protocol")},
		"local_go":    {err: errors.New("dial tcp 10.0.0.1:5432: connection refused")},
	}}
}

// newServer returns a test server over a fresh fake.
func newServer(t *testing.T, configure func(*xmlrpc.Server)) (*httptest.Server, *fake) {
	t.Helper()
	f := newFake()
	s := &xmlrpc.Server{Dispatcher: f, Lister: f, Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	if configure != nil {
		configure(s)
	}
	mux := http.NewServeMux()
	mux.Handle(xmlrpc.Path, s)
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, f
}

// post sends a raw body and returns the answer; contentType "" sends none.
func post(t *testing.T, url, contentType, body string, header ...string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, string(b)
}

// fault decodes a raw fault answer with kolo's Response.
func fault(t *testing.T, body string) kolo.FaultError {
	t.Helper()
	err := kolo.Response(body).Err()
	var fe kolo.FaultError
	if !errors.As(err, &fe) {
		t.Fatalf("not a fault (%v):\n%s", err, body)
	}
	return fe
}

func TestServerPassesArgs(t *testing.T) {
	tests := []struct {
		name        string
		contentType string
		body        string
		args        []any
	}{
		{"no params", "text/xml", `<methodCall><methodName>local_void</methodName></methodCall>`, []any{}},
		{"no Content-Type", "", call("local_void", "<int>1</int>"), []any{int64(1)}},
		{"other Content-Type", "application/octet-stream", call("local_void", "x"), []any{"x"}},
		{"every type", "text/xml; charset=utf-8", call("local_void", "<int>1</int>", "<i4>2</i4>", "<i8>3</i8>",
			"<boolean>1</boolean>", "<string>s</string>", "untyped", "<double>1.5</double>",
			"<dateTime.iso8601>19700101T00:01:00</dateTime.iso8601>", "<base64>Ynl0ZXM=</base64>",
			"<struct><member><name>k</name><value><nil/></value></member></struct>",
			"<array><data><value><ex:nil/></value></data></array>", "<nil/>"),
			[]any{int64(1), int64(2), int64(3), true, "s", "untyped", 1.5, int64(60), "bytes",
				map[string]any{"k": nil}, []any{nil}, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, f := newServer(t, nil)
			resp, body := post(t, ts.URL+xmlrpc.Path+"?wstoken=tok", tt.contentType, tt.body)
			if resp.StatusCode != http.StatusOK || body != "" {
				t.Fatalf("status %d, body %q", resp.StatusCode, body)
			}
			c := f.last(t)
			want := &protocols.Call{Protocol: "xmlrpc", Token: "tok", Function: "local_void", Args: tt.args, RemoteIP: "127.0.0.1",
				Size: len(tt.body) + len("wstoken=tok")}
			if !reflect.DeepEqual(c, want) {
				t.Errorf("call = %#v\nwant %#v", c, want)
			}
		})
	}
}

func TestServerToken(t *testing.T) {
	tests := []struct {
		name, query string
		header      []string
		want        string
	}{
		{"query", "?wstoken=abc", nil, "abc"},
		{"last of repeated", "?wstoken=a&wstoken=b", nil, "b"},
		{"bearer", "", []string{"Authorization", "Bearer xyz"}, "xyz"},
		{"query wins over bearer", "?wstoken=abc", []string{"Authorization", "Bearer xyz"}, "abc"},
		{"empty query falls back to bearer", "?wstoken=", []string{"Authorization", "bearer xyz"}, "xyz"},
		{"basic is ignored", "", []string{"Authorization", "Basic eHl6"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, f := newServer(t, nil)
			post(t, ts.URL+xmlrpc.Path+tt.query, "text/xml", call("local_void"), tt.header...)
			if got := f.last(t).Token; got != tt.want {
				t.Errorf("token = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestServerRefusesBadRequests(t *testing.T) {
	tests := []struct {
		name, body, debug string
	}{
		{"malformed XML", "<methodCall><methodName>f</methodName", "Invalid XML-RPC request"},
		{"not XML-RPC", "<html><body>hi</body></html>", "not <methodCall>"},
		{"empty", "", "the body is empty"},
		{"DOCTYPE", `<!DOCTYPE m [<!ENTITY a "aaaaaaaa">]><methodCall><methodName>&a;</methodName></methodCall>`, "DOCTYPE"},
		{"oversize", call("local_void", strings.Repeat("x", 5000)), "exceeds the limit of 4096 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ts, f := newServer(t, func(s *xmlrpc.Server) { s.MaxBodyBytes = 4096; s.Debug = true })
			resp, body := post(t, ts.URL+xmlrpc.Path+"?wstoken=tok", "text/xml", tt.body)
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
			fe := fault(t, body)
			if fe.Code != 29039061 || !strings.Contains(fe.String, tt.debug) ||
				!strings.HasPrefix(fe.String, "Invalid parameter value detected | DEBUG INFO: ") {
				t.Errorf("fault = %d %q", fe.Code, fe.String)
			}
			if f.count() != 0 {
				t.Errorf("a bad request was dispatched")
			}
		})
	}
}

// TestServerOversizeStreamed checks the limit on a body of unknown length.
func TestServerOversizeStreamed(t *testing.T) {
	ts, f := newServer(t, func(s *xmlrpc.Server) { s.MaxBodyBytes = 1024; s.Debug = true })
	pr, pw := io.Pipe()
	go func() {
		_, _ = io.WriteString(pw, call("local_void", strings.Repeat("x", 4096)))
		_ = pw.Close()
	}()
	req, _ := http.NewRequest(http.MethodPost, ts.URL+xmlrpc.Path, pr)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if fe := fault(t, string(b)); !strings.Contains(fe.String, "exceeds the limit of 1024 bytes") || f.count() != 0 {
		t.Errorf("fault %q, %d calls", fe.String, f.count())
	}
}

func TestServerHTTP(t *testing.T) {
	ts, _ := newServer(t, nil)
	t.Run("GET is 405", func(t *testing.T) {
		resp, err := http.Get(ts.URL + xmlrpc.Path + "?wstoken=tok")
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != "POST" {
			t.Errorf("status %d, Allow %q", resp.StatusCode, resp.Header.Get("Allow"))
		}
		if fe := fault(t, string(b)); fe.String != "Invalid parameter value detected | ERRORCODE: invalidparameter" {
			t.Errorf("fault %q", fe.String)
		}
	})
	t.Run("headers", func(t *testing.T) {
		resp, _ := post(t, ts.URL+xmlrpc.Path, "", call("core_webservice_get_site_info"))
		if ct := resp.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
			t.Errorf("Content-Type %q", ct)
		}
		if resp.Header.Get("Cache-Control") == "" || resp.Header.Get("Content-Length") == "" {
			t.Errorf("headers %v", resp.Header)
		}
	})
	t.Run("void is an empty body", func(t *testing.T) {
		resp, body := post(t, ts.URL+xmlrpc.Path, "text/xml", call("local_void"))
		if resp.StatusCode != http.StatusOK || body != "" || resp.Header.Get("Content-Type") != "text/xml; charset=utf-8" {
			t.Errorf("status %d, body %q, headers %v", resp.StatusCode, body, resp.Header)
		}
	})
	t.Run("top-level null", func(t *testing.T) {
		_, body := post(t, ts.URL+xmlrpc.Path, "text/xml", call("local_null"))
		if !strings.Contains(body, "<param><value><string></string></value></param>") {
			t.Errorf("body %s", body)
		}
	})
}

func TestServerFaultCodes(t *testing.T) {
	ts, _ := newServer(t, nil)
	tests := []struct {
		name, token, function string
		code                  int
		str                   string
	}{
		{"unknown function", "tok", "local_nope", 23604497,
			"Can't find data record in database table external_functions. | ERRORCODE: invalidrecord"},
		{"invalid token", "bad", "local_void", 89159464, "Invalid token - token not found | ERRORCODE: invalidtoken"},
		{"debuginfo hidden", "tok", "local_debug", 23000021, "Access control exception | ERRORCODE: accessexception"},
		{"Go error hidden", "tok", "local_go", xmlrpc.FaultCode("generalexceptionmessage"),
			"Internal server error | ERRORCODE: generalexceptionmessage"},
		{"panic", "tok", "local_panic", xmlrpc.FaultCode("generalexceptionmessage"),
			"Internal server error | ERRORCODE: generalexceptionmessage"},
		{"still serving after a panic", "tok", "local_nope", 23604497,
			"Can't find data record in database table external_functions. | ERRORCODE: invalidrecord"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, body := post(t, ts.URL+xmlrpc.Path+"?wstoken="+tt.token, "text/xml", call(tt.function))
			if resp.StatusCode != http.StatusOK {
				t.Errorf("status %d", resp.StatusCode)
			}
			if want := "<name>faultCode</name><value><int>" + strconv.Itoa(tt.code) + "</int></value>"; !strings.Contains(body, want) {
				t.Errorf("body lacks %s:\n%s", want, body)
			}
			if fe := fault(t, body); fe.Code != tt.code || fe.String != tt.str {
				t.Errorf("fault = %d %q, want %d %q", fe.Code, fe.String, tt.code, tt.str)
			}
		})
	}
}

func TestServerDebug(t *testing.T) {
	ts, _ := newServer(t, func(s *xmlrpc.Server) { s.Debug = true })
	_, body := post(t, ts.URL+xmlrpc.Path+"?wstoken=tok", "text/xml", call("local_debug"))
	want := "Access control exception | DEBUG INFO: You are not allowed to use the xmlrpc protocol | ERRORCODE: accessexception"
	if fe := fault(t, body); fe.String != want {
		t.Errorf("faultString %q", fe.String)
	}
	_, body = post(t, ts.URL+xmlrpc.Path+"?wstoken=tok", "text/xml", call("local_go"))
	if strings.Contains(body, "10.0.0.1") {
		t.Errorf("the cause of an internal error leaked: %s", body)
	}
}
