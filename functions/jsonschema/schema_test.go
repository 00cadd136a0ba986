package jsonschema_test

import (
	"bytes"
	"encoding/json"
	"testing"

	santhosh "github.com/santhosh-tekuri/jsonschema/v6"

	"wsgate/functions"
	"wsgate/functions/jsonschema"
)

// compile checks s against the JSON Schema 2020-12 metaschema and returns it compiled.
func compile(t *testing.T, name string, s any) *santhosh.Schema {
	t.Helper()
	b, err := jsonschema.AppendJSON(nil, s)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	doc, err := santhosh.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	c := santhosh.NewCompiler()
	c.DefaultDraft(santhosh.Draft2020)
	if err := c.AddResource("schema.json", doc); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	compiled, err := c.Compile("schema.json")
	if err != nil {
		t.Fatalf("%s is not valid JSON Schema 2020-12: %v\n%s", name, err, b)
	}
	return compiled
}

// Every PARAM type, as a value, in a list and as an object key, optional,
// nullable and with a default, makes a valid 2020-12 schema for parameters
// and for results.
func TestSchemaIsJSONSchema2020(t *testing.T) {
	for typ := functions.ParamInt; typ.Valid(); typ++ {
		value := &functions.Description{Shape: functions.ValueShape, Type: typ, Doc: "a " + typ.Name()}
		nullable := &functions.Description{Shape: functions.ValueShape, Type: typ, AllowNull: true,
			Presence: functions.Optional}
		d := &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
			{Name: "v", Desc: value},
			{Name: "n", Desc: nullable},
			{Name: "list", Desc: &functions.Description{Shape: functions.MultipleShape, Content: value}},
			{Name: "nested", Desc: &functions.Description{Shape: functions.SingleShape, Presence: functions.Optional,
				Keys: []functions.Key{{Name: "x", Desc: nullable}}}},
		}}
		for _, ret := range []bool{false, true} {
			compile(t, typ.Name(), jsonschema.Schema(d, ret))
		}
	}
}

// What the validator accepts matches the parameters' schema.
func TestSchemaAcceptsValidatedParameters(t *testing.T) {
	d := &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
		{Name: "ids", Desc: &functions.Description{Shape: functions.MultipleShape,
			Content: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamInt}}},
		{Name: "name", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamAlphanum,
			Presence: functions.Default, DefaultVal: "abc"}},
		{Name: "ok", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamBool,
			Presence: functions.Optional}},
	}}
	schema := compile(t, "params", jsonschema.Schema(d, false))
	for _, in := range []map[string]any{
		{"ids": []any{"1", 2}},
		{"ids": []any{}, "name": "x9", "ok": "1"},
	} {
		v, err := (&functions.Validator{}).Validate(d, in)
		if err != nil {
			t.Fatalf("%v: %v", in, err)
		}
		b, _ := json.Marshal(v)
		doc, _ := santhosh.UnmarshalJSON(bytes.NewReader(b))
		if err := schema.Validate(doc); err != nil {
			t.Errorf("validated %s does not match its schema: %v", b, err)
		}
	}
}
