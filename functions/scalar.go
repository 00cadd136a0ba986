package functions

import (
	"math"
	"strconv"
	"strings"
)

// scalar is validate_param() for a non-array leaf: it returns the cleaned
// value and whether the value passes, i.e. cleaning would not change it.
// ret selects clean_returnvalue's variant, where PARAM_RAW leaves
// non-strings as they are.
func (val *Validator) scalar(d *Description, x any, sc scalar, ret bool) (any, bool) {
	if sc.k == kNull {
		return nil, d.AllowNull
	}
	switch d.Type {
	case ParamInt:
		return intValue(x, sc)
	case ParamFloat:
		return floatValue(x, sc)
	case ParamBool:
		// Past the fast path only a float 1 or 0 survives (string)$v === (string)clean.
		if sc.k == kFloat && (sc.f == 1 || (sc.f == 0 && !math.Signbit(sc.f))) {
			return sc.f == 1, true
		}
		return nil, false
	case ParamPermission:
		var i int64
		switch sc.k {
		case kInt:
			i = sc.i
		case kFloat:
			i = floatToIntCap(sc.f)
		case kBool:
			if sc.b {
				i = 1
			}
		case kString:
			i = phpToInt(sc.s)
		}
		i = permission(i)
		return i, sc.str() == strconv.FormatInt(i, 10)
	case ParamRaw:
		if sc.k == kString {
			if !isCleanUTF8(sc.s) {
				return nil, false
			}
			return stringValue(x, sc.s), true
		}
		if ret {
			return sc.typed(), true
		}
		return sc.str(), true
	}
	if !d.Type.Valid() {
		return nil, false
	}
	s := sc.str()
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
func intValue(x any, sc scalar) (any, bool) {
	switch sc.k {
	case kInt:
		if _, ok := x.(int64); ok {
			return x, true
		}
		return sc.i, true
	case kString:
		if i, ok := canonicalInt(sc.s); ok {
			return i, true
		}
	case kFloat:
		i := floatToIntCap(sc.f)
		if phpFloatString(sc.f) == strconv.FormatInt(i, 10) {
			return i, true
		}
	case kBool:
		if sc.b { // (string)true is "1" like (string)(int)true; false gives "" against "0"
			return int64(1), true
		}
	}
	return nil, false
}

// floatValue is PARAM_FLOAT: numbers pass as they are; strings must be
// is_numeric and match ^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$.
func floatValue(x any, sc scalar) (any, bool) {
	switch sc.k {
	case kInt:
		return float64(sc.i), true
	case kFloat:
		if _, ok := x.(float64); ok {
			return x, true
		}
		return sc.f, true
	case kString:
		// PHP 8's is_numeric allows trailing whitespace and PCRE's "$" a final
		// newline, so "1.5\n" passes too.
		if isMoodleFloat(sc.s) || (strings.HasSuffix(sc.s, "\n") && isMoodleFloat(sc.s[:len(sc.s)-1])) {
			return phpToFloat(sc.s), true
		}
	}
	return nil, false
}

// accepts reports whether cleaning s as type t leaves it unchanged, with
// allocation-free shortcuts for the common types.
func (val *Validator) accepts(t ParamType, s string) bool {
	switch t {
	case ParamRaw:
		return isCleanUTF8(s)
	case ParamText, ParamNotags:
		if strings.IndexByte(s, '<') < 0 {
			return isCleanUTF8(s)
		}
	case ParamAlpha:
		return allBytes(s, isAlpha)
	case ParamAlphaext:
		return allBytes(s, isAlphaext)
	case ParamAlphanum:
		return allBytes(s, isAlphanum)
	case ParamAlphanumext, ParamSafedir:
		return allBytes(s, isAlphanumext)
	case ParamSequence:
		return allBytes(s, isSequence)
	case ParamSafepath:
		return allBytes(s, isSafepath)
	case ParamUsername:
		if allBytes(s, isUsernameByte) {
			return true
		}
	case ParamCapability:
		return s == "" || (isCapabilityName(s) && (val.KnownCapability == nil || val.KnownCapability(s)))
	}
	return Clean(t, s) == s
}

func allBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
