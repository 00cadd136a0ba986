package paramclean

import (
	"regexp"
	"strings"
)

var timezoneRe = regexp.MustCompile(`^(([+-]?(0?[0-9](\.[5|0])?|1[0-3](\.0)?|1[0-2]\.5))|(99)|[[:alnum:]]+(/?[[:alpha:]_-])+)$`)

// Component is PARAM_COMPONENT: s when it is a frankenstyle component name, else "".
func Component(s string) string { return keepIf(s, IsComponent(s)) }

// Plugin is PARAM_PLUGIN and PARAM_AREA: s when it is a plugin name, else "".
func Plugin(s string) string { return keepIf(s, PCREMatch(IsPluginName, s)) }

// StringID is PARAM_STRINGID: s when it is a string identifier, else "".
func StringID(s string) string { return keepIf(s, PCREMatch(IsStringID, s)) }

// Timezone is PARAM_TIMEZONE: s (made valid UTF-8) when it names a timezone or an offset, else "".
func Timezone(s string) string {
	s = FixUTF8(s)
	return keepIf(s, PCREMatch(timezoneRe.MatchString, s))
}

// Capability is PARAM_CAPABILITY's syntax check: s when it has a capability's form, else "".
func Capability(s string) string { return keepIf(s, IsCapabilityName(s)) }

func keepIf(s string, ok bool) string {
	if ok {
		return s
	}
	return ""
}

// Bool is PARAM_BOOL: on/yes/true give 1, off/no/false give 0, and
// otherwise PHP's empty() decides.
func Bool(s string) string {
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
		return s // longer than any word Bool looks for
	}
	b := []byte(s)
	for i, c := range b {
		b[i] = lowerASCII(c)
	}
	return string(b)
}

// Permission keeps CAP_INHERIT, CAP_ALLOW, CAP_PREVENT and CAP_PROHIBIT and
// turns anything else into CAP_INHERIT.
func Permission(i int64) int64 {
	switch i {
	case 0, 1, -1, -1000:
		return i
	}
	return 0
}

// IsAlpha is PARAM_ALPHA's byte class: ASCII letters.
func IsAlpha(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// IsAlphaext is PARAM_ALPHAEXT's byte class: letters, "_" and "-".
func IsAlphaext(c byte) bool { return IsAlpha(c) || c == '_' || c == '-' }

// IsAlphanum is PARAM_ALPHANUM's byte class: letters and digits.
func IsAlphanum(c byte) bool { return IsAlpha(c) || isDigit(c) }

// IsAlphanumext is PARAM_ALPHANUMEXT's byte class: letters, digits, "_" and "-".
func IsAlphanumext(c byte) bool {
	return IsAlphanum(c) || c == '_' || c == '-'
}

// IsSequence is PARAM_SEQUENCE's byte class: digits and ",".
func IsSequence(c byte) bool { return isDigit(c) || c == ',' }

// IsSafepath is PARAM_SAFEPATH's byte class: IsAlphanumext and "/".
func IsSafepath(c byte) bool { return IsAlphanumext(c) || c == '/' }

// KeepBytes removes the bytes ok rejects (preg_replace without /u works on
// bytes).
func KeepBytes(s string, ok func(byte) bool) string {
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

// File is PARAM_FILE: controls and & < > " ` | ' : \ / removed; "." and
// ".." become "".
func File(s string) string {
	s = FixUTF8(s)
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

// Path is PARAM_PATH: backslashes become slashes, each segment is
// cleaned as a file name (a leading "." segment stays), and "//" and "/./"
// collapse.
func Path(s string) string {
	s = strings.ReplaceAll(FixUTF8(s), `\`, "/")
	crumbs := strings.Split(s, "/")
	for i, c := range crumbs {
		if !(i == 0 && c == ".") {
			crumbs[i] = File(c)
		}
	}
	s = strings.Join(crumbs, "/")
	s = multiSlashRe.ReplaceAllString(s, "/")
	return dotSlashRe.ReplaceAllString(s, "/")
}

// Username is PARAM_USERNAME with $CFG->extendedusernamechars off:
// trimmed, lower-cased, then only [-.@_a-z0-9] kept.
func Username(s string) string {
	s = strings.ToLower(Trim(FixUTF8(s)))
	return KeepBytes(s, IsUsernameByte)
}

// IsUsernameByte is PARAM_USERNAME's byte class: [-.@_a-z0-9].
func IsUsernameByte(c byte) bool {
	return (c >= 'a' && c <= 'z') || isDigit(c) || c == '-' || c == '.' || c == '@' || c == '_'
}

// IsComponent is PARAM_COMPONENT's check: the frankenstyle pattern
// ^[a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+$, no "__", and "mod_" names
// with exactly one underscore.
func IsComponent(s string) bool {
	if !PCREMatch(componentPattern, s) || strings.Contains(s, "__") {
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
		return len(s) >= 2 && isLow(s[0]) && AllBytes(s, isLowNum)
	}
	return prefix != "" && isLow(prefix[0]) && AllBytes(prefix, isLowNum) &&
		len(rest) >= 2 && isLow(rest[0]) && isLowNum(rest[len(rest)-1]) &&
		AllBytes(rest, func(c byte) bool { return isLowNum(c) || c == '_' })
}

// IsStringID matches ^[a-zA-Z][a-zA-Z0-9.:/_-]*$.
func IsStringID(s string) bool {
	return s != "" && IsAlpha(s[0]) && AllBytes(s, func(c byte) bool {
		return IsAlphanumext(c) || c == '.' || c == ':' || c == '/'
	})
}

// IsCapabilityName checks the form of a capability name, component/name:verb
// in lower case: ^[a-z][a-z0-9_]*/[a-z][a-z0-9_]*:[a-z][a-z0-9_]*$.
func IsCapabilityName(s string) bool {
	part := func(p string) bool {
		return p != "" && p[0] >= 'a' && p[0] <= 'z' &&
			AllBytes(p, func(c byte) bool { return (c >= 'a' && c <= 'z') || isDigit(c) || c == '_' })
	}
	comp, rest, ok1 := strings.Cut(s, "/")
	name, verb, ok2 := strings.Cut(rest, ":")
	return ok1 && ok2 && part(comp) && part(name) && part(verb)
}

// IsPluginName is ^[a-z](?:[a-z0-9_](?!__))*[a-z0-9]+$ (PARAM_PLUGIN,
// PARAM_AREA) without lookahead: lower-case letters, digits and
// underscores, a letter first, an underscore never last, and no "__"
// starting after the second character (the lookahead does not guard the
// first one, so "a__b" passes, as in Moodle).
func IsPluginName(s string) bool {
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

// Base64 is PARAM_BASE64: only [\s\w/+=]; lines of exactly 64
// characters except the last (at most 64), re-joined with "\n".
func Base64(s string) string {
	if s == "" || s == "0" { // PHP's empty()
		return ""
	}
	t := Trim(s)
	if t == "" {
		return ""
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(IsCSpace(c) || IsAlphanum(c) || c == '_' || c == '/' || c == '+' || c == '=') {
			return ""
		}
	}
	lines := strings.FieldsFunc(s, func(r rune) bool { return r < 0x80 && IsCSpace(byte(r)) })
	for i, l := range lines {
		if (i < len(lines)-1 && len(l) != 64) || len(l) > 64 {
			return ""
		}
	}
	return strings.Join(lines, "\n")
}

// AllBytes reports whether ok accepts every byte of s.
func AllBytes(s string, ok func(byte) bool) bool {
	for i := 0; i < len(s); i++ {
		if !ok(s[i]) {
			return false
		}
	}
	return true
}
