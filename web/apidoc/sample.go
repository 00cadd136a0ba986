package apidoc

import (
	"wsgate/functions"
	"wsgate/functions/jsonschema"
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
	if d == nil || depth > jsonschema.MaxDepth {
		return nil
	}
	switch d.Shape {
	case functions.SingleShape:
		keys := jsonschema.Keys(d)
		m := make(map[string]any, len(keys))
		for _, k := range keys {
			m[k.Name] = sample(k.Desc, ret, depth+1)
		}
		return m
	case functions.MultipleShape:
		return []any{sample(d.Content, ret, depth+1)}
	}
	if v, ok := jsonschema.UsableDefault(d, ret); ok && v != nil {
		return v
	}
	return placeholder(d.Type)
}
