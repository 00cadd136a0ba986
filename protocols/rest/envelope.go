package rest

import "wsgate/protocols"

// EncodeJSONError returns err as Moodle's JSON exception object:
// {"exception":…,"errorcode":…,"message":…} plus "debuginfo" when debug is
// set and the error has some. Foreign errors become wsgate.ErrInternal's
// generic message; their cause is never written.
func EncodeJSONError(err error, debug bool) []byte {
	e := protocols.ErrorOf(err)
	buf := make([]byte, 0, 128+len(e.Message)+len(e.DebugInfo))
	buf = append(buf, `{"exception":`...)
	buf = appendJSONString(buf, e.Exception)
	buf = append(buf, `,"errorcode":`...)
	buf = appendJSONString(buf, e.Code)
	buf = append(buf, `,"message":`...)
	buf = appendJSONString(buf, e.Message)
	if debug && e.DebugInfo != "" {
		buf = append(buf, `,"debuginfo":`...)
		buf = appendJSONString(buf, e.DebugInfo)
	}
	return append(buf, '}')
}

// EncodeXMLError returns err as Moodle's XML exception document
// (<EXCEPTION class="…"> with ERRORCODE, MESSAGE and, when debug is set and
// the error has some, DEBUGINFO).
func EncodeXMLError(err error, debug bool) []byte {
	e := protocols.ErrorOf(err)
	buf := make([]byte, 0, 192+len(e.Message)+len(e.DebugInfo))
	buf = append(buf, xmlHeader...)
	buf = append(buf, `<EXCEPTION class="`...)
	buf = appendHTMLSpecialChars(buf, e.Exception) // a no-op for class names
	buf = append(buf, "\">\n<ERRORCODE>"...)
	buf = appendHTMLSpecialChars(buf, e.Code)
	buf = append(buf, "</ERRORCODE>\n<MESSAGE>"...)
	buf = appendHTMLSpecialChars(buf, e.Message)
	buf = append(buf, "</MESSAGE>\n"...)
	if debug && e.DebugInfo != "" {
		buf = append(buf, "<DEBUGINFO>"...)
		buf = appendHTMLSpecialChars(buf, e.DebugInfo)
		buf = append(buf, "</DEBUGINFO>\n"...)
	}
	return append(buf, "</EXCEPTION>\n"...)
}
