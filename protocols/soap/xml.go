package soap

import "wsgate/internal/xmltext"

// XML namespaces the package reads and writes.
const (
	nsEnvelope   = "http://schemas.xmlsoap.org/soap/envelope/"
	nsEnvelope12 = "http://www.w3.org/2003/05/soap-envelope"
	nsEncoding   = "http://schemas.xmlsoap.org/soap/encoding/"
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

// appendText appends s escaped as XML character data (xmltext.AppendText).
func appendText(b []byte, s string) []byte { return xmltext.AppendText(b, s) }

// appendAttr appends s escaped for a double-quoted attribute value.
func appendAttr(b []byte, s string) []byte { return xmltext.AppendAttr(b, s) }
