package paramclean

import (
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PHP's conversions, reproduced where Moodle's rules depend on them: trim(),
// and the numeric prefix rules of the (int) and (float) casts. The (string)
// cast of scalars and gettype() names are in wsgate/internal/php.

// Trim is PHP's trim() with its default character set " \t\n\r\0\x0B".
func Trim(s string) string {
	i, j := 0, len(s)
	for i < j && isTrimByte(s[i]) {
		i++
	}
	for j > i && isTrimByte(s[j-1]) {
		j--
	}
	return s[i:j]
}

func isTrimByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0 || c == '\v'
}

// isPHPSpace reports C's isspace() for a byte in the C locale.
func isPHPSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

// numericPrefix returns the length of the leading numeric string of s after
// leading whitespace (PHP's LNUM, DNUM and exponent forms), the offset where
// it starts and whether it is an integer (no '.' and no exponent).
func numericPrefix(s string) (start, end int, isInt bool) {
	i := 0
	for i < len(s) && isPHPSpace(s[i]) {
		i++
	}
	start = i
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	d := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	intDigits := i - d
	isInt = true
	if i < len(s) && s[i] == '.' {
		j := i + 1
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if intDigits > 0 || j > i+1 {
			i, isInt = j, false
		}
	}
	if i == d || (intDigits == 0 && isInt) {
		return start, start, true // no digits: not numeric
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		j := i + 1
		if j < len(s) && (s[j] == '+' || s[j] == '-') {
			j++
		}
		k := j
		for k < len(s) && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k > j {
			i, isInt = k, false
		}
	}
	return start, i, isInt
}

// ToInt is PHP's (int) cast of a string: the numeric prefix, truncated;
// out-of-range values saturate.
func ToInt(s string) int64 {
	start, end, isInt := numericPrefix(s)
	if start == end {
		return 0
	}
	num := s[start:end]
	if isInt {
		if v, err := strconv.ParseInt(num, 10, 64); err == nil {
			return v
		}
	}
	f, _ := strconv.ParseFloat(num, 64)
	return FloatToIntCap(f)
}

// FloatToIntCap truncates f, saturating out-of-range values; NaN and
// infinities give 0.
func FloatToIntCap(f float64) int64 {
	switch {
	case math.IsNaN(f) || math.IsInf(f, 0):
		return 0
	case f >= 9223372036854775807:
		return math.MaxInt64
	case f <= -9223372036854775808:
		return math.MinInt64
	}
	return int64(f)
}

// ToFloat is PHP's (float) cast of a string: the numeric prefix, else 0.
// As an exception "INF" and "-INF" (PHP's own rendering) read back as
// infinities, so cleaning stays idempotent.
func ToFloat(s string) float64 {
	switch s {
	case "INF":
		return math.Inf(1)
	case "-INF":
		return math.Inf(-1)
	}
	start, end, _ := numericPrefix(s)
	if start == end {
		return 0
	}
	f, _ := strconv.ParseFloat(s[start:end], 64)
	return f
}

// IsMoodleFloat reports whether a string passes validate_param's PARAM_FLOAT
// rule: is_numeric() and ^[+-]?[0-9]*\.?[0-9]*(e[-+]?[0-9]+)?$ (case-insensitive).
func IsMoodleFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i, digits = i+1, digits+1
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i, digits = i+1, digits+1
		}
	}
	if digits == 0 {
		return false // is_numeric needs a digit in the mantissa
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		j := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == j {
			return false
		}
	}
	return i == len(s)
}

// CanonicalInt parses s when it is exactly the decimal form of an int64
// ("12", "-5"; not "012", "+1", "-0", " 1").
func CanonicalInt(s string) (int64, bool) {
	if s == "" || len(s) > 20 {
		return 0, false
	}
	i := 0
	if s[0] == '-' {
		i = 1
	}
	if i == len(s) || (s[i] == '0' && len(s) > i+1) || (i == 1 && s == "-0") {
		return 0, false
	}
	for j := i; j < len(s); j++ {
		if s[j] < '0' || s[j] > '9' {
			return 0, false
		}
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}

// IsCleanUTF8 reports whether FixUTF8 would leave s unchanged.
func IsCleanUTF8(s string) bool {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c == 0 {
				return false
			}
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF {
			return false
		}
		i += n
	}
	return true
}

// FixUTF8 is Moodle's fix_utf8() for strings: NUL bytes, U+FFFE, U+FFFF and
// bytes that are not part of a valid UTF-8 sequence are dropped.
func FixUTF8(s string) string {
	if IsCleanUTF8(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if !(r == 0 || (r == utf8.RuneError && n == 1) || r == 0xFFFE || r == 0xFFFF) {
			b = append(b, s[i:i+n]...)
		}
		i += n
	}
	return string(b)
}

// IsCSpace is C's isspace() in the C locale.
func IsCSpace(c byte) bool {
	return c == ' ' || (c >= '\t' && c <= '\r')
}

// isUCPSpace is PCRE's \s with PHP's /u modifier (Unicode properties on).
func isUCPSpace(r rune) bool {
	switch {
	case r == ' ' || (r >= '\t' && r <= '\r'):
		return true
	case r < 0x85:
		return false
	case r == 0x85 || r == 0xA0 || r == 0x1680 || r == 0x180E || (r >= 0x2000 && r <= 0x200A),
		r == 0x2028 || r == 0x2029 || r == 0x202F || r == 0x205F || r == 0x3000:
		return true
	}
	return false
}

// isUCPCntrl is PCRE's [[:cntrl:]] with PHP's /u modifier: \p{Cc}.
func isUCPCntrl(r rune) bool {
	return r < 0x20 || (r >= 0x7F && r <= 0x9F)
}

// PCREMatch runs a full-match check with PCRE's "$" semantics: without the
// D modifier "$" also matches before a final newline, so "abc\n" passes a
// pattern that accepts "abc".
func PCREMatch(ok func(string) bool, s string) bool {
	if ok(s) {
		return true
	}
	return strings.HasSuffix(s, "\n") && ok(s[:len(s)-1])
}
