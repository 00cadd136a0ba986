package functions

import (
	"regexp"
	"strconv"
	"strings"

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
		return strconv.FormatInt(phpToInt(s), 10)
	case ParamFloat:
		return php.FloatString(phpToFloat(s))
	case ParamBool:
		return cleanBool(s)
	case ParamRaw:
		return fixUTF8(s)
	case ParamRawTrimmed:
		return phpTrim(fixUTF8(s))
	case ParamText:
		return cleanText(s)
	case ParamNotags:
		return cleanNotags(s)
	case ParamAlpha:
		return keepBytes(s, isAlpha)
	case ParamAlphaext:
		return keepBytes(s, isAlphaext)
	case ParamAlphanum:
		return keepBytes(s, isAlphanum)
	case ParamAlphanumext, ParamSafedir:
		return keepBytes(s, isAlphanumext)
	case ParamSequence:
		return keepBytes(s, isSequence)
	case ParamSafepath:
		return keepBytes(s, isSafepath)
	case ParamFile:
		return cleanFile(s)
	case ParamPath:
		return cleanPath(s)
	case ParamHost:
		return cleanHost(s)
	case ParamURL:
		return cleanURL(s)
	case ParamLocalURL:
		return cleanLocalURL(s)
	case ParamEmail:
		return cleanEmail(s)
	case ParamUsername:
		return cleanUsername(s)
	case ParamComponent:
		return keepIf(s, isComponent(s))
	case ParamPlugin, ParamArea:
		return keepIf(s, pcreMatch(isPluginName, s))
	case ParamStringID:
		return keepIf(s, pcreMatch(isStringID, s))
	case ParamTimezone:
		s = fixUTF8(s)
		return keepIf(s, pcreMatch(timezoneRe.MatchString, s))
	case ParamBase64:
		return cleanBase64(s)
	case ParamTag:
		return cleanTag(s)
	case ParamTaglist:
		return cleanTaglist(s)
	case ParamCapability:
		return keepIf(s, isCapabilityName(s))
	case ParamPermission:
		return strconv.FormatInt(permission(phpToInt(s)), 10)
	}
	return ""
}

var timezoneRe = regexp.MustCompile(`^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[[:alnum:]]+(/?[[:alpha:]_-])+)$`)

func keepIf(s string, ok bool) string {
	if ok {
		return s
	}
	return ""
}

// cleanBool is PARAM_BOOL: on/yes/true give 1, off/no/false give 0, and
// otherwise PHP's empty() decides.
func cleanBool(s string) string {
	switch lowerASCIIString(s) {
	case "on", "yes", "true":
		return "1"
	case "off", "no", "false":
		return "0"
	}
	if s == "" || s == "0" {
		return "0"
	}
	return "1"
}

// lowerASCIIString is PHP 8's strtolower: ASCII letters only.
func lowerASCIIString(s string) string {
	if len(s) > 5 {
		return s // longer than any word cleanBool looks for
	}
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}

// permission keeps CAP_INHERIT, CAP_ALLOW, CAP_PREVENT and CAP_PROHIBIT and
// turns anything else into CAP_INHERIT.
func permission(i int64) int64 {
	switch i {
	case 0, 1, -1, -1000:
		return i
	}
	return 0
}

func isAlpha(c byte) bool    { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool    { return c >= '0' && c <= '9' }
func isAlphaext(c byte) bool { return isAlpha(c) || c == '_' || c == '-' }
func isAlphanum(c byte) bool { return isAlpha(c) || isDigit(c) }
func isAlphanumext(c byte) bool {
	return isAlphanum(c) || c == '_' || c == '-'
}
func isSequence(c byte) bool { return isDigit(c) || c == ',' }
func isSafepath(c byte) bool { return isAlphanumext(c) || c == '/' }

// keepBytes removes the bytes ok rejects (preg_replace without /u works on
// bytes).
func keepBytes(s string, ok func(byte) bool) string {
	i := 0
	for i < len(s) && ok(s[i]) {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s[:i])
	for ; i < len(s); i++ {
		if ok(s[i]) {
			b = append(b, s[i])
		}
	}
	return string(b)
}

// cleanFile is PARAM_FILE: controls and & < > " ` | ' : \ / removed; "." and
// ".." become "".
func cleanFile(s string) string {
	s = fixUTF8(s)
	if strings.IndexFunc(s, badFileRune) >= 0 {
		var b strings.Builder
		for _, r := range s {
			if !badFileRune(r) {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	if s == "." || s == ".." {
		return ""
	}
	return s
}

func badFileRune(r rune) bool {
	return isUCPCntrl(r) || strings.ContainsRune("&<>\"`|':\\/", r)
}

var (
	multiSlashRe = regexp.MustCompile(`//+`)
	dotSlashRe   = regexp.MustCompile(`/(\./)+`)
)

// cleanPath is PARAM_PATH: backslashes become slashes, each segment is
// cleaned as a file name (a leading "." segment stays), and "//" and "/./"
// collapse.
func cleanPath(s string) string {
	s = strings.ReplaceAll(fixUTF8(s), `\`, "/")
	crumbs := strings.Split(s, "/")
	for i, c := range crumbs {
		if !(i == 0 && c == ".") {
			crumbs[i] = cleanFile(c)
		}
	}
	s = strings.Join(crumbs, "/")
	s = multiSlashRe.ReplaceAllString(s, "/")
	return dotSlashRe.ReplaceAllString(s, "/")
}

// cleanUsername is PARAM_USERNAME with $CFG->extendedusernamechars off:
// trimmed, lower-cased, then only [-.@_a-z0-9] kept.
func cleanUsername(s string) string {
	s = strings.ToLower(phpTrim(fixUTF8(s)))
	return keepBytes(s, isUsernameByte)
}

func isUsernameByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || isDigit(c) || c == '-' || c == '.' || c == '@' || c == '_'
}

// isComponent is PARAM_COMPONENT's check: the frankenstyle pattern
// ^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$, no "__", and "mod_" names
// with exactly one underscore.
func isComponent(s string) bool {
	if !pcreMatch(componentPattern, s) || strings.Contains(s, "__") {
		return false
	}
	return !strings.HasPrefix(s, "mod_") || strings.Count(s, "_") == 1
}

// componentPattern matches ^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$: the
// optional group starts at the first underscore.
func componentPattern(s string) bool {
	isLow := func(c byte) bool { return c >= 'a' && c <= 'z' }
	isLowNum := func(c byte) bool { return isLow(c) || isDigit(c) }
	prefix, rest, found := strings.Cut(s, "_")
	if !found {
		return len(s) >= 2 && isLow(s[0]) && allBytes(s, isLowNum)
	}
	return prefix != "" && isLow(prefix[0]) && allBytes(prefix, isLowNum) &&
		len(rest) >= 2 && isLow(rest[0]) && isLowNum(rest[len(rest)-1]) &&
		allBytes(rest, func(c byte) bool { return isLowNum(c) || c == '_' })
}

// isStringID matches ^[a-zA-Z][a-zA-Z0-9.:/_-]*$.
func isStringID(s string) bool {
	return s != "" && isAlpha(s[0]) && allBytes(s, func(c byte) bool {
		return isAlphanumext(c) || c == '.' || c == ':' || c == '/'
	})
}

// isCapabilityName checks the form of a capability name, component/name:verb
// in lower case: ^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$.
func isCapabilityName(s string) bool {
	part := func(p string) bool {
		return p != "" && p[0] >= 'a' && p[0] <= 'z' &&
			allBytes(p, func(c byte) bool { return (c >= 'a' && c <= 'z') || isDigit(c) || c == '_' })
	}
	comp, rest, ok1 := strings.Cut(s, "/")
	name, verb, ok2 := strings.Cut(rest, ":")
	return ok1 && ok2 && part(comp) && part(name) && part(verb)
}

// isPluginName is ^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$ (PARAM_PLUGIN,
// PARAM_AREA) without lookahead: lower-case letters, digits and
// underscores, a letter first, an underscore never last, and no "__"
// starting after the second character (the lookahead does not guard the
// first one, so "a__b" passes, as in Moodle).
func isPluginName(s string) bool {
	if len(s) < 2 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !((c >= 'a' && c <= 'z') || isDigit(c) || c == '_') {
			return false
		}
		if i >= 2 && c == '_' && i+1 < len(s) && s[i+1] == '_' {
			return false
		}
	}
	return s[len(s)-1] != '_'
}

// cleanBase64 is PARAM_BASE64: only [\s\w/+=]; lines of exactly 64
// characters except the last (at most 64), re-joined with "\n".
func cleanBase64(s string) string {
	if s == "" || s == "0" { // PHP's empty()
		return ""
	}
	t := phpTrim(s)
	if t == "" {
		return ""
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(isCSpace(c) || isAlphanum(c) || c == '_' || c == '/' || c == '+' || c == '=') {
			return ""
		}
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r < 0x80 && isCSpace(byte(r)) })
	for i, l := range lines {
		if (i < len(lines)-1 && len(l) != 64) || len(l) > 64 {
			return ""
		}
	}
	return strings.Join(lines, "\n")
}
