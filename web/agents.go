package web

import (
	"encoding/json"
	"net/url"
	"slices"

	"wsgate/services"
)

// mcpPath is where the gateway serves MCP (protocols/mcp.Path).
const mcpPath = "/webservice/mcp/server.php"

// agentsDoc is the "AI agents" section of a service's API documentation:
// the MCP endpoint, a client configuration and the tools a client sees.
type agentsDoc struct {
	URL      string
	Config   string // an mcpServers entry to paste into a client's configuration
	QueryURL string // the endpoint with the token in the query, for clients without headers
	Tools    []agentTool
	Off      bool // the service does not take MCP calls
	ReadOnly bool // documented for a read-only token
}

// agentTool is one tool of the section, with its MCP annotations.
type agentTool struct {
	Name                  string
	ReadOnly, Destructive bool
}

// agentsOf documents MCP for sv: fns are its installed functions; token is
// the holder's token ("" on the administrator's page: TOKEN); a read-only
// token sees only functions of type read.
func agentsOf(base string, sv services.Service, fns []fnDoc, token string, readOnly bool) agentsDoc {
	a := agentsDoc{URL: base + mcpPath, ReadOnly: readOnly,
		Off: sv.Protocols != nil && !slices.Contains(sv.Protocols, "mcp")}
	shown := token
	if shown == "" {
		shown = "TOKEN"
	}
	name := "wsgate"
	if sv.Shortname != "" {
		name += "-" + sv.Shortname
	}
	cfg := map[string]any{"mcpServers": map[string]any{name: map[string]any{
		"type": "http", "url": a.URL, "headers": map[string]string{"Authorization": "Bearer " + shown}}}}
	b, _ := json.MarshalIndent(cfg, "", "  ") // maps of strings always marshal
	a.Config = string(b)
	a.QueryURL = a.URL + "?" + url.Values{"wstoken": {shown}}.Encode()
	for _, f := range fns {
		fn := f.Fn
		if readOnly && fn.Type != "read" {
			continue
		}
		a.Tools = append(a.Tools, agentTool{Name: fn.Name, ReadOnly: fn.Type == "read",
			Destructive: fn.Type != "read" && fn.Destructive})
	}
	return a
}
