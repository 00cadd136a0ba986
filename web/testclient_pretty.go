package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"mime"
	"strings"

	"wsgate/internal/xmltext"
)

// pretty returns an answer indented for reading: JSON and XML by their
// content type (or their first byte), anything else, and what does not
// parse, as it came. The page escapes it.
func pretty(contentType string, body []byte) string {
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	switch {
	case strings.HasSuffix(mt, "json") || len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '['):
		var b bytes.Buffer
		if json.Indent(&b, trimmed, "", "  ") == nil {
			return b.String()
		}
	case strings.HasSuffix(mt, "xml") || len(trimmed) > 0 && trimmed[0] == '<':
		if s, ok := prettyXML(trimmed); ok {
			return s
		}
	}
	return string(body)
}

// prettyXML indents a document, one element a line, an element holding
// only text on one line; prefixes and namespaces stay as written (raw
// tokens), whitespace between elements is dropped.
func prettyXML(doc []byte) (string, bool) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	var toks []xml.Token
	var open []xml.Name // RawToken does not match end tags: this does
	for {
		t, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return "", false
		}
		switch e := t.(type) {
		case xml.StartElement:
			open = append(open, e.Name)
		case xml.EndElement:
			if len(open) == 0 || open[len(open)-1] != e.Name {
				return "", false
			}
			open = open[:len(open)-1]
		}
		if cd, ok := t.(xml.CharData); ok && len(bytes.TrimSpace(cd)) == 0 {
			continue
		}
		toks = append(toks, xml.CopyToken(t))
	}
	if len(open) > 0 {
		return "", false
	}
	var b []byte
	depth := 0
	line := func() {
		if len(b) > 0 {
			b = append(b, '\n')
		}
		b = append(b, strings.Repeat("  ", depth)...)
	}
	for i := 0; i < len(toks); i++ {
		switch t := toks[i].(type) {
		case xml.ProcInst:
			line()
			b = append(b, "<?"+t.Target+" "...)
			b = append(b, t.Inst...)
			b = append(b, "?>"...)
		case xml.StartElement:
			line()
			b = appendStart(b, t)
			// <a>text</a> and <a></a> stay on one line.
			if i+2 < len(toks) {
				if cd, ok := toks[i+1].(xml.CharData); ok {
					if _, ok := toks[i+2].(xml.EndElement); ok {
						b = xmltext.AppendText(b, string(cd))
						b = append(b, "</"+qname(t.Name)+">"...)
						i += 2
						continue
					}
				}
			}
			if i+1 < len(toks) {
				if _, ok := toks[i+1].(xml.EndElement); ok {
					b = append(b, "</"+qname(t.Name)+">"...)
					i++
					continue
				}
			}
			depth++
		case xml.EndElement:
			depth = max(depth-1, 0)
			line()
			b = append(b, "</"+qname(t.Name)+">"...)
		case xml.CharData:
			line()
			b = xmltext.AppendText(b, string(t))
		case xml.Comment:
			line()
			b = append(b, "<!--"...)
			b = append(b, t...)
			b = append(b, "-->"...)
		}
	}
	return string(b), true
}

// appendStart appends a start tag as written.
func appendStart(b []byte, t xml.StartElement) []byte {
	b = append(b, "<"+qname(t.Name)...)
	for _, a := range t.Attr {
		b = append(b, " "+qname(a.Name)+`="`...)
		b = xmltext.AppendAttr(b, a.Value)
		b = append(b, '"')
	}
	return append(b, '>')
}

// qname is a raw name: prefix:local.
func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}
