package xmlrpc_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"wsgate"
	"wsgate/protocols"
	"wsgate/protocols/xmlrpc"
)

// call wraps param values (raw XML inside <value>) into a methodCall.
func call(method string, values ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><methodCall><methodName>` + method + `</methodName><params>`)
	for _, v := range values {
		b.WriteString("<param><value>" + v + "</value></param>")
	}
	b.WriteString("</params></methodCall>")
	return b.String()
}

func TestDecodeValues(t *testing.T) {
	tests := []struct {
		name  string
		value string // raw content of <value>
		want  any
	}{
		{"int", "<int>42</int>", int64(42)},
		{"int negative", "<int>-7</int>", int64(-7)},
		{"int plus sign", "<int>+7</int>", int64(7)},
		{"int spaces", "<int> 7\n</int>", int64(7)},
		{"int beyond i4", "<int>4294967296</int>", int64(4294967296)},
		{"i4", "<i4>2147483647</i4>", int64(2147483647)},
		{"i8", "<i8>-9223372036854775808</i8>", int64(-9223372036854775808)},
		{"boolean 1", "<boolean>1</boolean>", true},
		{"boolean 0", "<boolean>0</boolean>", false},
		{"boolean true", "<boolean>true</boolean>", true},
		{"boolean FALSE", "<boolean> FALSE </boolean>", false},
		{"string", "<string>a &amp; b &lt;c&gt; &#233;&#x263A;</string>", "a & b <c> é☺"},
		{"string keeps spaces", "<string>  two  words \n</string>", "  two  words \n"},
		{"string empty", "<string></string>", ""},
		{"string self-closing", "<string/>", ""},
		{"string CDATA", "<string><![CDATA[<b>x</b>]]></string>", "<b>x</b>"},
		{"string with comment", "<string>ab<!-- c -->cd</string>", "abcd"},
		{"untyped", "plain text", "plain text"},
		{"untyped keeps spaces", "  padded  ", "  padded  "},
		{"untyped empty", "", ""},
		{"untyped entity", "1 &lt; 2", "1 < 2"},
		{"untyped digits stay a string", "42", "42"},
		{"double", "<double>-12.214</double>", -12.214},
		{"double integer", "<double>3</double>", 3.0},
		{"double exponent", "<double>1.5e3</double>", 1500.0},
		{"dateTime basic", "<dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>", int64(900684535)},
		{"dateTime extended zone", "<dateTime.iso8601>1998-07-17T16:08:55+02:00</dateTime.iso8601>", int64(900684535)},
		{"dateTime Z", "<dateTime.iso8601>19980717T14:08:55Z</dateTime.iso8601>", int64(900684535)},
		{"dateTime compact", "<dateTime.iso8601>19980717T140855</dateTime.iso8601>", int64(900684535)},
		{"dateTime fraction", "<dateTime.iso8601>1998-07-17T14:08:55.250Z</dateTime.iso8601>", int64(900684535)},
		{"base64", "<base64>aGVsbG8gd29ybGQ=</base64>", "hello world"},
		{"base64 lines", "<base64>aGVsbG8g\nd29ybGQ=\n</base64>", "hello world"},
		{"base64 unpadded", "<base64>aGk</base64>", "hi"},
		{"base64 empty", "<base64/>", ""},
		{"nil", "<nil/>", nil},
		{"ex:nil", `<ex:nil xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions"/>`, nil},
		{"typed with spaces", "\n  <int>1</int>\n  ", int64(1)},
		{"struct", "<struct><member><name>a</name><value><int>1</int></value></member>" +
			"<member><name>b</name><value>x</value></member></struct>",
			map[string]any{"a": int64(1), "b": "x"}},
		{"struct value before name", "<struct><member><value><boolean>1</boolean></value><name>ok</name></member></struct>",
			map[string]any{"ok": true}},
		{"struct repeated name keeps last", "<struct><member><name>a</name><value>1</value></member>" +
			"<member><name>a</name><value>2</value></member></struct>", map[string]any{"a": "2"}},
		{"struct empty", "<struct></struct>", map[string]any{}},
		{"struct nil member", "<struct><member><name>n</name><value><nil/></value></member></struct>",
			map[string]any{"n": nil}},
		{"array", "<array><data><value><int>1</int></value><value>two</value><value><nil/></value></data></array>",
			[]any{int64(1), "two", nil}},
		{"array empty data", "<array><data/></array>", []any{}},
		{"array without data", "<array/>", []any{}},
		{"nested", "<array><data><value><struct><member><name>ids</name><value><array><data>" +
			"<value><i4>5</i4></value></data></array></value></member></struct></value></data></array>",
			[]any{map[string]any{"ids": []any{int64(5)}}}},
		{"whitespace everywhere", "\n <struct>\n  <member>\n   <name>k</name>\n   <value>\n    <array>\n     <data>\n" +
			"      <value><int>1</int></value>\n     </data>\n    </array>\n   </value>\n  </member>\n </struct>\n",
			map[string]any{"k": []any{int64(1)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := xmlrpc.DecodeCall(strings.NewReader(call("f", tt.value)))
			if err != nil {
				t.Fatalf("DecodeCall: %v", err)
			}
			if got.Method != "f" || len(got.Params) != 1 {
				t.Fatalf("got %+v", got)
			}
			if !reflect.DeepEqual(got.Params[0], tt.want) {
				t.Errorf("value = %#v, want %#v", got.Params[0], tt.want)
			}
		})
	}
}

func TestDecodeDocument(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		method string
		params []any
	}{
		{"no params element", `<methodCall><methodName>f</methodName></methodCall>`, "f", []any{}},
		{"empty params", `<methodCall><methodName>f</methodName><params/></methodCall>`, "f", []any{}},
		{"several params", call("core_x", "<int>1</int>", "a", "<boolean>0</boolean>"), "core_x",
			[]any{int64(1), "a", false}},
		{"method name trimmed", "<methodCall><methodName>\n  core_x \n</methodName></methodCall>", "core_x", []any{}},
		{"empty method name", "<methodCall><methodName/></methodCall>", "", []any{}},
		{"pretty printed", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!-- a comment -->\n<methodCall>\n" +
			"  <methodName>f</methodName>\n  <params>\n    <param>\n      <value><string>x</string></value>\n" +
			"    </param>\n  </params>\n</methodCall>\n<!-- trailing -->\n\n", "f", []any{"x"}},
		{"byte order mark", "\ufeff<methodCall><methodName>f</methodName></methodCall>", "f", []any{}},
		{"ISO-8859-1", "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><methodCall><methodName>f</methodName>" +
			"<params><param><value>caf\xe9</value></param></params></methodCall>", "f", []any{"café"}},
		{"US-ASCII", "<?xml version=\"1.0\" encoding=\"us-ascii\"?><methodCall><methodName>f</methodName>" +
			"<params><param><value>&#233;</value></param></params></methodCall>", "f", []any{"é"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := xmlrpc.DecodeCall(strings.NewReader(tt.body))
			if err != nil {
				t.Fatalf("DecodeCall: %v", err)
			}
			if got.Method != tt.method || !reflect.DeepEqual(got.Params, tt.params) {
				t.Errorf("got %q %#v, want %q %#v", got.Method, got.Params, tt.method, tt.params)
			}
		})
	}
}

// nested returns a value nested n arrays deep around an int.
func nested(n int) string {
	return strings.Repeat("<array><data><value>", n) + "<int>1</int>" + strings.Repeat("</value></data></array>", n)
}

// nestedStructs returns a value nested n structs deep around an int.
func nestedStructs(n int) string {
	return strings.Repeat("<struct><member><name>a</name><value>", n) + "<int>1</int>" +
		strings.Repeat("</value></member></struct>", n)
}

func TestDecodeDepth(t *testing.T) {
	for _, v := range []string{nested(protocols.DefaultMaxDepth), nestedStructs(protocols.DefaultMaxDepth)} {
		if _, err := xmlrpc.DecodeCall(strings.NewReader(call("f", v))); err != nil {
			t.Errorf("%d levels: %v", protocols.DefaultMaxDepth, err)
		}
	}
	for _, v := range []string{nested(protocols.DefaultMaxDepth + 1), nestedStructs(protocols.DefaultMaxDepth + 1), nested(100000)} {
		_, err := xmlrpc.DecodeCall(strings.NewReader(call("f", v)))
		if err == nil || !strings.Contains(wsgate.AsError(err).Message, "the request nests deeper than 64 levels") {
			t.Errorf("too deep: err = %v", err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	const billionLaughs = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">` +
		`<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>` +
		`<methodCall><methodName>f</methodName><params><param><value>&lol2;</value></param></params></methodCall>`
	const xxe = `<?xml version="1.0"?><!DOCTYPE m [<!ENTITY x SYSTEM "file:///etc/passwd">]>` +
		`<methodCall><methodName>&x;</methodName></methodCall>`
	tests := []struct {
		name, body, debug string
	}{
		{"empty body", "", "the body is empty"},
		{"only spaces", "  \n ", "the body is empty"},
		{"not XML", "hello", "text before the root element"},
		{"JSON", `{"a":1}`, "text before the root element"},
		{"unclosed", "<methodCall><methodName>f</methodName>", "ends before"},
		{"mismatched tags", "<methodCall><methodName>f</methodCall>", "</methodCall> closes <methodName>"},
		{"bad tag", "<methodCall><methodName>f</methodName><</methodCall>", "malformed XML at line 1"},
		{"wrong root", "<methodResponse/>", "not <methodCall>"},
		{"no method name", "<methodCall><params/></methodCall>", "not <methodName>"},
		{"second root", "<methodCall><methodName>f</methodName></methodCall><methodCall/>", "after the root"},
		{"text after root", "<methodCall><methodName>f</methodName></methodCall>junk", "text after the root"},
		{"billion laughs", billionLaughs, "DOCTYPE"},
		{"XXE", xxe, "DOCTYPE"},
		{"plain DOCTYPE", `<!DOCTYPE methodCall><methodCall><methodName>f</methodName></methodCall>`, "DOCTYPE"},
		{"undefined entity", call("f", "&lol;"), "malformed XML"},
		{"external entity reference", call("&x;"), "malformed XML"},
		{"unknown type", call("f", "<float>1</float>"), "unsupported value type <float>"},
		{"serializable extension", call("f", "<ex:serializable>rO0</ex:serializable>"), "unsupported value type <ex:serializable>"},
		{"bad int", call("f", "<int>12a</int>"), "not an integer"},
		{"empty int", call("f", "<int></int>"), "not an integer"},
		{"int overflow", call("f", "<i8>9223372036854775808</i8>"), "not an integer"},
		{"bad boolean", call("f", "<boolean>yes</boolean>"), "not a boolean"},
		{"NaN", call("f", "<double>NaN</double>"), "not a finite double"},
		{"infinity", call("f", "<double>1e400</double>"), "not a finite double"},
		{"hex double", call("f", "<double>0x1p-2</double>"), "not a finite double"},
		{"bad date", call("f", "<dateTime.iso8601>yesterday</dateTime.iso8601>"), "not a dateTime"},
		{"bad base64", call("f", "<base64>!!!</base64>"), "not valid base64"},
		{"text beside type", call("f", "x<int>1</int>"), "text beside <int>"},
		{"two types", call("f", "<int>1</int><int>2</int>"), "unexpected <int> in <value>"},
		{"element in scalar", call("f", "<string><b>x</b></string>"), "unexpected <b> in <string>"},
		{"member without value", call("f", "<struct><member><name>a</name></member></struct>"), "has no <value>"},
		{"member without name", call("f", "<struct><member><value>1</value></member></struct>"), "has no <name>"},
		{"member two names", call("f", "<struct><member><name>a</name><name>b</name></member></struct>"), "unexpected <name>"},
		{"text in struct", call("f", "<struct>x</struct>"), "unexpected text"},
		{"array without data", call("f", "<array><value>1</value></array>"), "not <data>"},
		{"param without value", "<methodCall><methodName>f</methodName><params><param/></params></methodCall>", "unexpected </param>"},
		{"unsupported charset", `<?xml version="1.0" encoding="EBCDIC"?><methodCall/>`, "not supported"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := xmlrpc.DecodeCall(strings.NewReader(tt.body))
			if err == nil {
				t.Fatalf("DecodeCall = %+v, want an error", got)
			}
			if !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Errorf("err = %v, want invalidparameter", err)
			}
			if d := wsgate.AsError(err).DebugInfo; !strings.Contains(d, tt.debug) {
				t.Errorf("debuginfo = %q, want it to contain %q", d, tt.debug)
			}
		})
	}
}

func TestDecodeTagLimit(t *testing.T) {
	long := strings.Repeat("x", 2*protocols.MaxTagBytes)
	ok := []struct{ name, body string }{
		{"long CDATA", call("f", "<string><![CDATA["+long+"<a b='c'>]]></string>")},
		{"long comment", "<!--" + long + "--><methodCall><methodName>f</methodName></methodCall>"},
		{"long text", call("f", long)},
		{"long processing instruction", "<?pi " + long + "?><methodCall><methodName>f</methodName></methodCall>"},
		{"namespace declarations", `<methodCall xmlns:ex="http://ws.apache.org/xmlrpc/namespaces/extensions" x='a>b'>` +
			`<methodName>f</methodName></methodCall>`},
		{"tag at the limit", "<methodCall a=\"" + strings.Repeat("y", protocols.MaxTagBytes-17) + "\">" +
			"<methodName>f</methodName></methodCall>"},
	}
	for _, tt := range ok {
		if _, err := xmlrpc.DecodeCall(strings.NewReader(tt.body)); err != nil {
			t.Errorf("%s: %v", tt.name, err)
		}
	}
	bad := []struct{ name, body string }{
		{"tag one byte over the limit", "<methodCall a=\"" + strings.Repeat("y", protocols.MaxTagBytes-16) + "\">" +
			"<methodName>f</methodName></methodCall>"},
		{"many attributes", "<methodCall " + strings.Repeat(`a="b" `, 100000) + "><methodName>f</methodName></methodCall>"},
		{"long name", call("f", "<"+long+"/>")},
		{"long end tag", "<methodCall><methodName>f</methodName></methodCall" + strings.Repeat(" ", protocols.MaxTagBytes) + ">"},
		{"quote hides >", `<methodCall a="` + strings.Repeat(">", protocols.MaxTagBytes) + `"><methodName>f</methodName></methodCall>`},
	}
	for _, tt := range bad {
		_, err := xmlrpc.DecodeCall(strings.NewReader(tt.body))
		if err == nil || !strings.Contains(wsgate.AsError(err).Message, "the request holds a tag longer than 4096 bytes") {
			t.Errorf("%s: err = %v", tt.name, err)
		}
	}
}

func TestTooManyElements(t *testing.T) {
	var b strings.Builder
	b.WriteString("<methodCall><methodName>f</methodName><params><param><value><array><data>")
	for i := 0; i < protocols.DefaultMaxNodes; i++ {
		b.WriteString("<value><int>1</int></value>")
	}
	b.WriteString("</data></array></value></param></params></methodCall>")
	_, err := xmlrpc.DecodeCall(strings.NewReader(b.String()))
	if err == nil || !strings.Contains(wsgate.AsError(err).Message, "the request holds more than 100000 values") {
		t.Fatalf("err = %v, want the value limit", err)
	}
}
