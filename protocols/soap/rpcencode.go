package soap

import (
	"math"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"wsgate/functions"
)

// rpcEnvelopeOpen starts an rpc/encoded response envelope, up to the
// declaration of the wrapper's namespace (tns is the WSDL's).
const rpcEnvelopeOpen = xmlDecl + `<soap:Envelope xmlns:soap="` + nsEnvelope + `" xmlns:xsd="` + nsXSD +
	`" xmlns:xsi="` + nsXSI + `" xmlns:soapenc="` + nsEncoding + `" soap:encodingStyle="` + nsEncoding + `" xmlns:tns="`

// rpcStyle reports whether a request wants an rpc/encoded answer: its
// operation element is in a namespace other than the server's (an rpc
// WSDL's or a client's own, as PHP's SoapClient without a WSDL sends its
// uri), or it declares SOAP encoding as its encodingStyle. The server's
// namespace is base, or an address with base's path and no query, so a
// document/literal client generated from another host name of the same
// server keeps its answers.
func rpcStyle(env *envelope, base string) bool {
	if env.encoded {
		return true
	}
	ns := env.opSpace
	if ns == "" || ns == base {
		return false
	}
	u, err := url.Parse(ns)
	if err != nil || u.RawQuery != "" || u.Fragment != "" || u.Host == "" {
		return true
	}
	b, err := url.Parse(base)
	return err != nil || u.EscapedPath() != b.EscapedPath()
}

// AppendRPCResponse appends the rpc/encoded response envelope of a call to
// function as the rpc WSDL for tns (RPCWSDL) describes it: a
// <function>Response element in namespace ns (the request's; tns when
// empty) holding a "return" part encoded after returns (nothing for a void
// function). Every value carries its xsi:type as Moodle's server writes
// it: INT and BOOL xsd:int (a boolean as 1 or 0), FLOAT xsd:double, other
// scalars xsd:string, single structures the named type of the WSDL, lists
// soapenc:Array with an arrayType; nil is xsi:nil="true".
func AppendRPCResponse(b []byte, tns, ns, function string, returns *functions.Description, v any) []byte {
	if ns == "" {
		ns = tns
	}
	b = append(b, rpcEnvelopeOpen...)
	b = appendAttr(b, tns)
	b = append(b, `" xmlns:ns1="`...)
	b = appendAttr(b, ns)
	b = append(b, `"><soap:Body><ns1:`...)
	b = append(b, function...)
	b = append(b, "Response"...)
	if returns == nil && v == nil {
		b = append(b, "/>"...)
	} else {
		b = append(b, '>')
		b = appendRPCValue(b, "return", returns, returnType(function), v, 0)
		b = append(b, "</ns1:"...)
		b = append(b, function...)
		b = append(b, "Response>"...)
	}
	return append(b, envelopeClose...)
}

// appendRPCValue appends element name holding v as d describes it, typed;
// path names d's complex type (rpcTypeName). A value that does not have
// d's shape, and any value without d, is typed by its Go type.
func appendRPCValue(b []byte, name string, d *functions.Description, path string, v any, depth int) []byte {
	if v == nil || depth > maxEncodeDepth {
		b = append(b, '<')
		b = append(b, name...)
		return append(b, ` xsi:nil="true"/>`...)
	}
	if d != nil {
		switch x := v.(type) {
		case map[string]any:
			if d.Shape == functions.SingleShape {
				b = rpcOpen(b, name, "tns:"+path, "")
				for _, k := range d.Keys {
					if y, present := x[k.Name]; present && validName(k.Name) {
						b = appendRPCValue(b, k.Name, k.Desc, keyType(path, k.Name), y, depth+1)
					}
				}
				return rpcClose(b, name)
			}
		case []any:
			if d.Shape == functions.MultipleShape {
				item := itemType(path)
				b = rpcOpen(b, name, "soapenc:Array", rpcXSIType(d.Content, item)+"["+strconv.Itoa(len(x))+"]")
				for _, y := range x {
					b = appendRPCValue(b, "item", d.Content, item, y, depth+1)
				}
				return rpcClose(b, name)
			}
		default:
			if d.Shape == functions.ValueShape {
				return appendRPCScalar(b, name, d.Type, v)
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			if validName(k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		b = rpcOpen(b, name, "soapenc:Struct", "")
		for _, k := range keys {
			b = appendRPCValue(b, k, nil, "", x[k], depth+1)
		}
		return rpcClose(b, name)
	case []any:
		b = rpcOpen(b, name, "soapenc:Array", "xsd:anyType["+strconv.Itoa(len(x))+"]")
		for _, y := range x {
			b = appendRPCValue(b, "item", nil, "", y, depth+1)
		}
		return rpcClose(b, name)
	}
	return appendRPCScalar(b, name, 0, v)
}

// appendRPCScalar appends a typed leaf: by the declared type t where v is
// of that type's kind, by v's Go type otherwise. Booleans are xsd:int 1 or
// 0 where t is BOOL or INT (Moodle's typing), xsd:boolean elsewhere.
func appendRPCScalar(b []byte, name string, t functions.ParamType, v any) []byte {
	if x, ok := v.(int); ok {
		v = int64(x)
	}
	switch x := v.(type) {
	case bool:
		if t != functions.ParamBool && t != functions.ParamInt {
			b = rpcOpen(b, name, "xsd:boolean", "")
			return rpcClose(strconv.AppendBool(b, x), name)
		}
		b = rpcOpen(b, name, "xsd:int", "")
		if x {
			return rpcClose(append(b, '1'), name)
		}
		return rpcClose(append(b, '0'), name)
	case int64:
		if t == functions.ParamFloat {
			b = rpcOpen(b, name, "xsd:double", "")
			return rpcClose(appendFloat(b, float64(x)), name)
		}
		b = rpcOpen(b, name, "xsd:int", "")
		return rpcClose(strconv.AppendInt(b, x, 10), name)
	case float64:
		if t == functions.ParamInt && x == math.Trunc(x) && math.Abs(x) < 1<<63 {
			b = rpcOpen(b, name, "xsd:int", "")
			return rpcClose(strconv.AppendInt(b, int64(x), 10), name)
		}
		b = rpcOpen(b, name, "xsd:double", "")
		return rpcClose(appendFloat(b, x), name)
	}
	b = rpcOpen(b, name, "xsd:string", "")
	return rpcClose(appendScalar(b, 0, v), name)
}

// rpcOpen appends a start tag with xsi:type typ and, for arrays, the
// soapenc:arrayType arrayType.
func rpcOpen(b []byte, name, typ, arrayType string) []byte {
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, ` xsi:type="`...)
	b = appendAttr(b, typ)
	if arrayType != "" {
		b = append(b, `" soapenc:arrayType="`...)
		b = appendAttr(b, arrayType)
	}
	return append(b, `">`...)
}

func rpcClose(b []byte, name string) []byte {
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// rpcXSIType is the qualified type of a value described by d whose
// complex type, if it has one, is named path.
func rpcXSIType(d *functions.Description, path string) string {
	if d == nil {
		return "xsd:anyType"
	}
	if d.Shape == functions.ValueShape {
		return rpcScalarType(d.Type)
	}
	return "tns:" + path
}

// rpcScalarType maps a PARAM type to its XML Schema type as Moodle's rpc
// WSDL does: INT and BOOL xsd:int, FLOAT xsd:double, others xsd:string.
func rpcScalarType(t functions.ParamType) string {
	switch t {
	case functions.ParamInt, functions.ParamBool:
		return "xsd:int"
	case functions.ParamFloat:
		return "xsd:double"
	}
	return "xsd:string"
}

// Names of the rpc WSDL's complex types. They follow the value's place:
// <function>.<key>[.<key>|.item]... for parameters and
// <function>Response.return[.<key>|.item]... for the answer; '-' and '.'
// inside a name are written "--" and "-.", so two places never share a
// name. The encoder and the WSDL name types alike, without a table.

// paramType is the type name of the top-level parameter key of function.
func paramType(function, key string) string { return typeEscape(function) + "." + typeEscape(key) }

// returnType is the type name of function's return value.
func returnType(function string) string { return typeEscape(function) + "Response.return" }

// keyType is the type name of key inside the structure named path.
func keyType(path, key string) string { return path + "." + typeEscape(key) }

// itemType is the type name of the items of the list named path.
func itemType(path string) string { return path + ".item" }

// typeEscape writes '-' as "--" and '.' as "-." (see paramType).
func typeEscape(s string) string {
	if !strings.ContainsAny(s, "-.") {
		return s
	}
	return strings.NewReplacer("-", "--", ".", "-.").Replace(s)
}
