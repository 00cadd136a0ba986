package functions

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

func TestJSONRoundTrip(t *testing.T) {
	pn, rn := manifestNodes(t, manifestSample)
	params, err := ParseParametersYAML(pn)
	if err != nil {
		t.Fatal(err)
	}
	returns, err := ParseDescriptionYAML(rn)
	if err != nil {
		t.Fatal(err)
	}
	extra := single(
		key("f", withDefault(value(ParamFloat), 1.5)),
		key("g", withDefault(value(ParamFloat), 2.0)),
		key("b", withDefault(value(ParamBool), false)),
		key("n", withDefault(value(ParamInt), nil)),
		key("s", withDefault(value(ParamText), `quote " a < b & é`)),
		key("o", withDefault(single(key("z", value(ParamInt)), key("a", value(ParamRaw))), map[string]any{"z": int64(1), "a": "x"})),
		key("nn", &Description{Shape: SingleShape, AllowNull: true, Presence: Optional, Doc: "nullable"}),
	)
	for _, d := range []*Description{params, returns, extra, single()} {
		b1, err := json.Marshal(d)
		if err != nil {
			t.Fatal(err)
		}
		var back Description
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatalf("%s: %v", b1, err)
		}
		if !reflect.DeepEqual(&back, d) {
			t.Errorf("round trip changed the description:\n%s", b1)
		}
		b2, _ := json.Marshal(&back)
		if !bytes.Equal(b1, b2) {
			t.Errorf("round trip changed the bytes:\n%s\n%s", b1, b2)
		}
		b3, _ := json.Marshal(d)
		if !bytes.Equal(b1, b3) {
			t.Errorf("marshalling is not deterministic:\n%s\n%s", b1, b3)
		}
	}
}

func TestJSONForm(t *testing.T) {
	d := single(
		key("id", value(ParamInt)),
		key("auth", notNull(withDefault(value(ParamPlugin), "manual"))),
		key("tags", optional(multiple(value(ParamTag)))),
	)
	d.Keys[0].Desc.Doc = "The id"
	got, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"type":"single","required":true,"allownull":false,"keys":[` +
		`{"name":"id","type":"INT","description":"The id","required":true,"allownull":true},` +
		`{"name":"auth","type":"PLUGIN","required":false,"default":"manual","allownull":false},` +
		`{"name":"tags","type":"multiple","required":false,"allownull":false,"content":{"type":"TAG","required":true,"allownull":true}}]}`
	if string(got) != want {
		t.Fatalf("got  %s\nwant %s", got, want)
	}
	var nilDesc *Description
	if b, _ := json.Marshal(nilDesc); string(b) != "null" {
		t.Fatalf("nil description marshals as %s", b)
	}
}

func TestJSONErrors(t *testing.T) {
	cases := []struct{ src, want string }{
		{`{"type":"INTX"}`, `unknown PARAM type "INTX"`},
		{`{"type":"INT","colour":1}`, `unknown field "colour"`},
		{`{"type":"single","keys":[{"type":"INT"}]}`, `keys[0] has no name`},
		{`{"type":"single","keys":[{"name":"a","type":"INT"},{"name":"a","type":"INT"}]}`, `duplicate key "a"`},
		{`{"type":"multiple"}`, `needs content`},
		{`{"type":"INT","default":"x"}`, `invalid default`},
		{`{"type":"INT","default":1,"required":true}`, `required must be false`},
		{`{"type":"single","keys":[{"name":"a","type":"multiple","content":{"type":"INT","default":"z"}}]}`, `description.keys.a.content: invalid default`},
	}
	for _, c := range cases {
		var d Description
		err := json.Unmarshal([]byte(c.src), &d)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.src, err, c.want)
		}
	}
	bad := &Description{Shape: ValueShape, Type: ParamFloat, Presence: Default, DefaultVal: jsonNaN()}
	if _, err := json.Marshal(bad); err == nil {
		t.Error("NaN default marshalled")
	}
}

func jsonNaN() float64 {
	zero := 0.0
	return zero / zero
}
