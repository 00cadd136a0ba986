package soap_test

import (
	"encoding/xml"
	"net/http"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/protocols/soap"
)

func TestWSDLGolden(t *testing.T) {
	golden(t, "catalog.wsdl", soap.WSDL(testBase, testToken, catalog))
}

func TestWSDLDeterministic(t *testing.T) {
	reversed := make([]*functions.Function, len(catalog))
	for i, f := range catalog {
		reversed[len(catalog)-1-i] = f
	}
	a := soap.WSDL(testBase, testToken, catalog)
	b := soap.WSDL(testBase, testToken, reversed)
	if string(a) != string(b) {
		t.Error("the WSDL depends on the order of the functions")
	}
}

// wsdlDoc is the part of a WSDL the WS-I checks read.
type wsdlDoc struct {
	XMLName         xml.Name `xml:"http://schemas.xmlsoap.org/wsdl/ definitions"`
	TargetNamespace string   `xml:"targetNamespace,attr"`
	Schema          struct {
		TargetNamespace    string `xml:"targetNamespace,attr"`
		ElementFormDefault string `xml:"elementFormDefault,attr"`
		Elements           []struct {
			Name     string    `xml:"name,attr"`
			Type     string    `xml:"type,attr"`
			Sequence []xsdElem `xml:"complexType>sequence>element"`
		} `xml:"http://www.w3.org/2001/XMLSchema element"`
		ComplexTypes []struct {
			Name     string    `xml:"name,attr"`
			Elements []xsdElem `xml:"sequence>element"`
		} `xml:"http://www.w3.org/2001/XMLSchema complexType"`
	} `xml:"types>schema"`
	Messages []struct {
		Name  string `xml:"name,attr"`
		Parts []struct {
			Name    string `xml:"name,attr"`
			Element string `xml:"element,attr"`
			Type    string `xml:"type,attr"`
		} `xml:"part"`
	} `xml:"message"`
	PortTypes []struct {
		Name       string `xml:"name,attr"`
		Operations []struct {
			Name   string  `xml:"name,attr"`
			Input  message `xml:"input"`
			Output message `xml:"output"`
		} `xml:"operation"`
	} `xml:"portType"`
	Bindings []struct {
		Type    string `xml:"type,attr"`
		Binding struct {
			Style string `xml:"style,attr"`
		} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ binding"`
		Ops []struct {
			Name      string `xml:"name,attr"`
			Operation struct {
				Action string `xml:"soapAction,attr"`
			} `xml:"http://schemas.xmlsoap.org/wsdl/soap/ operation"`
			In  body `xml:"input>body"`
			Out body `xml:"output>body"`
		} `xml:"operation"`
	} `xml:"binding"`
	Address struct {
		Location string `xml:"location,attr"`
	} `xml:"service>port>address"`
}

type xsdElem struct {
	Name      string `xml:"name,attr"`
	Type      string `xml:"type,attr"`
	MinOccurs string `xml:"minOccurs,attr"`
	MaxOccurs string `xml:"maxOccurs,attr"`
	Nillable  string `xml:"nillable,attr"`
}

type message struct {
	Message string `xml:"message,attr"`
}

type body struct {
	Use string `xml:"use,attr"`
}

func parseWSDL(t *testing.T, b []byte) *wsdlDoc {
	t.Helper()
	var d wsdlDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("the WSDL does not parse: %v", err)
	}
	return &d
}

// TestWSDLBasicProfile checks the WS-I Basic Profile 1.1 rules a
// document/literal wrapped WSDL must follow.
func TestWSDLBasicProfile(t *testing.T) {
	d := parseWSDL(t, soap.WSDL(testBase, testToken, catalog))
	if d.TargetNamespace != testBase || d.Schema.TargetNamespace != testBase {
		t.Errorf("targetNamespace %q / schema %q, want the server URL without token", d.TargetNamespace, d.Schema.TargetNamespace)
	}
	if d.Address.Location != testBase+"?wstoken="+testToken {
		t.Errorf("address %q", d.Address.Location)
	}
	elements := map[string]bool{}
	for _, e := range d.Schema.Elements {
		if elements[e.Name] {
			t.Errorf("element %s declared twice", e.Name)
		}
		elements[e.Name] = true
	}
	types := map[string]bool{}
	for _, ct := range d.Schema.ComplexTypes {
		if types[ct.Name] {
			t.Errorf("complexType %s declared twice", ct.Name)
		}
		types[ct.Name] = true
	}
	// Every type reference resolves.
	check := func(where, typ string) {
		if strings.HasPrefix(typ, "tns:") && !types[strings.TrimPrefix(typ, "tns:")] {
			t.Errorf("%s refers to undefined type %s", where, typ)
		}
		if !strings.HasPrefix(typ, "tns:") && !strings.HasPrefix(typ, "xsd:") {
			t.Errorf("%s has type %q", where, typ)
		}
	}
	for _, e := range d.Schema.Elements {
		for _, c := range e.Sequence {
			check(e.Name+"/"+c.Name, c.Type)
		}
	}
	for _, ct := range d.Schema.ComplexTypes {
		for _, c := range ct.Elements {
			check(ct.Name+"/"+c.Name, c.Type)
			if c.MaxOccurs != "" && c.MaxOccurs != "unbounded" {
				t.Errorf("%s/%s maxOccurs=%q: gowsdl needs unbounded", ct.Name, c.Name, c.MaxOccurs)
			}
		}
	}
	// R2204, R2210: each message has exactly one part, named parameters, referring to an element.
	messages := map[string]bool{}
	for _, m := range d.Messages {
		messages[m.Name] = true
		if len(m.Parts) != 1 {
			t.Errorf("message %s has %d parts, want 1", m.Name, len(m.Parts))
			continue
		}
		p := m.Parts[0]
		if p.Name != "parameters" || p.Type != "" || !elements[strings.TrimPrefix(p.Element, "tns:")] {
			t.Errorf("message %s part %+v: want one part named parameters referring to a declared element", m.Name, p)
		}
	}
	if len(d.PortTypes) != 1 || len(d.Bindings) != 1 {
		t.Fatalf("%d portTypes, %d bindings", len(d.PortTypes), len(d.Bindings))
	}
	if got := len(d.PortTypes[0].Operations); got != len(catalog) {
		t.Errorf("%d operations, want %d", got, len(catalog))
	}
	for _, op := range d.PortTypes[0].Operations {
		// Wrapped: the input element is named as the operation.
		if op.Input.Message != "tns:"+op.Name+"Request" || op.Output.Message != "tns:"+op.Name+"Response" {
			t.Errorf("operation %s: input %s output %s", op.Name, op.Input.Message, op.Output.Message)
		}
		if !messages[strings.TrimPrefix(op.Input.Message, "tns:")] || !elements[op.Name] || !elements[op.Name+"Response"] {
			t.Errorf("operation %s: messages or wrapper elements missing", op.Name)
		}
	}
	b := d.Bindings[0]
	if b.Binding.Style != "document" {
		t.Errorf("binding style %q", b.Binding.Style)
	}
	for _, op := range b.Ops {
		if op.In.Use != "literal" || op.Out.Use != "literal" {
			t.Errorf("operation %s: use %s/%s, want literal", op.Name, op.In.Use, op.Out.Use)
		}
		if op.Operation.Action != testBase+"#"+op.Name {
			t.Errorf("operation %s: soapAction %q", op.Name, op.Operation.Action)
		}
	}
}

func TestWSDLTypeNames(t *testing.T) {
	d := parseWSDL(t, soap.WSDL(testBase, testToken, catalog))
	types := map[string]bool{}
	for _, ct := range d.Schema.ComplexTypes {
		types[ct.Name] = true
	}
	for _, name := range []string{
		"Core_user_create_users_users", "Core_user_create_users_users_item",
		"Core_user_create_users_users_item_preferences", "Core_user_create_users_users_item_preferences_item",
		"Core_user_create_users_return", "Core_user_create_users_return_item",
		"Local_wsgate_matrix_rows", "Local_wsgate_matrix_rows_item",
	} {
		if !types[name] {
			t.Errorf("complexType %s missing", name)
		}
	}
}

// TestWSDLNameClashes: type names that would give one Go name in a gowsdl
// client get a suffix; functions the WSDL cannot carry are left out and
// named in the documentation.
func TestWSDLNameClashes(t *testing.T) {
	fns := []*functions.Function{
		{Name: "a_b", Params: single("", "c", single("", "x", val(functions.ParamInt, "")))},
		{Name: "a", Params: single("", "b_c", single("", "y", val(functions.ParamInt, "")), "b", single("", "c", single("")))},
		{Name: "bad name", Params: single("")},
		{Name: "bad_key", Params: single("", "0x", val(functions.ParamInt, ""))},
		{Name: "dup_key", Params: single("", "k", val(functions.ParamInt, ""), "k", val(functions.ParamInt, ""))},
		{Name: "scalar_params", Params: val(functions.ParamInt, "")},
		{Name: "nil_content", Params: single("", "l", &functions.Description{Shape: functions.MultipleShape})},
		{Name: "x"}, {Name: "xResponse"},
	}
	out := soap.WSDL(testBase, testToken, fns)
	d := parseWSDL(t, out)
	got := map[string]bool{}
	for _, ct := range d.Schema.ComplexTypes {
		got[ct.Name] = true
	}
	// a's b_c takes A_b_c; a's b meets the element a_b (Go name A_b); a_b's c comes third.
	for _, name := range []string{"A_b_c", "A_b_2", "A_b_c_2", "A_b_c_3"} {
		if !got[name] {
			t.Errorf("complexType %s missing; have %v", name, got)
		}
	}
	if got["A_b"] || len(got) != 4 {
		t.Errorf("complexTypes %v", got)
	}
	var ops []string
	for _, op := range d.PortTypes[0].Operations {
		ops = append(ops, op.Name)
	}
	if strings.Join(ops, ",") != "a,a_b,x" {
		t.Errorf("operations %v", ops)
	}
	for _, s := range []string{"bad name (its name is not an XML name)", `bad_key (parameters: key "0x" is not an XML name)`,
		"dup_key (parameters: key k is declared twice)", "scalar_params (its parameters are not a single structure)",
		"nil_content (parameters: l: a description is missing)", "xResponse (its name is the response element of x)"} {
		if !strings.Contains(string(out), xmlEscape(s)) {
			t.Errorf("documentation does not mention %q", s)
		}
	}
}

var xmlEscape = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace

// TestWSDLEndpoint: ?wsdl=1 answers the WSDL of the token's functions; the
// token is checked first.
func TestWSDLEndpoint(t *testing.T) {
	s := newServer(nil)
	for _, q := range []string{"?wsdl=1&wstoken=" + testToken, "?wsdl=2&wstoken=" + testToken, "?wstoken=" + testToken + "&wsdl=-1"} {
		r := httptestRequest(http.MethodGet, soap.Path+q, "")
		w := serve(s, r)
		if w.Code != 200 || w.Header().Get("Content-Type") != "text/xml; charset=utf-8" {
			t.Fatalf("%s: %d %s", q, w.Code, w.Header().Get("Content-Type"))
		}
		if w.Body.String() != string(soap.WSDL(testBase, testToken, catalog)) {
			t.Errorf("%s: not the catalog's WSDL", q)
		}
		if cc := w.Header().Get("Cache-Control"); !strings.Contains(cc, "no-store") {
			t.Errorf("Cache-Control %q: a WSDL holding a token must not be stored", cc)
		}
	}
	// Default base URL: from the request.
	s.BaseURL = nil
	w := serve(s, httptestRequest(http.MethodGet, "http://gw.example.net"+soap.Path+"?wsdl=1&wstoken="+testToken, ""))
	d := parseWSDL(t, w.Body.Bytes())
	if d.TargetNamespace != "http://gw.example.net"+soap.Path || d.Address.Location != "http://gw.example.net"+soap.Path+"?wstoken="+testToken {
		t.Errorf("default base URL: tns %q address %q", d.TargetNamespace, d.Address.Location)
	}
}
