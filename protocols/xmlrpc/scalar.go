package xmlrpc

import (
	"encoding/base64"
	"encoding/xml"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// scalarParsers read the text of the scalar types other than string.
var scalarParsers = map[string]func(string) (any, error){
	"int":              parseInt,
	"i4":               parseInt,
	"i8":               parseInt,
	"boolean":          parseBool,
	"double":           parseDouble,
	"dateTime.iso8601": parseDateTime,
	"base64":           parseBase64,
}

// parseInt reads a decimal integer with an optional sign into int64.
func parseInt(s string) (any, error) {
	t := trimSpace(s)
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil {
		return nil, syntaxf("%q is not an integer in the int64 range", clip([]byte(t)))
	}
	return n, nil
}

// parseBool reads 1 or 0 (the standard) and true or false.
func parseBool(s string) (any, error) {
	switch t := trimSpace(s); {
	case t == "1" || strings.EqualFold(t, "true"):
		return true, nil
	case t == "0" || strings.EqualFold(t, "false"):
		return false, nil
	default:
		return nil, syntaxf("%q is not a boolean (1 or 0)", clip([]byte(t)))
	}
}

// parseDouble reads a finite decimal number, with or without an exponent.
func parseDouble(s string) (any, error) {
	t := trimSpace(s)
	bad := t == ""
	for i := 0; i < len(t) && !bad; i++ {
		c := t[i]
		bad = !(c >= '0' && c <= '9' || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')
	}
	if !bad {
		f, err := strconv.ParseFloat(t, 64)
		if err == nil && !math.IsInf(f, 0) {
			return f, nil
		}
	}
	return nil, syntaxf("%q is not a finite double", clip([]byte(t)))
}

// dateTimeLayouts are the forms of dateTime.iso8601 accepted: the spec's
// basic form and the extended one, each with or without a zone (fractional
// seconds are accepted by time.Parse after the seconds).
var dateTimeLayouts = [...]string{
	"20060102T15:04:05",
	"20060102T15:04:05Z07:00",
	"20060102T150405",
	"20060102T150405Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04:05Z07:00",
}

// parseDateTime reads a dateTime.iso8601 into Unix seconds; a value
// without a zone is taken as UTC.
func parseDateTime(s string) (any, error) {
	t := trimSpace(s)
	for _, layout := range dateTimeLayouts {
		if tm, err := time.Parse(layout, t); err == nil {
			return tm.Unix(), nil
		}
	}
	return nil, syntaxf("%q is not a dateTime.iso8601 (e.g. 20240131T08:15:00)", clip([]byte(t)))
}

// parseBase64 decodes standard base64, ignoring whitespace (line breaks are
// common) and tolerating missing padding.
func parseBase64(s string) (any, error) {
	t := strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\n' {
			return -1
		}
		return r
	}, s)
	b, err := base64.StdEncoding.DecodeString(t)
	if err != nil {
		if b, err = base64.RawStdEncoding.DecodeString(t); err != nil {
			return nil, syntaxf("the base64 value is not valid base64")
		}
	}
	return string(b), nil
}

// is reports whether n is the unprefixed element local.
func is(n xml.Name, local string) bool { return n.Space == "" && n.Local == local }

// qname writes a raw name as it appeared, prefix included.
func qname(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// isSpace reports whether b holds only XML whitespace.
func isSpace(b []byte) bool {
	for _, c := range b {
		if c != ' ' && c != '\t' && c != '\r' && c != '\n' {
			return false
		}
	}
	return true
}

// trimSpace removes surrounding XML whitespace.
func trimSpace(s string) string { return strings.Trim(s, " \t\r\n") }

// trimBOM removes a leading UTF-8 byte order mark.
func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF {
		return b[3:]
	}
	return b
}

// clip shortens text quoted in a fault to 40 bytes, on a rune boundary.
func clip(b []byte) string {
	const limit = 40
	if len(b) <= limit {
		return string(b)
	}
	n := limit
	for n > 0 && !utf8.RuneStart(b[n]) {
		n--
	}
	return string(b[:n]) + "..."
}
