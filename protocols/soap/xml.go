package soap

import "unicode/utf8"

// XML namespaces the package reads and writes.
const (
	nsEnvelope   = "http://schemas.xmlsoap.org/soap/envelope/"
	nsEnvelope12 = "http://www.w3.org/2003/05/soap-envelope"
	nsWSDL       = "http://schemas.xmlsoap.org/wsdl/"
	nsWSDLSOAP   = "http://schemas.xmlsoap.org/wsdl/soap/"
	nsXSD        = "http://www.w3.org/2001/XMLSchema"
	nsXSI        = "http://www.w3.org/2001/XMLSchema-instance"
	nsHTTP       = "http://schemas.xmlsoap.org/soap/http"
	actorNext    = "http://schemas.xmlsoap.org/soap/actor/next"
)

// validName reports whether s can be written as an XML element name without
// a prefix: an NCName restricted to ASCII, [A-Za-z_][A-Za-z0-9_.-]*.
func validName(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z'):
		case i > 0 && (c == '-' || c == '.' || ('0' <= c && c <= '9')):
		default:
			return false
		}
	}
	return true
}

// appendText appends s escaped as XML character data: markup characters
// and CR as references, characters XML 1.0 cannot carry (control characters,
// invalid UTF-8) as U+FFFD.
func appendText(b []byte, s string) []byte {
	return appendEscaped(b, s, false)
}

// appendAttr appends s escaped for a double-quoted attribute value.
func appendAttr(b []byte, s string) []byte {
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
		case r == utf8.RuneError && size == 1, !xmlChar(r):
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

// xmlChar reports whether r is allowed in an XML 1.0 document.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		(r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}
