package apidoc_test

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"

	"wsgate/functions"
	"wsgate/web/apidoc"
)

func TestTreeGolden(t *testing.T) {
	tests := []struct {
		name string
		d    *functions.Description
	}{
		{"create_users_params", createUsers.Params},
		{"create_users_returns", createUsers.Returns},
		{"get_contents_returns", getContents.Returns},
		{"matrix_returns", matrix.Returns},
		{"ping_returns", ping.Returns},
		{"defaults_params", defaults.Params},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got bytes.Buffer
			enc := json.NewEncoder(&got)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(apidoc.Tree(tt.d)); err != nil {
				t.Fatal(err)
			}
			golden(t, "tree/"+tt.name+".json", got.Bytes())
		})
	}
}

func TestTree(t *testing.T) {
	tests := []struct {
		name string
		d    *functions.Description
		want []apidoc.Node
	}{
		{name: "void", d: nil, want: nil},
		{name: "no parameters", d: single(""), want: nil},
		{
			name: "value root",
			d:    notNull(val(functions.ParamBool, "always true")),
			want: []apidoc.Node{{Type: "bool", Doc: "always true", Required: "required"}},
		},
		{
			name: "nested with optional, default and null",
			d: single("",
				"users", multiple("the users", single("a user",
					"username", notNull(val(functions.ParamUsername, "login")),
					"auth", notNull(def(val(functions.ParamPlugin, "auth plugin"), "manual")),
					"idnumber", opt(val(functions.ParamRaw, "id number")),
					"prefs", opt(multiple("preferences", single("",
						"type", notNull(val(functions.ParamRaw, "name")),
					))),
				)),
				"limit", def(val(functions.ParamInt, "at most"), nil),
			),
			want: []apidoc.Node{
				{Name: "users", Type: "list", Doc: "the users", Required: "required", Children: []apidoc.Node{
					{Type: "object", Doc: "a user", Required: "required", Children: []apidoc.Node{
						{Name: "username", Type: "username", Doc: "login", Required: "required"},
						{Name: "auth", Type: "plugin", Doc: "auth plugin", Required: "default", Default: "manual"},
						{Name: "idnumber", Type: "raw", Doc: "id number", Required: "optional", AllowNull: true},
						{Name: "prefs", Type: "list", Doc: "preferences", Required: "optional", Children: []apidoc.Node{
							{Type: "object", Required: "required", Children: []apidoc.Node{
								{Name: "type", Type: "raw", Doc: "name", Required: "required"},
							}},
						}},
					}},
				}},
				{Name: "limit", Type: "int", Doc: "at most", Required: "default", Default: "null", AllowNull: true},
			},
		},
		{
			name: "keys without description and repeated keys",
			d: &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
				{Name: "a", Desc: notNull(val(functions.ParamInt, "first"))},
				{Name: "b"},
				{Name: "a", Desc: notNull(val(functions.ParamRaw, "second"))},
			}},
			want: []apidoc.Node{{Name: "a", Type: "int", Doc: "first", Required: "required"}},
		},
		{
			name: "list without content",
			d:    &functions.Description{Shape: functions.MultipleShape},
			want: []apidoc.Node{{Type: "list", Required: "required"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := apidoc.Tree(tt.d); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Tree:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

// TestTreeDefaults checks the print_r rendering of defaults.
func TestTreeDefaults(t *testing.T) {
	tests := []struct {
		name string
		d    *functions.Description
		want string
	}{
		{"string", def(val(functions.ParamAlpha, ""), "manual"), "manual"},
		{"int", def(val(functions.ParamInt, ""), int64(-3)), "-3"},
		{"true", def(val(functions.ParamBool, ""), true), "1"},
		{"false", def(val(functions.ParamBool, ""), false), ""},
		{"null", def(val(functions.ParamRaw, ""), nil), "null"},
		{"float", def(val(functions.ParamFloat, ""), 0.1), "0.1"},
		{"float integral", def(val(functions.ParamFloat, ""), 2.0), "2"},
		{"float third", def(val(functions.ParamFloat, ""), 1.0/3), "0.33333333333333"},
		{"float small", def(val(functions.ParamFloat, ""), 0.0001), "0.0001"},
		{"float tiny", def(val(functions.ParamFloat, ""), 0.00001), "1.0E-5"},
		{"float big", def(val(functions.ParamFloat, ""), 1e25), "1.0E+25"},
		{"float big digits", def(val(functions.ParamFloat, ""), 1.5e15), "1.5E+15"},
		{"float 14 digits", def(val(functions.ParamFloat, ""), 1e13), "10000000000000"},
		{"float 15 digits", def(val(functions.ParamFloat, ""), 1e14), "1.0E+14"},
		{"float negative", def(val(functions.ParamFloat, ""), -2.5), "-2.5"},
		{"empty list", def(multiple("", val(functions.ParamInt, "")), []any{}), "Array\n(\n)\n"},
		{
			"list of structures",
			def(multiple("", single("", "b", val(functions.ParamInt, ""), "a", val(functions.ParamRaw, ""))),
				[]any{map[string]any{"a": "x", "b": int64(1)}}),
			"Array\n(\n    [0] => Array\n        (\n            [b] => 1\n            [a] => x\n        )\n\n)\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			nodes := apidoc.Tree(single("", "k", tt.d))
			if len(nodes) != 1 || nodes[0].Required != "default" {
				t.Fatalf("nodes %+v", nodes)
			}
			if nodes[0].Default != tt.want {
				t.Errorf("Default = %q, want %q", nodes[0].Default, tt.want)
			}
		})
	}
}
