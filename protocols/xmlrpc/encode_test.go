package xmlrpc_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"wsgate/functions"
	"wsgate/protocols/xmlrpc"
)

func val(t functions.ParamType) *functions.Description {
	return &functions.Description{Shape: functions.ValueShape, Type: t, AllowNull: true}
}

func opt(d *functions.Description) *functions.Description {
	c := *d
	c.Presence = functions.Optional
	return &c
}

// single builds a single structure from name, description pairs.
func single(pairs ...any) *functions.Description {
	d := &functions.Description{Shape: functions.SingleShape}
	for i := 0; i < len(pairs); i += 2 {
		d.Keys = append(d.Keys, functions.Key{Name: pairs[i].(string), Desc: pairs[i+1].(*functions.Description)})
	}
	return d
}

func multiple(d *functions.Description) *functions.Description {
	return &functions.Description{Shape: functions.MultipleShape, Content: d}
}

const (
	respOpen  = `<?xml version="1.0" encoding="UTF-8"?>` + "\n<methodResponse><params><param><value>"
	respClose = "</value></param></params></methodResponse>"
)

type named string

func TestEncodeResponse(t *testing.T) {
	intD, floatD, boolD, rawD := val(functions.ParamInt), val(functions.ParamFloat), val(functions.ParamBool), val(functions.ParamRaw)
	n := 5
	tests := []struct {
		name string
		d    *functions.Description
		v    any
		want string // the content of the top-level <value>
	}{
		{"int", intD, int64(42), "<int>42</int>"},
		{"int min i4", intD, int64(math.MinInt32), "<int>-2147483648</int>"},
		{"int beyond i4", intD, int64(math.MaxInt32) + 1, "<double>2147483648</double>"},
		{"int max int64", intD, int64(math.MaxInt64), "<double>9223372036854775807</double>"},
		{"int from int", intD, 7, "<int>7</int>"},
		{"int from int32", intD, int32(-3), "<int>-3</int>"},
		{"int from integral float", intD, 3.0, "<int>3</int>"},
		{"int from json.Number", intD, json.Number("12"), "<int>12</int>"},
		{"int holding a string", intD, "abc", "<string>abc</string>"},
		{"float", floatD, 0.5, "<double>0.5</double>"},
		{"float integral", floatD, 2.0, "<double>2</double>"},
		{"float large, no exponent", floatD, 1e21, "<double>1000000000000000000000</double>"},
		{"float small, no exponent", floatD, 1.5e-7, "<double>0.00000015</double>"},
		{"float from float32", floatD, float32(0.1), "<double>0.1</double>"},
		{"float from int64", floatD, int64(3), "<double>3</double>"},
		{"float from json.Number", floatD, json.Number("1.25"), "<double>1.25</double>"},
		{"float NaN", floatD, math.NaN(), "<string>NAN</string>"},
		{"float -Inf", floatD, math.Inf(-1), "<string>-INF</string>"},
		{"bool true", boolD, true, "<boolean>1</boolean>"},
		{"bool false", boolD, false, "<boolean>0</boolean>"},
		{"raw", rawD, `a & b <c> "d" 'e'`, `<string>a &amp; b &lt;c&gt; "d" 'e'</string>`},
		{"raw unicode", rawD, "é☺\U0001F600", "<string>é☺\U0001F600</string>"},
		{"raw controls", rawD, "a\x00b\x1fc\td\ne\rf", "<string>a\uFFFDb\uFFFDc\td\ne&#xD;f</string>"},
		{"raw invalid UTF-8", rawD, "a\xffb\uFFFE", "<string>a\uFFFDb\uFFFD</string>"},
		{"raw holding an int", rawD, int64(3), "<int>3</int>"},
		{"top-level null", rawD, nil, "<string></string>"},
		{"struct in declaration order", single("z", intD, "a", rawD, "m", boolD),
			map[string]any{"a": "x", "m": true, "z": int64(1), "undeclared": "no"},
			"<struct><member><name>z</name><value><int>1</int></value></member>" +
				"<member><name>a</name><value><string>x</string></value></member>" +
				"<member><name>m</name><value><boolean>1</boolean></value></member></struct>"},
		{"struct absent and null members left out", single("a", opt(intD), "b", rawD, "c", intD),
			map[string]any{"b": nil, "c": int64(2)},
			"<struct><member><name>c</name><value><int>2</int></value></member></struct>"},
		{"struct empty", single("a", opt(intD)), map[string]any{}, "<struct></struct>"},
		{"struct null", single("a", intD), nil, "<string></string>"},
		{"struct name escaped", single("a<b", intD), map[string]any{"a<b": 1}, "<struct><member><name>a&lt;b</name><value><int>1</int></value></member></struct>"},
		{"array", multiple(intD), []any{int64(1), nil, int64(3)},
			"<array><data><value><int>1</int></value><value><string></string></value><value><int>3</int></value></data></array>"},
		{"array empty", multiple(intD), []any{}, "<array><data></data></array>"},
		{"nested", multiple(single("id", intD, "tags", multiple(rawD))),
			[]any{map[string]any{"id": int64(1), "tags": []any{"a"}}},
			"<array><data><value><struct><member><name>id</name><value><int>1</int></value></member>" +
				"<member><name>tags</name><value><array><data><value><string>a</string></value></data></array></value></member>" +
				"</struct></value></data></array>"},
		{"no description: map sorted", nil, map[string]any{"b": 1, "a": "x", "n": nil},
			"<struct><member><name>a</name><value><string>x</string></value></member>" +
				"<member><name>b</name><value><int>1</int></value></member></struct>"},
		{"no description: scalars", nil, []any{uint64(math.MaxUint64), int8(-1), float32(1.5), json.Number("x1"), []byte("hi"),
			time.Date(1998, 7, 17, 14, 8, 55, 0, time.UTC), named("s"), &n, (*int)(nil)},
			"<array><data><value><double>18446744073709551615</double></value><value><int>-1</int></value>" +
				"<value><double>1.5</double></value><value><string>x1</string></value><value><base64>aGk=</base64></value>" +
				"<value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value><value><string>s</string></value>" +
				"<value><int>5</int></value><value><string></string></value></data></array>"},
		{"no description: other maps and structs", nil, []any{map[int]string{2: "b", 1: "a"},
			struct {
				A int `json:"a"`
				B string
				c int
			}{1, "x", 2}},
			"<array><data><value><struct><member><name>1</name><value><string>a</string></value></member>" +
				"<member><name>2</name><value><string>b</string></value></member></struct></value>" +
				"<value><struct><member><name>a</name><value><int>1</int></value></member>" +
				"<member><name>B</name><value><string>x</string></value></member></struct></value></data></array>"},
		{"shape mismatch", single("a", intD), []any{"x"}, "<array><data><value><string>x</string></value></data></array>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(xmlrpc.EncodeResponse(tt.d, tt.v))
			if want := respOpen + tt.want + respClose; got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
			mustParse(t, []byte(got))
		})
	}
}

func TestEncodeCycle(t *testing.T) {
	s := []any{nil}
	s[0] = s
	d := multiple(nil)
	d.Content = d
	got := xmlrpc.EncodeResponse(d, s)
	mustParse(t, got)
	if !strings.Contains(string(got), "<string></string>") {
		t.Errorf("the cycle was not cut")
	}
}
