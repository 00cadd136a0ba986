// Package jsonschema turns function descriptions into JSON Schema 2020-12,
// the one generator behind the per-service OpenAPI documents (web/apidoc)
// and the MCP tools' inputSchema and outputSchema (protocols/mcp), and
// writes JSON objects that keep their members in declaration order.
package jsonschema
