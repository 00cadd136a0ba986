package functions

import (
	"wsgate"
	"wsgate/internal/php"
)

// CleanReturn cleans a function's result v against its return description d
// with the default options; see Validator.CleanReturn.
func CleanReturn(d *Description, v any) (any, error) {
	return defaultValidator.CleanReturn(d, v)
}

var responseMessage = wsgate.ErrInvalidResponse.Message

// CleanReturn is Moodle's clean_returnvalue: a nil d (void) gives nil. Single
// structures take map[string]any, other maps, structs or pointers to structs
// (fields by their json names, "-" skipped, omitempty ignored); multiple
// structures take slices or maps. Undeclared keys are dropped, absent
// optional keys stay absent, absent VALUE_DEFAULT scalars get their
// default, and leaves are coerced to the declared type with the same
// strictness as parameters (PARAM_RAW keeps numbers and booleans as they
// are). A struct field holding a nil pointer or interface counts as absent
// for an optional or defaulted key and as null for a required one. The
// output uses Validate's types; failures are wsgate.ErrInvalidResponse with
// Moodle's debuginfo.
//
// A value that already is what cleaning gives (map[string]any and []any
// trees of cleaned leaves, no undeclared key, no default to insert) is
// returned as it is, without a copy: only the parts that change are built
// anew, so the result may share the implementation's maps and slices, and
// neither side may write them afterwards. Key names within a structure are
// distinct (ParseYAML and the JSON form refuse duplicates).
//
// A *Kept is cleaned once and its first outcome returned from then on.
func (val *Validator) CleanReturn(d *Description, v any) (any, error) {
	if d == nil {
		return nil, nil
	}
	if k, ok := v.(*Kept); ok {
		out, _, err := k.clean(val, d)
		return out, err
	}
	out, _, f := val.ret(d, v)
	if f != nil {
		return nil, wsgate.ErrInvalidResponse.WithDebug(f.debug)
	}
	return out, nil
}

// ret is clean_returnvalue() for one node; same reports that out is x itself.
func (val *Validator) ret(d *Description, x any) (out any, same bool, f *failure) {
	if d == nil {
		return nil, false, fail("Invalid external api response description")
	}
	sc := php.Of(x)
	if sc.Kind == php.Null && d.AllowNull {
		return nil, x == nil, nil
	}
	switch d.Shape {
	case ValueShape:
		if sc.Kind >= php.Array {
			return nil, false, fail("Scalar type expected, array or object received.")
		}
		if d.Type == ParamBool {
			if b, ok := boolFast(sc); ok {
				if xb, isBool := x.(bool); isBool && xb == b {
					return x, true, nil
				}
				return b, false, nil
			}
		}
		out, ok := val.scalar(d, x, sc, true)
		if !ok {
			return nil, false, fail(`Invalid external api response: the value is "` + sc.String() + `" of PHP type "` +
				sc.Type() + `", the server was expecting "` + d.Type.String() + `" type`)
		}
		// out's type is a comparable scalar's, so == cannot panic; the
		// scalar cleaners hand back x itself when it passes unchanged.
		return out, out == x, nil
	case SingleShape:
		return val.retSingle(d, x)
	case MultipleShape:
		return val.retMultiple(d, x)
	}
	return nil, false, fail("Invalid external api response description")
}

// retMultiple cleans a list; a []any whose items all stay as they are is
// returned itself (a nil one is not: it becomes an empty list).
func (val *Validator) retMultiple(d *Description, x any) (any, bool, *failure) {
	items, isList := x.([]any)
	if !isList {
		v, ok := viewOf(x)
		if !ok || v.st != nil {
			return nil, false, fail("Only arrays accepted. The bad value is: '" + printR(x) + "'")
		}
		items = v.values()
	}
	var out []any // nil while every item so far is the input's own
	if !isList || items == nil {
		out = make([]any, len(items))
	}
	for i, it := range items {
		r, same, f := val.ret(d.Content, it)
		if f != nil {
			return nil, false, f
		}
		if out == nil && !same {
			out = make([]any, len(items))
			copy(out, items[:i])
		}
		if out != nil {
			out[i] = r
		}
	}
	if out == nil {
		return x, true, nil
	}
	return out, false, nil
}

// retSingle cleans a single structure: declared keys only, in order. A
// map[string]any with no undeclared key, no default to insert and only
// values that stay as they are is returned itself.
func (val *Validator) retSingle(d *Description, x any) (any, bool, *failure) {
	m, isMap := x.(map[string]any)
	var v view
	if !isMap {
		var ok bool
		if v, ok = viewOf(x); !ok {
			return nil, false, fail("Only arrays/objects accepted. The bad value is: '" + printR(x) + "'")
		}
	}
	var out map[string]any // nil while m itself is still the answer
	if !isMap || m == nil {
		out = make(map[string]any, len(d.Keys))
	}
	var kept keptValues // m's values so far, for the copy once one changes
	for i, k := range d.Keys {
		if k.Desc == nil {
			return nil, false, fail("Invalid external api response description").wrap(k.Name, responseMessage)
		}
		var xv any
		var found bool
		if isMap {
			xv, found = m[k.Name]
		} else {
			xv, found = v.get(k.Name)
			if found && v.st != nil && k.Desc.Presence != Required && nilField(xv) {
				found = false
			}
		}
		if !found {
			switch {
			case k.Desc.Presence == Required:
				return nil, false, fail("Error in response - Missing following required key in a single structure: " + k.Name)
			case k.Desc.Presence == Default && k.Desc.Shape == ValueShape:
				r, _, f := val.ret(k.Desc, k.Desc.DefaultVal)
				if f != nil {
					return nil, false, f.wrap(k.Name, responseMessage)
				}
				if out == nil {
					out = kept.copy(d.Keys[:i], m)
				}
				out[k.Name] = r
			}
			continue
		}
		r, same, f := val.ret(k.Desc, xv)
		if f != nil {
			return nil, false, f.wrap(k.Name, responseMessage)
		}
		if out == nil && !same {
			out = kept.copy(d.Keys[:i], m)
		}
		if out != nil {
			out[k.Name] = r
		} else {
			kept.add(i, xv)
		}
	}
	if out == nil {
		if kept.n == len(m) {
			return x, true, nil
		}
		out = kept.copy(d.Keys, m) // undeclared keys are dropped
	}
	return out, false, nil
}

// keptValues holds the values of a structure's first keys that cleaning
// left as they are, so that a copy begun later needs no second lookup.
type keptValues struct {
	n    int // values found
	mask uint16
	vals [16]any
}

func (kv *keptValues) add(i int, x any) {
	kv.n++
	if i < len(kv.vals) {
		kv.mask |= 1 << i
		kv.vals[i] = x
	}
}

// copy returns a new map of the kept values of keys (m's, past the first 16).
func (kv *keptValues) copy(keys []Key, m map[string]any) map[string]any {
	out := make(map[string]any, len(keys)+1)
	for i, k := range keys {
		if i < len(kv.vals) {
			if kv.mask&(1<<i) != 0 {
				out[k.Name] = kv.vals[i]
			}
		} else if xv, ok := m[k.Name]; ok {
			out[k.Name] = xv
		}
	}
	return out
}
