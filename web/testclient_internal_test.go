package web

import (
	"bytes"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"wsgate/functions"
	ft "wsgate/functions/functionstest"
)

// deep is a description with a list of structures holding a structure and
// a list of structures, as the form must render at any depth.
var deep = ft.Single("",
	"courses", ft.Multiple("courses", ft.Single("",
		"id", ft.Value(functions.ParamInt, "course id"),
		"visible", ft.Optional(ft.Value(functions.ParamBool, "shown")),
		"format", ft.Single("format",
			"name", ft.Default(ft.Value(functions.ParamPlugin, "format name"), "topics"),
			"ratio", ft.Optional(ft.Value(functions.ParamFloat, "a ratio"))),
		"options", ft.Optional(ft.Multiple("options", ft.Single("",
			"name", ft.Value(functions.ParamAlphanumext, "option name"),
			"value", ft.Value(functions.ParamRaw, "option value"))))),
	),
	"note", ft.Optional(ft.Value(functions.ParamRaw, "a note")))

// TestTestClientFields builds the form of deep from posted values and
// reads the parameters back: names as Moodle's REST form encodes them, rows
// from tc.rows and the add button, empty fields and items left out, values
// typed where their text reads as their type.
func TestTestClientFields(t *testing.T) {
	form := url.Values{
		"tc.rows:courses": {"2"}, "tc.rows:courses[0][options]": {"1"}, "tc.add": {"courses[0][options]"},
		"courses[0][id]": {"7"}, "courses[0][visible]": {"0"}, "courses[0][format][ratio]": {"0.5"},
		"courses[0][options][1][name]": {"x"}, "courses[0][options][1][value]": {"<y>"},
		"courses[1][id]": {"not a number"}, "note": {""},
	}
	f := newTCForm(form)
	fields := f.fieldsOf(deep)
	names := map[string]string{} // name -> kind
	var walk func([]tcField)
	walk = func(fs []tcField) {
		for _, fd := range fs {
			names[fd.Name] = fd.Kind
			walk(fd.Keys)
			walk(fd.Items)
		}
	}
	walk(fields)
	for name, kind := range map[string]string{"courses": "multiple", "courses[0]": "single", "courses[0][id]": "value",
		"courses[0][visible]": "bool", "courses[0][format]": "single", "courses[0][format][name]": "value",
		"courses[0][options]": "multiple", "courses[0][options][1][value]": "value", "courses[1][options][0][name]": "value",
		"note": "value"} {
		if names[name] != kind {
			t.Errorf("%s: kind %q, want %q", name, names[name], kind)
		}
	}
	if _, ok := names["courses[2]"]; ok {
		t.Error("a third course")
	}
	if _, ok := names["courses[0][options][2]"]; ok {
		t.Error("a third option")
	}
	want := map[string]any{"courses": []any{
		map[string]any{"id": int64(7), "visible": false, "format": map[string]any{"ratio": 0.5},
			"options": []any{map[string]any{"name": "x", "value": "<y>"}}},
		map[string]any{"id": "not a number"},
	}}
	if got := params(fields); !reflect.DeepEqual(got, want) {
		t.Errorf("params %#v\nwant %#v", got, want)
	}
	if got := params(newTCForm(url.Values{}).fieldsOf(deep)); len(got) != 0 {
		t.Errorf("an empty form sends %#v", got)
	}
}

// The rows a form may ask for are bounded.
func TestTestClientBounds(t *testing.T) {
	f := newTCForm(url.Values{"tc.rows:courses": {"100000"}, "tc.rows:courses[0][options]": {"-3"}})
	fields := f.fieldsOf(deep)
	if n := len(fields[0].Items); n != tcMaxRows {
		t.Errorf("%d rows", n)
	}
	if n := len(fields[0].Items[0].Keys[3].Items); n != 0 {
		t.Errorf("%d options", n)
	}
	long := ft.Single("", "l", ft.Multiple("", ft.Multiple("", ft.Value(functions.ParamInt, ""))))
	v := url.Values{"tc.rows:l": {"50"}}
	for i := range 50 {
		v.Set("tc.rows:l["+itoa(int64(i))+"]", "50")
	}
	f = newTCForm(v)
	f.fieldsOf(long)
	if !f.clipped || f.fields > tcMaxFields+1 {
		t.Errorf("clipped %v after %d fields", f.clipped, f.fields)
	}
}

// The generated form renders in the page: every input labelled, ids
// unique, the nested lists' buttons present.
func TestTestClientTemplate(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	fn := &functions.Function{Name: "local_deep", Params: deep}
	b := testClientBody{Fn: fn, Function: fn.Name, Fields: newTCForm(url.Values{}).fieldsOf(deep),
		Protocols: testProtocols, Protocol: "soap", Tokens: []tokenChoice{{tokenNew, "new"}}, Token: tokenNew}
	b.Service.ID, b.Service.Name = 3, "S"
	var buf bytes.Buffer
	if err := pages["testclient"].ExecuteTemplate(&buf, "layout", page{Title: "Test client", User: "admin",
		CSRF: "c", Body: b}); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(&buf)
	if err != nil {
		t.Fatal(err)
	}
	ids, labels, inputs := map[string]int{}, map[string]bool{}, []string{}
	for n := range doc.Descendants() {
		if n.Type != html.ElementNode {
			continue
		}
		for _, a := range n.Attr {
			switch {
			case a.Key == "id":
				ids[a.Val]++
			case a.Key == "for" && n.Data == "label":
				labels[a.Val] = true
			}
		}
		if (n.Data == "input" || n.Data == "select") && !strings.Contains(attrOf(n, "type"), "hidden") {
			inputs = append(inputs, attrOf(n, "id"))
		}
	}
	for id, n := range ids {
		if n > 1 {
			t.Errorf("id %q used %d times", id, n)
		}
	}
	for _, id := range inputs {
		if !labels[id] {
			t.Errorf("input #%s has no label", id)
		}
	}
	for _, id := range []string{"p-courses-0-format-name", "p-courses-0-options-0-value", "p-courses-0-options-add",
		"p-courses-add", "p-note", "tc-call"} {
		if ids[id] != 1 {
			t.Errorf("no #%s", id)
		}
	}
}

func attrOf(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// Answers are indented for reading, escaped by the page; what does not
// parse stays as it came.
func TestPretty(t *testing.T) {
	for _, tc := range []struct{ ct, body, want string }{
		{"application/json", `{"a":[1,{"b":"<c>"}]}`, "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"<c>\"\n    }\n  ]\n}"},
		{"text/xml; charset=utf-8", `<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<soap:Envelope xmlns:soap="urn:s"><soap:Body><r xmlns="urn:t"><a>1 &amp; 2</a><b/></r></soap:Body></soap:Envelope>`,
			"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"urn:s\">\n  <soap:Body>\n" +
				"    <r xmlns=\"urn:t\">\n      <a>1 &amp; 2</a>\n      <b></b>\n    </r>\n  </soap:Body>\n</soap:Envelope>"},
		{"text/plain", "not json {", "not json {"},
		{"application/xml", "<a><b></a>", "<a><b></a>"},
	} {
		if got := pretty(tc.ct, []byte(tc.body)); got != tc.want {
			t.Errorf("%s %s:\n%s\nwant\n%s", tc.ct, tc.body, got, tc.want)
		}
	}
}

// The curl command quotes for the shell and, for MCP, keeps the session.
func TestCurlCommand(t *testing.T) {
	one := curlCommand([]wireRequest{{Method: "POST", URL: "http://gw/x?wstoken=t", Body: []byte("a='b'"),
		Header: [][2]string{{"Content-Type", "text/xml"}}}})
	if want := `curl -sS -H 'Content-Type: text/xml' --data-raw 'a='\''b'\''' 'http://gw/x?wstoken=t'`; one != want {
		t.Errorf("got  %s\nwant %s", one, want)
	}
	h := [][2]string{{"Authorization", "Bearer t"}, {"Mcp-Session-Id", "s1"}}
	mcp := curlCommand([]wireRequest{{Method: "POST", URL: "http://gw/m", Header: h[:1], Body: []byte("{}")},
		{Method: "POST", URL: "http://gw/m", Header: h, Body: []byte("{}")}})
	for _, want := range []string{"SESSION=$(curl -sS -D - -H 'Authorization: Bearer t'", `-H "Mcp-Session-Id: $SESSION" --data-raw '{}'`,
		"curl -sS -X DELETE -H 'Authorization: Bearer t' -H \"Mcp-Session-Id: $SESSION\" 'http://gw/m'"} {
		if !strings.Contains(mcp, want) {
			t.Errorf("lacks %s\n%s", want, mcp)
		}
	}
	if strings.Contains(mcp, "s1") {
		t.Error("the script names a session id of its own")
	}
}
