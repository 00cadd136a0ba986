package xmlrpc_test

import (
	"bytes"
	"reflect"
	"testing"

	"wsgate/functions"
	"wsgate/protocols/xmlrpc"
)

// TestEncodeCall encodes calls and reads them back with the server's own
// decoder: positional parameters in declaration order, typed as declared,
// or one struct when an earlier parameter is absent.
func TestEncodeCall(t *testing.T) {
	users := single("users", multiple(single("username", val(functions.ParamRaw), "id", opt(val(functions.ParamInt)))),
		"notify", opt(val(functions.ParamBool)), "note", opt(val(functions.ParamRaw)))
	for _, tc := range []struct {
		name string
		v    map[string]any
		want []any
	}{
		{"none", map[string]any{}, []any{}},
		{"nested, trailing left out", map[string]any{"users": []any{map[string]any{"username": "a<b", "id": int64(7)}}},
			[]any{[]any{map[string]any{"username": "a<b", "id": int64(7)}}}},
		{"all", map[string]any{"users": []any{}, "notify": true, "note": "x"}, []any{[]any{}, true, "x"}},
		{"a gap: one struct", map[string]any{"note": "only", "undeclared": "dropped"},
			[]any{map[string]any{"note": "only"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body := xmlrpc.EncodeCall("core_user_create_users", users, tc.v)
			call, err := xmlrpc.DecodeCall(bytes.NewReader(body))
			if err != nil {
				t.Fatalf("%v\n%s", err, body)
			}
			if call.Method != "core_user_create_users" || !reflect.DeepEqual(call.Params, tc.want) {
				t.Errorf("got %s %#v, want %#v\n%s", call.Method, call.Params, tc.want, body)
			}
		})
	}
}
