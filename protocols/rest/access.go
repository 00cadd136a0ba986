package rest

import "reflect"

// Reading cleaned return trees: keyed access to structures and list views,
// whatever Go types the tree holds.

// structure gives keyed access to a map[string]any, another string-keyed
// map, or a []any read as a PHP list (keys "0", "1", …).
type structure struct {
	m    map[string]any
	list []any
	rv   reflect.Value
	kind uint8 // 0 invalid, 1 m, 2 list, 3 rv
}

// structOf returns v as a structure; false for scalars and nil.
func structOf(v any) (structure, bool) {
	switch x := v.(type) {
	case nil:
		return structure{}, false
	case map[string]any:
		return structure{m: x, kind: 1}, true
	case []any:
		return structure{list: x, kind: 2}, true
	}
	rv := reflect.ValueOf(v)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return structure{}, false
		}
		rv = rv.Elem()
	}
	switch {
	case rv.Kind() == reflect.Map && rv.Type().Key().Kind() == reflect.String:
		return structure{rv: rv, kind: 3}, true
	case (rv.Kind() == reflect.Slice && rv.Type().Elem().Kind() != reflect.Uint8) || rv.Kind() == reflect.Array:
		return structure{list: reflectItems(rv), kind: 2}, true
	}
	return structure{}, false
}

func (s structure) valid() bool  { return s.kind != 0 }
func (s structure) isList() bool { return s.kind == 2 }

// get returns the value at key k and whether it is present.
func (s structure) get(k string) (any, bool) {
	switch s.kind {
	case 1:
		x, ok := s.m[k]
		return x, ok
	case 2:
		if i, ok := phpIntKey(k); ok && i >= 0 && i < int64(len(s.list)) {
			return s.list[i], true
		}
	case 3:
		x := s.rv.MapIndex(reflect.ValueOf(k).Convert(s.rv.Type().Key()))
		if x.IsValid() {
			return x.Interface(), true
		}
	}
	return nil, false
}

// keys returns a map's keys in PHP order (integers ascending, then the rest).
func (s structure) keys() []string {
	var ks []string
	switch s.kind {
	case 1:
		ks = make([]string, 0, len(s.m))
		for k := range s.m {
			ks = append(ks, k)
		}
	case 3:
		ks = make([]string, 0, s.rv.Len())
		for _, k := range s.rv.MapKeys() {
			ks = append(ks, k.String())
		}
	}
	sortPHPKeys(ks)
	return ks
}

// items is a list view of a slice or of an index-keyed map.
type items struct {
	list []any
	m    structure
	keys []string
}

func (it items) len() int {
	if it.keys != nil {
		return len(it.keys)
	}
	return len(it.list)
}

func (it items) at(i int) any {
	if it.keys != nil {
		x, _ := it.m.get(it.keys[i])
		return x
	}
	return it.list[i]
}

// listOf returns v as a list: slices as they are, maps in PHP key order.
func listOf(v any) (items, bool) {
	if l, ok := v.([]any); ok {
		return items{list: l}, true
	}
	s, ok := structOf(v)
	if !ok {
		return items{}, false
	}
	if s.kind == 2 {
		return items{list: s.list}, true
	}
	ks := s.keys()
	if ks == nil {
		ks = []string{}
	}
	return items{m: s, keys: ks}, true
}

// reflectItems copies a reflected slice or array into []any.
func reflectItems(rv reflect.Value) []any {
	out := make([]any, rv.Len())
	for i := range out {
		out[i] = rv.Index(i).Interface()
	}
	return out
}
