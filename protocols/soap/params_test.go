package soap

import (
	"reflect"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/protocols"
)

func TestLeaf(t *testing.T) {
	tests := []struct {
		text, xsiType string
		declared      functions.ParamType
		want          any
	}{
		{"12", "", functions.ParamInt, int64(12)},
		{" +012\n", "", functions.ParamInt, int64(12)}, // xsd:long's lexical space
		{"-5", "", functions.ParamInt, int64(-5)},
		{"12abc", "", functions.ParamInt, "12abc"},
		{"1_000", "", functions.ParamInt, "1_000"},
		{"99999999999999999999", "", functions.ParamInt, "99999999999999999999"},
		{"", "", functions.ParamInt, ""},
		{"1.5", "", functions.ParamFloat, 1.5},
		{" .5 ", "", functions.ParamFloat, 0.5},
		{"1e3", "", functions.ParamFloat, 1000.0},
		{"-1.5E-3", "", functions.ParamFloat, -0.0015},
		{"INF", "", functions.ParamFloat, "INF"},
		{"NaN", "", functions.ParamFloat, "NaN"},
		{"0x1p3", "", functions.ParamFloat, "0x1p3"},
		{"1e", "", functions.ParamFloat, "1e"},
		{".", "", functions.ParamFloat, "."},
		{"1e999", "", functions.ParamFloat, "1e999"},
		{"1,5", "", functions.ParamFloat, "1,5"},
		{"true", "", functions.ParamBool, true},
		{"0", "", functions.ParamBool, false},
		{" false ", "", functions.ParamBool, false},
		{"yes", "", functions.ParamBool, "yes"},
		{"012", "", functions.ParamRaw, "012"},
		{" x ", "", functions.ParamRaw, " x "},
		{"012", "string", functions.ParamInt, "012"}, // xsi:type wins, as in PHP
		{"true", "string", functions.ParamBool, "true"},
		{"7", "int", functions.ParamRaw, int64(7)},
		{"7", "unsignedByte", 0, int64(7)},
		{"1", "boolean", functions.ParamInt, true},
		{"2.5", "decimal", functions.ParamInt, 2.5},
		{"x", "int", functions.ParamInt, "x"},
		{"5", "Struct", functions.ParamInt, int64(5)}, // unknown xsi:type: the declared type
	}
	for _, tt := range tests {
		got := leaf(&node{text: []byte(tt.text), typ: tt.xsiType}, tt.declared)
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("leaf(%q, xsi:type %q, %v) = %#v, want %#v", tt.text, tt.xsiType, tt.declared, got, tt.want)
		}
	}
}

func TestReadEnvelopeHeaders(t *testing.T) {
	head := `<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header>`
	tail := `</s:Header><s:Body><f><a>1</a></f><ignored/></s:Body><s:Trailer/></s:Envelope>`
	for _, h := range []string{
		`<x:Sec xmlns:x="urn:x"/>`,
		`<x:Sec xmlns:x="urn:x" s:mustUnderstand="0"/>`,
		`<x:Sec xmlns:x="urn:x" s:mustUnderstand="1" s:actor="urn:someone-else"/>`,
		`<x:Sec xmlns:x="urn:x" mustUnderstand="1"/>`, // not the SOAP attribute
	} {
		env, err := readEnvelope(strings.NewReader(head+h+tail), protocols.NewBudget(protocols.Limits{}))
		if err != nil || env.op == nil || env.op.name != "f" || len(env.op.kids) != 1 {
			t.Errorf("%s: %v %+v", h, err, env)
		}
	}
	for _, h := range []string{
		`<x:Sec xmlns:x="urn:x" s:mustUnderstand="1"/>`,
		`<x:Sec xmlns:x="urn:x" s:mustUnderstand="true" s:actor="http://schemas.xmlsoap.org/soap/actor/next"/>`,
	} {
		_, err := readEnvelope(strings.NewReader(head+h+tail), protocols.NewBudget(protocols.Limits{}))
		if re, ok := err.(*requestError); !ok || re.faultcode != "soap:MustUnderstand" {
			t.Errorf("%s: %v, want a MustUnderstand fault", h, err)
		}
	}
}

func TestApacheMapNeedsKeyAndValue(t *testing.T) {
	d := &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
		{Name: "item", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamRaw}},
	}}
	kv := &node{name: "m", kids: []*node{{name: "item", kids: []*node{{name: "value", text: []byte("v")}, {name: "key", text: []byte("k")}}}}}
	c := converter{budget: protocols.NewBudget(protocols.Limits{})}
	got, err := c.structure(kv, nil, 0)
	if err != nil || !reflect.DeepEqual(got, map[string]any{"k": "v"}) {
		t.Errorf("map: %#v %v", got, err)
	}
	// A structure that declares a key "item" is never read as a map.
	got, err = c.structure(kv, d, 0)
	if err != nil || !reflect.DeepEqual(got, map[string]any{"item": map[string]any{"value": "v", "key": "k"}}) {
		t.Errorf("declared item: %#v %v", got, err)
	}
}
