package soap_test

import (
	"encoding/xml"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/soap"
)

func TestRPCWSDLGolden(t *testing.T) {
	got := soap.RPCWSDL(testBase, testToken, catalog)
	if err := xml.Unmarshal(got, new(struct{})); err != nil {
		t.Fatalf("the rpc WSDL does not parse: %v", err)
	}
	golden(t, "catalog_rpc.wsdl", got)
	reversed := make([]*functions.Function, len(catalog))
	for i, f := range catalog {
		reversed[len(catalog)-1-i] = f
	}
	if string(soap.RPCWSDL(testBase, testToken, reversed)) != string(got) {
		t.Error("the rpc WSDL depends on the order of the functions")
	}
}

// TestWSDLStyles: style=rpc answers the rpc/encoded WSDL, no style or
// style=document the document/literal one, another style a Client fault.
func TestWSDLStyles(t *testing.T) {
	tests := []struct {
		query string
		want  []byte // nil: invalidparameter
	}{
		{"?wsdl=1&wstoken=" + testToken, soap.WSDL(testBase, testToken, catalog)},
		{"?wsdl=1&style=document&wstoken=" + testToken, soap.WSDL(testBase, testToken, catalog)},
		{"?wsdl=1&style=rpc&wstoken=" + testToken, soap.RPCWSDL(testBase, testToken, catalog)},
		{"?wsdl=1&style=moodle&wstoken=" + testToken, nil},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			w := serve(newServer(nil), httptestRequest(http.MethodGet, soap.Path+tt.query, ""))
			if tt.want == nil {
				if f := parseFault(t, w); f.Code != "soap:Client" || f.Detail.ErrorCode != "invalidparameter" {
					t.Errorf("fault %+v, want a Client fault invalidparameter", f)
				}
				return
			}
			if w.Code != http.StatusOK || w.Body.String() != string(tt.want) {
				t.Errorf("HTTP %d, not the expected WSDL:\n%.300s", w.Code, w.Body)
			}
		})
	}
	w := serve(newServer(nil), httptestRequest(http.MethodGet, soap.Path+"?wsdl=1&style=rpc&wstoken=bad", ""))
	if f := parseFault(t, w); f.Detail.ErrorCode != "invalidtoken" {
		t.Errorf("rpc WSDL with a bad token: fault %+v, want invalidtoken", f)
	}
}

// phpEnvelope is a request as PHP's SoapClient writes it without a WSDL:
// the operation in the client's uri, SOAP encoding declared.
func phpEnvelope(ns, body string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
		`<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/" xmlns:ns1="` + ns +
		`" xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"` +
		` xmlns:SOAP-ENC="http://schemas.xmlsoap.org/soap/encoding/" SOAP-ENV:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/">` +
		`<SOAP-ENV:Body>` + body + `</SOAP-ENV:Body></SOAP-ENV:Envelope>`
}

// TestRPCResponseGolden: an rpc request gets an rpc/encoded answer in its
// namespace, every value typed as Moodle's server types it.
func TestRPCResponseGolden(t *testing.T) {
	tests := []struct {
		name, function string
		value          any
	}{
		{"response_rpc_create_users.xml", "core_user_create_users", []any{
			map[string]any{"id": int64(101), "username": "jdoe"}, map[string]any{"id": int64(102), "username": "a<&>\"'\r\n\tz\x01"},
		}},
		{"response_rpc_site_info.xml", "core_webservice_get_site_info", map[string]any{
			"sitename": "Ünïcode", "userid": int64(2), "userissiteadmin": true,
			"functions":             []any{map[string]any{"name": "core_user_create_users", "version": "1.0"}},
			"usermaxuploadfilesize": nil, "theme": "boost",
		}},
		{"response_rpc_course_contents.xml", "core_course_get_contents", []any{map[string]any{
			"id": int64(1), "name": "General", "summary": "", "uservisible": false,
			"modules": []any{map[string]any{"id": int64(7), "name": "Forum", "grade": 7.5, "dates": []any{}}},
		}}},
		{"response_rpc_matrix.xml", "local_wsgate_matrix", []any{[]any{1.0, nil, 0.1}, []any{}, []any{1e-7, 1e21, math.Copysign(0, -1)}}},
		{"response_rpc_ping.xml", "local_wsgate_ping", true},
		{"response_rpc_void.xml", "local_wsgate_purge", nil},
		// Values that do not follow the description are typed by what they are.
		{"response_rpc_mismatch.xml", "local_wsgate_ping", map[string]any{"b": false, "f": 2.5, "l": []any{int64(1), "x"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) { return result(call, tt.value) }}
			w := post(t, newServer(rec), "?wstoken="+testToken, phpEnvelope("urn:moodle", "<ns1:"+tt.function+"/>"))
			if w.Code != http.StatusOK || w.Header().Get("Content-Type") != "text/xml; charset=utf-8" {
				t.Fatalf("HTTP %d %s: %s", w.Code, w.Header().Get("Content-Type"), w.Body)
			}
			if err := xml.Unmarshal(w.Body.Bytes(), new(struct{})); err != nil {
				t.Errorf("response does not parse: %v", err)
			}
			golden(t, tt.name, w.Body.Bytes())
		})
	}
}

// TestAnswerStyle: the namespace of the operation and the encodingStyle
// decide between a document/literal and an rpc/encoded answer.
func TestAnswerStyle(t *testing.T) {
	tests := []struct {
		name, body string
		ns         string // the answer's wrapper namespace
		rpc        bool
	}{
		{"no namespace", envelope(`<local_wsgate_ping/>`), testBase, false},
		{"the WSDL's namespace", envelope(`<local_wsgate_ping xmlns="` + testBase + `"/>`), testBase, false},
		{"another host, same path", envelope(`<local_wsgate_ping xmlns="http://10.0.0.5:8080/webservice/soap/server.php"/>`), testBase, false},
		{"a client's uri", envelope(`<local_wsgate_ping xmlns="urn:moodle"/>`), "urn:moodle", true},
		{"Moodle's namespace, token in the query", envelope(`<local_wsgate_ping xmlns="` + testBase + `?wstoken=x"/>`),
			testBase + "?wstoken=x", true},
		{"another path", envelope(`<local_wsgate_ping xmlns="https://lms.example.org/moodle/webservice/soap/server.php"/>`),
			"https://lms.example.org/moodle/webservice/soap/server.php", true},
		{"SOAP encoding on the envelope", phpEnvelope(testBase, `<ns1:local_wsgate_ping/>`), testBase, true},
		{"SOAP encoding on the operation", envelope(`<local_wsgate_ping s:encodingStyle="http://schemas.xmlsoap.org/soap/encoding/"/>`),
			testBase, true},
		{"another encoding", envelope(`<local_wsgate_ping s:encodingStyle="urn:other"/>`), testBase, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) { return result(call, true) }}
			w := post(t, newServer(rec), "?wstoken="+testToken, tt.body)
			var env struct {
				Body struct {
					Op struct {
						XMLName xml.Name
						Return  struct {
							Type string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
							Text string `xml:",chardata"`
						} `xml:"return"`
					} `xml:",any"`
				} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
			}
			if err := xml.Unmarshal(w.Body.Bytes(), &env); err != nil || w.Code != http.StatusOK {
				t.Fatalf("HTTP %d (%v): %s", w.Code, err, w.Body)
			}
			op, ret := env.Body.Op.XMLName, env.Body.Op.Return
			if op.Local != "local_wsgate_pingResponse" || op.Space != tt.ns {
				t.Errorf("answer %s in %q, want local_wsgate_pingResponse in %q", op.Local, op.Space, tt.ns)
			}
			if rpc := ret.Type != ""; rpc != tt.rpc || (tt.rpc && (ret.Type != "xsd:int" || ret.Text != "1")) ||
				(!tt.rpc && ret.Text != "true") {
				t.Errorf("return %+v, rpc/encoded %v", ret, tt.rpc)
			}
		})
	}
}

// TestOmittedParts: PHP sends an argument left out of a WSDL-mode call as
// an xsi:nil part; in an rpc request a part that is optional or has a default and may not be
// null is then absent, and gets its default. A required or nullable part
// stays null for the validator.
func TestOmittedParts(t *testing.T) {
	nilPart := `<ns1:core_course_get_contents><courseid xsi:type="xsd:int">3</courseid>` +
		`<options xsi:nil="true"/></ns1:core_course_get_contents>`
	rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) { return result(call, []any{}) }}
	if w := post(t, newServer(rec), "?wstoken="+testToken, phpEnvelope(testBase, nilPart)); w.Code != http.StatusOK {
		t.Fatalf("HTTP %d: %s", w.Code, w.Body)
	}
	if p := rec.last(t).Params; len(p) != 1 || p["courseid"] != int64(3) {
		t.Errorf("params %#v, want courseid alone", p)
	}
	// A document/literal request is not PHP's: the nil stays for the validator.
	if w := post(t, newServer(rec), "?wstoken="+testToken, envelope(strings.ReplaceAll(nilPart, "ns1:", ""))); w.Code != http.StatusOK {
		t.Fatalf("HTTP %d: %s", w.Code, w.Body)
	}
	if p := rec.last(t).Params; len(p) != 2 || p["options"] != nil {
		t.Errorf("document/literal params %#v, want options null", p)
	}
	required := `<ns1:core_course_get_contents><courseid xsi:nil="true"/></ns1:core_course_get_contents>`
	if w := post(t, newServer(rec), "?wstoken="+testToken, phpEnvelope(testBase, required)); w.Code != http.StatusOK {
		t.Fatalf("HTTP %d: %s", w.Code, w.Body)
	}
	if p := rec.last(t).Params; len(p) != 1 || p["courseid"] != nil {
		t.Errorf("params %#v, want courseid null", p)
	} else if _, ok := p["courseid"]; !ok {
		t.Error("a required nil part was dropped")
	}
}

// TestMultiRefErrors: references that cannot be resolved are Client faults
// and nothing is dispatched; references that would multiply the request
// are taken from the budget.
func TestMultiRefErrors(t *testing.T) {
	call := func(inner string) string {
		return phpEnvelope("urn:moodle", `<ns1:local_wsgate_purge>`+inner+`</ns1:local_wsgate_purge>`)
	}
	// Each level holds the one below twice: 2^12 copies from 40 elements.
	refs := `<r12 id="r12">1</r12>`
	for i := 11; i >= 0; i-- {
		n, next := strconv.Itoa(i), strconv.Itoa(i+1)
		refs = `<r` + n + ` id="r` + n + `"><a href="#r` + next + `"/><b href="#r` + next + `"/></r` + n + `>` + refs
	}
	blowup := strings.Replace(call(`<ids href="#r0"/>`), "</ns1:local_wsgate_purge>", "</ns1:local_wsgate_purge>"+refs, 1)
	tests := []struct {
		name, body, want string
	}{
		{"unknown id", call(`<ids href="#nope"/>`), "names no element of the request"},
		{"not a fragment", call(`<ids href="http://x/#a"/>`), "does not name an element of the request"},
		{"circular", call(`<ids id="a"><item href="#a"/></ids>`), "is circular"},
		{"circular through another", call(`<ids id="a"><item href="#b"/></ids><x id="b"><y href="#a"/></x>`), "is circular"},
		{"duplicate id", call(`<ids id="a"/><x id="a"/>`), "more than one element"},
		{"copies over the budget", blowup, "holds more than 100 values"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := &recorder{answer: func(call *protocols.Call) (*protocols.Result, error) { return result(call, nil) }}
			s := newServer(rec)
			s.Debug = true
			s.Intake.Limits = protocols.Limits{MaxNodes: 100}
			f := parseFault(t, post(t, s, "?wstoken="+testToken, tt.body))
			got := f.String
			if f.Detail.DebugInfo != nil {
				got += " " + *f.Detail.DebugInfo
			}
			if f.Code != "soap:Client" || !strings.Contains(got, tt.want) {
				t.Errorf("fault %q (%s), want one saying %q", got, f.Code, tt.want)
			}
			if len(rec.calls) != 0 {
				t.Error("dispatched")
			}
		})
	}
}
