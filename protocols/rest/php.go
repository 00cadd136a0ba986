package rest

import (
	"wsgate/internal/php"

	"math"
	"slices"
	"strings"
	"unicode/utf8"
)

// PHP's renderings the encoders need beyond internal/php: json_encode's
// floats and strings, and htmlspecialchars.

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
	return php.AppendFloat(buf, f, -1, 17, 'e')
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
