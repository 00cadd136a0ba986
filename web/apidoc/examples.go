package apidoc

import (
	"bytes"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"

	"wsgate/functions"
	"wsgate/functions/jsonschema"
	"wsgate/protocols/rest"
	"wsgate/protocols/soap"
)

// token is the placeholder the examples show for a web service token.
const token = "TOKEN"

// Example shows what a call of a function looks like over each protocol.
// Every request carries the same sample parameters (see the package
// documentation) and passes the gateway's validation; the responses show
// the same sample result.
type Example struct {
	// RESTForm is the form-encoded call, one name=value pair per line:
	// wstoken, wsfunction and moodlewsrestformat=json first, then one line
	// per leaf in declaration order with PHP's bracket names
	// (users[0][username]=username). Key names and values are
	// percent-encoded except for the characters safe in a form (letters,
	// digits and -_.~!*'()@:/,;$?; the nesting brackets stay literal), so
	// strings.ReplaceAll(RESTForm, "\n", "&") is the body of a POST to
	// /webservice/rest/server.php with Content-Type
	// application/x-www-form-urlencoded (or its query string). Empty lists
	// and structures cannot be sent in a form and are left out, as Moodle's
	// documentation does; so are parameters named as a reserved name
	// (wstoken, wsfunction, moodlewsrestformat, moodlewssetting*), here and
	// in RESTJSON.
	RESTForm string
	// RESTJSON is the same call as a JSON body (POST with Content-Type:
	// application/json), the reserved names first, indented by two spaces.
	RESTJSON string
	// RESTResponseJSON is the JSON response, byte for byte as the REST
	// server writes it (PHP's json_encode escaping, "null" for a void
	// function) but indented by two spaces.
	RESTResponseJSON string
	// XMLResponse is the XML response exactly as the REST server writes it
	// (Moodle's RESPONSE/SINGLE/MULTIPLE/KEY/VALUE format).
	XMLResponse string
	// XMLRPCCall is the methodCall document, indented, parameters in
	// declaration order (XML-RPC parameters are positional), to POST to
	// /webservice/xmlrpc/server.php?wstoken=TOKEN.
	XMLRPCCall string
	// SOAPOperation is the whole HTTP request of a SOAP 1.1 call as the
	// document/literal WSDL wsgate serves describes it: request line, Host,
	// Content-Type, SOAPAction and Content-Length headers, a blank line and
	// the indented envelope; http.ReadRequest reads it as it is. Empty when
	// the function's name is not an XML name (the WSDL leaves such functions
	// out). The WSDL itself is at
	// serverURL + /webservice/soap/server.php?wsdl=1&wstoken=TOKEN.
	SOAPOperation string
}

// Examples returns what a call of fn looks like over each protocol;
// serverURL is the gateway's public base URL, like "http://127.0.0.1:9506"
// (a trailing slash is ignored). It is used where a protocol shows URLs:
// the SOAP request line, Host, SOAPAction and namespace. A nil fn gives
// the zero Example.
func Examples(fn *functions.Function, serverURL string) Example {
	if fn == nil {
		return Example{}
	}
	serverURL = strings.TrimRight(serverURL, "/")
	params := sample(fn.Params, false, 0)
	result := sample(fn.Returns, true, 0)
	return Example{
		RESTForm:         restForm(fn, params),
		RESTJSON:         restJSON(fn, params),
		RESTResponseJSON: indentJSON(rest.EncodeJSON(fn.Returns, result)),
		XMLResponse:      string(rest.EncodeXML(fn.Returns, result)),
		XMLRPCCall:       xmlrpcCall(fn, params),
		SOAPOperation:    soapRequest(fn, params, serverURL),
	}
}

// restForm writes the form lines.
func restForm(fn *functions.Function, params any) string {
	lines := []string{"wstoken=" + token, "wsfunction=" + formEscape(fn.Name), "moodlewsrestformat=json"}
	m, _ := params.(map[string]any)
	for _, k := range jsonschema.Keys(fn.Params) {
		if isReserved(k.Name) {
			continue // cannot be sent: the server takes it as its own
		}
		lines = formLines(lines, formEscape(k.Name), k.Desc, m[k.Name], 0)
	}
	return strings.Join(lines, "\n")
}

// formLines appends the pairs of one value under name.
func formLines(lines []string, name string, d *functions.Description, v any, depth int) []string {
	if depth > jsonschema.MaxDepth {
		return lines
	}
	switch x := v.(type) {
	case map[string]any:
		for _, k := range jsonschema.Keys(d) {
			if kv, ok := x[k.Name]; ok {
				lines = formLines(lines, name+"["+formEscape(k.Name)+"]", k.Desc, kv, depth+1)
			}
		}
		return lines
	case []any:
		var content *functions.Description
		if d != nil {
			content = d.Content
		}
		for i, e := range x {
			lines = formLines(lines, name+"["+strconv.Itoa(i)+"]", content, e, depth+1)
		}
		return lines
	}
	return append(lines, name+"="+formEscape(scalarString(v)))
}

// formEscape percent-encodes a name segment or a value for a form body,
// leaving the characters that are safe there readable (letters, digits and
// -_.~!*'()@:/,;$?); brackets are encoded too, since PHP reads them as
// nesting in names. A space is %20, '+' is %2B.
func formEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-_.~!*'()@:/,;$?", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&0xf])
	}
	return b.String()
}

// scalarString is a leaf as a form sends it (PHP's string of the value).
func scalarString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return phpFloat(x)
	case nil:
		return ""
	}
	b, _ := jsonschema.AppendJSON(nil, v)
	return string(b)
}

// restJSON writes the JSON body: reserved names, then the parameters in
// declaration order.
func restJSON(fn *functions.Function, params any) string {
	body := (&jsonschema.Object{}).Set("wstoken", token).Set("wsfunction", fn.Name).Set("moodlewsrestformat", "json")
	m, _ := params.(map[string]any)
	for _, k := range jsonschema.Keys(fn.Params) {
		if isReserved(k.Name) {
			continue // cannot be sent: the server takes it as its own
		}
		body.Set(k.Name, ordered(k.Desc, m[k.Name], 0))
	}
	b, err := jsonschema.AppendJSON(nil, body)
	if err != nil {
		return ""
	}
	return indentJSON(b)
}

// isReserved reports the names the REST server removes from the parameters.
func isReserved(name string) bool {
	switch name {
	case "wstoken", "wsfunction", "moodlewsrestformat", "moodlewssettingraw", "moodlewssettingfileurl",
		"moodlewssettingfilter", "moodlewssettinglang", "moodlewssettingtimezone":
		return true
	}
	return false
}

// ordered turns a sample tree into one whose objects keep declaration order.
func ordered(d *functions.Description, v any, depth int) any {
	if depth > jsonschema.MaxDepth {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		o := &jsonschema.Object{}
		for _, k := range jsonschema.Keys(d) {
			if kv, ok := x[k.Name]; ok {
				o.Set(k.Name, ordered(k.Desc, kv, depth+1))
			}
		}
		return o
	case []any:
		var content *functions.Description
		if d != nil {
			content = d.Content
		}
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = ordered(content, e, depth+1)
		}
		return out
	}
	return v
}

// indentJSON indents a JSON document by two spaces, keeping its escapes.
func indentJSON(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}

// xmlrpcCall writes the methodCall: one <param> per declared parameter.
func xmlrpcCall(fn *functions.Function, params any) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<methodCall>\n  <methodName>")
	writeXMLText(&b, fn.Name)
	b.WriteString("</methodName>\n")
	keys := jsonschema.Keys(fn.Params)
	if len(keys) == 0 {
		b.WriteString("  <params/>\n</methodCall>\n")
		return b.String()
	}
	b.WriteString("  <params>\n")
	m, _ := params.(map[string]any)
	for _, k := range keys {
		b.WriteString("    <param>\n")
		xmlrpcValue(&b, k.Desc, m[k.Name], 3, 0)
		b.WriteString("    </param>\n")
	}
	b.WriteString("  </params>\n</methodCall>\n")
	return b.String()
}

// xmlrpcValue writes <value>…</value> at indent level n (two spaces each).
func xmlrpcValue(b *strings.Builder, d *functions.Description, v any, n, depth int) {
	pad := strings.Repeat("  ", n)
	switch x := v.(type) {
	case map[string]any:
		b.WriteString(pad + "<value>\n" + pad + "  <struct>\n")
		if depth < jsonschema.MaxDepth {
			for _, k := range jsonschema.Keys(d) {
				kv, ok := x[k.Name]
				if !ok {
					continue
				}
				b.WriteString(pad + "    <member>\n" + pad + "      <name>")
				writeXMLText(b, k.Name)
				b.WriteString("</name>\n")
				xmlrpcValue(b, k.Desc, kv, n+3, depth+1)
				b.WriteString(pad + "    </member>\n")
			}
		}
		b.WriteString(pad + "  </struct>\n" + pad + "</value>\n")
		return
	case []any:
		b.WriteString(pad + "<value>\n" + pad + "  <array>\n" + pad + "    <data>\n")
		if depth < jsonschema.MaxDepth {
			var content *functions.Description
			if d != nil {
				content = d.Content
			}
			for _, e := range x {
				xmlrpcValue(b, content, e, n+3, depth+1)
			}
		}
		b.WriteString(pad + "    </data>\n" + pad + "  </array>\n" + pad + "</value>\n")
		return
	}
	b.WriteString(pad + "<value>")
	switch x := v.(type) {
	case int64:
		b.WriteString("<int>" + strconv.FormatInt(x, 10) + "</int>")
	case float64:
		b.WriteString("<double>" + strconv.FormatFloat(x, 'f', -1, 64) + "</double>")
	case bool:
		if x {
			b.WriteString("<boolean>1</boolean>")
		} else {
			b.WriteString("<boolean>0</boolean>")
		}
	case nil:
		b.WriteString("<nil/>")
	default:
		b.WriteString("<string>")
		writeXMLText(b, scalarString(v))
		b.WriteString("</string>")
	}
	b.WriteString("</value>\n")
}

// soapRequest writes the HTTP request of a SOAP call: the envelope holds
// the request element named as the function in the WSDL's namespace, one
// child per parameter, lists as repeated <item> elements.
func soapRequest(fn *functions.Function, params any, serverURL string) string {
	if !xmlName(fn.Name) {
		return ""
	}
	endpoint := serverURL + soap.Path
	var env strings.Builder
	env.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	env.WriteString(`<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">` + "\n")
	env.WriteString("  <soap:Body>\n    <")
	env.WriteString(fn.Name)
	env.WriteString(` xmlns="`)
	writeXMLAttr(&env, endpoint)
	env.WriteString(`"`)
	m, _ := params.(map[string]any)
	keys := jsonschema.Keys(fn.Params)
	if len(keys) == 0 {
		env.WriteString("/>\n")
	} else {
		env.WriteString(">\n")
		for _, k := range keys {
			soapElement(&env, k.Name, k.Desc, m[k.Name], 3, 0)
		}
		env.WriteString("    </" + fn.Name + ">\n")
	}
	env.WriteString("  </soap:Body>\n</soap:Envelope>\n")

	host, target := "localhost", soap.Path
	if u, err := url.Parse(endpoint); err == nil && u.Host != "" {
		host, target = u.Host, u.EscapedPath()
	}
	var b strings.Builder
	b.WriteString("POST " + target + "?wstoken=" + token + " HTTP/1.1\n")
	b.WriteString("Host: " + host + "\n")
	b.WriteString("Content-Type: text/xml; charset=utf-8\n")
	b.WriteString(`SOAPAction: "` + soap.SOAPAction(endpoint, fn.Name) + `"` + "\n")
	b.WriteString("Content-Length: " + strconv.Itoa(env.Len()) + "\n\n")
	b.WriteString(env.String())
	return b.String()
}

// soapElement writes <name>v</name> at indent level n; keys whose names
// are not XML names cannot be sent and are left out.
func soapElement(b *strings.Builder, name string, d *functions.Description, v any, n, depth int) {
	if !xmlName(name) || depth > jsonschema.MaxDepth {
		return
	}
	pad := strings.Repeat("  ", n)
	switch x := v.(type) {
	case map[string]any:
		keys := jsonschema.Keys(d)
		if len(keys) == 0 {
			b.WriteString(pad + "<" + name + "/>\n")
			return
		}
		b.WriteString(pad + "<" + name + ">\n")
		for _, k := range keys {
			if kv, ok := x[k.Name]; ok {
				soapElement(b, k.Name, k.Desc, kv, n+1, depth+1)
			}
		}
		b.WriteString(pad + "</" + name + ">\n")
		return
	case []any:
		if len(x) == 0 {
			b.WriteString(pad + "<" + name + "/>\n")
			return
		}
		var content *functions.Description
		if d != nil {
			content = d.Content
		}
		b.WriteString(pad + "<" + name + ">\n")
		for _, e := range x {
			soapElement(b, "item", content, e, n+1, depth+1)
		}
		b.WriteString(pad + "</" + name + ">\n")
		return
	case nil:
		b.WriteString(pad + "<" + name + ` xsi:nil="true" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"/>` + "\n")
		return
	}
	b.WriteString(pad + "<" + name + ">")
	switch x := v.(type) {
	case bool:
		b.WriteString(strconv.FormatBool(x)) // xsd:boolean
	case float64:
		b.WriteString(strconv.FormatFloat(x, 'g', -1, 64)) // xsd:double
	default:
		writeXMLText(b, scalarString(v))
	}
	b.WriteString("</" + name + ">\n")
}

// xmlName reports whether s is an XML name without a colon, as element
// names of the WSDL are (ASCII letters, digits, '_', '-', '.', and any
// non-ASCII letter; not starting with a digit, '-' or '.').
func xmlName(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		switch {
		case r == '_' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= 0xC0 && r != 0xD7 && r != 0xF7 && r < 0xFFFE:
		case i > 0 && (r == '-' || r == '.' || r >= '0' && r <= '9' || r == 0xB7):
		default:
			return false
		}
	}
	return true
}

// writeXMLText writes s as XML character data; characters XML cannot carry
// become U+FFFD.
func writeXMLText(b *strings.Builder, s string) { writeXMLEscaped(b, s, false) }

// writeXMLAttr writes s as a double-quoted attribute value.
func writeXMLAttr(b *strings.Builder, s string) { writeXMLEscaped(b, s, true) }

func writeXMLEscaped(b *strings.Builder, s string, attr bool) {
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '"' && attr:
			b.WriteString("&quot;")
		case r == '\r':
			b.WriteString("&#xD;")
		case attr && (r == '\n' || r == '\t'):
			b.WriteString("&#x" + strconv.FormatInt(int64(r), 16) + ";")
		case r == '\t' || r == '\n' || r >= 0x20 && r <= 0xD7FF || r >= 0xE000 && r <= 0xFFFD || r >= 0x10000:
			b.WriteRune(r)
		default:
			b.WriteRune('\uFFFD')
		}
	}
}
