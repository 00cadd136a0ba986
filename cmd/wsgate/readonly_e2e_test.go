package main

import (
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols/mcp"
	"wsgate/protocols/soap"
	"wsgate/protocols/xmlrpc"
	"wsgate/services"
)

// post sends body to the gateway and returns the answer's body.
func post(t *testing.T, url, contentType, body string) string {
	t.Helper()
	resp, err := http.Post(url, contentType, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// calls of a write function (core_user_create_users) and of a read one
// (core_webservice_get_site_info) over REST, XML-RPC and SOAP, with what
// a refusal of each looks like.
func protocolCalls(app *App, token, function string) map[string]func(t *testing.T) string {
	return map[string]func(t *testing.T) string{
		"rest": func(t *testing.T) string {
			return post(t, app.URL()+"/webservice/rest/server.php", "application/x-www-form-urlencoded",
				"wstoken="+token+"&wsfunction="+function+"&moodlewsrestformat=json")
		},
		"xmlrpc": func(t *testing.T) string {
			return post(t, app.URL()+xmlrpc.Path+"?wstoken="+token, "text/xml",
				`<?xml version="1.0"?><methodCall><methodName>`+function+`</methodName><params/></methodCall>`)
		},
		"soap": func(t *testing.T) string {
			return post(t, app.URL()+soap.Path+"?wstoken="+token, "text/xml; charset=utf-8",
				`<?xml version="1.0" encoding="UTF-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">`+
					`<soap:Body><`+function+` xmlns="`+app.siteURL+soap.Path+`"/></soap:Body></soap:Envelope>`)
		},
	}
}

// TestReadOnlyTokenEveryProtocol: a read-only token calls read functions and
// is refused write functions with accessexception over REST, XML-RPC, SOAP
// and MCP; its MCP tools and get_site_info leave the write functions out.
func TestReadOnlyTokenEveryProtocol(t *testing.T) {
	app := startApp(t, dbtest.URL(t, db.SQLite))
	ctx := context.Background()
	siteAdminToken(t, app, "agent", "", "wsgate_admin")
	u, err := app.store.UserByUsername(ctx, "agent")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := app.store.ServiceByShortname(ctx, "wsgate_admin")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := app.store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID, ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range protocolCalls(app, token, "core_user_create_users") {
		if out := call(t); !strings.Contains(out, "accessexception") {
			t.Errorf("%s: a read-only token's write call answered %s", name, out)
		}
	}
	for name, call := range protocolCalls(app, token, "core_webservice_get_site_info") {
		if out := call(t); !strings.Contains(out, "agent") || strings.Contains(out, "core_user_create_users") {
			t.Errorf("%s: get_site_info answered %s", name, out)
		}
	}

	c := sdk.NewClient(&sdk.Implementation{Name: "e2e", Version: "1"}, nil)
	cs, err := c.Connect(ctx, &sdk.StreamableClientTransport{Endpoint: app.URL() + mcp.Path + "?wstoken=" + token,
		MaxRetries: -1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tool := range tools.Tools {
		if !tool.Annotations.ReadOnlyHint {
			t.Errorf("a read-only token lists %s, not read-only", tool.Name)
		}
	}
	if len(tools.Tools) == 0 {
		t.Error("a read-only token lists no tool")
	}
	res, err := cs.CallTool(ctx, &sdk.CallToolParams{Name: "core_user_create_users", Arguments: map[string]any{}})
	if err == nil && !res.IsError {
		t.Error("MCP: a read-only token called a write function")
	}
}

// TestProtocolSwitchedOff: a protocol left out of protocols.enabled answers
// servicenotavailable in its own form; the others still answer.
func TestProtocolSwitchedOff(t *testing.T) {
	app := startApp(t, dbtest.URL(t, db.SQLite), "WSGATE_PROTOCOLS_ENABLED=rest,soap")
	token := siteAdminToken(t, app, "switch", "", "wsgate_admin")
	calls := protocolCalls(app, token, "core_webservice_get_site_info")
	if out := calls["xmlrpc"](t); !strings.Contains(out, "<methodResponse>") || !strings.Contains(out, "servicenotavailable") {
		t.Errorf("xmlrpc switched off answered %s", out)
	}
	for _, name := range []string{"rest", "soap"} {
		if out := calls[name](t); !strings.Contains(out, "switch") {
			t.Errorf("%s answered %s", name, out)
		}
	}
	resp, err := http.Post(app.URL()+mcp.Path+"?wstoken="+token, "application/json",
		strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(b), "servicenotavailable") {
		t.Errorf("mcp switched off: %d %s", resp.StatusCode, b)
	}
}

// TestCLIReadOnlyToken: token create --read-only makes a read-only token.
func TestCLIReadOnlyToken(t *testing.T) {
	dbURL := dbtest.URL(t, db.SQLite)
	c := cliEnv{t, []string{"WSGATE_DATABASE_URL=" + dbURL}}
	c.must("", "upgrade")
	c.must("pw\n", "user", "create", "robot", "--password-stdin", "--role", "admin")
	for _, readOnly := range []bool{true, false} {
		args := []string{"token", "create", "--user", "robot", "--service", "wsgate_admin"}
		if readOnly {
			args = append(args, "--read-only")
		}
		token := strings.TrimSpace(c.must("", args...))
		d, err := db.Open(context.Background(), dbURL)
		if err != nil {
			t.Fatal(err)
		}
		tok, err := services.NewStore(d).TokenByValue(context.Background(), token)
		d.Close()
		if err != nil || tok.ReadOnly != readOnly {
			t.Errorf("--read-only %v: stored %+v, %v", readOnly, tok, err)
		}
	}
}
