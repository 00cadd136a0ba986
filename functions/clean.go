package functions

import (
	"strconv"

	"wsgate/functions/paramclean"
	"wsgate/internal/php"
)

// Clean applies Moodle's clean_param() for type t to the string s and
// returns the cleaned string (numbers and booleans in their PHP string form:
// PARAM_INT "12abc" gives "12", PARAM_BOOL "yes" gives "1").
//
// Where Moodle's cleaning is not idempotent (PARAM_TAG cut after 50
// characters leaving a trailing space, PARAM_BASE64 of " 0 ", strip_tags on
// broken markup) Clean repeats it until the result is stable; the strings
// Clean leaves unchanged, which are exactly those validation accepts, are
// the same as Moodle's. PARAM_CAPABILITY is checked for syntax only (see
// Validator for the lookup). An unknown type gives "".
func Clean(t ParamType, s string) string {
	out := clean1(t, s)
	for i := 0; i < 16 && out != s; i++ {
		s = out
		out = clean1(t, s)
	}
	return out
}

// clean1 is one application of clean_param().
func clean1(t ParamType, s string) string {
	switch t {
	case ParamInt:
		return strconv.FormatInt(paramclean.ToInt(s), 10)
	case ParamFloat:
		return php.FloatString(paramclean.ToFloat(s))
	case ParamBool:
		return paramclean.Bool(s)
	case ParamRaw:
		return paramclean.FixUTF8(s)
	case ParamRawTrimmed:
		return paramclean.Trim(paramclean.FixUTF8(s))
	case ParamText:
		return paramclean.Text(s)
	case ParamNotags:
		return paramclean.Notags(s)
	case ParamAlpha:
		return paramclean.KeepBytes(s, paramclean.IsAlpha)
	case ParamAlphaext:
		return paramclean.KeepBytes(s, paramclean.IsAlphaext)
	case ParamAlphanum:
		return paramclean.KeepBytes(s, paramclean.IsAlphanum)
	case ParamAlphanumext, ParamSafedir:
		return paramclean.KeepBytes(s, paramclean.IsAlphanumext)
	case ParamSequence:
		return paramclean.KeepBytes(s, paramclean.IsSequence)
	case ParamSafepath:
		return paramclean.KeepBytes(s, paramclean.IsSafepath)
	case ParamFile:
		return paramclean.File(s)
	case ParamPath:
		return paramclean.Path(s)
	case ParamHost:
		return paramclean.Host(s)
	case ParamURL:
		return paramclean.URL(s)
	case ParamLocalURL:
		return paramclean.LocalURL(s)
	case ParamEmail:
		return paramclean.Email(s)
	case ParamUsername:
		return paramclean.Username(s)
	case ParamComponent:
		return paramclean.Component(s)
	case ParamPlugin, ParamArea:
		return paramclean.Plugin(s)
	case ParamStringID:
		return paramclean.StringID(s)
	case ParamTimezone:
		return paramclean.Timezone(s)
	case ParamBase64:
		return paramclean.Base64(s)
	case ParamTag:
		return paramclean.Tag(s)
	case ParamTaglist:
		return paramclean.Taglist(s)
	case ParamCapability:
		return paramclean.Capability(s)
	case ParamPermission:
		return strconv.FormatInt(paramclean.Permission(paramclean.ToInt(s)), 10)
	}
	return ""
}
