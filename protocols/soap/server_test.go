package soap_test

import (
	"bytes"
	"encoding/xml"
	"errors"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"wsgate"
	"wsgate/protocols"
	"wsgate/protocols/soap"
)

// TestRPCBodies feeds envelopes as PHP's SoapClient and other rpc-style
// clients send them and checks what the Dispatcher receives.
func TestRPCBodies(t *testing.T) {
	tests := []struct {
		file   string
		params map[string]any
		args   []any
	}{
		{
			// SoapClient in WSDL mode with Moodle's rpc/encoded WSDL: xsi:type everywhere, SOAP-ENC arrays.
			file: "rpc_wsdl_typed.xml",
			params: map[string]any{"users": []any{
				map[string]any{"username": "jdoe", "email": "jdoe@example.com", "auth": "manual", "suspended": int64(0),
					"preferences": []any{map[string]any{"type": "htmleditor", "value": "atto"}}},
				map[string]any{"username": "asmith", "email": "asmith@example.com", "idnumber": "007", "preferences": []any{}},
			}},
		},
		{
			// SoapClient without WSDL: associative arrays as Apache maps; xsd:string keeps "42" a string.
			file: "rpc_nowsdl_map.xml",
			params: map[string]any{"courseid": "42", "options": []any{
				map[string]any{"name": "excludemodules", "value": true},
				map[string]any{"name": "sectionid", "value": int64(3)},
			}},
		},
		{
			// No types at all: the description types INT; other leaves stay text as sent.
			file: "rpc_untyped.xml",
			params: map[string]any{"courseid": int64(42), "options": []any{
				map[string]any{"name": "excludemodules", "value": " 1 "},
			}},
		},
		{
			// SoapClient::__soapCall without SoapParam names: positional parts.
			file: "rpc_positional.xml",
			args: []any{int64(42), []any{}},
		},
		{
			// xsi:nil, xsd:boolean text for a BOOL key, an xsi:type that wins over the declared type, an empty string.
			file: "rpc_nil_bool.xml",
			params: map[string]any{"users": []any{map[string]any{"username": "jdoe", "email": "jdoe@example.com",
				"password": nil, "suspended": true, "idnumber": true, "auth": ""}}},
		},
		{
			// SoapClient sending an object twice: an id on the first, an href on the second;
			// a multi-reference value after the operation (other toolkits) named by an href.
			file: "rpc_php_multiref.xml",
			params: map[string]any{"users": []any{
				map[string]any{"username": "jdoe", "email": "jdoe@example.com", "suspended": false,
					"preferences": []any{map[string]any{"type": "htmleditor", "value": "atto"}}},
				map[string]any{"username": "jdoe", "email": "jdoe@example.com", "suspended": false,
					"preferences": []any{map[string]any{"type": "htmleditor", "value": "atto"}}},
			}},
		},
		{
			// encoding="ISO-8859-1" (SoapClient's encoding option).
			file:   "rpc_latin1.xml",
			params: map[string]any{"users": []any{map[string]any{"username": "josé", "email": "josé@example.com"}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			body, err := os.ReadFile(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) { return result(call, nil) }}
			w := post(t, newServer(rec), "?wstoken="+testToken, string(body))
			if w.Code != http.StatusOK {
				t.Fatalf("HTTP %d: %s", w.Code, w.Body)
			}
			call := rec.last(t)
			if call.Token != testToken || call.Protocol != "soap" {
				t.Errorf("call %+v", call)
			}
			if !reflect.DeepEqual(call.Params, tt.params) || !reflect.DeepEqual(call.Args, tt.args) {
				t.Errorf("params %#v args %#v\nwant   %#v args %#v", call.Params, call.Args, tt.params, tt.args)
			}
		})
	}
}

func envelope(body string) string {
	return `<?xml version="1.0"?><s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" ` +
		`xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/"><s:Body>` +
		body + `</s:Body></s:Envelope>`
}

// TestUnknownFunction: without a description leaves stay strings, <item>
// lists and repeated names become lists; the Dispatcher answers.
func TestUnknownFunction(t *testing.T) {
	rec := &recorder{answer: func(*protocols.Call) (*protocols.Result, error) { return nil, wsgate.ErrInvalidRecord }}
	s := newServer(rec)
	s.Debug = true
	w := post(t, s, "?wstoken="+testToken, envelope(
		`<x:nosuch xmlns:x="urn:x"><a>1</a><b><item>x</item><item>y</item></b><c><d>2</d></c><r>1</r><r>2</r><n xsi:nil="1"/>`+
			`<e SOAP-ENC:arrayType="xsd:int[0]"/><t xsi:type="xsd:double">1.5</t></x:nosuch>`))
	want := map[string]any{"a": "1", "b": []any{"x", "y"}, "c": map[string]any{"d": "2"}, "r": []any{"1", "2"}, "n": nil,
		"e": []any{}, "t": 1.5}
	t.Log(w.Body.String())
	if call := rec.last(t); call.Function != "nosuch" || !reflect.DeepEqual(call.Params, want) {
		t.Errorf("call %s %#v", call.Function, call.Params)
	}
	f := parseFault(t, w)
	if f.Code != "soap:Client" || f.Detail.ErrorCode != "invalidrecord" {
		t.Errorf("fault %+v", f)
	}
}

// TestEmptyBodyAndBearer: an empty Body is a call without function name,
// which the Dispatcher refuses after checking the token; the token may come
// as a Bearer header.
func TestEmptyBodyAndBearer(t *testing.T) {
	rec := &recorder{answer: func(*protocols.Call) (*protocols.Result, error) {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Missing function name")
	}}
	r := httptestRequest(http.MethodPost, soap.Path, envelope(""))
	r.Header.Set("Authorization", "Bearer "+testToken)
	w := serve(newServer(rec), r)
	if call := rec.last(t); call.Function != "" || call.Token != testToken || len(call.Params) != 0 {
		t.Errorf("call %+v", call)
	}
	if f := parseFault(t, w); f.Detail.ErrorCode != "invalidparameter" {
		t.Errorf("fault %+v", f)
	}
}

func TestResponseGolden(t *testing.T) {
	tests := []struct {
		name, function string
		value          any
	}{
		{"response_create_users.xml", "core_user_create_users", []any{
			map[string]any{"id": int64(101), "username": "jdoe"}, map[string]any{"id": int64(102), "username": "a<&>\"'\r\n\tz\x01"},
		}},
		{"response_site_info.xml", "core_webservice_get_site_info", map[string]any{
			"sitename": "Ünïcode", "userid": int64(2), "userissiteadmin": false, "functions": []any{},
			"usermaxuploadfilesize": nil, "theme": "boost",
		}},
		{"response_matrix.xml", "local_wsgate_matrix", []any{[]any{1.0, nil, 0.1}, []any{}, []any{1e-7, 1e21, math.Copysign(0, -1)}}},
		{"response_ping.xml", "local_wsgate_ping", true},
		{"response_void.xml", "local_wsgate_purge", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) { return result(call, tt.value) }}
			w := post(t, newServer(rec), "?wstoken="+testToken, envelope("<"+tt.function+"/>"))
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/xml; charset=utf-8" {
				t.Fatalf("HTTP %d %s", w.Code, w.Header().Get("Content-Type"))
			}
			if err := xml.Unmarshal(w.Body.Bytes(), new(struct{})); err != nil {
				t.Errorf("response does not parse: %v", err)
			}
			golden(t, tt.name, w.Body.Bytes())
		})
	}
}

// fault is a SOAP 1.1 fault as a client reads it.
type fault struct {
	Code   string `xml:"faultcode"`
	String string `xml:"faultstring"`
	Detail struct {
		ErrorCode string  `xml:"errorcode"`
		Exception string  `xml:"exception"`
		DebugInfo *string `xml:"debuginfo"`
	} `xml:"detail"`
}

func parseFault(t *testing.T, w interface {
	Result() *http.Response
}) fault {
	t.Helper()
	res := w.Result()
	if res.StatusCode != http.StatusInternalServerError && res.StatusCode != http.StatusRequestEntityTooLarge {
		t.Errorf("HTTP %d, want 500", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/xml; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	var env struct {
		XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
		Fault   *fault   `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body>Fault"`
	}
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(res.Body)
	if err := xml.Unmarshal(buf.Bytes(), &env); err != nil || env.Fault == nil {
		t.Fatalf("not a fault (%v): %s", err, buf.String())
	}
	return *env.Fault
}

func TestFaults(t *testing.T) {
	secret := errors.New("dial tcp 10.0.0.5:5432: password authentication failed for user wsgate")
	dispatch := func(err error) *recorder {
		return &recorder{answer: func(*protocols.Call) (*protocols.Result, error) { return nil, err }}
	}
	invalid := wsgate.ErrInvalidParameter.WithDebug(`courseid => Invalid parameter value detected: Invalid external api parameter: the value is "abc", the server was expecting "int" type`)
	tests := []struct {
		name     string
		debug    bool
		dispatch *recorder
		method   string
		query    string
		body     string
		status   int
		code     string
		string   string
		errcode  string
		debugHas string // "" means no debuginfo
		golden   string
	}{
		{name: "bad token on wsdl", method: http.MethodGet, query: "?wsdl=1&wstoken=nope", status: 500, code: "soap:Client",
			string: "Invalid token - token not found | ERRORCODE: invalidtoken", errcode: "invalidtoken", golden: "fault_invalidtoken.xml"},
		{name: "invalid parameter", dispatch: dispatch(invalid), body: envelope("<core_course_get_contents><courseid>abc</courseid></core_course_get_contents>"),
			status: 500, code: "soap:Client", string: "Invalid parameter value detected | ERRORCODE: invalidparameter",
			errcode: "invalidparameter", golden: "fault_invalidparameter.xml"},
		{name: "invalid parameter debug", debug: true, dispatch: dispatch(invalid), body: envelope("<core_course_get_contents><courseid>abc</courseid></core_course_get_contents>"),
			status: 500, code: "soap:Client", string: "Invalid parameter value detected | ERRORCODE: invalidparameter",
			errcode: "invalidparameter", debugHas: `the value is "abc"`, golden: "fault_invalidparameter_debug.xml"},
		{name: "internal error hides its cause", debug: true, dispatch: dispatch(secret), body: envelope("<local_wsgate_ping/>"),
			status: 500, code: "soap:Server", string: "Internal server error | ERRORCODE: generalexceptionmessage",
			errcode: "generalexceptionmessage", golden: "fault_internal_debug.xml"},
		{name: "access", dispatch: dispatch(wsgate.ErrAccess.WithDebug("not in service")), body: envelope("<local_wsgate_ping/>"),
			status: 500, code: "soap:Client", string: "Access control exception | ERRORCODE: accessexception", errcode: "accessexception"},
		{name: "unavailable", dispatch: dispatch(wsgate.ErrTimeout), body: envelope("<local_wsgate_ping/>"),
			status: 500, code: "soap:Server", string: "The function did not finish in time | ERRORCODE: functiontimeout", errcode: "functiontimeout"},
		{name: "malformed", debug: true, body: envelope("<local_wsgate_ping>"), status: 500, code: "soap:Client",
			errcode: "invalidparameter", debugHas: "Malformed SOAP envelope"},
		{name: "not xml", debug: true, body: "wsfunction=x", status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "Malformed"},
		{name: "empty", debug: true, body: "", status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "Malformed"},
		{name: "doctype", debug: true, body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>` +
			envelope("<local_wsgate_ping>&lol2;</local_wsgate_ping>")[len(`<?xml version="1.0"?>`):],
			status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "DOCTYPE"},
		{name: "xxe", debug: true, body: `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><x>&xxe;</x>`,
			status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "DOCTYPE"},
		{name: "processing instruction", debug: true, body: envelope("<?php echo 1; ?><local_wsgate_ping/>"),
			status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "processing instructions"},
		{name: "too large", debug: true, body: envelope("<f>" + strings.Repeat("x", soap.DefaultMaxBodyBytes) + "</f>"),
			status: 413, code: "soap:Client", errcode: "invalidparameter", debugHas: "larger than 8388608 bytes"},
		{name: "soap 1.2", debug: true, body: `<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body><f/></e:Body></e:Envelope>`,
			status: 500, code: "soap:VersionMismatch", errcode: "invalidparameter", debugHas: "SOAP 1.1"},
		{name: "not an envelope", debug: true, body: `<methodCall><methodName>f</methodName></methodCall>`,
			status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "not a SOAP envelope"},
		{name: "must understand", debug: true, body: `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>` +
			`<w:Security xmlns:w="urn:wsse" s:mustUnderstand="1"/></s:Header><s:Body><f/></s:Body></s:Envelope>`,
			status: 500, code: "soap:MustUnderstand", errcode: "invalidparameter", debugHas: "Security"},
		{name: "unsupported charset", debug: true, body: `<?xml version="1.0" encoding="EBCDIC"?>` + envelope("<f/>")[len(`<?xml version="1.0"?>`):],
			status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "charset"},
		{name: "duplicate key", debug: true, body: envelope("<core_course_get_contents><courseid>1</courseid><courseid>2</courseid></core_course_get_contents>"),
			status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "Duplicate element courseid"},
		{name: "get without wsdl", debug: true, method: http.MethodGet, status: 500, code: "soap:Client", errcode: "invalidparameter", debugHas: "POST"},
		{name: "no dispatcher", body: envelope("<f/>"), status: 500, code: "soap:Server", errcode: "generalexceptionmessage"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d protocols.Dispatcher
			if tt.dispatch != nil {
				d = tt.dispatch
			}
			s := newServer(d)
			s.Debug = tt.debug
			method := tt.method
			if method == "" {
				method = http.MethodPost
			}
			query := tt.query
			if query == "" {
				query = "?wstoken=" + testToken
			}
			w := serve(s, httptestRequest(method, soap.Path+query, tt.body))
			if w.Code != tt.status {
				t.Errorf("HTTP %d, want %d", w.Code, tt.status)
			}
			raw := w.Body.String()
			f := parseFault(t, w)
			if f.Code != tt.code || f.Detail.ErrorCode != tt.errcode || (tt.string != "" && f.String != tt.string) {
				t.Errorf("fault %+v", f)
			}
			switch {
			case tt.debugHas == "" && f.Detail.DebugInfo != nil && !strings.Contains(tt.name, "internal"):
				t.Errorf("debuginfo %q without Debug", *f.Detail.DebugInfo)
			case tt.debugHas != "" && (f.Detail.DebugInfo == nil || !strings.Contains(*f.Detail.DebugInfo, tt.debugHas)):
				t.Errorf("debuginfo %v, want it to mention %q", f.Detail.DebugInfo, tt.debugHas)
			}
			if strings.Contains(raw, "10.0.0.5") || strings.Contains(raw, "password authentication") {
				t.Errorf("the fault leaks the cause: %s", raw)
			}
			if tt.golden != "" {
				golden(t, tt.golden, []byte(raw))
			}
		})
	}
}

// TestDebugInfoOnlyWithDebug: the same error with and without Debug.
func TestDebugInfoOnlyWithDebug(t *testing.T) {
	rec := &recorder{answer: func(*protocols.Call) (*protocols.Result, error) {
		return nil, wsgate.ErrInvalidParameter.WithDebug("secret detail")
	}}
	for _, debug := range []bool{false, true} {
		s := newServer(rec)
		s.Debug = debug
		w := post(t, s, "?wstoken="+testToken, envelope("<local_wsgate_ping/>"))
		if got := strings.Contains(w.Body.String(), "secret detail"); got != debug {
			t.Errorf("Debug=%v: debuginfo shown %v", debug, got)
		}
	}
}

// TestPanicIsAFault: a panicking Dispatcher gives a Server fault; the
// process keeps serving.
func TestPanicIsAFault(t *testing.T) {
	rec := &recorder{answer: func(*protocols.Call) (*protocols.Result, error) { panic("boom") }}
	w := post(t, newServer(rec), "?wstoken="+testToken, envelope("<local_wsgate_ping/>"))
	if f := parseFault(t, w); f.Code != "soap:Server" || f.Detail.ErrorCode != "generalexceptionmessage" || strings.Contains(w.Body.String(), "boom") {
		t.Errorf("fault %+v", f)
	}
}

// TestValueTypes: results whose Go types differ from the declared ones are
// still written, and a value that is not a structure where one is declared
// does not break the envelope.
func TestValueTypes(t *testing.T) {
	var got []byte
	got = soap.AppendResponse(got, testBase, "f", single("", "b", val(0x3, ""), "i", val(0x1, ""), "s", val(0x4, ""),
		"l", multiple("", val(0x1, "")), "m", single("", "x", val(0x1, ""))), map[string]any{
		"b": int64(1), "i": 7, "s": 2.5, "l": "not a list", "m": []any{"a"},
	})
	want := `<fResponse xmlns="` + testBase + `"><return><b>true</b><i>7</i><s>2.5</s><l>not a list</l><m><item>a</item></m></return></fResponse>`
	if !strings.Contains(string(got), want) {
		t.Errorf("got %s\nwant %s", got, want)
	}
	if err := xml.Unmarshal(got, new(struct{})); err != nil {
		t.Error(err)
	}
}
