package rest_test

import (
	"reflect"
	"testing"

	"wsgate/functions"
	"wsgate/protocols/rest"
)

// TestEncodeForm writes forms and reads them back with ParseQuery, as the
// server does: the same tree, with lists as maps of string indexes and
// leaves as text.
func TestEncodeForm(t *testing.T) {
	val := func(pt functions.ParamType) *functions.Description {
		return &functions.Description{Shape: functions.ValueShape, Type: pt}
	}
	params := &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
		{Name: "users", Desc: &functions.Description{Shape: functions.MultipleShape, Content: &functions.Description{
			Shape: functions.SingleShape, Keys: []functions.Key{{Name: "username", Desc: val(functions.ParamRaw)},
				{Name: "suspended", Desc: val(functions.ParamBool)}, {Name: "ratio", Desc: val(functions.ParamFloat)}}}}},
		{Name: "courseid", Desc: val(functions.ParamInt)},
	}}
	for _, tc := range []struct {
		name string
		v    map[string]any
		body string
		want map[string]any
	}{
		{"nothing", map[string]any{}, "", map[string]any{}},
		{"scalars and escaping", map[string]any{"courseid": int64(3), "extra": "dropped", "users": []any{
			map[string]any{"username": "a&b=c d", "suspended": true, "ratio": 0.5},
			map[string]any{"username": "ü", "suspended": false, "ratio": nil}}},
			"users[0][username]=a%26b%3Dc+d&users[0][suspended]=1&users[0][ratio]=0.5&users[1][username]=%C3%BC&users[1][suspended]=0&courseid=3",
			map[string]any{"courseid": "3", "users": map[string]any{
				"0": map[string]any{"username": "a&b=c d", "suspended": "1", "ratio": "0.5"},
				"1": map[string]any{"username": "ü", "suspended": "0"}}}},
		{"empty list sends nothing", map[string]any{"users": []any{}}, "", map[string]any{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := rest.EncodeForm(params, tc.v)
			if body != tc.body {
				t.Errorf("body %s\nwant %s", body, tc.body)
			}
			got, err := rest.ParseQuery(body)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("read back %#v, %v\nwant %#v", got, err, tc.want)
			}
		})
	}
}
