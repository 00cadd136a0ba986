// Package tool_mobile implements Moodle's tool_mobile functions the app
// relies on: tool_mobile_call_external_functions, a batch of calls.
package tool_mobile

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"

	"wsgate"
	"wsgate/functions"
	"wsgate/services"
)

// BatchFunction is the name of the batch function, which a batch may not call.
const BatchFunction = "tool_mobile_call_external_functions"

// DefaultMaxRequests is the batch size limit when Deps.MaxRequests is not set.
const DefaultMaxRequests = 25

// Deps is what the implementations need from the running gateway.
type Deps struct {
	// Calls runs each item through the gateway's pipeline as the batch's caller.
	Calls services.InnerDispatcher
	// MaxRequests bounds the items of one batch (≤ 0: DefaultMaxRequests).
	MaxRequests int
	// EncodeData encodes an item's result as Moodle's json_encode does (the
	// REST encoder); EncodeException an item's error as Moodle's exception
	// object, with debuginfo when the gateway is in debug mode.
	EncodeData      func(returns *functions.Description, v any) []byte
	EncodeException func(err error) []byte
}

// Register adds the component's implementations to reg.
func Register(reg *functions.Registry, d Deps) {
	reg.Register(`tool_mobile\external`, "call_external_functions", d.callExternalFunctions)
}

// item is one validated request of a batch.
type item struct {
	function string
	params   map[string]any
	settings wsgate.Settings
}

// response is one entry of the answer: data or exception, JSON inside JSON.
type response struct {
	Error     bool    `json:"error"`
	Data      *string `json:"data"`
	Exception *string `json:"exception"`
}

// callExternalFunctions checks every request first (size, function names,
// arguments, settings), so a bad batch answers invalidparameter and runs
// nothing; then runs the requests in order through the pipeline and stops
// after the first that fails, as Moodle does.
func (d Deps) callExternalFunctions(ctx context.Context, params map[string]any) (any, error) {
	if d.Calls == nil || d.EncodeData == nil || d.EncodeException == nil {
		return nil, wsgate.ErrCoding.WithDebug("tool_mobile is not wired to the pipeline")
	}
	items, err := d.items(params["requests"])
	if err != nil {
		return nil, err
	}
	out := make([]response, 0, len(items))
	for _, it := range items {
		settings := it.settings
		fn, v, err := d.Calls.DispatchInner(ctx, services.InnerCall{Function: it.function, Params: it.params, Settings: &settings})
		if err != nil {
			s := string(d.EncodeException(err))
			out = append(out, response{Error: true, Exception: &s})
			break
		}
		var returns *functions.Description
		if fn != nil {
			returns = fn.Returns
		}
		s := string(d.EncodeData(returns, v))
		out = append(out, response{Data: &s})
	}
	return map[string]any{"responses": out}, nil
}

// items checks the validated requests list and decodes every item.
func (d Deps) items(v any) ([]item, error) {
	list, _ := v.([]any)
	limit := d.MaxRequests
	if limit <= 0 {
		limit = DefaultMaxRequests
	}
	if len(list) > limit {
		return nil, wsgate.ErrInvalidParameter.WithDebugf("A batch holds at most %d requests, this one %d", limit, len(list))
	}
	items := make([]item, 0, len(list))
	for i, r := range list {
		m, _ := r.(map[string]any)
		it, err := decodeItem(m)
		if err != nil {
			e := wsgate.AsError(err)
			return nil, e.WithDebugf("requests[%d]: %s", i, e.DebugInfo)
		}
		items = append(items, it)
	}
	return items, nil
}

// decodeItem reads one request: the function, its arguments (a JSON
// object in a string) and its settings.
func decodeItem(m map[string]any) (item, error) {
	it := item{settings: wsgate.DefaultSettings()}
	it.function, _ = m["function"].(string)
	if it.function == BatchFunction {
		return it, wsgate.ErrInvalidParameter.WithDebugf("%s cannot be called inside a batch", BatchFunction)
	}
	args, _ := m["arguments"].(string)
	var err error
	if it.params, err = decodeArguments(args); err != nil {
		return it, err
	}
	it.settings.Raw = isTrue(m["settingraw"])
	it.settings.Filter = isTrue(m["settingfilter"])
	it.settings.FileURL = isTrue(m["settingfileurl"])
	lang, _ := m["settinglang"].(string)
	if it.settings.Lang, err = wsgate.ParseLang(lang); err != nil {
		return it, wsgate.ErrInvalidParameter.WithDebug("settinglang must be a language code such as en or pt_br")
	}
	return it, nil
}

// decodeArguments decodes a JSON object of named arguments, numbers kept as
// json.Number as the REST protocol's JSON bodies have them. "" and "[]"
// (PHP's json_encode of an empty array) are no arguments.
func decodeArguments(s string) (map[string]any, error) {
	trimmed := bytes.TrimSpace([]byte(s))
	if len(trimmed) == 0 || string(trimmed) == "[]" {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(trimmed))
	dec.UseNumber()
	var args map[string]any
	err := dec.Decode(&args)
	if err == nil && args == nil {
		err = errors.New("null")
	}
	if err == nil {
		if _, e := dec.Token(); !errors.Is(e, io.EOF) {
			err = errors.New("data after the object")
		}
	}
	if err != nil {
		return nil, wsgate.ErrInvalidParameter.WithDebug("arguments must be a JSON object of named arguments")
	}
	return args, nil
}

// isTrue reads a validated PARAM_BOOL value.
func isTrue(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case string:
		return x == "1" || x == "true"
	case int64:
		return x != 0
	case json.Number:
		return x.String() == "1"
	}
	return false
}
