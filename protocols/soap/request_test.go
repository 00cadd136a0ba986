package soap_test

import (
	"reflect"
	"strings"
	"testing"

	"wsgate/protocols"
	"wsgate/protocols/soap"
)

// TestAppendRequest sends envelopes written by AppendRequest to the server:
// it reads back the same parameters, typed by their description, and
// answers in document/literal style (the request is in the WSDL's
// namespace).
func TestAppendRequest(t *testing.T) {
	for _, tc := range []struct {
		function string
		v, want  map[string]any
	}{
		{"core_webservice_get_site_info", map[string]any{}, map[string]any{}},
		{"core_user_create_users", map[string]any{"users": []any{
			map[string]any{"username": "a&b", "suspended": true, "undeclared": "dropped",
				"preferences": []any{map[string]any{"type": "t", "value": "<v>"}}},
			map[string]any{"username": "c", "email": nil},
		}}, map[string]any{"users": []any{
			map[string]any{"username": "a&b", "suspended": true,
				"preferences": []any{map[string]any{"type": "t", "value": "<v>"}}},
			map[string]any{"username": "c", "email": nil},
		}}},
		{"core_course_get_contents", map[string]any{"courseid": int64(12)}, map[string]any{"courseid": int64(12)}},
	} {
		t.Run(tc.function, func(t *testing.T) {
			rec := &recorder{answer: func(c *protocols.Call) (*protocols.Result, error) { return result(c, nil) }}
			f, _ := byName(tc.function)
			body := soap.AppendRequest(nil, testBase, tc.function, f.Params, tc.v)
			w := post(t, newServer(rec), "?wstoken="+testToken, string(body))
			if w.Code != 200 || !strings.Contains(w.Body.String(), `<`+tc.function+`Response xmlns="`+testBase+`"`) {
				t.Fatalf("HTTP %d: %s\nrequest %s", w.Code, w.Body, body)
			}
			call := rec.last(t)
			if call.Function != tc.function || !reflect.DeepEqual(call.Params, tc.want) {
				t.Errorf("got %s %#v\nwant %#v\nrequest %s", call.Function, call.Params, tc.want, body)
			}
		})
	}
}
