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
func (val *Validator) CleanReturn(d *Description, v any) (any, error) {
	if d == nil {
		return nil, nil
	}
	out, f := val.ret(d, v)
	if f != nil {
		return nil, wsgate.ErrInvalidResponse.WithDebug(f.debug)
	}
	return out, nil
}

// ret is clean_returnvalue() for one node.
func (val *Validator) ret(d *Description, x any) (any, *failure) {
	if d == nil {
		return nil, fail("Invalid external api response description")
	}
	sc := php.Of(x)
	if sc.Kind == php.Null && d.AllowNull {
		return nil, nil
	}
	switch d.Shape {
	case ValueShape:
		if sc.Kind >= php.Array {
			return nil, fail("Scalar type expected, array or object received.")
		}
		if d.Type == ParamBool {
			if b, ok := boolFast(sc); ok {
				return b, nil
			}
		}
		out, ok := val.scalar(d, x, sc, true)
		if !ok {
			return nil, fail(`Invalid external api response: the value is "` + sc.String() + `" of PHP type "` +
				sc.Type() + `", the server was expecting "` + d.Type.String() + `" type`)
		}
		return out, nil
	case SingleShape:
		return val.retSingle(d, x)
	case MultipleShape:
		var items []any
		if xs, ok := x.([]any); ok {
			items = xs
		} else {
			v, ok := viewOf(x)
			if !ok || v.st != nil {
				return nil, fail("Only arrays accepted. The bad value is: '" + printR(x) + "'")
			}
			items = v.values()
		}
		out := make([]any, len(items))
		for i, it := range items {
			r, f := val.ret(d.Content, it)
			if f != nil {
				return nil, f
			}
			out[i] = r
		}
		return out, nil
	}
	return nil, fail("Invalid external api response description")
}

// retSingle cleans a single structure: declared keys only, in order.
func (val *Validator) retSingle(d *Description, x any) (any, *failure) {
	m, isMap := x.(map[string]any)
	var v view
	if !isMap {
		var ok bool
		if v, ok = viewOf(x); !ok {
			return nil, fail("Only arrays/objects accepted. The bad value is: '" + printR(x) + "'")
		}
	}
	out := make(map[string]any, len(d.Keys))
	for _, k := range d.Keys {
		if k.Desc == nil {
			return nil, fail("Invalid external api response description").wrap(k.Name, responseMessage)
		}
		var xv any
		var present bool
		if isMap {
			xv, present = m[k.Name]
		} else {
			xv, present = v.get(k.Name)
			if present && v.st != nil && k.Desc.Presence != Required && nilField(xv) {
				present = false
			}
		}
		if !present {
			switch {
			case k.Desc.Presence == Required:
				return nil, fail("Error in response - Missing following required key in a single structure: " + k.Name)
			case k.Desc.Presence == Default && k.Desc.Shape == ValueShape:
				r, f := val.ret(k.Desc, k.Desc.DefaultVal)
				if f != nil {
					return nil, f.wrap(k.Name, responseMessage)
				}
				out[k.Name] = r
			}
			continue
		}
		r, f := val.ret(k.Desc, xv)
		if f != nil {
			return nil, f.wrap(k.Name, responseMessage)
		}
		out[k.Name] = r
	}
	return out, nil
}
