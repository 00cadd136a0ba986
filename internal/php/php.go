// Package php is PHP's view of Go values: the scalar type PHP would see in a
// value, and PHP's (string) cast of a float. The functions package validates
// and cleans with it; the protocol encoders render with it.
package php

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
)

// Kind is the PHP type of a value.
type Kind uint8

// The PHP types a Go value can have.
const (
	Null   Kind = iota
	Bool        // a PHP bool
	Int         // a PHP int
	Float       // a PHP float
	String      // a PHP string
	Array       // a PHP array: Go map, slice or array
	Object      // a PHP object: Go struct, or a Go value PHP has no counterpart for
)

// Value is a classified value; for Array and Object only Kind is set.
type Value struct {
	Kind  Kind
	Bool  bool
	Int   int64
	Float float64
	Str   string
}

var jsonNumberType = reflect.TypeFor[json.Number]()

// Of classifies x; the types decoders and CleanReturn produce are matched
// without reflection.
func Of(x any) Value {
	switch v := x.(type) {
	case nil:
		return Value{Kind: Null}
	case string:
		return Value{Kind: String, Str: v}
	case map[string]any, []any:
		return Value{Kind: Array}
	case bool:
		return Value{Kind: Bool, Bool: v}
	case int64:
		return Value{Kind: Int, Int: v}
	case int:
		return Value{Kind: Int, Int: int64(v)}
	case float64:
		return Value{Kind: Float, Float: v}
	case json.Number:
		return Number(string(v))
	case []byte:
		return Value{Kind: String, Str: string(v)}
	}
	return OfValue(reflect.ValueOf(x))
}

// OfValue classifies a reflected value: pointers and interfaces are followed,
// nil ones are null; byte slices are strings, float32s are widened by
// Float32, unsigned integers beyond int64 overflow into floats as in PHP.
func OfValue(rv reflect.Value) Value {
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return Value{Kind: Null}
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Invalid:
		return Value{Kind: Null}
	case reflect.Bool:
		return Value{Kind: Bool, Bool: rv.Bool()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Value{Kind: Int, Int: rv.Int()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return Value{Kind: Int, Int: int64(u)}
		}
		return Value{Kind: Float, Float: float64(rv.Uint())} // PHP integers overflow into floats
	case reflect.Float32:
		return Value{Kind: Float, Float: Float32(float32(rv.Float()))}
	case reflect.Float64:
		return Value{Kind: Float, Float: rv.Float()}
	case reflect.String:
		if rv.Type() == jsonNumberType {
			return Number(rv.String())
		}
		return Value{Kind: String, Str: rv.String()}
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return Value{Kind: String, Str: string(rv.Bytes())}
		}
		return Value{Kind: Array}
	case reflect.Map, reflect.Array:
		return Value{Kind: Array}
	}
	return Value{Kind: Object}
}

// Float32 widens f through its shortest decimal form, so float32(0.1) reads
// 0.1 as a PHP float would, not 0.10000000149011612.
func Float32(f float32) float64 {
	d, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return float64(f)
	}
	return d
}

// Number reads a JSON number token as PHP's json_decode does: an int when it
// has no fraction or exponent and fits, else a float (±Inf out of range);
// text that is no JSON number stays a string.
func Number(s string) Value {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return Value{Kind: Int, Int: i}
	}
	if !isJSONNumber(s) {
		return Value{Kind: String, Str: s}
	}
	f, _ := strconv.ParseFloat(s, 64) // out of range: ±Inf or 0, as PHP
	return Value{Kind: Float, Float: f}
}

// isJSONNumber reports whether s is exactly one JSON number token.
func isJSONNumber(s string) bool {
	if s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return false
	}
	if c := s[len(s)-1]; c < '0' || c > '9' {
		return false // trailing blanks json.Valid would allow
	}
	return json.Valid([]byte(s))
}

// String is PHP's (string) of the value; arrays and objects give "".
func (v Value) String() string {
	switch v.Kind {
	case String:
		return v.Str
	case Bool:
		if v.Bool {
			return "1"
		}
		return ""
	case Int:
		return strconv.FormatInt(v.Int, 10)
	case Float:
		return FloatString(v.Float)
	}
	return ""
}

// Type is PHP's gettype() name of the value.
func (v Value) Type() string {
	switch v.Kind {
	case Null:
		return "NULL"
	case Bool:
		return "boolean"
	case Int:
		return "integer"
	case Float:
		return "double"
	case String:
		return "string"
	case Array:
		return "array"
	}
	return "object"
}

// Typed returns a scalar as int64, float64, bool or string, and nil for
// null, arrays and objects.
func (v Value) Typed() any {
	switch v.Kind {
	case Bool:
		return v.Bool
	case Int:
		return v.Int
	case Float:
		return v.Float
	case String:
		return v.Str
	}
	return nil
}

// FloatString returns PHP's (string) of a float with precision = 14: "1" for
// 1.0, "0.1" for 0.1, "1.0E+25", "INF", "-INF", "NAN".
func FloatString(f float64) string {
	var buf [32]byte
	return string(AppendFloatString(buf[:0], f))
}

// AppendFloatString appends FloatString(f) to buf.
func AppendFloatString(buf []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(buf, "INF"...)
	case math.IsInf(f, -1):
		return append(buf, "-INF"...)
	case math.IsNaN(f):
		return append(buf, "NAN"...)
	case f == 0:
		if math.Signbit(f) {
			return append(buf, '-', '0')
		}
		return append(buf, '0')
	}
	return AppendFloat(buf, f, 13, 14, 'E')
}

// AppendFloat formats a finite non-zero f as php_gcvt does, with prec+1
// significant digits (prec -1: the shortest that reads back), trailing zeros
// dropped, and the exponent form, marked by e, when the decimal point would
// sit more than 3 places left of the digits or beyond ndigit.
func AppendFloat(buf []byte, f float64, prec, ndigit int, e byte) []byte {
	var tmp [40]byte
	s := strconv.AppendFloat(tmp[:0], f, 'e', prec, 64) // [-]d[.ddd]e±dd
	if s[0] == '-' {
		buf = append(buf, '-')
		s = s[1:]
	}
	epos := slices.Index(s, 'e')
	exp, _ := strconv.Atoi(string(s[epos+1:]))
	var dbuf [24]byte
	digits := append(dbuf[:0], s[0])
	if epos > 1 {
		digits = append(digits, s[2:epos]...)
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	decpt := exp + 1 // value = 0.digits × 10^decpt
	switch {
	case decpt < -3 || decpt > ndigit:
		buf = append(buf, digits[0], '.')
		if len(digits) == 1 {
			buf = append(buf, '0')
		} else {
			buf = append(buf, digits[1:]...)
		}
		buf = append(buf, e)
		if exp < 0 {
			buf = append(buf, '-')
			exp = -exp
		} else {
			buf = append(buf, '+')
		}
		return strconv.AppendInt(buf, int64(exp), 10)
	case decpt <= 0:
		buf = append(buf, '0', '.')
		for ; decpt < 0; decpt++ {
			buf = append(buf, '0')
		}
		return append(buf, digits...)
	}
	for i := 0; i < decpt; i++ {
		if i < len(digits) {
			buf = append(buf, digits[i])
		} else {
			buf = append(buf, '0')
		}
	}
	if decpt < len(digits) {
		buf = append(buf, '.')
		buf = append(buf, digits[decpt:]...)
	}
	return buf
}
