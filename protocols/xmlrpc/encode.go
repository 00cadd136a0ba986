package xmlrpc

import (
	"encoding/json"
	"math"

	"wsgate/functions"
)

// maxEncodeDepth bounds the encoder's recursion (a cyclic value or
// description); deeper values are written as null.
const maxEncodeDepth = 512

// xmlHeader opens every document the server writes.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8"?>` + "\n"

// EncodeResponse returns a cleaned return value v as a methodResponse,
// without whitespace between elements, as ext/xmlrpc wrote it for Moodle.
// It walks the description d: a single structure becomes a <struct> whose
// members follow the declaration order (undeclared keys are left out), a
// multiple structure an <array>, and a value its PARAM type: INT <int>,
// FLOAT <double>, BOOL <boolean> (1 or 0), every other type <string>.
// Where v does not match d, or d is nil, v is written by its Go type.
//
// Only standard types are written:
//   - a null or absent struct member is left out (Moodle's ext/xmlrpc
//     dropped null members); a null array item or top-level null is an
//     empty <string>.
//   - an integer outside the i4 range (±2^31) is written as a <double>
//     with all its digits, which clients read as a float (exact up to
//     2^53).
//   - a double is written in decimal notation without an exponent; NaN and
//     infinities, which XML-RPC cannot carry, become the strings NAN, INF
//     and -INF (PHP's spelling).
//   - text is UTF-8 with &, < and > escaped and \r as &#xD;; bytes that
//     are not valid UTF-8 and characters XML 1.0 cannot carry (controls
//     other than tab and newline) become U+FFFD.
//
// A void function has no response document: the server sends an empty
// body (see Server).
func EncodeResponse(d *functions.Description, v any) []byte {
	return AppendResponse(make([]byte, 0, 512), d, v)
}

// AppendResponse appends EncodeResponse's document to buf.
func AppendResponse(buf []byte, d *functions.Description, v any) []byte {
	e := encoder{buf: buf}
	e.buf = append(e.buf, xmlHeader+"<methodResponse><params><param><value>"...)
	e.desc(d, v, 0)
	e.buf = append(e.buf, "</value></param></params></methodResponse>"...)
	return e.buf
}

// encoder appends the content of <value> elements to buf.
type encoder struct{ buf []byte }

// desc writes v as the description d says.
func (e *encoder) desc(d *functions.Description, v any, depth int) {
	if depth > maxEncodeDepth {
		e.null()
		return
	}
	if d == nil {
		e.any(v, depth)
		return
	}
	switch d.Shape {
	case functions.SingleShape:
		m, ok := v.(map[string]any)
		if !ok {
			e.any(v, depth)
			return
		}
		e.buf = append(e.buf, "<struct>"...)
		for _, k := range d.Keys {
			x, ok := m[k.Name]
			if !ok || isNull(x) {
				continue
			}
			e.openMember(k.Name)
			e.desc(k.Desc, x, depth+1)
			e.buf = append(e.buf, "</value></member>"...)
		}
		e.buf = append(e.buf, "</struct>"...)
	case functions.MultipleShape:
		s, ok := v.([]any)
		if !ok {
			e.any(v, depth)
			return
		}
		e.buf = append(e.buf, "<array><data>"...)
		for _, x := range s {
			e.buf = append(e.buf, "<value>"...)
			e.desc(d.Content, x, depth+1)
			e.buf = append(e.buf, "</value>"...)
		}
		e.buf = append(e.buf, "</data></array>"...)
	default:
		e.scalar(d.Type, v, depth)
	}
}

// scalar writes v as the PARAM type t asks when v has a fitting Go type,
// else by its Go type.
func (e *encoder) scalar(t functions.ParamType, v any, depth int) {
	switch t {
	case functions.ParamInt:
		if n, ok := asInt(v); ok {
			e.int(n)
			return
		}
	case functions.ParamFloat:
		if f, ok := v.(float32); ok {
			e.double(float64(f), 32)
			return
		}
		if f, ok := asFloat(v); ok {
			e.double(f, 64)
			return
		}
	case functions.ParamBool:
		if b, ok := v.(bool); ok {
			e.bool(b)
			return
		}
	default:
		if s, ok := v.(string); ok {
			e.string(s)
			return
		}
	}
	e.any(v, depth)
}

// asInt returns v as an int64 when it is an integer of any Go type, an
// integral float or a json.Number holding an integer.
func asInt(v any) (int64, bool) {
	switch x := v.(type) {
	case int64:
		return x, true
	case int:
		return int64(x), true
	case int32:
		return int64(x), true
	case int16:
		return int64(x), true
	case int8:
		return int64(x), true
	case uint8:
		return int64(x), true
	case uint16:
		return int64(x), true
	case uint32:
		return int64(x), true
	case uint:
		return int64(x), x <= math.MaxInt64
	case uint64:
		return int64(x), x <= math.MaxInt64
	case float64:
		return int64(x), x == math.Trunc(x) && x >= -(1<<53) && x <= 1<<53
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	}
	return 0, false
}

// asFloat returns v as a finite float64 when it is a number of any Go type.
func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	}
	if n, ok := asInt(v); ok {
		return float64(n), true
	}
	return 0, false
}

// isNull reports a null member: nil, or a nil pointer.
func isNull(v any) bool {
	if v == nil {
		return true
	}
	switch v.(type) {
	case string, int64, float64, bool, map[string]any, []any:
		return false
	}
	return isNilPointer(v)
}
