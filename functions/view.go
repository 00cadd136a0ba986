package functions

import (
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"

	"wsgate/functions/paramclean"
)

// view gives keyed access to a PHP array or object held in any Go shape:
// map[string]any and []any without reflection, other maps and slices, and
// structs (exported fields by their json names, "-" skipped, omitempty
// ignored, untagged embedded structs flattened as encoding/json does).
type view struct {
	m  map[string]any
	l  []any
	rv reflect.Value // other maps, slices and arrays, and structs
	st *structInfo   // set for structs
}

// viewOf returns the view of x; ok is false when x is not a map, slice,
// array or struct (or a pointer to one).
func viewOf(x any) (view, bool) {
	switch v := x.(type) {
	case map[string]any:
		return view{m: v}, true
	case []any:
		return view{l: v}, true
	}
	rv := reflect.ValueOf(x)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return view{}, false
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Struct:
		return view{rv: rv, st: structOf(rv.Type())}, true
	case reflect.Map, reflect.Slice, reflect.Array:
		return view{rv: rv}, true
	}
	return view{}, false
}

// get returns the member named key, as PHP's array_key_exists finds it.
func (v *view) get(key string) (x any, ok bool) {
	switch {
	case v.m != nil:
		x, ok = v.m[key]
		return x, ok
	case v.l != nil:
		if i, ok := paramclean.CanonicalInt(key); ok && i >= 0 && i < int64(len(v.l)) {
			return v.l[i], true
		}
		return nil, false
	case v.st != nil:
		return v.st.get(v.rv, key)
	case !v.rv.IsValid():
		return nil, false
	case v.rv.Kind() == reflect.Map:
		k, ok := mapKey(v.rv.Type().Key(), key)
		if !ok {
			return nil, false
		}
		e := v.rv.MapIndex(k)
		if !e.IsValid() {
			return nil, false
		}
		return e.Interface(), true
	}
	if i, ok := paramclean.CanonicalInt(key); ok && i >= 0 && i < int64(v.rv.Len()) {
		return v.rv.Index(int(i)).Interface(), true
	}
	return nil, false
}

// len returns the number of members.
func (v *view) len() int {
	switch {
	case v.m != nil:
		return len(v.m)
	case v.l != nil:
		return len(v.l)
	case v.st != nil:
		return len(v.st.fields)
	case !v.rv.IsValid():
		return 0
	}
	return v.rv.Len()
}

// keys returns the member names in PHP order: lists by index, maps with
// integer keys ascending then the other keys sorted (Go maps keep no
// insertion order), structs in field order.
func (v *view) keys() []string {
	switch {
	case v.m != nil:
		ks := make([]string, 0, len(v.m))
		for k := range v.m {
			ks = append(ks, k)
		}
		sortPHPKeys(ks)
		return ks
	case v.st != nil:
		ks := make([]string, len(v.st.fields))
		for i := range v.st.fields {
			ks[i] = v.st.fields[i].name
		}
		return ks
	case v.rv.IsValid() && v.rv.Kind() == reflect.Map:
		ks := make([]string, 0, v.rv.Len())
		for _, k := range v.rv.MapKeys() {
			ks = append(ks, mapKeyString(k))
		}
		sortPHPKeys(ks)
		return ks
	}
	ks := make([]string, v.len())
	for i := range ks {
		ks[i] = strconv.Itoa(i)
	}
	return ks
}

// values returns the members in PHP order (see keys).
func (v *view) values() []any {
	switch {
	case v.l != nil:
		return v.l
	case v.m != nil:
		return mapValues(v.m)
	case v.rv.IsValid() && (v.rv.Kind() == reflect.Slice || v.rv.Kind() == reflect.Array):
		out := make([]any, v.rv.Len())
		for i := range out {
			out[i] = v.rv.Index(i).Interface()
		}
		return out
	}
	ks := v.keys()
	out := make([]any, len(ks))
	for i, k := range ks {
		out[i], _ = v.get(k)
	}
	return out
}

// mapValues returns the values of m in PHP order; the common form-encoded
// list, keys "0".."n-1", is placed without sorting.
func mapValues(m map[string]any) []any {
	out := make([]any, len(m))
	direct := true
	for k, x := range m {
		i, ok := paramclean.CanonicalInt(k)
		if !ok || i < 0 || i >= int64(len(m)) {
			direct = false
			break
		}
		out[i] = x
	}
	if direct {
		return out
	}
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sortPHPKeys(ks)
	for i, k := range ks {
		out[i] = m[k]
	}
	return out
}

// sortPHPKeys orders keys as integer keys ascending, then the others sorted.
func sortPHPKeys(ks []string) {
	type pk struct {
		s     string
		i     int64
		isInt bool
	}
	ps := make([]pk, len(ks))
	for j, k := range ks {
		i, ok := paramclean.CanonicalInt(k)
		ps[j] = pk{k, i, ok}
	}
	slices.SortFunc(ps, func(a, b pk) int {
		switch {
		case a.isInt && b.isInt:
			return cmpInt(a.i, b.i)
		case a.isInt:
			return -1
		case b.isInt:
			return 1
		}
		return strings.Compare(a.s, b.s)
	})
	for j := range ps {
		ks[j] = ps[j].s
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func mapKey(t reflect.Type, key string) (reflect.Value, bool) {
	switch t.Kind() {
	case reflect.String:
		return reflect.ValueOf(key).Convert(t), true
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		i, ok := paramclean.CanonicalInt(key)
		if !ok {
			return reflect.Value{}, false
		}
		k := reflect.New(t).Elem()
		k.SetInt(i)
		return k, k.Int() == i
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		i, ok := paramclean.CanonicalInt(key)
		if !ok || i < 0 {
			return reflect.Value{}, false
		}
		k := reflect.New(t).Elem()
		k.SetUint(uint64(i))
		return k, k.Uint() == uint64(i)
	}
	return reflect.Value{}, false
}

func mapKeyString(k reflect.Value) string {
	switch k.Kind() {
	case reflect.String:
		return k.String()
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(k.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(k.Uint(), 10)
	}
	return fmt.Sprint(k.Interface())
}

// structInfo lists the members of a struct type as encoding/json names them.
type structInfo struct {
	fields []structField
	byName map[string]int
}

type structField struct {
	name  string
	index []int
}

var structCache sync.Map // reflect.Type -> *structInfo

func structOf(t reflect.Type) *structInfo {
	if si, ok := structCache.Load(t); ok {
		return si.(*structInfo)
	}
	si := &structInfo{byName: map[string]int{}}
	collectFields(t, nil, si, 0)
	actual, _ := structCache.LoadOrStore(t, si)
	return actual.(*structInfo)
}

// collectFields walks exported fields, flattening untagged embedded structs
// the way encoding/json does (outer names win).
func collectFields(t reflect.Type, index []int, si *structInfo, depth int) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		idx := append(append([]int(nil), index...), i)
		ft := f.Type
		if ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.Anonymous && name == "" && ft.Kind() == reflect.Struct {
			if depth < 8 {
				collectFields(ft, idx, si, depth+1)
			}
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		if _, dup := si.byName[name]; dup {
			continue
		}
		si.byName[name] = len(si.fields)
		si.fields = append(si.fields, structField{name: name, index: idx})
	}
}

// get returns the field named key; a field behind a nil embedded pointer is
// absent.
func (si *structInfo) get(rv reflect.Value, key string) (any, bool) {
	i, ok := si.byName[key]
	if !ok {
		return nil, false
	}
	fv, err := rv.FieldByIndexErr(si.fields[i].index)
	if err != nil {
		return nil, false
	}
	return fv.Interface(), true
}

// nilField reports whether x came from a struct field holding a nil pointer
// or interface: Go's way to say "not set".
func nilField(x any) bool {
	if x == nil {
		return true
	}
	rv := reflect.ValueOf(x)
	return rv.Kind() == reflect.Pointer && rv.IsNil()
}
