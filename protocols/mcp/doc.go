// Package mcp serves the registry to AI agents as a Model Context Protocol
// server (Streamable HTTP transport, the official Go SDK) at Path.
//
// The caller authenticates with its web service token, as
// "Authorization: Bearer <token>" or, for clients that cannot set headers,
// the wstoken query parameter. Each session gets a server of its own,
// bound to the token that opened it: every later request must carry the
// same token, and every request checks it again (token, user, protocol
// enabled, service enabled and open to the user), so a revoked token or a
// disabled service ends the session at its next request. Refusals at that
// level are protocol faults: HTTP 401 or 403 with a JSON-RPC error whose
// data is Moodle's exception object.
//
// The session's tools are the functions of the token's service its caller
// may call (protocols.Pipeline.Callable: the Authorize decision of a call,
// so a read-only token sees only functions of type read), each with the
// inputSchema and outputSchema that functions/jsonschema writes for the
// per-service OpenAPI document too, and the annotations readOnlyHint
// (type read) and destructiveHint (write functions, from the manifest's
// destructive). When the authorizer's cache is invalidated (an admin edit,
// an upgrade, another instance's change) every open session's tools are
// computed again, and the SDK sends notifications/tools/list_changed to
// sessions whose tools changed; a session whose token can no longer call
// anything is closed.
//
// tools/call goes through protocols.Pipeline.Dispatch like every protocol
// (validation, cleaning, metrics, one log line with protocol=mcp). The
// arguments are decoded as a REST JSON body is, within the parse budget. A
// result is the function's value as Moodle's JSON in a text block and, for
// functions that return something, structuredContent {"result": value}
// (the outputSchema wraps the return schema the same way, since MCP wants
// an object). A Moodle error is a tool result with isError true whose
// text is Moodle's exception object (exception, errorcode, message, and
// debuginfo when debugging is on).
package mcp

// Path is where the gateway serves MCP.
const Path = "/webservice/mcp/server.php"
