package soap

import (
	"strconv"
	"strings"

	"wsgate/functions"
)

// leaf converts text content: by xsi:type when it names an XML Schema
// scalar type, else by the declared type t.
func leaf(n *node, t functions.ParamType) any {
	s := string(n.text)
	switch xsiKind(n.typ) {
	case kindString:
		return s
	case kindInt:
		t = functions.ParamInt
	case kindFloat:
		t = functions.ParamFloat
	case kindBool:
		t = functions.ParamBool
	}
	switch t {
	case functions.ParamInt:
		if v, err := strconv.ParseInt(trimXML(s), 10, 64); err == nil {
			return v
		}
	case functions.ParamFloat:
		if v, ok := parseDouble(trimXML(s)); ok {
			return v
		}
	case functions.ParamBool:
		switch trimXML(s) {
		case "true", "1":
			return true
		case "false", "0":
			return false
		}
	}
	return s
}

// Kinds of xsi:type values.
const (
	kindNone = iota
	kindString
	kindInt
	kindFloat
	kindBool
)

// xsiKind classifies the local part of an xsi:type.
func xsiKind(typ string) int {
	switch typ {
	case "":
		return kindNone
	case "string", "normalizedString", "token", "anyURI", "base64Binary", "hexBinary", "date", "dateTime",
		"time", "duration", "language", "Name", "NCName", "NMTOKEN", "QName":
		return kindString
	case "int", "long", "integer", "short", "byte", "nonNegativeInteger", "positiveInteger",
		"negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte":
		return kindInt
	case "double", "float", "decimal":
		return kindFloat
	case "boolean":
		return kindBool
	}
	return kindNone
}

// trimXML removes XML whitespace around s (xsd's whiteSpace="collapse" for
// numbers and booleans).
func trimXML(s string) string {
	return strings.Trim(s, " \t\r\n")
}

// parseDouble parses xsd:double's finite lexical form ([+-]digits[.digits]
// [(e|E)[+-]digits]); INF, NaN and Go-only forms (hex, underscores) are
// refused, as are values out of range.
func parseDouble(s string) (float64, bool) {
	i := 0
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		i++
	}
	digits := 0
	for i < len(s) && '0' <= s[i] && s[i] <= '9' {
		i++
		digits++
	}
	if i < len(s) && s[i] == '.' {
		i++
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			digits++
		}
	}
	if digits == 0 {
		return 0, false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		exp := 0
		for i < len(s) && '0' <= s[i] && s[i] <= '9' {
			i++
			exp++
		}
		if exp == 0 {
			return 0, false
		}
	}
	if i != len(s) {
		return 0, false
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}
