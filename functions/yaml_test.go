package functions

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

const manifestSample = `
parameters:
  users:
    type: multiple
    description: The users to create
    content:
      type: single
      keys:
        username: {type: USERNAME, description: Username}
        email: PARAM_EMAIL
        auth: {type: PLUGIN, default: manual, allownull: false}
        idnumber: {type: RAW, required: false}
        count: {type: INTEGER, default: "5"}
        prefs: {type: multiple, required: false, content: {type: single, keys: {name: {type: RAW}}}}
  options:
    type: multiple
    default: []
    content: {type: single, keys: {name: ALPHANUMEXT, value: RAW}}
returns:
  type: single
  keys: { id: {type: INT} }
`

// manifestNodes returns the parameters and returns nodes of a manifest.
func manifestNodes(t *testing.T, src string) (params, returns *yaml.Node) {
	t.Helper()
	var m struct {
		Parameters yaml.Node `yaml:"parameters"`
		Returns    yaml.Node `yaml:"returns"`
	}
	if err := yaml.Unmarshal([]byte(src), &m); err != nil {
		t.Fatal(err)
	}
	nilIfEmpty := func(n *yaml.Node) *yaml.Node {
		if n.Kind == 0 {
			return nil
		}
		return n
	}
	return nilIfEmpty(&m.Parameters), nilIfEmpty(&m.Returns)
}

func TestParseYAMLManifest(t *testing.T) {
	pn, rn := manifestNodes(t, manifestSample)
	params, err := ParseParametersYAML(pn)
	if err != nil {
		t.Fatal(err)
	}
	want := single(
		key("users", multiple(single(
			key("username", value(ParamUsername)),
			key("email", value(ParamEmail)),
			key("auth", notNull(withDefault(value(ParamPlugin), "manual"))),
			key("idnumber", optional(value(ParamRaw))),
			key("count", withDefault(value(ParamInt), int64(5))),
			key("prefs", optional(multiple(single(key("name", value(ParamRaw)))))),
		))),
		key("options", withDefault(multiple(single(key("name", value(ParamAlphanumext)), key("value", value(ParamRaw)))), []any{})),
	)
	want.Keys[0].Desc.Doc = "The users to create"
	want.Keys[0].Desc.Content.Keys[0].Desc.Doc = "Username"
	if !reflect.DeepEqual(params, want) {
		gotJSON, _ := json.Marshal(params)
		wantJSON, _ := json.Marshal(want)
		t.Fatalf("got  %s\nwant %s", gotJSON, wantJSON)
	}
	returns, err := ParseDescriptionYAML(rn)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(returns, single(key("id", value(ParamInt)))) {
		t.Fatalf("returns %#v", returns)
	}
}

func TestParseYAMLVoidAndEmpty(t *testing.T) {
	for _, src := range []string{"returns:\n", "other: 1\n", "returns: null\n", "returns: ~\n"} {
		_, rn := manifestNodes(t, src)
		d, err := ParseDescriptionYAML(rn)
		if d != nil || err != nil {
			t.Errorf("%q: returns %#v, %v; want void", src, d, err)
		}
		pn, _ := manifestNodes(t, strings.Replace(src, "returns", "parameters", 1))
		d, err = ParseParametersYAML(pn)
		if err != nil || !reflect.DeepEqual(d, &Description{Shape: SingleShape}) {
			t.Errorf("%q: parameters %#v, %v; want none", src, d, err)
		}
	}
	if d, err := ParseYAML(nil); d != nil || err != nil {
		t.Errorf("ParseYAML(nil) = %#v, %v", d, err)
	}
}

func TestParseYAMLErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{"parameters:\n  users:\n    type: multiple\n    content:\n      type: single\n      keys:\n        auth: {type: PLUGINX}\n",
			`parameters.users.content.keys.auth: unknown PARAM type "PLUGINX" (line 7)`},
		{"parameters:\n  a: {type: INT, colour: red}\n", `parameters.a: unknown field "colour" (want type, description, required, default, allownull, keys or content) (line 2)`},
		{"parameters:\n  a: {description: x}\n", `parameters.a: missing type (line 2)`},
		{"parameters:\n  a: {type: single}\n", `parameters.a: a single structure needs keys (line 2)`},
		{"parameters:\n  a: {type: multiple}\n", `parameters.a: a multiple structure needs content (line 2)`},
		{"parameters:\n  a: {type: INT, keys: {}}\n", `parameters.a.keys: keys are only for single (line 2)`},
		{"parameters:\n  a: {type: single, keys: {}, content: INT}\n", `parameters.a.content: content is only for multiple (line 2)`},
		{"parameters:\n  a:\n    type: INT\n    default: abc\n", `parameters.a.default: invalid default: Invalid external api parameter: the value is "abc", the server was expecting "int" type (line 4)`},
		{"parameters:\n  a: {type: INT, default: 1, required: true}\n", `parameters.a: a default makes the key optional: drop required: true (line 2)`},
		{"parameters:\n  a: {type: INT, default: null, allownull: false}\n", `parameters.a.default: invalid default: Invalid external api parameter: the value is "", the server was expecting "int" type (line 2)`},
		{"parameters:\n  a: {type: INT, required: maybe}\n", `parameters.a: required must be true or false (line 2)`},
		{"parameters:\n  a: INT\n  a: RAW\n", `parameters.a: duplicate key (line 3)`},
		{"parameters:\n  a:\n", `parameters.a: missing description: give a type (line 2)`},
		{"parameters:\n  a: 5\n", `parameters.a: expected a type name or a mapping, got "5" (line 2)`},
		{"parameters: [a, b]\n", `parameters: must be a mapping of parameter names to descriptions (line 1)`},
		{"parameters:\n  a: {type: multiple, content: {type: single, keys: {x: {type: FLOAT, default: .nan}}}}\n",
			`parameters.a.content.keys.x.default: numbers must be finite (line 2)`},
		{"returns:\n  type: single\n  keys:\n    list: {type: multiple, content: [INT]}\n", `returns.keys.list.content: expected a type name or a mapping (line 4)`},
		{"returns: INTX\n", `returns: unknown PARAM type "INTX" (line 1)`},
	}
	for _, c := range cases {
		pn, rn := manifestNodes(t, c.src)
		var err error
		if strings.HasPrefix(c.src, "returns") {
			_, err = ParseDescriptionYAML(rn)
		} else {
			_, err = ParseParametersYAML(pn)
		}
		if err == nil || err.Error() != c.want {
			t.Errorf("%q\n got: %v\nwant: %s", c.src, err, c.want)
		}
		var de *DescriptionError
		if err != nil && !errors.As(err, &de) {
			t.Errorf("%q: error %T is not a *DescriptionError", c.src, err)
		}
	}
}

func TestParseYAMLShorthandAndAliases(t *testing.T) {
	d, err := ParseYAML([]byte("type: single\nkeys:\n  a: &t {type: TEXT, required: false}\n  b: *t\n  c: PARAM_MULTILANG\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := single(key("a", optional(value(ParamText))), key("b", optional(value(ParamText))), key("c", value(ParamText)))
	if !reflect.DeepEqual(d, want) {
		t.Fatalf("got %#v", d)
	}
}

func TestParseYAMLLimits(t *testing.T) {
	// A self-referencing alias and an exponential alias fan-out stop cleanly.
	srcs := []string{
		"&a {type: multiple, content: *a}",
		"type: single\nkeys:\n  a: &a {type: single, keys: {x: INT, y: INT}}\n  b: &b {type: single, keys: {x: *a, y: *a, z: *a, w: *a}}\n" +
			"  c: &c {type: single, keys: {x: *b, y: *b, z: *b, w: *b}}\n  d: &d {type: single, keys: {x: *c, y: *c, z: *c, w: *c}}\n" +
			"  e: &e {type: single, keys: {x: *d, y: *d, z: *d, w: *d}}\n  f: &f {type: single, keys: {x: *e, y: *e, z: *e, w: *e}}\n" +
			"  g: &g {type: single, keys: {x: *f, y: *f, z: *f, w: *f}}\n  h: &h {type: single, keys: {x: *g, y: *g, z: *g, w: *g}}\n",
	}
	for _, src := range srcs {
		if _, err := ParseYAML([]byte(src)); err == nil {
			t.Errorf("%q: no error", src)
		}
	}
}
