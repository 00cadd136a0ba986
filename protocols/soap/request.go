package soap

import "wsgate/functions"

// AppendRequest appends the document/literal request envelope of a call to
// function with the parameters v, as a client generated from the WSDL for
// tns sends it: <function xmlns="tns"> holding one element per parameter
// declared by params that v has, in declaration order, encoded as
// AppendResponse encodes values (lists repeat "item", nil is
// xsi:nil="true"). Keys of v that params does not declare are never
// written. The SOAPAction header of the request is SOAPAction(tns, function).
func AppendRequest(b []byte, tns, function string, params *functions.Description, v map[string]any) []byte {
	b = append(b, envelopeOpen...)
	b = append(b, '<')
	b = append(b, function...)
	b = append(b, ` xmlns="`...)
	b = appendAttr(b, tns)
	b = append(b, `">`...)
	if params != nil {
		for _, k := range params.Keys {
			if x, ok := v[k.Name]; ok && validName(k.Name) {
				b = appendElement(b, k.Name, k.Desc, x, 1)
			}
		}
	}
	b = append(b, "</"...)
	b = append(b, function...)
	b = append(b, '>')
	return append(b, envelopeClose...)
}
