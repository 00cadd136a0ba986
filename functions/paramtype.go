package functions

import (
	"strings"

	"wsgate"
)

// ParamType is one of Moodle's PARAM_* types: the rule a scalar must follow.
// The zero value is not a valid type.
type ParamType uint8

// The PARAM types the gateway knows (moodle-webservices.md §2.3). Values are
// append-only: never reorder them.
const (
	ParamInt ParamType = iota + 1
	ParamFloat
	ParamBool
	ParamRaw
	ParamRawTrimmed
	ParamText
	ParamNotags
	ParamAlpha
	ParamAlphaext
	ParamAlphanum
	ParamAlphanumext
	ParamSequence
	ParamSafedir
	ParamSafepath
	ParamFile
	ParamPath
	ParamHost
	ParamURL
	ParamLocalURL
	ParamEmail
	ParamUsername
	ParamComponent
	ParamPlugin
	ParamArea
	ParamStringID
	ParamTimezone
	ParamBase64
	ParamTag
	ParamTaglist
	ParamCapability
	ParamPermission
	paramEnd
)

// paramNames holds, per type, the upper-case name and Moodle's value.
var paramNames = [paramEnd][2]string{
	ParamInt:         {"INT", "int"},
	ParamFloat:       {"FLOAT", "float"},
	ParamBool:        {"BOOL", "bool"},
	ParamRaw:         {"RAW", "raw"},
	ParamRawTrimmed:  {"RAW_TRIMMED", "raw_trimmed"},
	ParamText:        {"TEXT", "text"},
	ParamNotags:      {"NOTAGS", "notags"},
	ParamAlpha:       {"ALPHA", "alpha"},
	ParamAlphaext:    {"ALPHAEXT", "alphaext"},
	ParamAlphanum:    {"ALPHANUM", "alphanum"},
	ParamAlphanumext: {"ALPHANUMEXT", "alphanumext"},
	ParamSequence:    {"SEQUENCE", "sequence"},
	ParamSafedir:     {"SAFEDIR", "safedir"},
	ParamSafepath:    {"SAFEPATH", "safepath"},
	ParamFile:        {"FILE", "file"},
	ParamPath:        {"PATH", "path"},
	ParamHost:        {"HOST", "host"},
	ParamURL:         {"URL", "url"},
	ParamLocalURL:    {"LOCALURL", "localurl"},
	ParamEmail:       {"EMAIL", "email"},
	ParamUsername:    {"USERNAME", "username"},
	ParamComponent:   {"COMPONENT", "component"},
	ParamPlugin:      {"PLUGIN", "plugin"},
	ParamArea:        {"AREA", "area"},
	ParamStringID:    {"STRINGID", "stringid"},
	ParamTimezone:    {"TIMEZONE", "timezone"},
	ParamBase64:      {"BASE64", "base64"},
	ParamTag:         {"TAG", "tag"},
	ParamTaglist:     {"TAGLIST", "taglist"},
	ParamCapability:  {"CAPABILITY", "capability"},
	ParamPermission:  {"PERMISSION", "permission"},
}

// paramAliases are Moodle's deprecated names, resolved to their canonical type.
var paramAliases = map[string]ParamType{
	"INTEGER":   ParamInt,
	"NUMBER":    ParamFloat,
	"ACTION":    ParamAlphanumext,
	"FORMAT":    ParamAlphanumext,
	"MULTILANG": ParamText,
	"CLEANFILE": ParamFile,
}

var paramByName = func() map[string]ParamType {
	m := make(map[string]ParamType, len(paramNames)+len(paramAliases))
	for t := ParamInt; t < paramEnd; t++ {
		m[paramNames[t][0]] = t
	}
	for n, t := range paramAliases {
		m[n] = t
	}
	return m
}()

// ParseParamType resolves an upper-case type name, with or without the PARAM_
// prefix and including Moodle's aliases (INTEGER, NUMBER, ACTION, FORMAT,
// MULTILANG, CLEANFILE); an unknown name gives wsgate.ErrUnknownParamType.
func ParseParamType(name string) (ParamType, error) {
	if t, ok := paramByName[strings.TrimPrefix(name, "PARAM_")]; ok {
		return t, nil
	}
	return 0, wsgate.ErrUnknownParamType.WithDebug(`unknown PARAM type "` + name + `"`)
}

// Valid reports whether t is a known type.
func (t ParamType) Valid() bool { return t > 0 && t < paramEnd }

// String returns Moodle's value of the type ("int", "raw_trimmed", ...), as
// used in debuginfo.
func (t ParamType) String() string {
	if t.Valid() {
		return paramNames[t][1]
	}
	return "unknown"
}

// Name returns the upper-case name without prefix ("INT", "RAW_TRIMMED"), as
// used in YAML manifests and stored JSON.
func (t ParamType) Name() string {
	if t.Valid() {
		return paramNames[t][0]
	}
	return "UNKNOWN"
}
