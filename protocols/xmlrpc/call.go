package xmlrpc

import (
	"wsgate/functions"
	"wsgate/internal/xmltext"
)

// EncodeCall returns the methodCall of method with the parameters v, as a
// Moodle client sends it: each parameter declared by params (a single
// structure) is one positional <param>, in declaration order, written as
// EncodeResponse writes values. Trailing parameters absent from v are left
// out; when one is absent before a present one, the parameters go as one
// struct of named members instead, which the server reads by name.
// Keys of v that params does not declare are never written.
func EncodeCall(method string, params *functions.Description, v map[string]any) []byte {
	e := encoder{buf: make([]byte, 0, 512)}
	e.buf = append(e.buf, xmlHeader+"<methodCall><methodName>"...)
	e.buf = xmltext.AppendText(e.buf, method)
	e.buf = append(e.buf, "</methodName><params>"...)
	var keys []functions.Key
	if params != nil {
		keys = params.Keys
	}
	last, gap := -1, false
	for i, k := range keys {
		if _, ok := v[k.Name]; ok {
			gap = gap || last < i-1
			last = i
		}
	}
	switch {
	case gap:
		e.buf = append(e.buf, "<param><value>"...)
		e.desc(params, v, 0)
		e.buf = append(e.buf, "</value></param>"...)
	default:
		for _, k := range keys[:last+1] {
			e.buf = append(e.buf, "<param><value>"...)
			e.desc(k.Desc, v[k.Name], 1)
			e.buf = append(e.buf, "</value></param>"...)
		}
	}
	e.buf = append(e.buf, "</params></methodCall>"...)
	return e.buf
}
