package apidoc

import (
	"regexp"
	"sync"

	"wsgate/functions"
)

// placeholder returns the sample value of a PARAM type: a value the
// gateway's validator accepts that hints at the type. Unknown types get
// "string".
func placeholder(t functions.ParamType) any {
	switch t {
	case functions.ParamInt, functions.ParamPermission:
		return int64(1)
	case functions.ParamFloat:
		return 1.5
	case functions.ParamBool:
		return true
	}
	if s, ok := placeholders[t]; ok {
		return s
	}
	return "string"
}

var placeholders = map[functions.ParamType]string{
	functions.ParamAlpha:       "alpha",
	functions.ParamAlphaext:    "alpha_ext",
	functions.ParamAlphanum:    "alphanum1",
	functions.ParamAlphanumext: "alphanum_ext1",
	functions.ParamSequence:    "1,2,3",
	functions.ParamSafedir:     "safedir",
	functions.ParamSafepath:    "safe/path",
	functions.ParamFile:        "file.txt",
	functions.ParamPath:        "/path/to/file.txt",
	functions.ParamHost:        "example.com",
	functions.ParamURL:         "https://example.com/",
	functions.ParamLocalURL:    "/local/page.php",
	functions.ParamEmail:       "user@example.com",
	functions.ParamUsername:    "username",
	functions.ParamComponent:   "core_user",
	functions.ParamPlugin:      "plugin",
	functions.ParamArea:        "area",
	functions.ParamStringID:    "stringid",
	functions.ParamTimezone:    "Europe/London",
	functions.ParamBase64:      "c3RyaW5n",
	functions.ParamTag:         "tag",
	functions.ParamTaglist:     "tag1,tag2",
	functions.ParamCapability:  "moodle/site:config",
}

// sample returns a value of d: every key, one item per list, the default
// of values that have a usable one, else the type's placeholder. ret says
// whether d describes a return value (see usableDefault).
func sample(d *functions.Description, ret bool, depth int) any {
	if d == nil || depth > maxDepth {
		return nil
	}
	switch d.Shape {
	case functions.SingleShape:
		keys := keysOf(d)
		m := make(map[string]any, len(keys))
		for _, k := range keys {
			m[k.Name] = sample(k.Desc, ret, depth+1)
		}
		return m
	case functions.MultipleShape:
		return []any{sample(d.Content, ret, depth+1)}
	}
	if v, ok := usableDefault(d, ret); ok && v != nil {
		return v
	}
	return placeholder(d.Type)
}

// usableDefault returns the default of d as the validator stores it, when
// d has one and it fits the schema this package writes for d (so that the
// OpenAPI document stays valid whatever a description holds). A null
// default is usable only when d allows null.
func usableDefault(d *functions.Description, ret bool) (any, bool) {
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
	if _, err := appendJSON(nil, v, 0); err != nil {
		return nil, false
	}
	return v, true
}

// fits reports whether v, a tree as the validator returns it, matches the
// schema schemaOf writes for d.
func fits(d *functions.Description, v any, ret bool, depth int) bool {
	if depth > maxDepth {
		return true // schemaOf writes true below maxDepth
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
		keys := keysOf(d)
		found := 0
		for _, k := range keys {
			x, present := m[k.Name]
			if !present {
				if requiredKey(k.Desc, ret) {
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
	if re := patternRegexp(d.Type); re != nil {
		return re.MatchString(s)
	}
	return true
}

// requiredKey reports whether a key is listed in its object's "required":
// parameters must send required keys; results always hold required keys
// and scalar keys with a default (clean_returnvalue inserts it).
func requiredKey(d *functions.Description, ret bool) bool {
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

// patternRegexp returns the compiled pattern of t, or nil.
func patternRegexp(t functions.ParamType) *regexp.Regexp {
	patternOnce.Do(func() {
		patternREs = make(map[functions.ParamType]*regexp.Regexp, len(patterns))
		for t, p := range patterns {
			patternREs[t] = regexp.MustCompile(p)
		}
	})
	return patternREs[t]
}
