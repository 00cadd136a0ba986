package rest

import (
	"encoding/json"
	"math"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// PHP's views of Go values, for the encoders: the scalar a leaf would be in
// PHP, PHP's two float renderings and its two escaping functions.

// leafKind is the PHP type of a leaf.
type leafKind uint8

const (
	leafNull leafKind = iota
	leafBool
	leafInt
	leafFloat
	leafString
	leafOther // a container or a Go value PHP has no scalar for
)

// leaf is a classified scalar.
type leaf struct {
	k leafKind
	b bool
	i int64
	f float64
	s string
}

// leafOf classifies x; the types decoders and CleanReturn produce are matched
// without reflection.
func leafOf(x any) leaf {
	switch v := x.(type) {
	case nil:
		return leaf{k: leafNull}
	case string:
		return leaf{k: leafString, s: v}
	case int64:
		return leaf{k: leafInt, i: v}
	case bool:
		return leaf{k: leafBool, b: v}
	case float64:
		return leaf{k: leafFloat, f: v}
	case int:
		return leaf{k: leafInt, i: int64(v)}
	case int32:
		return leaf{k: leafInt, i: int64(v)}
	case float32:
		return leaf{k: leafFloat, f: float32To64(v)}
	case json.Number:
		return numberLeaf(string(v))
	case []byte:
		return leaf{k: leafString, s: string(v)}
	case map[string]any, []any:
		return leaf{k: leafOther}
	}
	rv := reflect.ValueOf(x)
	for rv.Kind() == reflect.Pointer || rv.Kind() == reflect.Interface {
		if rv.IsNil() {
			return leaf{k: leafNull}
		}
		rv = rv.Elem()
	}
	switch rv.Kind() {
	case reflect.Bool:
		return leaf{k: leafBool, b: rv.Bool()}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return leaf{k: leafInt, i: rv.Int()}
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		if u := rv.Uint(); u <= math.MaxInt64 {
			return leaf{k: leafInt, i: int64(u)}
		} else {
			return leaf{k: leafFloat, f: float64(u)} // PHP integers overflow into floats
		}
	case reflect.Float32:
		return leaf{k: leafFloat, f: float32To64(float32(rv.Float()))}
	case reflect.Float64:
		return leaf{k: leafFloat, f: rv.Float()}
	case reflect.String:
		if rv.Type() == reflect.TypeFor[json.Number]() {
			return numberLeaf(rv.String())
		}
		return leaf{k: leafString, s: rv.String()}
	case reflect.Slice:
		if rv.Type().Elem().Kind() == reflect.Uint8 {
			return leaf{k: leafString, s: string(rv.Bytes())}
		}
	}
	return leaf{k: leafOther}
}

// float32To64 widens f through its shortest decimal form, so float32(0.1)
// reads 0.1 as a PHP float would, not 0.10000000149011612.
func float32To64(f float32) float64 {
	d, err := strconv.ParseFloat(strconv.FormatFloat(float64(f), 'g', -1, 32), 64)
	if err != nil {
		return float64(f)
	}
	return d
}

// numberLeaf reads a JSON number as PHP's json_decode would: an integer when
// it fits, else a float; text that is no number stays a string.
func numberLeaf(s string) leaf {
	if i, err := strconv.ParseInt(s, 10, 64); err == nil {
		return leaf{k: leafInt, i: i}
	}
	if !json.Valid([]byte(s)) || s == "" || (s[0] != '-' && (s[0] < '0' || s[0] > '9')) {
		return leaf{k: leafString, s: s}
	}
	f, _ := strconv.ParseFloat(s, 64) // out of range: ±Inf, as PHP
	return leaf{k: leafFloat, f: f}
}

// appendGcvt formats a float as php_gcvt/zend_gcvt do: digits are the
// significant digits without trailing zeros, decpt the decimal point position
// (value = 0.digits × 10^decpt); exponential form when decpt < -3 or
// decpt > ndigit.
func appendGcvt(buf []byte, neg bool, digits []byte, decpt, ndigit int, e byte) []byte {
	if neg {
		buf = append(buf, '-')
	}
	switch {
	case decpt < -3 || decpt > ndigit:
		buf = append(buf, digits[0], '.')
		if len(digits) == 1 {
			buf = append(buf, '0')
		} else {
			buf = append(buf, digits[1:]...)
		}
		buf = append(buf, e)
		if x := decpt - 1; x < 0 {
			buf = append(buf, '-')
			buf = strconv.AppendInt(buf, int64(-x), 10)
		} else {
			buf = append(buf, '+')
			buf = strconv.AppendInt(buf, int64(x), 10)
		}
	case decpt < 0:
		buf = append(buf, '0', '.')
		for ; decpt < 0; decpt++ {
			buf = append(buf, '0')
		}
		buf = append(buf, digits...)
	default:
		for i := 0; i < decpt; i++ {
			if i < len(digits) {
				buf = append(buf, digits[i])
			} else {
				buf = append(buf, '0')
			}
		}
		if decpt < len(digits) {
			if decpt == 0 {
				buf = append(buf, '0')
			}
			buf = append(buf, '.')
			buf = append(buf, digits[decpt:]...)
		}
	}
	return buf
}

// appendFloat formats a finite non-zero f with prec significant digits (-1:
// the shortest that reads back) in PHP's layout.
func appendFloat(buf []byte, f float64, prec, ndigit int, e byte) []byte {
	var tmp [40]byte
	s := strconv.AppendFloat(tmp[:0], f, 'e', prec, 64) // [-]d[.ddd]e±dd
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	epos := slices.Index(s, 'e')
	exp, _ := strconv.Atoi(string(s[epos+1:]))
	var dbuf [24]byte
	digits := append(dbuf[:0], s[0])
	if epos > 1 {
		digits = append(digits, s[2:epos]...)
	}
	for len(digits) > 1 && digits[len(digits)-1] == '0' {
		digits = digits[:len(digits)-1]
	}
	return appendGcvt(buf, neg, digits, exp+1, ndigit, e)
}

// appendJSONFloat is json_encode of a float with serialize_precision = -1:
// the shortest round-trip digits, exponent form beyond 17 digits ("1.0e+25"),
// no ".0" for integral values (PHP needs JSON_PRESERVE_ZERO_FRACTION for
// that, which Moodle does not pass). PHP refuses INF and NAN
// (JSON_ERROR_INF_OR_NAN) and writes 0 in partial output; so do we.
func appendJSONFloat(buf []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 0) || math.IsNaN(f):
		return append(buf, '0')
	case f == 0:
		if math.Signbit(f) {
			return append(buf, '-', '0')
		}
		return append(buf, '0')
	}
	return appendFloat(buf, f, -1, 17, 'e')
}

// appendPHPFloatString is PHP's (string) of a float with precision = 14:
// "1" for 1.0, "0.1" for 0.1, "1.0E+25", "INF", "-INF", "NAN".
func appendPHPFloatString(buf []byte, f float64) []byte {
	switch {
	case math.IsInf(f, 1):
		return append(buf, "INF"...)
	case math.IsInf(f, -1):
		return append(buf, "-INF"...)
	case math.IsNaN(f):
		return append(buf, "NAN"...)
	case f == 0:
		if math.Signbit(f) {
			return append(buf, '-', '0')
		}
		return append(buf, '0')
	}
	return appendFloat(buf, f, 13, 14, 'E')
}

const hexDigits = "0123456789abcdef"

// appendJSONString is json_encode of a string with default flags: '/' as
// "\/", every non-ASCII character as \uxxxx (lower-case hex, surrogate pairs
// beyond the BMP), controls as \b \f \n \r \t or \u00xx. PHP refuses invalid
// UTF-8 (JSON_ERROR_UTF8, an empty Moodle response); we write U+FFFD for each
// bad byte, as JSON_INVALID_UTF8_SUBSTITUTE does.
func appendJSONString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < utf8.RuneSelf && c != '"' && c != '\\' && c != '/' {
			i++
			continue
		}
		buf = append(buf, s[start:i]...)
		if c < utf8.RuneSelf {
			switch c {
			case '"', '\\', '/':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r >= 0x10000 {
			r -= 0x10000
			buf = appendU4(buf, 0xd800+(r>>10))
			buf = appendU4(buf, 0xdc00+(r&0x3ff))
		} else {
			buf = appendU4(buf, r) // utf8.RuneError for a bad byte: \ufffd
		}
		i += size
		start = i
	}
	buf = append(buf, s[start:]...)
	return append(buf, '"')
}

func appendU4(buf []byte, r rune) []byte {
	return append(buf, '\\', 'u', hexDigits[r>>12&0xf], hexDigits[r>>8&0xf], hexDigits[r>>4&0xf], hexDigits[r&0xf])
}

// appendHTMLSpecialChars is htmlspecialchars($s, ENT_COMPAT, 'UTF-8'):
// & < > " escaped, ' kept; invalid UTF-8 gives the empty string, as in PHP.
func appendHTMLSpecialChars(buf []byte, s string) []byte {
	if !utf8.ValidString(s) {
		return buf
	}
	start := 0
	for i := 0; i < len(s); i++ {
		var esc string
		switch s[i] {
		case '&':
			esc = "&amp;"
		case '<':
			esc = "&lt;"
		case '>':
			esc = "&gt;"
		case '"':
			esc = "&quot;"
		default:
			continue
		}
		buf = append(buf, s[start:i]...)
		buf = append(buf, esc...)
		start = i + 1
	}
	return append(buf, s[start:]...)
}

// sortPHPKeys orders map keys as the validator re-indexes them: integer keys
// ascending, then the other keys in byte order. PHP would keep insertion
// order, which a Go map does not have.
func sortPHPKeys(ks []string) {
	slices.SortFunc(ks, func(a, b string) int {
		ia, aok := phpIntKey(a)
		ib, bok := phpIntKey(b)
		switch {
		case aok && bok:
			return cmpInt(ia, ib)
		case aok:
			return -1
		case bok:
			return 1
		}
		return strings.Compare(a, b)
	})
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
