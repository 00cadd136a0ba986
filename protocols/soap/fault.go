package soap

import (
	"wsgate"
	"wsgate/protocols"
)

// AppendFault appends a SOAP 1.1 Fault envelope for err: faultcode is
// soap:Client for the caller's errors (kinds Invalid, NotFound,
// Unauthenticated, Forbidden, RateLimited) and soap:Server for the others, unless
// faultcode is given; faultstring is "<message> | ERRORCODE: <errorcode>";
// detail holds errorcode, exception and, with debug, debuginfo. Foreign
// errors become wsgate.ErrInternal's generic message; their cause is never
// written.
func AppendFault(b []byte, faultcode string, err error, debug bool) []byte {
	e := protocols.ErrorOf(err)
	if faultcode == "" {
		faultcode = FaultCode(e.Kind)
	}
	b = append(b, envelopeOpen...)
	b = append(b, "<soap:Fault><faultcode>"...)
	b = appendText(b, faultcode)
	b = append(b, "</faultcode><faultstring>"...)
	b = appendText(b, e.Message)
	if e.Code != "" {
		b = append(b, " | ERRORCODE: "...)
		b = appendText(b, e.Code)
	}
	b = append(b, "</faultstring><detail><errorcode>"...)
	b = appendText(b, e.Code)
	b = append(b, "</errorcode><exception>"...)
	b = appendText(b, e.Exception)
	b = append(b, "</exception>"...)
	if debug && e.DebugInfo != "" {
		b = append(b, "<debuginfo>"...)
		b = appendText(b, e.DebugInfo)
		b = append(b, "</debuginfo>"...)
	}
	b = append(b, "</detail></soap:Fault>"...)
	return append(b, envelopeClose...)
}

// FaultCode returns the SOAP 1.1 fault code of an error kind: soap:Client
// when the caller must change the request, soap:Server otherwise.
func FaultCode(k wsgate.Kind) string {
	switch k {
	case wsgate.Invalid, wsgate.NotFound, wsgate.Unauthenticated, wsgate.Forbidden, wsgate.RateLimited:
		return "soap:Client"
	}
	return "soap:Server"
}
