package mcp

import (
	"context"
	"encoding/json"
	"testing"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/protocolstest"
)

// FuzzToolArguments feeds tools/call arguments through what a call does
// with them before the function runs: decoding within the parse budget,
// then validation against a description. Neither panics; a refusal is a
// *wsgate.Error; what is accepted stays within the budget.
func FuzzToolArguments(f *testing.F) {
	for _, seed := range []string{
		``, `null`, `{}`, `{"ids":[1,"2"],"withcovers":true}`, `{"ids":{"0":3}}`, `[1,2]`, `"x"`,
		`{"ids":[1],"ids":[2]}`, `{"a":{"b":{"c":[[[[[]]]]]}}}`, `{"ids":[1e400]}`, `{"ids":[1]} trailing`,
		"{\"ids\":[\"\xff\"]}", `{"ids":[-0.0, 9007199254740993]}`,
	} {
		f.Add([]byte(seed))
	}
	limits := protocols.Limits{MaxNodes: 200, MaxDepth: 8, MaxStringBytes: 4096}
	h := New(Options{Intake: protocols.Intake{Limits: limits}})
	d := &functions.Description{Shape: functions.SingleShape, Keys: []functions.Key{
		{Name: "ids", Desc: &functions.Description{Shape: functions.MultipleShape,
			Content: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamInt}}},
		{Name: "withcovers", Desc: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamBool,
			Presence: functions.Default, DefaultVal: false}},
	}}
	v := &functions.Validator{}
	f.Fuzz(func(t *testing.T, raw []byte) {
		params, err := h.arguments(context.Background(), json.RawMessage(raw))
		if err != nil {
			if wsgate.AsError(err).Code == "" {
				t.Fatalf("decode error without errorcode: %v", err)
			}
			return
		}
		protocolstest.CheckWithin(t, limits, params, nil)
		if params == nil {
			params = map[string]any{}
		}
		if _, err := v.Validate(d, params); err != nil && wsgate.AsError(err).Code == "" {
			t.Fatalf("validation error without errorcode: %v", err)
		}
	})
}
