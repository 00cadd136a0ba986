package functions

import (
	"strings"

	"wsgate"
	"wsgate/internal/php"
)

// Validator checks trees against descriptions with Moodle's rules
// (validate_parameters, clean_returnvalue). The zero value is ready to use.
type Validator struct {
	// KnownCapability reports whether a capability exists, for
	// PARAM_CAPABILITY. Nil accepts any syntactically valid name such as
	// moodle/user:create.
	KnownCapability func(name string) bool
}

var defaultValidator = &Validator{}

// Validate checks the parameters v against d with the default options; see
// Validator.Validate.
func Validate(d *Description, v any) (any, error) {
	return defaultValidator.Validate(d, v)
}

// failure is a validation error on its way up: debug is Moodle's debuginfo
// built so far (only ever built on the error path).
type failure struct{ debug string }

func fail(debug string) *failure { return &failure{debug} }

// wrap prefixes the path segment Moodle adds at each single structure.
func (f *failure) wrap(key, message string) *failure {
	f.debug = key + " => " + message + ": " + f.debug
	return f
}

var emptyParams = Description{Shape: SingleShape}

// Validate checks v, a tree decoded from any protocol, against the
// description d with Moodle's validate_parameters rules and returns the
// cleaned tree: map[string]any for single structures, []any (re-indexed) for
// multiple ones, leaves int64 (INT, PERMISSION), float64 (FLOAT), bool
// (BOOL), string (every other type) or nil.
//
// Input: map[string]any for structures, []any or a map keyed by indices for
// lists, leaves string, bool, int, int64, float64, json.Number or nil (other
// maps and slices work too). A nil d means "no parameters"; a nil v for a
// single structure that allows no null is taken as no parameters.
// Failures are wsgate.ErrInvalidParameter with Moodle's debuginfo.
func (val *Validator) Validate(d *Description, v any) (any, error) {
	if d == nil {
		d = &emptyParams
	}
	if v == nil && d.Shape == SingleShape && !d.AllowNull {
		v = map[string]any{}
	}
	out, f := val.param(d, v)
	if f != nil {
		return nil, wsgate.ErrInvalidParameter.WithDebug(f.debug)
	}
	return out, nil
}

var paramMessage = wsgate.ErrInvalidParameter.Message

// param is validate_parameters() for one node.
func (val *Validator) param(d *Description, x any) (any, *failure) {
	if d == nil {
		return nil, fail("Invalid external api description")
	}
	if x == nil && d.AllowNull {
		return nil, nil
	}
	switch d.Shape {
	case ValueShape:
		sc := php.Of(x)
		if sc.Kind >= php.Array {
			return nil, fail("Scalar type expected, array or object received.")
		}
		if d.Type == ParamBool {
			if b, ok := boolFast(sc); ok {
				return b, nil
			}
		}
		out, ok := val.scalar(d, x, sc, false)
		if !ok {
			return nil, fail(`Invalid external api parameter: the value is "` + sc.String() +
				`", the server was expecting "` + d.Type.String() + `" type`)
		}
		return out, nil
	case SingleShape:
		return val.paramSingle(d, x)
	case MultipleShape:
		var items []any
		switch xs := x.(type) {
		case []any:
			items = xs
		case map[string]any:
			items = mapValues(xs)
		default:
			v, ok := viewOf(x)
			if !ok || v.st != nil {
				return nil, fail("Only arrays accepted. The bad value is: '" + printR(x) + "'")
			}
			items = v.values()
		}
		out := make([]any, len(items))
		for i, it := range items {
			r, f := val.param(d.Content, it)
			if f != nil {
				return nil, f
			}
			out[i] = r
		}
		return out, nil
	}
	return nil, fail("Invalid external api description")
}

// paramSingle validates a single structure: declared keys in order, then
// no key left over.
func (val *Validator) paramSingle(d *Description, x any) (any, *failure) {
	m, isMap := x.(map[string]any)
	var v view
	if !isMap {
		var ok bool
		v, ok = viewOf(x)
		if !ok || v.st != nil {
			return nil, fail("Only arrays accepted. The bad value is: '" + printR(x) + "'")
		}
	}
	out := make(map[string]any, len(d.Keys))
	found := 0
	for _, k := range d.Keys {
		var xv any
		var present bool
		if isMap {
			xv, present = m[k.Name]
		} else {
			xv, present = v.get(k.Name)
		}
		if k.Desc == nil {
			return nil, fail("Invalid external api description").wrap(k.Name, paramMessage)
		}
		if !present {
			switch k.Desc.Presence {
			case Required:
				return nil, fail("Missing required key in single structure: " + k.Name)
			case Default:
				r, f := val.param(k.Desc, k.Desc.DefaultVal)
				if f != nil {
					return nil, f.wrap(k.Name, paramMessage)
				}
				out[k.Name] = r
			}
			continue
		}
		found++
		r, f := val.param(k.Desc, xv)
		if f != nil {
			return nil, f.wrap(k.Name, paramMessage)
		}
		out[k.Name] = r
	}
	n := len(m)
	if !isMap {
		n = v.len()
	}
	if found < n {
		return nil, fail("Unexpected keys (" + strings.Join(unexpectedKeys(d, m, v, isMap), ", ") +
			") detected in parameter array.")
	}
	return out, nil
}

// unexpectedKeys lists the keys of the input that d does not declare, in
// PHP order.
func unexpectedKeys(d *Description, m map[string]any, v view, isMap bool) []string {
	if isMap {
		v = view{m: m}
	}
	declared := make(map[string]bool, len(d.Keys))
	for _, k := range d.Keys {
		declared[k.Name] = true
	}
	var extra []string
	for _, k := range v.keys() {
		if !declared[k] {
			extra = append(extra, k)
		}
	}
	return extra
}

// boolFast is PARAM_BOOL's special case: PHP bool, int 0/1 or "0"/"1".
func boolFast(sc php.Value) (bool, bool) {
	switch sc.Kind {
	case php.Bool:
		return sc.Bool, true
	case php.Int:
		return sc.Int == 1, sc.Int == 0 || sc.Int == 1
	case php.String:
		return sc.Str == "1", sc.Str == "0" || sc.Str == "1"
	}
	return false, false
}
