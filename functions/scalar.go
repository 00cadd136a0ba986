package functions

import (
	"math"
	"strconv"
	"strings"

	"wsgate/functions/paramclean"
	"wsgate/internal/php"
)

// scalar is validate_param() for a non-array leaf: it returns the cleaned
// value and whether the value passes, i.e. cleaning would not change it.
// ret selects clean_returnvalue's variant, where PARAM_RAW leaves
// non-strings as they are.
func (val *Validator) scalar(d *Description, x any, sc php.Value, ret bool) (any, bool) {
	if sc.Kind == php.Null {
		return nil, d.AllowNull
	}
	switch d.Type {
	case ParamInt:
		return intValue(x, sc)
	case ParamFloat:
		return floatValue(x, sc)
	case ParamBool:
		// Past the fast path only a float 1 or 0 survives (string)$v === (string)clean.
		if sc.Kind == php.Float && (sc.Float == 1 || (sc.Float == 0 && !math.Signbit(sc.Float))) {
			return sc.Float == 1, true
		}
		return nil, false
	case ParamPermission:
		var i int64
		switch sc.Kind {
		case php.Int:
			i = sc.Int
		case php.Float:
			i = paramclean.FloatToIntCap(sc.Float)
		case php.Bool:
			if sc.Bool {
				i = 1
			}
		case php.String:
			i = paramclean.ToInt(sc.Str)
		}
		i = paramclean.Permission(i)
		return i, sc.String() == strconv.FormatInt(i, 10)
	case ParamRaw:
		if sc.Kind == php.String {
			if !paramclean.IsCleanUTF8(sc.Str) {
				return nil, false
			}
			return stringValue(x, sc.Str), true
		}
		if ret {
			switch x.(type) {
			case int64, float64, bool: // already the type Typed gives
				return x, true
			}
			return sc.Typed(), true
		}
		return sc.String(), true
	}
	if !d.Type.Valid() {
		return nil, false
	}
	s := sc.String()
	if !val.accepts(d.Type, s) {
		return nil, false
	}
	return stringValue(x, s), true
}

// stringValue returns x itself when it already is the string s (no new
// allocation), else s.
func stringValue(x any, s string) any {
	if _, ok := x.(string); ok {
		return x
	}
	return s
}

// intValue is PARAM_INT: the value must print exactly as its (int) cast.
func intValue(x any, sc php.Value) (any, bool) {
	switch sc.Kind {
	case php.Int:
		if _, ok := x.(int64); ok {
			return x, true
		}
		return sc.Int, true
	case php.String:
		if i, ok := paramclean.CanonicalInt(sc.Str); ok {
			return i, true
		}
	case php.Float:
		i := paramclean.FloatToIntCap(sc.Float)
		if php.FloatString(sc.Float) == strconv.FormatInt(i, 10) {
			return i, true
		}
	case php.Bool:
		if sc.Bool { // (string)true is "1" like (string)(int)true; false gives "" against "0"
			return int64(1), true
		}
	}
	return nil, false
}

// floatValue is PARAM_FLOAT: numbers pass as they are; strings must be
// is_numeric and match ^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$.
func floatValue(x any, sc php.Value) (any, bool) {
	switch sc.Kind {
	case php.Int:
		return float64(sc.Int), true
	case php.Float:
		if _, ok := x.(float64); ok {
			return x, true
		}
		return sc.Float, true
	case php.String:
		// PHP 8's is_numeric allows trailing whitespace and PCRE's "$" a final
		// newline, so "1.5\n" passes too.
		if paramclean.IsMoodleFloat(sc.Str) || (strings.HasSuffix(sc.Str, "\n") && paramclean.IsMoodleFloat(sc.Str[:len(sc.Str)-1])) {
			return paramclean.ToFloat(sc.Str), true
		}
	}
	return nil, false
}

// accepts reports whether cleaning s as type t leaves it unchanged, with
// allocation-free shortcuts for the common types.
func (val *Validator) accepts(t ParamType, s string) bool {
	switch t {
	case ParamRaw:
		return paramclean.IsCleanUTF8(s)
	case ParamText, ParamNotags:
		if strings.IndexByte(s, '<') < 0 {
			return paramclean.IsCleanUTF8(s)
		}
	case ParamAlpha:
		return paramclean.AllBytes(s, paramclean.IsAlpha)
	case ParamAlphaext:
		return paramclean.AllBytes(s, paramclean.IsAlphaext)
	case ParamAlphanum:
		return paramclean.AllBytes(s, paramclean.IsAlphanum)
	case ParamAlphanumext, ParamSafedir:
		return paramclean.AllBytes(s, paramclean.IsAlphanumext)
	case ParamSequence:
		return paramclean.AllBytes(s, paramclean.IsSequence)
	case ParamSafepath:
		return paramclean.AllBytes(s, paramclean.IsSafepath)
	case ParamUsername:
		if paramclean.AllBytes(s, paramclean.IsUsernameByte) {
			return true
		}
	case ParamCapability:
		return s == "" || (paramclean.IsCapabilityName(s) && (val.KnownCapability == nil || val.KnownCapability(s)))
	}
	return Clean(t, s) == s
}
