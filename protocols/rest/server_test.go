package rest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync"
	"testing"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/rest"
)

// recorder is a fake Dispatcher that keeps the last call and answers with
// res and err.
type recorder struct {
	mu    sync.Mutex
	calls []*protocols.Call
	res   *protocols.Result
	err   error
}

func (d *recorder) Dispatch(_ context.Context, c *protocols.Call) (*protocols.Result, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, c)
	return d.res, d.err
}

func (d *recorder) last(t *testing.T) *protocols.Call {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.calls) != 1 {
		t.Fatalf("%d calls dispatched, want 1", len(d.calls))
	}
	return d.calls[0]
}

var echoFunction = &functions.Function{Name: "local_echo", Component: "local_test",
	Returns: single("id", val(functions.ParamInt), "name", val(functions.ParamRaw))}

func okResult() *protocols.Result {
	return &protocols.Result{Function: echoFunction, Value: map[string]any{"id": int64(7), "name": "a/b"}}
}

// request describes one HTTP request to the server.
type request struct {
	method, target, contentType, body, auth string
}

func (q request) build() *http.Request {
	method := q.method
	if method == "" {
		method = http.MethodGet
	}
	var body io.Reader
	if q.body != "" {
		body = strings.NewReader(q.body)
	}
	r := httptest.NewRequest(method, q.target, body)
	if q.contentType != "" {
		r.Header.Set("Content-Type", q.contentType)
	}
	if q.auth != "" {
		r.Header.Set("Authorization", q.auth)
	}
	r.RemoteAddr = "192.0.2.10:54321"
	return r
}

func serve(t *testing.T, s *rest.Server, q request) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	s.ServeHTTP(w, q.build())
	return w
}

func TestServerDecodesCalls(t *testing.T) {
	multipartBody, multipartType := multipartForm(t, [][3]string{
		{"wstoken", "", "tok"},
		{"users[0][username]", "", "jdoe"},
		{"users[0][email]", "", "j@example.com"},
		{"upload", "a.txt", "file content"},
		{"users[0][auth]", "", "manual"},
	})
	tests := []struct {
		name         string
		req          request
		wantToken    string
		wantFunction string
		wantParams   map[string]any
	}{
		{"GET with nested params",
			request{target: rest.Path + "?wstoken=tok&wsfunction=core_user_create_users&users[0][username]=jdoe&users[0][preferences][0][type]=x&users[0][preferences][][type]=y"},
			"tok", "core_user_create_users",
			tree{"users": tree{"0": tree{"username": "jdoe", "preferences": tree{"0": tree{"type": "x"}, "1": tree{"type": "y"}}}}}},
		{"POST form, GET+POST merged, POST wins",
			request{method: "POST", target: rest.Path + "?wstoken=get&a=get&b=get&c[x]=get",
				contentType: "application/x-www-form-urlencoded", body: "wstoken=post&wsfunction=f&a=post&c[y]=post"},
			"post", "f", tree{"a": "post", "b": "get", "c": tree{"y": "post"}}},
		{"POST form with charset",
			request{method: "POST", target: rest.Path, contentType: "Application/X-WWW-Form-URLEncoded; charset=UTF-8",
				body: "wstoken=t&wsfunction=f&a.b=1&ids[]=1&ids[]=2"},
			"t", "f", tree{"a_b": "1", "ids": tree{"0": "1", "1": "2"}}},
		{"multipart, file parts skipped",
			request{method: "POST", target: rest.Path + "?wsfunction=f", contentType: multipartType, body: multipartBody},
			"tok", "f", tree{"users": tree{"0": tree{"username": "jdoe", "email": "j@example.com", "auth": "manual"}}}},
		{"JSON body with typed values",
			request{method: "POST", target: rest.Path + "?moodlewsrestformat=json", contentType: "application/json",
				body: `{"wstoken":"tok","wsfunction":"f","courseid":12,"ratio":0.5,"visible":true,"note":null,
				"users":[{"username":"jdoe","ids":[1,2]}],"options":{"a":"x"}}`},
			"tok", "f", tree{"courseid": json.Number("12"), "ratio": json.Number("0.5"), "visible": true, "note": nil,
				"users":   []any{tree{"username": "jdoe", "ids": []any{json.Number("1"), json.Number("2")}}},
				"options": tree{"a": "x"}}},
		{"JSON body, query parameters merged under it",
			request{method: "POST", target: rest.Path + "?wstoken=q&wsfunction=f&a=1&b=1", contentType: "application/json",
				body: `{"a":2}`},
			"q", "f", tree{"a": json.Number("2"), "b": "1"}},
		{"empty JSON body",
			request{method: "POST", target: rest.Path + "?wstoken=q&wsfunction=f", contentType: "application/json", body: " \n"},
			"q", "f", tree{}},
		{"Bearer token when wstoken is absent",
			request{target: rest.Path + "?wsfunction=f", auth: "Bearer  abc123 "}, "abc123", "f", tree{}},
		{"bearer scheme is case-insensitive",
			request{target: rest.Path + "?wsfunction=f", auth: "bearer abc123"}, "abc123", "f", tree{}},
		{"wstoken wins over Bearer",
			request{target: rest.Path + "?wstoken=query&wsfunction=f", auth: "Bearer header"}, "query", "f", tree{}},
		{"Bearer used when wstoken is empty",
			request{target: rest.Path + "?wstoken=&wsfunction=f", auth: "Bearer header"}, "header", "f", tree{}},
		{"other Authorization schemes ignored",
			request{target: rest.Path + "?wsfunction=f", auth: "Basic dXNlcjpwYXNz"}, "", "f", tree{}},
		{"reserved names removed",
			request{method: "POST", target: rest.Path + "?moodlewssettingraw=1&moodlewssettingfileurl=0&moodlewssettingfilter=1",
				contentType: "application/x-www-form-urlencoded",
				body:        "wstoken=t&wsfunction=f&moodlewsrestformat=json&moodlewssettinglang=fr&moodlewssettingtimezone=Europe/Paris&x=1"},
			"t", "f", tree{"x": "1"}},
		{"reserved names removed from JSON",
			request{method: "POST", target: rest.Path, contentType: "application/json",
				body: `{"wstoken":"t","wsfunction":"f","moodlewsrestformat":"json","moodlewssettingraw":true,"moodlewssettinglang":"fr","y":1}`},
			"t", "f", tree{"y": json.Number("1")}},
		{"missing wsfunction passed on empty", request{target: rest.Path + "?wstoken=t"}, "t", "", tree{}},
		{"bodies of other methods ignored, as PHP does",
			request{method: "PUT", target: rest.Path + "?wstoken=t&wsfunction=f", contentType: "application/x-www-form-urlencoded", body: "a=1"},
			"t", "f", tree{}},
		{"other content types ignored, as PHP does",
			request{method: "POST", target: rest.Path + "?wstoken=t&wsfunction=f", contentType: "text/plain", body: "a=1"},
			"t", "f", tree{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &recorder{res: okResult()}
			w := serve(t, &rest.Server{Dispatcher: d}, tt.req)
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: %s", w.Code, w.Body)
			}
			c := d.last(t)
			if c.Protocol != "rest" || c.RemoteIP != "192.0.2.10" || c.Args != nil {
				t.Errorf("call protocol %q, remote IP %q, args %v", c.Protocol, c.RemoteIP, c.Args)
			}
			if c.Token != tt.wantToken || c.Function != tt.wantFunction {
				t.Errorf("token %q function %q, want %q %q", c.Token, c.Function, tt.wantToken, tt.wantFunction)
			}
			if !reflect.DeepEqual(c.Params, tt.wantParams) {
				t.Errorf("params\n got %#v\nwant %#v", c.Params, tt.wantParams)
			}
		})
	}
}

// multipartForm builds a multipart/form-data body from name, filename, value.
func multipartForm(t *testing.T, parts [][3]string) (body, contentType string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p[1] != "" {
			w, err = mw.CreateFormFile(p[0], p[1])
		} else {
			w, err = mw.CreateFormField(p[0])
		}
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.WriteString(w, p[2])
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.String(), mw.FormDataContentType()
}

func TestServerFormatAndHeaders(t *testing.T) {
	const (
		xmlBody  = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n<SINGLE>\n<KEY name=\"id\"><VALUE>7</VALUE>\n</KEY>\n<KEY name=\"name\"><VALUE>a/b</VALUE>\n</KEY>\n</SINGLE>\n</RESPONSE>\n"
		jsonBody = `{"id":7,"name":"a\/b"}`
	)
	tests := []struct {
		name string
		req  request
		json bool
	}{
		{"default xml", request{target: rest.Path + "?wsfunction=f"}, false},
		{"xml", request{target: rest.Path + "?moodlewsrestformat=xml"}, false},
		{"json", request{target: rest.Path + "?moodlewsrestformat=json"}, true},
		{"JSON in capitals is xml", request{target: rest.Path + "?moodlewsrestformat=JSON"}, false},
		{"unknown is xml", request{target: rest.Path + "?moodlewsrestformat=yaml"}, false},
		{"array is xml", request{target: rest.Path + "?moodlewsrestformat[]=json"}, false},
		{"POST wins", request{method: "POST", target: rest.Path + "?moodlewsrestformat=xml",
			contentType: "application/x-www-form-urlencoded", body: "moodlewsrestformat=json"}, true},
		{"in a JSON body", request{method: "POST", target: rest.Path, contentType: "application/json",
			body: `{"moodlewsrestformat":"json"}`}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := serve(t, &rest.Server{Dispatcher: &recorder{res: okResult()}}, tt.req)
			checkHeaders(t, w, tt.json)
			want := xmlBody
			if tt.json {
				want = jsonBody
			}
			if w.Body.String() != want {
				t.Errorf("body %q, want %q", w.Body, want)
			}
		})
	}
}

// checkHeaders checks the headers of webservice_rest_server::send_headers.
func checkHeaders(t *testing.T, w *httptest.ResponseRecorder, isJSON bool) {
	t.Helper()
	if w.Code != http.StatusOK {
		t.Errorf("status %d, want 200", w.Code)
	}
	want := http.Header{
		"Cache-Control":               {"private, must-revalidate, pre-check=0, post-check=0, max-age=0"},
		"Expires":                     {"Thu, 01 Jan 1970 00:00:00 GMT"},
		"Pragma":                      {"no-cache"},
		"Accept-Ranges":               {"none"},
		"Access-Control-Allow-Origin": {"*"},
	}
	if isJSON {
		want["Content-Type"] = []string{"application/json"}
	} else {
		want["Content-Type"] = []string{"application/xml; charset=utf-8"}
		want["Content-Disposition"] = []string{`inline; filename="response.xml"`}
	}
	for k, v := range want {
		if got := w.Header().Values(k); !reflect.DeepEqual(got, v) {
			t.Errorf("header %s = %q, want %q", k, got, v)
		}
	}
	if isJSON && w.Header().Get("Content-Disposition") != "" {
		t.Error("JSON response has a Content-Disposition")
	}
}

func TestServerVoid(t *testing.T) {
	void := &protocols.Result{Function: &functions.Function{Name: "f"}, Value: map[string]any{"x": 1}}
	for _, format := range []string{"json", "xml"} {
		w := serve(t, &rest.Server{Dispatcher: &recorder{res: void}}, request{target: rest.Path + "?moodlewsrestformat=" + format})
		want := "null"
		if format == "xml" {
			want = "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n</RESPONSE>\n"
		}
		if w.Body.String() != want {
			t.Errorf("%s: %q, want %q", format, w.Body, want)
		}
	}
}

// TestServerErrors checks every error envelope in both formats, with and
// without debug, against the encoders' golden files.
func TestServerErrors(t *testing.T) {
	for _, tc := range errorCases {
		for _, debug := range []bool{false, true} {
			for _, format := range []string{"json", "xml"} {
				suffix := ""
				if debug {
					suffix = "_debug"
				}
				t.Run(tc.name+suffix+"_"+format, func(t *testing.T) {
					var logs bytes.Buffer
					s := &rest.Server{Dispatcher: &recorder{err: tc.err}, Debug: debug,
						Log: slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))}
					w := serve(t, s, request{target: rest.Path + "?wstoken=sekrittoken&wsfunction=f&p=sekritparam&moodlewsrestformat=" + format})
					checkHeaders(t, w, format == "json")
					want, err := readGolden("error_" + tc.name + suffix + "." + format)
					if err != nil {
						t.Fatal(err)
					}
					if w.Body.String() != want {
						t.Errorf("body %q\nwant %q", w.Body, want)
					}
					if strings.Contains(logs.String(), "sekrit") {
						t.Errorf("the token or a parameter was logged: %s", logs.String())
					}
					// The Dispatcher logs the errors it returns; logging them here too
					// would log internal errors twice.
					if n := strings.Count(logs.String(), "level=ERROR"); n != 0 {
						t.Errorf("%d error-level log lines for a Dispatcher error: %s", n, logs.String())
					}
				})
			}
		}
	}
}

func readGolden(name string) (string, error) {
	b, err := os.ReadFile("testdata/" + name)
	return string(b), err
}

func TestServerBadInput(t *testing.T) {
	tests := []struct {
		name      string
		s         *rest.Server
		req       request
		json      bool
		wantDebug string
	}{
		{"malformed JSON", nil, request{method: "POST", target: rest.Path + "?moodlewsrestformat=json",
			contentType: "application/json", body: `{"a":`}, true, "Invalid JSON body: unexpected end"},
		{"JSON syntax error", nil, request{method: "POST", target: rest.Path,
			contentType: "application/json", body: `{"a" 1}`}, false, "Invalid JSON body: syntax error at byte 5"},
		{"JSON array", nil, request{method: "POST", target: rest.Path + "?moodlewsrestformat=json",
			contentType: "application/json", body: `[1,2]`}, true, "Invalid JSON body: an object of parameters is expected"},
		{"JSON string", nil, request{method: "POST", target: rest.Path,
			contentType: "application/json", body: `"x"`}, false, "Invalid JSON body: an object of parameters is expected"},
		{"JSON trailing data", nil, request{method: "POST", target: rest.Path + "?moodlewsrestformat=json",
			contentType: "application/json", body: `{"a":1} {"b":2}`}, true, "Invalid JSON body: unexpected data after the object"},
		{"oversize form body", &rest.Server{MaxBodyBytes: 16}, request{method: "POST", target: rest.Path + "?moodlewsrestformat=json",
			contentType: "application/x-www-form-urlencoded", body: strings.Repeat("a=1&", 10)},
			true, "The request body exceeds the limit of 16 bytes"},
		{"oversize JSON body, chunked", &rest.Server{MaxBodyBytes: 16}, request{method: "POST", target: rest.Path,
			contentType: "application/json", body: `{"a":"` + strings.Repeat("x", 100) + `"}`},
			false, "The request body exceeds the limit of 16 bytes"},
		{"oversize multipart", &rest.Server{MaxBodyBytes: 64}, request{method: "POST", target: rest.Path,
			contentType: "multipart/form-data; boundary=XX",
			body:        "--XX\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n" + strings.Repeat("x", 200) + "\r\n--XX--\r\n"},
			false, "The request body exceeds the limit of 64 bytes"},
		{"multipart without boundary", nil, request{method: "POST", target: rest.Path,
			contentType: "multipart/form-data", body: "x"}, false, "Malformed multipart/form-data body: no boundary"},
		{"malformed multipart", nil, request{method: "POST", target: rest.Path,
			contentType: "multipart/form-data; boundary=XX", body: "--XX\r\nbroken"}, false, "Malformed multipart/form-data body"},
		{"wsfunction array", nil, request{target: rest.Path + "?moodlewsrestformat=json&wsfunction[]=x"},
			true, "wsfunction must be a string"},
		{"wstoken number", nil, request{method: "POST", target: rest.Path, contentType: "application/json",
			body: `{"wstoken":123}`}, false, "wstoken must be a string"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &recorder{res: okResult()}
			s := tt.s
			if s == nil {
				s = &rest.Server{}
			}
			var logs bytes.Buffer
			s.Dispatcher, s.Debug = d, true
			s.Log = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
			tt.req.target = strings.Replace(tt.req.target, "?", "?wstoken=sekrit&", 1)
			r := tt.req.build()
			if strings.Contains(tt.name, "chunked") {
				r.ContentLength = -1
			}
			w := httptest.NewRecorder()
			s.ServeHTTP(w, r)
			checkHeaders(t, w, tt.json)
			want := rest.EncodeXMLError(wsgate.ErrInvalidParameter.WithDebug(tt.wantDebug), true)
			if tt.json {
				want = rest.EncodeJSONError(wsgate.ErrInvalidParameter.WithDebug(tt.wantDebug), true)
			}
			if !bytes.Equal(w.Body.Bytes(), want) {
				t.Errorf("body %s\nwant %s", w.Body, want)
			}
			if len(d.calls) != 0 {
				t.Error("bad input was dispatched")
			}
			if l := logs.String(); strings.Contains(l, "sekrit") || !strings.Contains(l, "level=DEBUG") || strings.Contains(l, "level=ERROR") {
				t.Errorf("want one debug line without the token, got %s", l)
			}
		})
	}
}

func TestServerPanic(t *testing.T) {
	var logs bytes.Buffer
	s := &rest.Server{
		Dispatcher: protocols.DispatcherFunc(func(context.Context, *protocols.Call) (*protocols.Result, error) {
			panic("boom with sekrit")
		}),
		Debug: true,
		Log:   slog.New(slog.NewTextHandler(&logs, nil)),
	}
	w := serve(t, s, request{target: rest.Path + "?moodlewsrestformat=json&wsfunction=f"})
	checkHeaders(t, w, true)
	if want := `{"exception":"moodle_exception","errorcode":"generalexceptionmessage","message":"Internal server error"}`; w.Body.String() != want {
		t.Errorf("body %s, want %s", w.Body, want)
	}
	if n := strings.Count(logs.String(), "level=ERROR"); n != 1 || !strings.Contains(logs.String(), "boom") {
		t.Errorf("want the panic logged once at error level, got %s", logs.String())
	}
}

func TestServerNoDispatcher(t *testing.T) {
	s := &rest.Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	w := serve(t, s, request{target: rest.Path + "?moodlewsrestformat=json"})
	if !strings.Contains(w.Body.String(), `"errorcode":"generalexceptionmessage"`) {
		t.Errorf("body %s", w.Body)
	}
}

func TestServerPreflight(t *testing.T) {
	d := &recorder{}
	r := request{method: http.MethodOptions, target: rest.Path}.build()
	r.Header.Set("Origin", "https://app.example.org")
	r.Header.Set("Access-Control-Request-Method", "POST")
	r.Header.Set("Access-Control-Request-Headers", "authorization, content-type")
	w := httptest.NewRecorder()
	(&rest.Server{Dispatcher: d}).ServeHTTP(w, r)
	if w.Code != http.StatusNoContent || w.Body.Len() != 0 {
		t.Errorf("status %d body %q", w.Code, w.Body)
	}
	for k, v := range map[string]string{
		"Access-Control-Allow-Origin":  "*",
		"Access-Control-Allow-Methods": "GET, POST, OPTIONS",
		"Access-Control-Allow-Headers": "Authorization, Content-Type",
	} {
		if got := w.Header().Get(k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if len(d.calls) != 0 {
		t.Error("a preflight was dispatched")
	}
}

func TestServerContext(t *testing.T) {
	type key struct{}
	var got any
	s := &rest.Server{Dispatcher: protocols.DispatcherFunc(func(ctx context.Context, _ *protocols.Call) (*protocols.Result, error) {
		got = ctx.Value(key{})
		return okResult(), nil
	})}
	r := request{target: rest.Path}.build()
	r = r.WithContext(context.WithValue(r.Context(), key{}, "v"))
	s.ServeHTTP(httptest.NewRecorder(), r)
	if got != "v" {
		t.Error("the request context was not passed to the Dispatcher")
	}
}

// FuzzJSONBody posts arbitrary bodies as JSON: the server must never panic
// and must always answer 200 with an envelope or a result.
func FuzzJSONBody(f *testing.F) {
	for _, s := range []string{
		`{}`, `{"a":1}`, `{"wstoken":"t","wsfunction":"f","moodlewsrestformat":"json","x":[1,{"y":null}]}`,
		`[1]`, `"x"`, `null`, `{"a":`, `{"a":1}x`, `{"moodlewsrestformat":"json","id":1e999}`,
		`{"moodlewsrestformat":"json","wstoken":[1]}`, `{"a":"\ud800"}`,
	} {
		f.Add(s, true)
	}
	s := &rest.Server{
		Dispatcher: protocols.DispatcherFunc(func(_ context.Context, c *protocols.Call) (*protocols.Result, error) {
			if c.Function == "" {
				return nil, wsgate.ErrInvalidParameter.WithDebug("Missing function name")
			}
			// Echo the parameters through a description that does not fit them.
			return &protocols.Result{Function: echoFunction, Value: c.Params}, nil
		}),
		Debug:        true,
		Log:          slog.New(slog.NewTextHandler(io.Discard, nil)),
		MaxBodyBytes: 1 << 16,
	}
	f.Fuzz(func(t *testing.T, body string, jsonFormat bool) {
		target := rest.Path
		if jsonFormat {
			target += "?moodlewsrestformat=json"
		}
		w := serve(t, s, request{method: "POST", target: target, contentType: "application/json", body: body})
		if w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
		out := w.Body.Bytes()
		switch w.Header().Get("Content-Type") {
		case "application/json":
			if !json.Valid(out) {
				t.Fatalf("invalid JSON answer %q", out)
			}
		case "application/xml; charset=utf-8":
			if !bytes.HasPrefix(out, []byte(`<?xml version="1.0" encoding="UTF-8" ?>`+"\n")) {
				t.Fatalf("answer %q", out)
			}
		default:
			t.Fatalf("content type %q", w.Header().Get("Content-Type"))
		}
	})
}

func TestServerFunctionFromPath(t *testing.T) {
	cases := []struct {
		target, want string
	}{
		{"/webservice/rest/server.php/core_fn?wstoken=t", "core_fn"},
		{"/webservice/rest/server.php/core_fn?wstoken=t&wsfunction=other", "core_fn"},
		// Without a function in the path, the form's wsfunction wins over the query's, as in PHP.
		{"/webservice/rest/server.php?wstoken=t&wsfunction=other", "body"},
		{"/webservice/rest/server.php/a/b?wstoken=t&wsfunction=other", "body"},
	}
	for _, c := range cases {
		d := &recorder{res: okResult()}
		serve(t, &rest.Server{Dispatcher: d}, request{method: http.MethodPost, target: c.target,
			contentType: "application/x-www-form-urlencoded", body: "wsfunction=body"})
		if got := d.last(t).Function; got != c.want {
			t.Errorf("%s: function %q, want %q", c.target, got, c.want)
		}
	}
}

// TestServerSettings: the moodlewssetting* fields, from the query string or
// the body, reach the Dispatcher as Call.Settings; a bad value is refused
// in the requested format before any dispatch.
func TestServerSettings(t *testing.T) {
	d := &recorder{res: okResult()}
	serve(t, &rest.Server{Dispatcher: d}, request{method: "POST", target: rest.Path + "?moodlewssettingfilter=true",
		contentType: "application/x-www-form-urlencoded", body: "wsfunction=f&moodlewssettinglang=pt-BR&moodlewssettingfileurl=false"})
	want := wsgate.Settings{Filter: true, Lang: "pt_br"}
	if s := d.last(t).Settings; s == nil || *s != want {
		t.Errorf("settings %+v, want %+v", s, want)
	}
	d = &recorder{res: okResult()}
	w := serve(t, &rest.Server{Dispatcher: d}, request{target: rest.Path + "?wsfunction=f&moodlewsrestformat=json&moodlewssettingraw=2"})
	if len(d.calls) != 0 || !strings.Contains(w.Body.String(), `"errorcode":"invalidparameter"`) {
		t.Errorf("bad setting: %d calls, answer %s", len(d.calls), w.Body)
	}
}
