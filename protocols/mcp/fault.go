package mcp

import (
	"encoding/json"
	"net/http"

	"wsgate"
	"wsgate/protocols/rest"
)

// JSON-RPC error codes of the refusals answered before the SDK sees a request.
const (
	codeUnauthenticated = -32001 // the token is unusable
	codeForbidden       = -32003 // the token may not use MCP or its service
	codeUnavailable     = -32002 // the store cannot be read
)

// writeFault answers a request refused before it reached the SDK: HTTP 401
// (with WWW-Authenticate) for an unusable token, 503 when the store is
// down, else 403, with a JSON-RPC error whose data is Moodle's exception
// object (debuginfo only with debug).
func writeFault(w http.ResponseWriter, err error, debug bool) {
	e := wsgate.AsError(err)
	status, code := http.StatusForbidden, codeForbidden
	switch e.Kind {
	case wsgate.Unauthenticated:
		status, code = http.StatusUnauthorized, codeUnauthenticated
		w.Header().Set("WWW-Authenticate", `Bearer realm="wsgate"`)
	case wsgate.Unavailable, wsgate.Internal:
		status, code = http.StatusServiceUnavailable, codeUnavailable
	}
	body, _ := json.Marshal(map[string]any{ // a map of strings and RawMessage always marshals
		"jsonrpc": "2.0",
		"id":      nil,
		"error": map[string]any{"code": code, "message": e.Message,
			"data": json.RawMessage(rest.EncodeJSONError(err, debug))},
	})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}
