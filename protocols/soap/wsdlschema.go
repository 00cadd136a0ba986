package soap

import (
	"fmt"
	"strconv"
	"strings"

	"wsgate/functions"
)

// wsdlGen writes the schema of the published functions and names their
// complex types.
type wsdlGen struct {
	tns   string
	taken map[string]bool // goKey of every element and type name in use
	types [][]byte        // the current function's complex types, in naming order
}

// functionElements appends the request and response elements of f, then its
// complex types.
func (g *wsdlGen) functionElements(b []byte, f *functions.Function) []byte {
	g.types = g.types[:0]
	b = append(b, "      <xsd:element name=\""...)
	b = append(b, f.Name...)
	b = append(b, "\">\n"...)
	b = appendDoc(b, 4, "xsd", f.Description)
	b = append(b, "        <xsd:complexType>\n"...)
	var keys []functions.Key
	if f.Params != nil {
		keys = f.Params.Keys
	}
	b = g.sequence(b, 5, keys, f.Name)
	b = append(b, "        </xsd:complexType>\n      </xsd:element>\n"...)

	b = append(b, "      <xsd:element name=\""...)
	b = append(b, f.Name...)
	b = append(b, "Response\">\n        <xsd:complexType>\n"...)
	if f.Returns == nil {
		b = append(b, "          <xsd:sequence/>\n"...)
	} else {
		b = append(b, "          <xsd:sequence>\n"...)
		b = g.element(b, 6, "return", f.Returns, f.Name+"_return", once)
		b = append(b, "          </xsd:sequence>\n"...)
	}
	b = append(b, "        </xsd:complexType>\n      </xsd:element>\n"...)
	for _, t := range g.types {
		b = append(b, t...)
	}
	return b
}

// occurs is how often an element may appear.
type occurs uint8

const (
	once     occurs = iota // exactly once (the return element)
	byDesc                 // once, or optionally when the description is not required
	repeated               // list items: zero or more
)

// sequence appends an xsd:sequence of the keys at indent level n.
func (g *wsdlGen) sequence(b []byte, n int, keys []functions.Key, path string) []byte {
	if len(keys) == 0 {
		b = indent(b, n)
		return append(b, "<xsd:sequence/>\n"...)
	}
	b = indent(b, n)
	b = append(b, "<xsd:sequence>\n"...)
	for _, k := range keys {
		b = g.element(b, n+1, k.Name, k.Desc, path+"_"+typeSegment(k.Name), byDesc)
	}
	b = indent(b, n)
	return append(b, "</xsd:sequence>\n"...)
}

// element appends the declaration of element name described by d.
func (g *wsdlGen) element(b []byte, n int, name string, d *functions.Description, path string, o occurs) []byte {
	typ := g.typeOf(d, path)
	b = indent(b, n)
	b = append(b, `<xsd:element name="`...)
	b = append(b, name...)
	b = append(b, `" type="`...)
	b = append(b, typ...)
	b = append(b, '"')
	switch {
	case o == repeated:
		b = append(b, ` minOccurs="0" maxOccurs="unbounded"`...)
	case o == byDesc && d.Presence != functions.Required:
		b = append(b, ` minOccurs="0"`...)
	}
	if d.AllowNull {
		b = append(b, ` nillable="true"`...)
	}
	doc := descDoc(d)
	if doc == "" {
		return append(b, "/>\n"...)
	}
	b = append(b, ">\n"...)
	b = appendDoc(b, n+1, "xsd", doc)
	b = indent(b, n)
	return append(b, "</xsd:element>\n"...)
}

// typeOf returns the qualified type of d, defining the complex types it needs.
func (g *wsdlGen) typeOf(d *functions.Description, path string) string {
	switch d.Shape {
	case functions.SingleShape:
		name := g.typeName(path)
		slot := g.reserve()
		t := make([]byte, 0, 256)
		t = append(t, "      <xsd:complexType name=\""...)
		t = append(t, name...)
		t = append(t, "\">\n"...)
		t = g.sequence(t, 4, d.Keys, path)
		t = append(t, "      </xsd:complexType>\n"...)
		g.types[slot] = t
		return "tns:" + name
	case functions.MultipleShape:
		name := g.typeName(path)
		slot := g.reserve()
		t := make([]byte, 0, 256)
		t = append(t, "      <xsd:complexType name=\""...)
		t = append(t, name...)
		t = append(t, "\">\n        <xsd:sequence>\n"...)
		t = g.element(t, 5, "item", d.Content, path+"_item", repeated)
		t = append(t, "        </xsd:sequence>\n      </xsd:complexType>\n"...)
		g.types[slot] = t
		return "tns:" + name
	}
	return xsdType(d.Type)
}

// reserve keeps the place of a complex type whose inner types are defined
// while it is written, so types appear in naming order.
func (g *wsdlGen) reserve() int {
	g.types = append(g.types, nil)
	return len(g.types) - 1
}

// typeName returns path with an upper-case initial, or that name with a
// suffix _2, _3... when a gowsdl client would otherwise see two types with
// one Go name. The initial matters: gowsdl v0.5.0 gives a type whose name
// is not already exported an XMLName tag that breaks every element of that
// type not named as the type.
func (g *wsdlGen) typeName(path string) string {
	path = goKey(path)
	name := path
	for i := 2; g.taken[goKey(name)]; i++ {
		name = path + "_" + strconv.Itoa(i)
	}
	g.taken[goKey(name)] = true
	return name
}

// typeSegment is a key name as part of a type name: '.' and '-' become '_'.
func typeSegment(key string) string {
	return strings.Map(func(r rune) rune {
		if r == '.' || r == '-' {
			return '_'
		}
		return r
	}, key)
}

// goKey is the Go identifier gowsdl derives from an XML name: '.' becomes
// '_', other punctuation is dropped, the first letter is upper-cased.
func goKey(name string) string {
	b := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '.':
			b = append(b, '_')
		case c == '-':
		default:
			b = append(b, c)
		}
	}
	if len(b) > 0 && 'a' <= b[0] && b[0] <= 'z' {
		b[0] -= 'a' - 'A'
	}
	return string(b)
}

// xsdType maps a PARAM type to its XML Schema type.
func xsdType(t functions.ParamType) string {
	switch t {
	case functions.ParamInt:
		return "xsd:long"
	case functions.ParamFloat:
		return "xsd:double"
	case functions.ParamBool:
		return "xsd:boolean"
	}
	return "xsd:string"
}

// descDoc is the documentation of an element: the description's text and,
// for scalars with a default, the default.
func descDoc(d *functions.Description) string {
	doc := strings.TrimSpace(d.Doc)
	if d.Shape == functions.ValueShape && d.Presence == functions.Default && d.DefaultVal != nil {
		def := "Default: " + defaultString(d.DefaultVal)
		if doc == "" {
			return def
		}
		if !strings.HasSuffix(doc, ".") {
			doc += "."
		}
		return doc + " " + def
	}
	return doc
}

// defaultString writes a scalar default as a SOAP client would send it.
func defaultString(v any) string {
	switch x := v.(type) {
	case string:
		return strconv.Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case float64:
		return string(appendFloat(nil, x))
	}
	return fmt.Sprint(v)
}

// appendDoc appends <prefix:documentation> (inside an xsd:annotation for
// prefix "xsd") at indent level n; nothing for an empty text.
func appendDoc(b []byte, n int, prefix, text string) []byte {
	text = strings.TrimSpace(text)
	if text == "" {
		return b
	}
	b = indent(b, n)
	if prefix == "xsd" {
		b = append(b, "<xsd:annotation><xsd:documentation>"...)
		b = appendText(b, text)
		return append(b, "</xsd:documentation></xsd:annotation>\n"...)
	}
	b = append(b, "<wsdl:documentation>"...)
	b = appendText(b, text)
	return append(b, "</wsdl:documentation>\n"...)
}

// indent appends n levels of two spaces.
func indent(b []byte, n int) []byte {
	for range n {
		b = append(b, "  "...)
	}
	return b
}
