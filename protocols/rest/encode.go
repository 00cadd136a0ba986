package rest

import (
	"strconv"

	"wsgate/functions"
	"wsgate/internal/php"
)

// maxEncodeDepth bounds the encoders' recursion (PHP's json_encode default
// depth is 512); deeper values are written as null.
const maxEncodeDepth = 512

// xmlHeader opens every XML document Moodle's REST server writes.
const xmlHeader = `<?xml version="1.0" encoding="UTF-8" ?>` + "\n"

// EncodeJSON returns a cleaned return value v as Moodle's REST server writes
// it with moodlewsrestformat=json: json_encode() with PHP's default flags.
// Single structures are walked in declaration order and keep only the keys
// present in v (absent keys are omitted, present nil keys are null); one
// with no key present is "[]". A nil description (a void function) gives
// "null" whatever v is. Values that do not match the description are encoded
// by their Go type.
func EncodeJSON(d *functions.Description, v any) []byte {
	if d == nil {
		return []byte("null")
	}
	return AppendJSON(make([]byte, 0, sizeHint(v)), d, v)
}

// EncodeXML returns a cleaned return value v as Moodle's REST server writes
// it by default (xmlize_result): every declared key appears, in declaration
// order, with <VALUE null="null"/>, an empty MULTIPLE or a SINGLE of nulls
// for what is absent; booleans are 1 and 0; floats use PHP's string
// conversion. A nil description (a void function) gives an empty RESPONSE.
func EncodeXML(d *functions.Description, v any) []byte {
	return AppendXML(make([]byte, 0, 2*sizeHint(v)), d, v)
}

// AppendJSON appends EncodeJSON(d, v) to buf.
func AppendJSON(buf []byte, d *functions.Description, v any) []byte {
	if d == nil {
		return append(buf, "null"...)
	}
	return appendJSONDesc(buf, d, v, 0)
}

// AppendXML appends EncodeXML(d, v) to buf.
func AppendXML(buf []byte, d *functions.Description, v any) []byte {
	buf = append(buf, xmlHeader...)
	buf = append(buf, "<RESPONSE>\n"...)
	buf = appendXMLDesc(buf, d, v, 0)
	return append(buf, "</RESPONSE>\n"...)
}

// sizeHint guesses the JSON size of v from its top level, to allocate the
// output once in most cases.
func sizeHint(v any) int {
	switch x := v.(type) {
	case []any:
		return 64 + 256*len(x)
	case map[string]any:
		return 64 + 64*len(x)
	}
	return 64
}

// appendJSONDesc appends v encoded as the description d says.
func appendJSONDesc(buf []byte, d *functions.Description, v any, depth int) []byte {
	switch {
	case depth > maxEncodeDepth:
		return append(buf, "null"...)
	case d == nil:
		return appendJSONAny(buf, v, depth)
	case d.Shape == functions.SingleShape:
		return appendJSONSingle(buf, d, v, depth)
	case d.Shape == functions.MultipleShape:
		return appendJSONMultiple(buf, d, v, depth)
	}
	return appendJSONAny(buf, v, depth)
}

// appendJSONSingle walks the declared keys. An object with no key present
// is "[]"; when the keys present are "0", "1", … in order PHP sees a list
// and writes an array (only possible when the first key is named "0").
func appendJSONSingle(buf []byte, d *functions.Description, v any, depth int) []byte {
	s, ok := structOf(v)
	if !ok {
		return appendJSONAny(buf, v, depth)
	}
	if len(d.Keys) > 0 && d.Keys[0].Name == "0" && presentAsList(d, s) {
		buf = append(buf, '[')
		for _, k := range d.Keys {
			if x, ok := s.get(k.Name); ok {
				if buf[len(buf)-1] != '[' {
					buf = append(buf, ',')
				}
				buf = appendJSONDesc(buf, k.Desc, x, depth+1)
			}
		}
		return append(buf, ']')
	}
	open := len(buf)
	buf = append(buf, '{')
	for _, k := range d.Keys {
		x, ok := s.get(k.Name)
		if !ok {
			continue
		}
		if len(buf) > open+1 {
			buf = append(buf, ',')
		}
		buf = appendJSONString(buf, k.Name)
		buf = append(buf, ':')
		buf = appendJSONDesc(buf, k.Desc, x, depth+1)
	}
	if len(buf) == open+1 {
		buf[open] = '['
		return append(buf, ']')
	}
	return append(buf, '}')
}

// presentAsList reports whether the keys of d present in s are "0", "1", …
// in order, and there is at least one.
func presentAsList(d *functions.Description, s structure) bool {
	n := 0
	for _, k := range d.Keys {
		if _, ok := s.get(k.Name); ok {
			if k.Name != strconv.Itoa(n) {
				return false
			}
			n++
		}
	}
	return n > 0
}

// appendJSONMultiple writes the items as an array: CleanReturn re-indexes
// lists, so an index-keyed map is written in index order.
func appendJSONMultiple(buf []byte, d *functions.Description, v any, depth int) []byte {
	items, ok := listOf(v)
	if !ok {
		return appendJSONAny(buf, v, depth)
	}
	buf = append(buf, '[')
	for i := range items.len() {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = appendJSONDesc(buf, d.Content, items.at(i), depth+1)
	}
	return append(buf, ']')
}

// appendJSONAny encodes v by its Go type, as json_encode would encode the
// PHP value: maps in PHP key order, as an array when their keys are 0…n-1.
func appendJSONAny(buf []byte, v any, depth int) []byte {
	if depth > maxEncodeDepth {
		return append(buf, "null"...)
	}
	l := php.Of(v)
	switch l.Kind {
	case php.Null:
		return append(buf, "null"...)
	case php.Bool:
		if l.Bool {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case php.Int:
		return strconv.AppendInt(buf, l.Int, 10)
	case php.Float:
		return appendJSONFloat(buf, l.Float)
	case php.String:
		return appendJSONString(buf, l.Str)
	}
	if s, ok := structOf(v); ok && !s.isList() {
		keys := s.keys()
		list := true
		for i, k := range keys {
			if k != strconv.Itoa(i) {
				list = false
				break
			}
		}
		open, close := byte('{'), byte('}')
		if len(keys) == 0 || list {
			open, close = '[', ']'
		}
		buf = append(buf, open)
		for i, k := range keys {
			if i > 0 {
				buf = append(buf, ',')
			}
			if !list {
				buf = appendJSONString(buf, k)
				buf = append(buf, ':')
			}
			x, _ := s.get(k)
			buf = appendJSONAny(buf, x, depth+1)
		}
		return append(buf, close)
	}
	if items, ok := listOf(v); ok {
		buf = append(buf, '[')
		for i := range items.len() {
			if i > 0 {
				buf = append(buf, ',')
			}
			buf = appendJSONAny(buf, items.at(i), depth+1)
		}
		return append(buf, ']')
	}
	return append(buf, "null"...) // a Go value PHP has no counterpart for
}

// appendXMLDesc appends v as xmlize_result($v, $d) writes it.
func appendXMLDesc(buf []byte, d *functions.Description, v any, depth int) []byte {
	if d == nil || depth > maxEncodeDepth {
		return buf
	}
	switch d.Shape {
	case functions.SingleShape:
		buf = append(buf, "<SINGLE>\n"...)
		s, _ := structOf(v)
		for _, k := range d.Keys {
			var x any
			if s.valid() {
				x, _ = s.get(k.Name) // isset(): absent and null are the same
			}
			buf = append(buf, `<KEY name="`...)
			buf = appendHTMLSpecialChars(buf, k.Name) // a no-op for key names
			buf = append(buf, `">`...)
			buf = appendXMLDesc(buf, k.Desc, x, depth+1)
			buf = append(buf, "</KEY>\n"...)
		}
		return append(buf, "</SINGLE>\n"...)
	case functions.MultipleShape:
		buf = append(buf, "<MULTIPLE>\n"...)
		if items, ok := listOf(v); ok {
			for i := range items.len() {
				buf = appendXMLDesc(buf, d.Content, items.at(i), depth+1)
			}
		}
		return append(buf, "</MULTIPLE>\n"...)
	}
	return appendXMLValue(buf, v)
}

// appendXMLValue writes a scalar: PHP's string of it, escaped by
// htmlspecialchars.
func appendXMLValue(buf []byte, v any) []byte {
	l := php.Of(v)
	switch l.Kind {
	case php.Bool:
		if l.Bool {
			return append(buf, "<VALUE>1</VALUE>\n"...)
		}
		return append(buf, "<VALUE>0</VALUE>\n"...)
	case php.Null, php.Array, php.Object:
		// PHP 8 would throw a TypeError on a container; CleanReturn never
		// leaves one where a scalar is declared.
		return append(buf, "<VALUE null=\"null\"/>\n"...)
	}
	buf = append(buf, "<VALUE>"...)
	switch l.Kind {
	case php.Int:
		buf = strconv.AppendInt(buf, l.Int, 10)
	case php.Float:
		buf = php.AppendFloatString(buf, l.Float)
	case php.String:
		buf = appendHTMLSpecialChars(buf, l.Str)
	}
	return append(buf, "</VALUE>\n"...)
}
