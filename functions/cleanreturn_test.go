package functions

import (
	"reflect"
	"testing"

	"wsgate"
)

func userReturns() *Description {
	return multiple(single(
		key("id", value(ParamInt)),
		key("username", value(ParamUsername)),
		key("score", optional(value(ParamFloat))),
		key("active", withDefault(value(ParamBool), true)),
		key("extra", optional(value(ParamRaw))),
		key("tags", withDefault(multiple(value(ParamTag)), []any{})),
	))
}

func TestCleanReturnMaps(t *testing.T) {
	in := []any{
		map[string]any{"id": "5", "username": "bob", "score": 3, "secret": "dropped", "extra": int64(7)},
		map[string]any{"id": 6, "username": "amy", "active": "0", "extra": true, "tags": []string{"a", "b"}},
		map[string]any{"id": 7.0, "username": "joe", "extra": nil, "score": "1e2"},
	}
	want := []any{
		map[string]any{"id": int64(5), "username": "bob", "score": 3.0, "active": true, "extra": int64(7)},
		map[string]any{"id": int64(6), "username": "amy", "active": false, "extra": true, "tags": []any{"a", "b"}},
		map[string]any{"id": int64(7), "username": "joe", "active": true, "extra": nil, "score": 100.0},
	}
	got, err := CleanReturn(userReturns(), in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
}

type embedded struct {
	Score float64 `json:"score"`
}

type userRecord struct {
	ID       int64   `json:"id"`
	Username string  `json:"username"`
	Active   *bool   `json:"active"`
	Extra    any     `json:"extra,omitempty"`
	Secret   string  `json:"-"`
	Note     *string `json:"note"`
	hidden   int
	embedded
}

func TestCleanReturnStructs(t *testing.T) {
	no := false
	note := "n"
	d := multiple(single(
		key("id", value(ParamInt)),
		key("username", value(ParamUsername)),
		key("active", withDefault(value(ParamBool), true)),
		key("extra", optional(value(ParamRaw))),
		key("Secret", optional(value(ParamRaw))),
		key("note", value(ParamText)),
		key("score", value(ParamFloat)),
	))
	in := []userRecord{
		{ID: 1, Username: "bob", Active: &no, Extra: 0, Secret: "s", Note: &note, hidden: 1, embedded: embedded{2.5}},
		{ID: 2, Username: "amy"},
	}
	want := []any{
		map[string]any{"id": int64(1), "username": "bob", "active": false, "extra": int64(0), "note": "n", "score": 2.5},
		map[string]any{"id": int64(2), "username": "amy", "active": true, "note": nil, "score": 0.0},
	}
	got, err := CleanReturn(d, in)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got  %#v\nwant %#v", got, want)
	}
	// A pointer to a struct, and other map types.
	got, err = CleanReturn(single(key("id", value(ParamInt))), &userRecord{ID: 9})
	if err != nil || !reflect.DeepEqual(got, map[string]any{"id": int64(9)}) {
		t.Fatalf("pointer: %#v, %v", got, err)
	}
	got, err = CleanReturn(single(key("a", value(ParamInt))), map[string]int{"a": 1, "b": 2})
	if err != nil || !reflect.DeepEqual(got, map[string]any{"a": int64(1)}) {
		t.Fatalf("map[string]int: %#v, %v", got, err)
	}
	got, err = CleanReturn(multiple(value(ParamInt)), map[int]string{2: "20", 1: "10"})
	if err != nil || !reflect.DeepEqual(got, []any{int64(10), int64(20)}) {
		t.Fatalf("map[int]string: %#v, %v", got, err)
	}
	var nilSlice []userRecord
	got, err = CleanReturn(d, nilSlice)
	if err != nil || !reflect.DeepEqual(got, []any{}) {
		t.Fatalf("nil slice: %#v, %v", got, err)
	}
}

func TestCleanReturnVoid(t *testing.T) {
	got, err := CleanReturn(nil, map[string]any{"anything": 1})
	if got != nil || err != nil {
		t.Fatalf("void: %#v, %v", got, err)
	}
}

func TestCleanReturnErrors(t *testing.T) {
	const r = "Invalid response value detected"
	d := single(key("users", userReturns()))
	cases := []struct {
		name  string
		d     *Description
		in    any
		debug string
	}{
		{"missing required", d, map[string]any{"users": []any{map[string]any{"username": "bob"}}},
			`users => ` + r + `: Error in response - Missing following required key in a single structure: id`},
		{"bad int", d, map[string]any{"users": []any{map[string]any{"id": "abc", "username": "bob"}}},
			`users => ` + r + `: id => ` + r + `: Invalid external api response: the value is "abc" of PHP type "string", the server was expecting "int" type`},
		{"bad int from float", single(key("id", value(ParamInt))), map[string]any{"id": 1.5},
			`id => ` + r + `: Invalid external api response: the value is "1.5" of PHP type "double", the server was expecting "int" type`},
		{"bool for int", single(key("id", value(ParamInt))), map[string]any{"id": false},
			`id => ` + r + `: Invalid external api response: the value is "" of PHP type "boolean", the server was expecting "int" type`},
		{"int for alpha", single(key("a", value(ParamAlpha))), map[string]any{"a": 5},
			`a => ` + r + `: Invalid external api response: the value is "5" of PHP type "integer", the server was expecting "alpha" type`},
		{"null not allowed", single(key("a", notNull(value(ParamAlpha)))), map[string]any{"a": nil},
			`a => ` + r + `: Invalid external api response: the value is "" of PHP type "NULL", the server was expecting "alpha" type`},
		{"username changes", single(key("u", value(ParamUsername))), map[string]any{"u": "Bob"},
			`u => ` + r + `: Invalid external api response: the value is "Bob" of PHP type "string", the server was expecting "username" type`},
		{"scalar for single", single(key("s", single())), map[string]any{"s": "x"},
			`s => ` + r + `: Only arrays/objects accepted. The bad value is: 'x'`},
		{"null for single", single(key("s", single())), map[string]any{"s": nil},
			`s => ` + r + `: Only arrays/objects accepted. The bad value is: ''`},
		{"scalar for list", single(key("l", multiple(value(ParamInt)))), map[string]any{"l": 3},
			`l => ` + r + `: Only arrays accepted. The bad value is: '3'`},
		{"struct for list", multiple(value(ParamInt)), userRecord{},
			`Only arrays accepted. The bad value is: 'stdClass Object
(
    [id] => 0
    [username] => 
    [active] => 
    [extra] => 
    [note] => 
    [score] => 0
)
'`},
		{"array for scalar", single(key("a", value(ParamRaw))), map[string]any{"a": []any{}},
			`a => ` + r + `: Scalar type expected, array or object received.`},
		{"bad default", single(key("a", withDefault(value(ParamInt), "x"))), map[string]any{},
			`a => ` + r + `: Invalid external api response: the value is "x" of PHP type "string", the server was expecting "int" type`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := CleanReturn(c.d, c.in)
			wantDebug(t, err, wsgate.ErrInvalidResponse, c.debug)
		})
	}
}

func TestCleanReturnStructureDefaultsNotInserted(t *testing.T) {
	// Moodle inserts missing VALUE_DEFAULT keys in responses for values only.
	d := single(
		key("v", withDefault(value(ParamInt), 1)),
		key("s", withDefault(single(), map[string]any{})),
		key("l", withDefault(multiple(value(ParamInt)), []any{})),
	)
	got, err := CleanReturn(d, map[string]any{})
	if err != nil || !reflect.DeepEqual(got, map[string]any{"v": int64(1)}) {
		t.Fatalf("got %#v, %v", got, err)
	}
}
