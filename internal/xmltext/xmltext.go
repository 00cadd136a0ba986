// Package xmltext escapes strings for the XML that the SOAP and XML-RPC
// encoders write by hand.
package xmltext

import "unicode/utf8"

// AppendText appends s as XML character data: &, < and > as entities, CR as
// &#xD; (so it survives end-of-line normalisation), and U+FFFD in place of
// invalid UTF-8 and of characters XML 1.0 cannot carry.
func AppendText(b []byte, s string) []byte {
	return appendEscaped(b, s, false)
}

// AppendAttr appends s escaped for a double-quoted attribute value: as
// AppendText, plus the quote, and LF and TAB as references so attribute-value
// normalisation keeps them.
func AppendAttr(b []byte, s string) []byte {
	return appendEscaped(b, s, true)
}

func appendEscaped(b []byte, s string, attr bool) []byte {
	last := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '&' && c != '<' && c != '>' && (!attr || c != '"') {
			i++
			continue
		}
		r, size := rune(c), 1
		if c >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		var esc string
		switch {
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '"':
			esc = "&quot;"
		case r == '\r':
			esc = "&#xD;"
		case r == '\n' && attr:
			esc = "&#xA;"
		case r == '\t' && attr:
			esc = "&#x9;"
		case r == '\n' || r == '\t':
			i += size
			continue
		case r == utf8.RuneError && size == 1, !Char(r):
			esc = "\uFFFD"
		default:
			i += size
			continue
		}
		b = append(b, s[last:i]...)
		b = append(b, esc...)
		i += size
		last = i
	}
	return append(b, s[last:]...)
}

// Char reports whether r is allowed in an XML 1.0 document.
func Char(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
