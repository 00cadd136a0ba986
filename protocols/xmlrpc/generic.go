package xmlrpc

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"wsgate/internal/xmltext"
)

// any writes v by its Go type: what the cleaned tree holds (map[string]any,
// []any, int64, float64, bool, string, nil) and, without panicking, any
// other plain Go value.
func (e *encoder) any(v any, depth int) {
	if depth > maxEncodeDepth {
		e.null()
		return
	}
	switch x := v.(type) {
	case nil:
		e.null()
	case string:
		e.string(x)
	case bool:
		e.bool(x)
	case float64:
		e.double(x, 64)
	case float32:
		e.double(float64(x), 32)
	case uint:
		e.uint(uint64(x))
	case uint64:
		e.uint(x)
	case json.Number:
		e.number(x)
	case []byte:
		e.buf = append(e.buf, "<base64>"...)
		e.buf = base64.StdEncoding.AppendEncode(e.buf, x)
		e.buf = append(e.buf, "</base64>"...)
	case time.Time:
		e.buf = append(e.buf, "<dateTime.iso8601>"...)
		e.buf = x.UTC().AppendFormat(e.buf, "20060102T15:04:05")
		e.buf = append(e.buf, "</dateTime.iso8601>"...)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		e.buf = append(e.buf, "<struct>"...)
		for _, k := range keys {
			if !isNull(x[k]) {
				e.openMember(k)
				e.any(x[k], depth+1)
				e.buf = append(e.buf, "</value></member>"...)
			}
		}
		e.buf = append(e.buf, "</struct>"...)
	case []any:
		e.buf = append(e.buf, "<array><data>"...)
		for _, item := range x {
			e.buf = append(e.buf, "<value>"...)
			e.any(item, depth+1)
			e.buf = append(e.buf, "</value>"...)
		}
		e.buf = append(e.buf, "</data></array>"...)
	default:
		if n, ok := asInt(v); ok {
			e.int(n)
			return
		}
		e.reflect(reflect.ValueOf(v), depth)
	}
}

// reflect writes values of other types by their kind: named scalars,
// pointers, maps with string keys (sorted), slices and arrays; anything
// else as its fmt.Sprint text.
func (e *encoder) reflect(rv reflect.Value, depth int) {
	if depth > maxEncodeDepth {
		e.null()
		return
	}
	switch rv.Kind() {
	case reflect.Invalid:
		e.null()
	case reflect.Pointer, reflect.Interface:
		if rv.IsNil() {
			e.null()
			return
		}
		e.reflect(rv.Elem(), depth+1)
	case reflect.Bool:
		e.bool(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.int(rv.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uint(rv.Uint())
	case reflect.Float32:
		e.double(rv.Float(), 32)
	case reflect.Float64:
		e.double(rv.Float(), 64)
	case reflect.String:
		e.string(rv.String())
	case reflect.Map:
		e.reflectMap(rv, depth)
	case reflect.Struct:
		e.reflectStruct(rv, depth)
	case reflect.Slice, reflect.Array:
		if rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() == reflect.Uint8 {
			e.any(rv.Bytes(), depth)
			return
		}
		e.buf = append(e.buf, "<array><data>"...)
		for i := range rv.Len() {
			e.buf = append(e.buf, "<value>"...)
			e.reflect(rv.Index(i), depth+1)
			e.buf = append(e.buf, "</value>"...)
		}
		e.buf = append(e.buf, "</data></array>"...)
	default: // complex numbers, channels, functions: their fmt text
		if rv.CanInterface() {
			e.string(fmt.Sprint(rv.Interface()))
			return
		}
		e.null()
	}
}

// reflectMap writes a map as a struct with its keys' text, sorted; nil
// members are left out.
func (e *encoder) reflectMap(rv reflect.Value, depth int) {
	type member struct {
		name  string
		value reflect.Value
	}
	members := make([]member, 0, rv.Len())
	for it := rv.MapRange(); it.Next(); {
		k, v := it.Key(), it.Value()
		if (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && v.IsNil() {
			continue
		}
		name := ""
		if k.Kind() == reflect.String {
			name = k.String()
		} else {
			name = fmt.Sprint(k.Interface())
		}
		members = append(members, member{name, v})
	}
	slices.SortFunc(members, func(a, b member) int { return strings.Compare(a.name, b.name) })
	e.buf = append(e.buf, "<struct>"...)
	for _, m := range members {
		e.openMember(m.name)
		e.reflect(m.value, depth+1)
		e.buf = append(e.buf, "</value></member>"...)
	}
	e.buf = append(e.buf, "</struct>"...)
}

// reflectStruct writes a Go struct as a struct of its exported fields,
// named by their json tag when they have one; time.Time as a dateTime.
func (e *encoder) reflectStruct(rv reflect.Value, depth int) {
	if !rv.CanInterface() {
		e.null()
		return
	}
	if t, ok := rv.Interface().(time.Time); ok {
		e.any(t, depth)
		return
	}
	e.buf = append(e.buf, "<struct>"...)
	for i := range rv.NumField() {
		f := rv.Type().Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		v := rv.Field(i)
		if (v.Kind() == reflect.Interface || v.Kind() == reflect.Pointer) && v.IsNil() {
			continue
		}
		e.openMember(name)
		e.reflect(v, depth+1)
		e.buf = append(e.buf, "</value></member>"...)
	}
	e.buf = append(e.buf, "</struct>"...)
}

// isNilPointer reports a nil pointer or interface held in v.
func isNilPointer(v any) bool {
	rv := reflect.ValueOf(v)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}

// null writes a null where XML-RPC needs a value: an empty string.
func (e *encoder) null() { e.buf = append(e.buf, "<string></string>"...) }

// int writes an integer: <int> in the i4 range, else a <double> with all
// its digits.
func (e *encoder) int(n int64) {
	if n >= math.MinInt32 && n <= math.MaxInt32 {
		e.buf = append(e.buf, "<int>"...)
		e.buf = strconv.AppendInt(e.buf, n, 10)
		e.buf = append(e.buf, "</int>"...)
		return
	}
	e.buf = append(e.buf, "<double>"...)
	e.buf = strconv.AppendInt(e.buf, n, 10)
	e.buf = append(e.buf, "</double>"...)
}

// uint writes an unsigned integer as int does.
func (e *encoder) uint(n uint64) {
	if n <= math.MaxInt64 {
		e.int(int64(n))
		return
	}
	e.buf = append(e.buf, "<double>"...)
	e.buf = strconv.AppendUint(e.buf, n, 10)
	e.buf = append(e.buf, "</double>"...)
}

// double writes a finite float in decimal notation (bits: 32 or 64, the
// precision the value came with); NaN and infinities as PHP's strings.
func (e *encoder) double(f float64, bits int) {
	switch {
	case math.IsNaN(f):
		e.string("NAN")
	case math.IsInf(f, 1):
		e.string("INF")
	case math.IsInf(f, -1):
		e.string("-INF")
	default:
		e.buf = append(e.buf, "<double>"...)
		e.buf = strconv.AppendFloat(e.buf, f, 'f', -1, bits)
		e.buf = append(e.buf, "</double>"...)
	}
}

// number writes a json.Number as an integer, a double or, when it is
// neither, a string.
func (e *encoder) number(n json.Number) {
	if i, err := n.Int64(); err == nil {
		e.int(i)
		return
	}
	if f, err := n.Float64(); err == nil {
		e.double(f, 64)
		return
	}
	e.string(string(n))
}

// bool writes <boolean> 1 or 0.
func (e *encoder) bool(b bool) {
	if b {
		e.buf = append(e.buf, "<boolean>1</boolean>"...)
	} else {
		e.buf = append(e.buf, "<boolean>0</boolean>"...)
	}
}

// string writes an escaped <string>.
func (e *encoder) string(s string) {
	e.buf = append(e.buf, "<string>"...)
	e.buf = xmltext.AppendText(e.buf, s)
	e.buf = append(e.buf, "</string>"...)
}

// openMember writes a member's name and opens its <value>.
func (e *encoder) openMember(name string) {
	e.buf = append(e.buf, "<member><name>"...)
	e.buf = xmltext.AppendText(e.buf, name)
	e.buf = append(e.buf, "</name><value>"...)
}
