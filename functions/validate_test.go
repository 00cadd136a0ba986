package functions

import (
	"encoding/json"
	"reflect"
	"testing"

	"wsgate"
)

// The consequences table of moodle-webservices.md §2.2, plus Moodle's own
// validate_param tests.
func TestValidateLeaves(t *testing.T) {
	accept := []struct {
		t    ParamType
		in   any
		want any
	}{
		{ParamInt, "12", int64(12)},
		{ParamInt, "-5", int64(-5)},
		{ParamInt, "0", int64(0)},
		{ParamInt, "9223372036854775807", int64(9223372036854775807)},
		{ParamBool, "1", true},
		{ParamBool, "0", false},
		{ParamBool, true, true},
		{ParamBool, false, false},
		{ParamBool, 1, true},
		{ParamBool, int64(0), false},
		{ParamBool, 1.0, true},
		{ParamBool, json.Number("0"), false},
		{ParamAlpha, "", ""},
		{ParamAlphanum, "", ""},
		{ParamEmail, "", ""},
		{ParamURL, "", ""},
		{ParamText, "plain text & more > less", "plain text & more > less"},
		{ParamRawTrimmed, "x", "x"},
		{ParamUsername, "bob", "bob"},
		{ParamFloat, "1.0", 1.0},
		{ParamFloat, "1e3", 1000.0},
		{ParamFloat, ".5", 0.5},
		{ParamFloat, "0", 0.0},
		{ParamFloat, "011.1", 11.1},
		{ParamFloat, "+.1", 0.1},
		{ParamFloat, "-.1", -0.1},
		{ParamFloat, "1e10", 1e10},
		{ParamFloat, ".1e+10", 1e9},
		{ParamFloat, "1E-1", 0.1},
		{ParamFloat, "119813454.545464564564546564545646556564465465456465465465645645465645645645", 119813454.54546456},
		{ParamFloat, "1.5\n", 1.5}, // is_numeric allows trailing whitespace, PCRE's "$" a final newline
		{ParamFloat, 10, 10.0},
		{ParamFloat, 1.5, 1.5},
		{ParamFloat, json.Number("2"), 2.0},
		// JSON-typed values.
		{ParamText, 5, "5"},
		{ParamText, json.Number("5"), "5"},
		{ParamText, 1.5, "1.5"},
		{ParamText, true, "1"},
		{ParamText, false, ""},
		{ParamRaw, int64(42), "42"},
		{ParamInt, true, int64(1)},
		{ParamInt, 5.0, int64(5)},
		{ParamInt, json.Number("5.0"), int64(5)},
		{ParamInt, json.Number("1e2"), int64(100)},
		{ParamInt, int64(7), int64(7)},
		{ParamAlphanum, 5, "5"},
		{ParamPermission, "-1000", int64(-1000)},
		{ParamPermission, "1", int64(1)},
		{ParamPermission, 0, int64(0)},
		{ParamTimezone, "Europe/London", "Europe/London"},
		{ParamCapability, "moodle/user:create", "moodle/user:create"},
		{ParamCapability, "", ""},
		{ParamInt, nil, nil},
	}
	for _, c := range accept {
		got, err := Validate(value(c.t), c.in)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("Validate(%s, %#v) = %#v, %v; want %#v", c.t, c.in, got, err, c.want)
		}
	}
	reject := []struct {
		t  ParamType
		in any
	}{
		{ParamInt, "012"}, {ParamInt, "+12"}, {ParamInt, " 12"}, {ParamInt, "12abc"}, {ParamInt, "1.0"},
		{ParamInt, ""}, {ParamInt, "11a"}, {ParamInt, "-0"}, {ParamInt, "99999999999999999999"},
		{ParamInt, false}, {ParamInt, 5.5}, {ParamInt, 1e15}, {ParamInt, json.Number("5.5")},
		{ParamBool, "true"}, {ParamBool, "yes"}, {ParamBool, "on"}, {ParamBool, ""}, {ParamBool, 2},
		{ParamBool, 0.5}, {ParamBool, "01"},
		{ParamText, "<b>x</b>"}, {ParamNotags, "<b>x</b>"},
		{ParamRawTrimmed, " x "},
		{ParamUsername, "Bob"},
		{ParamRaw, "a\xffb"}, {ParamText, "a\xffb"}, {ParamRaw, "a\x00b"},
		{ParamFloat, "1,5"}, {ParamFloat, " 1.5"}, {ParamFloat, "0x1A"}, {ParamFloat, ""}, {ParamFloat, "."},
		{ParamFloat, "e10"}, {ParamFloat, "abc"}, {ParamFloat, "1.5 "}, {ParamFloat, true},
		{ParamAlpha, "abc1"}, {ParamAlpha, 5},
		{ParamEmail, "x"}, {ParamURL, "funny:thing"},
		{ParamPermission, "2"}, {ParamPermission, "01"},
		{ParamCapability, "not a capability"},
		{ParamType(0), "x"},
	}
	for _, c := range reject {
		if got, err := Validate(value(c.t), c.in); err == nil {
			t.Errorf("Validate(%s, %#v) = %#v, want an error", c.t, c.in, got)
		}
	}
}

// Every string case of TestClean doubles as a validation case: a string is
// accepted exactly when cleaning leaves it unchanged.
func TestValidateAgreesWithClean(t *testing.T) {
	for _, c := range cleanCases {
		switch c.t {
		case ParamInt, ParamFloat, ParamBool, ParamPermission, ParamType(0):
			continue
		}
		got, err := Validate(value(c.t), c.in)
		if want := c.in == c.want; want != (err == nil) {
			t.Errorf("Validate(%s, %q) error = %v, want accepted=%v", c.t, c.in, err, want)
		} else if err == nil && got != c.in {
			t.Errorf("Validate(%s, %q) = %#v", c.t, c.in, got)
		}
	}
}

func TestValidateCapabilityLookup(t *testing.T) {
	v := &Validator{KnownCapability: func(c string) bool { return c == "moodle/user:create" }}
	if _, err := v.Validate(value(ParamCapability), "moodle/user:create"); err != nil {
		t.Fatal(err)
	}
	_, err := v.Validate(value(ParamCapability), "moodle/user:delete")
	wantDebug(t, err, wsgate.ErrInvalidParameter,
		`Invalid external api parameter: the value is "moodle/user:delete", the server was expecting "capability" type`)
}

// usersParams is the worked example of moodle-webservices.md §1.4.
func usersParams() *Description {
	return single(key("users", multiple(single(
		key("username", value(ParamUsername)),
		key("email", value(ParamEmail)),
		key("auth", notNull(withDefault(value(ParamPlugin), "manual"))),
		key("idnumber", optional(value(ParamRaw))),
		key("preferences", optional(multiple(single(
			key("type", value(ParamRaw)),
			key("value", value(ParamRaw)),
		)))),
	))))
}

func TestValidateNested(t *testing.T) {
	in := map[string]any{"users": []any{
		map[string]any{"username": "bob", "email": "bob@example.com", "idnumber": "7",
			"preferences": map[string]any{"1": map[string]any{"type": "b", "value": "2"},
				"0": map[string]any{"type": "a", "value": "1"}}},
		map[string]any{"username": "amy", "email": "amy@example.com", "auth": "ldap"},
	}}
	want := map[string]any{"users": []any{
		map[string]any{"username": "bob", "email": "bob@example.com", "auth": "manual", "idnumber": "7",
			"preferences": []any{map[string]any{"type": "a", "value": "1"}, map[string]any{"type": "b", "value": "2"}}},
		map[string]any{"username": "amy", "email": "amy@example.com", "auth": "ldap"},
	}}
	got, err := Validate(usersParams(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	again, err := Validate(usersParams(), got)
	if err != nil || !reflect.DeepEqual(again, got) {
		t.Fatalf("validating the cleaned tree changed it: %#v, %v", again, err)
	}
}

func TestValidateForm(t *testing.T) {
	// Form encoding: users[0][username]=... gives maps keyed by indices.
	in := map[string]any{"users": map[string]any{
		"10": map[string]any{"username": "c", "email": ""},
		"2":  map[string]any{"username": "b", "email": ""},
		"0":  map[string]any{"username": "a", "email": ""},
	}}
	got, err := Validate(usersParams(), in)
	if err != nil {
		t.Fatal(err)
	}
	users := got.(map[string]any)["users"].([]any)
	var names []string
	for _, u := range users {
		names = append(names, u.(map[string]any)["username"].(string))
	}
	if !reflect.DeepEqual(names, []string{"a", "b", "c"}) {
		t.Fatalf("order %v, want [a b c] (re-indexed by numeric key)", names)
	}
}

// absent marks a key the test removes.
const absent = "\x00absent"

func TestValidateErrors(t *testing.T) {
	user := func(kv ...any) map[string]any {
		m := map[string]any{"username": "bob", "email": "bob@example.com"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == absent {
				delete(m, kv[i].(string))
				continue
			}
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	}
	users := func(u ...any) map[string]any { return map[string]any{"users": u} }
	const p = "Invalid parameter value detected"
	cases := []struct {
		name  string
		d     *Description
		in    any
		debug string
	}{
		{"bad email", usersParams(), users(user("email", "x")),
			`users => ` + p + `: email => ` + p + `: Invalid external api parameter: the value is "x", the server was expecting "email" type`},
		{"missing required", usersParams(), users(user("username", absent)),
			`users => ` + p + `: Missing required key in single structure: username`},
		{"missing top level", usersParams(), map[string]any{},
			`Missing required key in single structure: users`},
		{"unknown top level", usersParams(), map[string]any{"users": []any{}, "b": "1", "a": "2"},
			`Unexpected keys (a, b) detected in parameter array.`},
		{"unknown nested", usersParams(), users(user("zz", "1", "aa", "2")),
			`users => ` + p + `: Unexpected keys (aa, zz) detected in parameter array.`},
		{"null structure", usersParams(), users(nil),
			`users => ` + p + `: Only arrays accepted. The bad value is: ''`},
		{"scalar for list", usersParams(), map[string]any{"users": "abc"},
			`users => ` + p + `: Only arrays accepted. The bad value is: 'abc'`},
		{"array for scalar", usersParams(), users(user("email", []any{"x"})),
			`users => ` + p + `: email => ` + p + `: Scalar type expected, array or object received.`},
		{"null not allowed", usersParams(), users(user("auth", nil)),
			`users => ` + p + `: auth => ` + p + `: Invalid external api parameter: the value is "", the server was expecting "plugin" type`},
		{"bad default", single(key("n", withDefault(value(ParamInt), "x"))), map[string]any{},
			`n => ` + p + `: Invalid external api parameter: the value is "x", the server was expecting "int" type`},
		{"null default", single(key("n", notNull(withDefault(value(ParamInt), nil)))), map[string]any{},
			`n => ` + p + `: Invalid external api parameter: the value is "", the server was expecting "int" type`},
		{"bool", single(key("b", value(ParamBool))), map[string]any{"b": "true"},
			`b => ` + p + `: Invalid external api parameter: the value is "true", the server was expecting "bool" type`},
		{"json float", single(key("n", value(ParamInt))), map[string]any{"n": 1.5},
			`n => ` + p + `: Invalid external api parameter: the value is "1.5", the server was expecting "int" type`},
		{"list of arrays shown", single(key("s", value(ParamInt))), map[string]any{"s": map[string]any{"a": "1"}},
			`s => ` + p + `: Scalar type expected, array or object received.`},
		{"single given list", single(key("s", single(key("a", value(ParamInt))))), map[string]any{"s": []any{"1"}},
			`s => ` + p + `: Missing required key in single structure: a`},
		{"print_r", single(key("s", multiple(value(ParamInt)))), map[string]any{"s": 1.5},
			`s => ` + p + `: Only arrays accepted. The bad value is: '1.5'`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Validate(c.d, c.in)
			wantDebug(t, err, wsgate.ErrInvalidParameter, c.debug)
		})
	}
}

func TestValidateNulls(t *testing.T) {
	d := single(
		key("v", value(ParamInt)),
		key("s", optional(&Description{Shape: SingleShape, AllowNull: true})),
		key("l", optional(&Description{Shape: MultipleShape, Content: value(ParamInt), AllowNull: true})),
	)
	got, err := Validate(d, map[string]any{"v": nil, "s": nil, "l": nil})
	want := map[string]any{"v": nil, "s": nil, "l": nil}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, %v", got, err)
	}
	// No parameters at all.
	got, err = Validate(nil, nil)
	if err != nil || !reflect.DeepEqual(got, map[string]any{}) {
		t.Fatalf("Validate(nil, nil) = %#v, %v", got, err)
	}
	_, err = Validate(nil, map[string]any{"x": "1"})
	wantDebug(t, err, wsgate.ErrInvalidParameter, "Unexpected keys (x) detected in parameter array.")
}

func TestValidateDefaults(t *testing.T) {
	d := single(
		key("n", withDefault(value(ParamInt), "5")),
		key("f", withDefault(value(ParamFloat), 1)),
		key("b", withDefault(value(ParamBool), "1")),
		key("s", withDefault(value(ParamText), nil)),
		key("l", withDefault(multiple(value(ParamInt)), []any{"1", 2})),
		key("o", withDefault(single(key("x", withDefault(value(ParamAlpha), "y"))), map[string]any{})),
	)
	got, err := Validate(d, map[string]any{})
	want := map[string]any{"n": int64(5), "f": 1.0, "b": true, "s": nil, "l": []any{int64(1), int64(2)},
		"o": map[string]any{"x": "y"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("got %#v, %v", got, err)
	}
}

func TestValidateDoesNotMutate(t *testing.T) {
	in := map[string]any{"users": []any{map[string]any{"username": "bob", "email": ""}}}
	if _, err := Validate(usersParams(), in); err != nil {
		t.Fatal(err)
	}
	if _, ok := in["users"].([]any)[0].(map[string]any)["auth"]; ok {
		t.Fatal("Validate wrote the default into its input")
	}
}
