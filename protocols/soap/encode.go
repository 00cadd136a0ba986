package soap

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"

	"wsgate/functions"
)

// maxEncodeDepth bounds the response encoder's recursion on values that do
// not follow their description; deeper values are written as nil.
const maxEncodeDepth = 128

// envelopeOpen starts every response envelope.
const envelopeOpen = xmlDecl + `<soap:Envelope xmlns:soap="` + nsEnvelope + `" xmlns:xsi="` + nsXSI + `"><soap:Body>`

const envelopeClose = "</soap:Body></soap:Envelope>\n"

// AppendResponse appends the response envelope of a call to function as the
// WSDL for tns describes it: <functionResponse xmlns="tns"> holding a
// "return" element encoded after returns (nothing for a void function,
// returns == nil). Single structures keep declaration order and omit absent
// keys; lists repeat "item"; nil is xsi:nil="true".
func AppendResponse(b []byte, tns, function string, returns *functions.Description, v any) []byte {
	b = append(b, envelopeOpen...)
	b = append(b, '<')
	b = append(b, function...)
	b = append(b, `Response xmlns="`...)
	b = appendAttr(b, tns)
	b = append(b, '"')
	if returns == nil && v == nil {
		b = append(b, "/>"...)
	} else {
		b = append(b, '>')
		b = appendElement(b, "return", returns, v, 0)
		b = append(b, "</"...)
		b = append(b, function...)
		b = append(b, "Response>"...)
	}
	return append(b, envelopeClose...)
}

// appendElement appends <name>v</name> as d describes it (d nil: by v's
// Go type).
func appendElement(b []byte, name string, d *functions.Description, v any, depth int) []byte {
	if v == nil || depth > maxEncodeDepth {
		b = append(b, '<')
		b = append(b, name...)
		return append(b, ` xsi:nil="true"/>`...)
	}
	b = append(b, '<')
	b = append(b, name...)
	b = append(b, '>')
	switch {
	case d == nil:
		b = appendAny(b, v, depth)
	case d.Shape == functions.SingleShape:
		if m, ok := v.(map[string]any); ok {
			for _, k := range d.Keys {
				if x, present := m[k.Name]; present && validName(k.Name) {
					b = appendElement(b, k.Name, k.Desc, x, depth+1)
				}
			}
		} else {
			b = appendAny(b, v, depth)
		}
	case d.Shape == functions.MultipleShape:
		if l, ok := v.([]any); ok {
			for _, x := range l {
				b = appendElement(b, "item", d.Content, x, depth+1)
			}
		} else {
			b = appendAny(b, v, depth)
		}
	default:
		b = appendScalar(b, d.Type, v)
	}
	b = append(b, "</"...)
	b = append(b, name...)
	return append(b, '>')
}

// appendAny appends the content of v by its Go type: maps by sorted key
// (keys that are not XML names are left out), lists as items, scalars as
// text.
func appendAny(b []byte, v any, depth int) []byte {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			if validName(k) {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			b = appendElement(b, k, nil, x[k], depth+1)
		}
		return b
	case []any:
		for _, it := range x {
			b = appendElement(b, "item", nil, it, depth+1)
		}
		return b
	}
	return appendScalar(b, 0, v)
}

// appendScalar appends a leaf as text: for a BOOL element booleans are
// true/false, elsewhere 1/0 (PHP's string form); floats use xsd:double's
// lexical form.
func appendScalar(b []byte, t functions.ParamType, v any) []byte {
	switch x := v.(type) {
	case string:
		return appendText(b, x)
	case int64:
		if t == functions.ParamBool {
			return strconv.AppendBool(b, x != 0)
		}
		return strconv.AppendInt(b, x, 10)
	case int:
		return appendScalar(b, t, int64(x))
	case float64:
		if t == functions.ParamBool {
			return strconv.AppendBool(b, x != 0)
		}
		return appendFloat(b, x)
	case bool:
		if t == functions.ParamBool {
			return strconv.AppendBool(b, x)
		}
		if x {
			return append(b, '1')
		}
		return append(b, '0')
	case nil:
		return b
	}
	return appendText(b, fmt.Sprint(v))
}

// appendFloat appends f in xsd:double's lexical form: INF, -INF and NaN for
// the special values, otherwise the shortest decimal that reads back as f,
// with an exponent only for very small or large magnitudes (as
// encoding/json does).
func appendFloat(b []byte, f float64) []byte {
	switch {
	case math.IsNaN(f):
		return append(b, "NaN"...)
	case math.IsInf(f, 1):
		return append(b, "INF"...)
	case math.IsInf(f, -1):
		return append(b, "-INF"...)
	}
	abs := math.Abs(f)
	if abs == 0 || (abs >= 1e-6 && abs < 1e21) {
		return strconv.AppendFloat(b, f, 'f', -1, 64)
	}
	// 1E-07 becomes 1E-7 and 1E+21 becomes 1E21.
	mant, exp, _ := strings.Cut(strconv.FormatFloat(f, 'E', -1, 64), "E")
	b = append(b, mant...)
	b = append(b, 'E')
	if exp[0] == '-' {
		b = append(b, '-')
	}
	return append(b, strings.TrimLeft(exp[1:], "0")...)
}
