package jsonschema

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// Object is a JSON object that keeps its members in the order they were
// set, so that schemas list properties in declaration order.
type Object struct {
	keys []string
	vals []any
}

// Set appends the member k; callers never set a name twice.
func (o *Object) Set(k string, v any) *Object {
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
	return o
}

// Len is the number of members of o.
func (o *Object) Len() int { return len(o.keys) }

// MarshalJSON writes o with AppendJSON, members in order.
func (o *Object) MarshalJSON() ([]byte, error) { return AppendJSON(nil, o) }

// maxJSONDepth bounds the writer's recursion; the generators stop well
// before it.
const maxJSONDepth = 1000

// AppendJSON appends v as compact JSON: *Object in order, map[string]any with
// sorted keys, strings without HTML escaping and with invalid UTF-8 replaced
// by U+FFFD. Non-finite numbers and unknown Go types are errors.
func AppendJSON(b []byte, v any) ([]byte, error) { return appendJSON(b, v, 0) }

func appendJSON(b []byte, v any, depth int) ([]byte, error) {
	if depth > maxJSONDepth {
		return nil, fmt.Errorf("jsonschema: JSON nested too deeply")
	}
	var err error
	switch x := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case *Object:
		b = append(b, '{')
		for i, k := range x.keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			if b, err = appendJSON(b, x.vals[i], depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		b = append(b, '{')
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, k)
			b = append(b, ':')
			if b, err = appendJSON(b, x[k], depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, '}'), nil
	case []any:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			if b, err = appendJSON(b, e, depth+1); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case []string:
		b = append(b, '[')
		for i, e := range x {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, e)
		}
		return append(b, ']'), nil
	case string:
		return appendJSONString(b, x), nil
	case bool:
		return strconv.AppendBool(b, x), nil
	case int:
		return strconv.AppendInt(b, int64(x), 10), nil
	case int64:
		return strconv.AppendInt(b, x, 10), nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("jsonschema: %v has no JSON form", x)
		}
		out, _ := json.Marshal(x) // finite floats always marshal
		return append(b, out...), nil
	case json.Number:
		if !json.Valid([]byte(x)) {
			return nil, fmt.Errorf("jsonschema: invalid number %q", string(x))
		}
		return append(b, x...), nil
	}
	return nil, fmt.Errorf("jsonschema: cannot write %T as JSON", v)
}

// appendJSONString appends s as a JSON string: quotes, backslashes and
// control characters escaped, invalid UTF-8 as U+FFFD, U+2028 and U+2029
// escaped for JavaScript.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xf])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
