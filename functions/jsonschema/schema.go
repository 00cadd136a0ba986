package jsonschema

import (
	"regexp"
	"strings"
	"sync"

	"wsgate/functions"
)

// MaxDepth bounds every walk of a description (manifests allow 64 levels);
// below it descriptions are cut, which also stops on cyclic ones built in Go.
const MaxDepth = 64

// Schema returns the JSON Schema (2020-12) of d as a tree of *Object, []any,
// []string and scalars that AppendJSON or encoding/json write; ret says
// whether d describes a result rather than parameters.
//
// INT and PERMISSION are integers (PERMISSION with its enum), FLOAT a
// number, BOOL a boolean, the other types strings, with a pattern where the
// accepted language is a simple regular expression, format email (EMAIL) or
// uri-reference (URL, LOCALURL), and x-moodle-type naming the PARAM type. A
// single structure is an object listing its keys in declaration order; in
// parameters "required" lists the required keys and additionalProperties is
// false (the server refuses unknown keys); in results "required" also lists
// scalar keys with a default (the server inserts them) and
// additionalProperties is true (later versions may add keys), and a
// structure with no required key is anyOf the object and an empty array,
// because PHP's json_encode writes an object without members as []. RAW
// results are strings, numbers or booleans. A multiple structure is an
// array of its content; allownull adds "null" to the type; usable defaults
// become "default". Descriptions nested deeper than MaxDepth, and missing
// ones (a list without content), are the schema true (anything).
func Schema(d *functions.Description, ret bool) any { return schemaAt(d, ret, 0) }

// schemaAt returns the JSON Schema of d at depth; ret says whether d describes a
// result (see Schema). A missing description, or one nested too deeply,
// is the schema true (anything). true rather than {}: kin-openapi v0.152.0
// refuses null for a {} nested in a $ref'd schema under anyOf.
func schemaAt(d *functions.Description, ret bool, depth int) any {
	if d == nil || depth > MaxDepth {
		return true
	}
	o := &Object{}
	doc := strings.ToValidUTF8(d.Doc, "\uFFFD")
	def, hasDefault := UsableDefault(d, ret)
	switch d.Shape {
	case functions.SingleShape:
		keys := Keys(d)
		props := &Object{}
		var required []string
		for _, k := range keys {
			props.Set(k.Name, schemaAt(k.Desc, ret, depth+1))
			if RequiredKey(k.Desc, ret) {
				required = append(required, k.Name)
			}
		}
		object := func(o *Object, nullable bool) *Object {
			o.Set("type", withNull("object", nullable))
			if doc != "" {
				o.Set("description", doc)
			}
			o.Set("properties", props)
			if len(required) > 0 {
				o.Set("required", required)
			}
			return o.Set("additionalProperties", ret)
		}
		if !ret || len(required) > 0 {
			object(o, d.AllowNull)
			break
		}
		// No key is sure to be there: json_encode may write [].
		if doc != "" {
			o.Set("description", doc)
		}
		alts := []any{
			object(&Object{}, false),
			(&Object{}).Set("type", "array").Set("maxItems", 0).
				Set("description", "PHP writes an object without members as []."),
		}
		if d.AllowNull {
			alts = append(alts, (&Object{}).Set("type", "null"))
		}
		o.Set("anyOf", alts)
	case functions.MultipleShape:
		o.Set("type", withNull("array", d.AllowNull))
		if doc != "" {
			o.Set("description", doc)
		}
		o.Set("items", schemaAt(d.Content, ret, depth+1))
	default:
		valueSchema(o, d, doc, ret)
	}
	if hasDefault {
		o.Set("default", def)
	}
	return o
}

// valueSchema fills o with the schema of a value of a PARAM type.
func valueSchema(o *Object, d *functions.Description, doc string, ret bool) {
	var types []string
	switch d.Type {
	case functions.ParamInt, functions.ParamPermission:
		types = []string{"integer"}
	case functions.ParamFloat:
		types = []string{"number"}
	case functions.ParamBool:
		types = []string{"boolean"}
	case functions.ParamRaw:
		types = []string{"string"}
		if ret {
			types = []string{"string", "number", "boolean"}
		}
	default:
		if d.Type.Valid() {
			types = []string{"string"}
		}
	}
	if len(types) > 0 {
		if d.AllowNull {
			types = append(types, "null")
		}
		if len(types) == 1 {
			o.Set("type", types[0])
		} else {
			o.Set("type", types)
		}
	}
	if doc != "" {
		o.Set("description", doc)
	}
	if d.Type.Valid() {
		o.Set("x-moodle-type", "PARAM_"+d.Type.Name())
	}
	switch d.Type {
	case functions.ParamEmail:
		o.Set("format", "email")
	case functions.ParamURL, functions.ParamLocalURL:
		o.Set("format", "uri-reference")
	case functions.ParamBase64:
		o.Set("contentEncoding", "base64")
	case functions.ParamPermission:
		enum := []any{int64(-1000), int64(-1), int64(0), int64(1)}
		if d.AllowNull {
			enum = append(enum, nil)
		}
		o.Set("enum", enum)
	}
	if p, ok := patterns[d.Type]; ok {
		o.Set("pattern", p)
	}
}

// withNull returns the type t, or [t, "null"].
func withNull(t string, nullable bool) any {
	if nullable {
		return []string{t, "null"}
	}
	return t
}

// Keys returns the keys of a single structure that have a description,
// the first of any name declared twice (what a JSON object can hold).
func Keys(d *functions.Description) []functions.Key {
	if d == nil || d.Shape != functions.SingleShape {
		return nil
	}
	var seen map[string]bool
	out := make([]functions.Key, 0, len(d.Keys))
	for _, k := range d.Keys {
		if k.Desc == nil {
			continue
		}
		if seen == nil {
			seen = make(map[string]bool, len(d.Keys))
		}
		if seen[k.Name] {
			continue
		}
		seen[k.Name] = true
		out = append(out, k)
	}
	return out
}

// UsableDefault returns the default of d as the validator stores it, when
// d has one and it fits the schema this package writes for d (so that the
// OpenAPI document stays valid whatever a description holds). A null
// default is usable only when d allows null.
func UsableDefault(d *functions.Description, ret bool) (any, bool) {
	if d.Presence != functions.Default {
		return nil, false
	}
	if d.DefaultVal == nil {
		return nil, d.AllowNull
	}
	v, err := functions.Validate(d, d.DefaultVal)
	if err != nil || !fits(d, v, ret, 0) {
		return nil, false
	}
	if _, err := AppendJSON(nil, v); err != nil {
		return nil, false
	}
	return v, true
}

// fits reports whether v, a tree as the validator returns it, matches the
// schema schemaOf writes for d.
func fits(d *functions.Description, v any, ret bool, depth int) bool {
	if depth > MaxDepth {
		return true // schemaOf writes true below MaxDepth
	}
	if v == nil {
		return d.AllowNull
	}
	switch d.Shape {
	case functions.SingleShape:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		keys := Keys(d)
		found := 0
		for _, k := range keys {
			x, present := m[k.Name]
			if !present {
				if RequiredKey(k.Desc, ret) {
					return false
				}
				continue
			}
			found++
			if !fits(k.Desc, x, ret, depth+1) {
				return false
			}
		}
		return ret || found == len(m)
	case functions.MultipleShape:
		l, ok := v.([]any)
		if !ok {
			return false
		}
		if d.Content == nil {
			return true
		}
		for _, x := range l {
			if !fits(d.Content, x, ret, depth+1) {
				return false
			}
		}
		return true
	}
	switch d.Type {
	case functions.ParamInt:
		_, ok := v.(int64)
		return ok
	case functions.ParamPermission:
		i, ok := v.(int64)
		return ok && (i == 0 || i == 1 || i == -1 || i == -1000)
	case functions.ParamFloat:
		switch v.(type) {
		case float64, int64:
			return true
		}
		return false
	case functions.ParamBool:
		_, ok := v.(bool)
		return ok
	case functions.ParamRaw:
		switch v.(type) {
		case string:
			return true
		case int64, float64, bool:
			return ret
		}
		return false
	}
	if !d.Type.Valid() {
		return true // no type constraint
	}
	s, ok := v.(string)
	if !ok {
		return false
	}
	if re := PatternRegexp(d.Type); re != nil {
		return re.MatchString(s)
	}
	return true
}

// RequiredKey reports whether a key is listed in its object's "required":
// parameters must send required keys; results always hold required keys
// and scalar keys with a default (clean_returnvalue inserts it).
func RequiredKey(d *functions.Description, ret bool) bool {
	switch d.Presence {
	case functions.Required:
		return true
	case functions.Default:
		return ret && d.Shape == functions.ValueShape
	}
	return false
}

// patterns are the languages of the PARAM types that are simple regular
// expressions (in the syntax common to ECMA-262 and RE2), for the strings
// the validator accepts in their canonical form. The empty string is valid
// for every one of them (clean_param turns what it refuses into "").
// PLUGIN and AREA are slightly wider than Moodle's rule, which also refuses
// "__" past the second character.
var patterns = map[functions.ParamType]string{
	functions.ParamAlpha:       `^[a-zA-Z]*$`,
	functions.ParamAlphaext:    `^[a-zA-Z_-]*$`,
	functions.ParamAlphanum:    `^[a-zA-Z0-9]*$`,
	functions.ParamAlphanumext: `^[a-zA-Z0-9_-]*$`,
	functions.ParamSafedir:     `^[a-zA-Z0-9_-]*$`,
	functions.ParamSequence:    `^[0-9,]*$`,
	functions.ParamSafepath:    `^[a-zA-Z0-9/_-]*$`,
	functions.ParamComponent:   `^([a-z][a-z0-9]*(_[a-z][a-z0-9_]*)?[a-z0-9]+)?$`,
	functions.ParamPlugin:      `^([a-z][a-z0-9_]*[a-z0-9])?$`,
	functions.ParamArea:        `^([a-z][a-z0-9_]*[a-z0-9])?$`,
	functions.ParamStringID:    `^([a-zA-Z][a-zA-Z0-9.:/_-]*)?$`,
	functions.ParamCapability:  `^([a-z][a-z0-9_]*/[a-z][a-z0-9_]*:[a-z][a-z0-9_]*)?$`,
}

var (
	patternOnce sync.Once
	patternREs  map[functions.ParamType]*regexp.Regexp
)

// PatternRegexp returns the compiled pattern of t, or nil.
func PatternRegexp(t functions.ParamType) *regexp.Regexp {
	patternOnce.Do(func() {
		patternREs = make(map[functions.ParamType]*regexp.Regexp, len(patterns))
		for t, p := range patterns {
			patternREs[t] = regexp.MustCompile(p)
		}
	})
	return patternREs[t]
}
