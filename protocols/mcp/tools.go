package mcp

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"wsgate"
	"wsgate/functions"
	"wsgate/functions/jsonschema"
	"wsgate/protocols"
	"wsgate/protocols/rest"
)

// toolFunc is a function a session offers, as the catalog held it when the
// tool was made (a new pointer after an upgrade makes the tool again).
type toolFunc struct {
	fn *functions.Function
}

// Tool returns the MCP tool of fn: its name and description, the JSON
// Schema of its parameters (inputSchema) and of its result wrapped as
// {"result": ...} (outputSchema, none for a void function), and the
// annotations readOnlyHint (type read) and, for write functions,
// destructiveHint (the manifest's destructive).
func Tool(fn *functions.Function) *sdk.Tool {
	t := &sdk.Tool{Name: fn.Name, Description: description(fn), InputSchema: InputSchema(fn),
		Annotations: &sdk.ToolAnnotations{ReadOnlyHint: fn.Type == "read"}}
	if fn.Type != "read" {
		destructive := fn.Destructive
		t.Annotations.DestructiveHint = &destructive
	}
	if s := OutputSchema(fn); s != nil {
		t.OutputSchema = s
	}
	return t
}

// description is the tool's description: the function's, with its
// deprecation said.
func description(fn *functions.Function) string {
	d := strings.TrimSpace(strings.ToValidUTF8(fn.Description, "\uFFFD"))
	if fn.Deprecated {
		d = strings.TrimSpace("Deprecated. " + d)
	}
	return d
}

// InputSchema returns the JSON Schema of fn's parameters, always an object
// (MCP requires it): a function without parameters takes an empty one.
func InputSchema(fn *functions.Function) *jsonschema.Object {
	if p := fn.Params; p != nil && p.Shape == functions.SingleShape {
		d := *p
		d.AllowNull = false // the arguments are an object
		if o, ok := jsonschema.Schema(&d, false).(*jsonschema.Object); ok {
			return o
		}
	}
	return (&jsonschema.Object{}).Set("type", "object").Set("properties", &jsonschema.Object{}).
		Set("additionalProperties", false)
}

// OutputSchema returns the JSON Schema of fn's structuredContent:
// {"result": <the return value's schema>}; nil for a void function.
func OutputSchema(fn *functions.Function) *jsonschema.Object {
	if fn.Returns == nil {
		return nil
	}
	return (&jsonschema.Object{}).Set("type", "object").
		Set("properties", (&jsonschema.Object{}).Set("result", jsonschema.Schema(fn.Returns, true))).
		Set("required", []string{"result"}).
		Set("additionalProperties", false)
}

// setTools makes fns the tools of sess: the SDK tells the client when the
// set changed (notifications/tools/list_changed).
func (h *Handler) setTools(sess *session, fns []*functions.Function) {
	sess.mu.Lock()
	defer sess.mu.Unlock()
	want := make(map[string]*functions.Function, len(fns))
	for _, fn := range fns {
		want[fn.Name] = fn
	}
	var gone []string
	for name := range sess.tools {
		if want[name] == nil {
			gone = append(gone, name)
			delete(sess.tools, name)
		}
	}
	if len(gone) > 0 {
		sess.server.RemoveTools(gone...)
	}
	for name, fn := range want {
		if t := sess.tools[name]; t != nil && t.fn == fn {
			continue
		}
		sess.tools[name] = &toolFunc{fn: fn}
		sess.server.AddTool(Tool(fn), h.callTool(sess, name))
	}
}

// callTool returns the handler of tools/call for function name in sess.
func (h *Handler) callTool(sess *session, name string) sdk.ToolHandler {
	return func(ctx context.Context, req *sdk.CallToolRequest) (*sdk.CallToolResult, error) {
		call := sess.call(name)
		var raw json.RawMessage
		if req != nil && req.Params != nil {
			raw = req.Params.Arguments
		}
		params, err := h.arguments(ctx, raw)
		if err != nil {
			h.log.LogAttrs(ctx, slog.LevelDebug, "mcp: arguments refused", slog.String("function", name),
				slog.String("errorcode", wsgate.CodeOf(err)), slog.String("debuginfo", wsgate.AsError(err).DebugInfo))
			return errorResult(err, h.opts.Debug), nil
		}
		call.Params = params
		res, err := h.opts.Pipeline.Dispatch(ctx, call)
		if err != nil {
			return errorResult(err, h.opts.Debug), nil
		}
		return result(res), nil
	}
}

// arguments decodes a tools/call's arguments as a REST JSON body is read,
// within the parse budget; absent or null arguments are no parameters.
func (h *Handler) arguments(ctx context.Context, raw json.RawMessage) (map[string]any, error) {
	if t := bytes.TrimSpace(raw); len(t) == 0 || string(t) == "null" {
		return nil, nil
	}
	var params map[string]any
	err := h.opts.Intake.Decode(ctx, func(b *protocols.Budget) error {
		var err error
		params, err = rest.ParseJSONParams(bytes.NewReader(raw), b)
		return err
	})
	return params, err
}

// result is a successful call: Moodle's JSON of the value as text and, for
// a function that returns something, the same value as structuredContent.
func result(res *protocols.Result) *sdk.CallToolResult {
	var returns *functions.Description
	if res.Function != nil {
		returns = res.Function.Returns
	}
	text := rest.EncodeJSON(returns, res.Value)
	out := &sdk.CallToolResult{Content: []sdk.Content{&sdk.TextContent{Text: string(text)}}}
	if returns != nil {
		// The value is encoded once; structuredContent wraps those bytes
		// as they are (the SDK copies a RawMessage without re-encoding).
		sc := make([]byte, 0, len(structuredOpen)+len(text)+1)
		sc = append(append(append(sc, structuredOpen...), text...), '}')
		out.StructuredContent = json.RawMessage(sc)
	}
	return out
}

// structuredOpen begins a structuredContent object: {"result": <value>}.
const structuredOpen = `{"result":`

// errorResult is a refused or failed call: a tool result with isError and
// Moodle's exception object as text.
func errorResult(err error, debug bool) *sdk.CallToolResult {
	return &sdk.CallToolResult{IsError: true,
		Content: []sdk.Content{&sdk.TextContent{Text: string(rest.EncodeJSONError(err, debug))}}}
}

// refusedAll reports whether Callable's error says only that the token may
// call nothing (every function refused), not that the token is unusable.
func refusedAll(err error) bool {
	return errors.Is(err, wsgate.ErrAccess) || errors.Is(err, wsgate.ErrNoPermissions)
}
