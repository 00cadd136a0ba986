package functions

import (
	"encoding/json"
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
)

// kind is what PHP would see in a value of an input or output tree.
type kind uint8

const (
	kNull kind = iota
	kBool
	kInt
	kFloat
	kString
	kArray  // a PHP array: Go map, slice or array
	kObject // a PHP object: Go struct, or a Go value PHP has no counterpart for
)

// scalar is a classified leaf; for kArray and kObject only k is set.
type scalar struct {
	k kind
	b bool
	i int64
	f float64
	s string
}

// scalarOf classifies x, without reflection for the types decoders produce.
func scalarOf(x any) scalar {
	switch v := x.(type) {
	case nil:
		return scalar{k: kNull}
	case string:
		return scalar{k: kString, s: v}
	case map[string]any, []any:
		return scalar{k: kArray}
	case bool:
		return scalar{k: kBool, b: v}
	case int64:
		return scalar{k: kInt, i: v}
	case int:
		return scalar{k: kInt, i: int64(v)}
	case float64:
		return scalar{k: kFloat, f: v}
	case json.Number:
		return jsonNumber(string(v))
	}
	return scalarOfValue(reflect.ValueOf(x))
}

// scalarOfValue classifies a reflected value: pointers and interfaces are
// followed, nil ones are null.
func scalarOfValue(rv reflect.Value) scalar {
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return scalar{k: kNull}
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Invalid:
		return scalar{k: kNull}
	case reflect.Bool:
		return scalar{k: kBool, b: rv.Bool()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar{k: kInt, i: rv.Int()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return scalar{k: kInt, i: int64(u)}
		}
		return scalar{k: kFloat, f: float64(rv.Uint())} // PHP turns overflowing ints into floats
	case reflect.Float32, reflect.Float64:
		return scalar{k: kFloat, f: rv.Float()}
	case reflect.String:
		if rv.Type() == jsonNumberType {
			return jsonNumber(rv.String())
		}
		return scalar{k: kString, s: rv.String()}
	case reflect.Map, reflect.Slice, reflect.Array:
		return scalar{k: kArray}
	}
	return scalar{k: kObject}
}

var jsonNumberType = reflect.TypeFor[json.Number]()

// jsonNumber converts a JSON number token as PHP's json_decode does: an int
// when it has no fraction or exponent and fits, a float otherwise.
func jsonNumber(s string) scalar {
	if !strings.ContainsAny(s, ".eE") {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return scalar{k: kInt, i: i}
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if errors.Is(err, strconv.ErrSyntax) {
		return scalar{k: kString, s: s} // not a number token at all
	}
	return scalar{k: kFloat, f: f}
}

// str is PHP's (string) of the scalar; arrays and objects give "".
func (s scalar) str() string {
	switch s.k {
	case kString:
		return s.s
	case kBool:
		if s.b {
			return "1"
		}
		return ""
	case kInt:
		return strconv.FormatInt(s.i, 10)
	case kFloat:
		return phpFloatString(s.f)
	}
	return ""
}

// phpType is PHP's gettype() name of the scalar.
func (s scalar) phpType() string {
	switch s.k {
	case kNull:
		return "NULL"
	case kBool:
		return "boolean"
	case kInt:
		return "integer"
	case kFloat:
		return "double"
	case kString:
		return "string"
	case kArray:
		return "array"
	}
	return "object"
}

// typed returns the scalar as the tree's leaf type: int64, float64, bool,
// string or nil.
func (s scalar) typed() any {
	switch s.k {
	case kBool:
		return s.b
	case kInt:
		return s.i
	case kFloat:
		return s.f
	case kString:
		return s.s
	}
	return nil
}

// printR approximates PHP's print_r() for the "bad value" of a debuginfo.
func printR(x any) string {
	var b strings.Builder
	printRInto(&b, x, "")
	return b.String()
}

func printRInto(b *strings.Builder, x any, indent string) {
	sc := scalarOf(x)
	if sc.k != kArray && sc.k != kObject {
		b.WriteString(sc.str())
		return
	}
	v, ok := viewOf(x)
	if !ok || len(indent) > 64 {
		b.WriteString("Array\n")
		return
	}
	if v.st != nil {
		b.WriteString("stdClass Object\n")
	} else {
		b.WriteString("Array\n")
	}
	b.WriteString(indent + "(\n")
	keys := v.keys()
	for _, k := range keys {
		e, _ := v.get(k)
		b.WriteString(indent + "    [" + k + "] => ")
		printRInto(b, e, indent+"        ")
		b.WriteString("\n")
	}
	b.WriteString(indent + ")\n")
}
