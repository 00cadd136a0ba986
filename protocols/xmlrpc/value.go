package xmlrpc

import (
	"encoding/xml"
)

// value parses what follows <value> up to and including </value>: a typed
// value, or text (possibly none), which is a string.
func (p *parser) value(depth int) (any, error) {
	if err := p.budget.Node(depth); err != nil {
		return nil, err
	}
	p.text = p.text[:0]
	for {
		tok, err := p.d.RawToken()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if err := p.budget.Bytes(len(t)); err != nil {
				return nil, err
			}
			p.text = append(p.text, t...)
		case xml.EndElement:
			if !is(t.Name, "value") {
				return nil, syntaxf("</%s> closes <value>", qname(t.Name))
			}
			return string(p.text), nil
		case xml.StartElement:
			if !isSpace(p.text) {
				return nil, syntaxf("text beside <%s> in <value>", qname(t.Name))
			}
			v, err := p.typed(t.Name, depth)
			if err != nil {
				return nil, err
			}
			return v, p.end("value")
		case xml.Directive:
			return nil, errDoctype
		}
	}
}

// typed parses the value of the type element name, whose start tag has
// been read, up to and including its end tag.
func (p *parser) typed(name xml.Name, depth int) (any, error) {
	if name.Local == "nil" { // <nil/>, and <ex:nil/> of the Apache extensions
		_, err := p.scalarText(name)
		return nil, err
	}
	if name.Space != "" {
		return nil, syntaxf("unsupported value type <%s>", qname(name))
	}
	switch name.Local {
	case "struct":
		return p.structure(depth + 1)
	case "array":
		return p.array(depth + 1)
	case "string":
		return p.scalarText(name)
	}
	parse, ok := scalarParsers[name.Local]
	if !ok {
		return nil, syntaxf("unsupported value type <%s>", name.Local)
	}
	s, err := p.scalarText(name)
	if err != nil {
		return nil, err
	}
	return parse(s)
}

// scalarText returns the text up to the end tag of name; elements inside
// are refused.
func (p *parser) scalarText(name xml.Name) (string, error) {
	p.text = p.text[:0]
	for {
		tok, err := p.d.RawToken()
		if err != nil {
			return "", err
		}
		switch t := tok.(type) {
		case xml.CharData:
			if err := p.budget.Bytes(len(t)); err != nil {
				return "", err
			}
			p.text = append(p.text, t...)
		case xml.EndElement:
			if t.Name != name {
				return "", syntaxf("</%s> closes <%s>", qname(t.Name), qname(name))
			}
			return string(p.text), nil
		case xml.StartElement:
			return "", syntaxf("unexpected <%s> in <%s>", qname(t.Name), qname(name))
		case xml.Directive:
			return "", errDoctype
		}
	}
}

// structure parses the members of a <struct> up to </struct>.
func (p *parser) structure(depth int) (map[string]any, error) {
	out := map[string]any{}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		if ee, ok := tok.(xml.EndElement); ok {
			if !is(ee.Name, "struct") {
				return nil, syntaxf("</%s> closes <struct>", qname(ee.Name))
			}
			return out, nil
		}
		if se := tok.(xml.StartElement); !is(se.Name, "member") {
			return nil, syntaxf("unexpected <%s> in <struct>", qname(se.Name))
		}
		name, v, err := p.member(depth)
		if err != nil {
			return nil, err
		}
		out[name] = v // a repeated name keeps the last value, as in PHP
	}
}

// member parses one <name> and one <value>, in either order, up to
// </member>.
func (p *parser) member(depth int) (name string, v any, err error) {
	var hasName, hasValue bool
	for {
		tok, err := p.next()
		if err != nil {
			return "", nil, err
		}
		if ee, ok := tok.(xml.EndElement); ok {
			switch {
			case !is(ee.Name, "member"):
				return "", nil, syntaxf("</%s> closes <member>", qname(ee.Name))
			case !hasName:
				return "", nil, syntaxf("a <member> has no <name>")
			case !hasValue:
				return "", nil, syntaxf("the <member> %q has no <value>", clip([]byte(name)))
			}
			return name, v, nil
		}
		se := tok.(xml.StartElement)
		switch {
		case is(se.Name, "name") && !hasName:
			hasName = true
			if name, err = p.scalarText(se.Name); err != nil {
				return "", nil, err
			}
		case is(se.Name, "value") && !hasValue:
			hasValue = true
			if v, err = p.value(depth); err != nil {
				return "", nil, err
			}
		default:
			return "", nil, syntaxf("unexpected <%s> in <member>", qname(se.Name))
		}
	}
}

// array parses <data> and its values up to </array>; <array/> is an empty
// array.
func (p *parser) array(depth int) ([]any, error) {
	out := []any{}
	tok, err := p.next()
	if err != nil {
		return nil, err
	}
	if ee, ok := tok.(xml.EndElement); ok {
		if !is(ee.Name, "array") {
			return nil, syntaxf("</%s> closes <array>", qname(ee.Name))
		}
		return out, nil
	}
	if se := tok.(xml.StartElement); !is(se.Name, "data") {
		return nil, syntaxf("<array> holds <%s>, not <data>", qname(se.Name))
	}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		if ee, ok := tok.(xml.EndElement); ok {
			if !is(ee.Name, "data") {
				return nil, syntaxf("</%s> closes <data>", qname(ee.Name))
			}
			return out, p.end("array")
		}
		if se := tok.(xml.StartElement); !is(se.Name, "value") {
			return nil, syntaxf("unexpected <%s> in <data>", qname(se.Name))
		}
		v, err := p.value(depth)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
}
