package main

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Paths of the protocol servers.
const (
	restPath   = "/webservice/rest/server.php"
	xmlrpcPath = "/webservice/xmlrpc/server.php"
	soapPath   = "/webservice/soap/server.php"
	mcpPath    = "/webservice/mcp/server.php"
)

// mcpVersion is the MCP protocol version the tool's session speaks.
const mcpVersion = "2025-11-25"

// upstreamFunction is the function the tool's manifest binds to its upstream.
const upstreamFunction = "local_loadtest_echo"

// testCase is one function over one protocol: the request the gateway gets,
// and the one the bare server gets, which answers either the bytes the
// gateway answered (replay) or, for the upstream case, what a reverse proxy
// to the same upstream answers.
type testCase struct {
	name, protocol string
	want           string // a good answer holds this
	gateway, bare  target
	replay         bool
	route          string // the bare server's path of a replayed case
}

// call is a function and its parameters in each protocol's form.
type call struct {
	function string
	rest     url.Values // parameters, PHP brackets for lists
	xmlrpc   string     // <param> elements
	soap     string     // child elements of the function's element
}

var siteInfo = call{function: "core_webservice_get_site_info"}

var usersByField = call{function: "core_user_get_users_by_field",
	rest: url.Values{"field": {"username"}, "values[0]": {"admin"}},
	xmlrpc: `<param><value><string>username</string></value></param>` +
		`<param><value><array><data><value><string>admin</string></value></data></array></value></param>`,
	soap: `<field>username</field><values><item>admin</item></values>`}

// buildCases returns the cases for a gateway at base (also its site URL)
// whose token is token; sessions are MCP sessions of that token
// (mcpSession), one per load worker. The bare requests' URLs are paths, to
// be put under the bare server's base once it runs.
func buildCases(base, token string, sessions []string) []*testCase {
	var cases []*testCase
	for _, c := range []struct {
		call call
		name string
	}{{siteInfo, "get_site_info"}, {usersByField, "get_users_by_field"}} {
		targets := []target{restRequest(token, c.call), xmlrpcRequest(token, c.call), soapRequest(base, token, c.call)}
		if c.call.function == siteInfo.function {
			targets = append(targets, mcpRequest(token, sessions, c.call))
		}
		for _, t := range targets {
			tc := &testCase{name: c.name, protocol: protocolOf(t.url), want: `admin`, gateway: t, bare: t, replay: true}
			tc.gateway.url = base + t.url
			tc.bare.url = barePath(len(cases), t.url)
			tc.route, _, _ = strings.Cut(tc.bare.url, "?")
			cases = append(cases, tc)
		}
	}
	up := restRequest(token, call{function: upstreamFunction, rest: url.Values{"name": {"world"}}})
	up.url = base + up.url
	cases = append(cases, &testCase{name: "upstream echo", protocol: "REST", want: `"greeting":"hello world"`, gateway: up,
		bare: target{method: http.MethodPost, url: proxyPath, contentType: "application/json",
			body: []byte(`{"name":"world"}`)}})
	return cases
}

// barePath is where the bare server answers case i, whose gateway request
// goes to pathQuery: the same path and query under /c/<i>.
func barePath(i int, pathQuery string) string { return fmt.Sprintf("/c/%d%s", i, pathQuery) }

func protocolOf(pathQuery string) string {
	switch {
	case strings.HasPrefix(pathQuery, xmlrpcPath):
		return "XML-RPC"
	case strings.HasPrefix(pathQuery, soapPath):
		return "SOAP"
	case strings.HasPrefix(pathQuery, mcpPath):
		return "MCP"
	}
	return "REST"
}

// restRequest is a form POST with the token in the body, as Moodle's apps send.
func restRequest(token string, c call) target {
	var b strings.Builder
	b.WriteString("wstoken=" + url.QueryEscape(token) + "&wsfunction=" + url.QueryEscape(c.function) + "&moodlewsrestformat=json")
	if len(c.rest) > 0 {
		b.WriteString("&" + c.rest.Encode())
	}
	return target{method: http.MethodPost, url: restPath, contentType: "application/x-www-form-urlencoded",
		body: []byte(b.String())}
}

func xmlrpcRequest(token string, c call) target {
	body := `<?xml version="1.0"?><methodCall><methodName>` + c.function + `</methodName><params>` +
		c.xmlrpc + `</params></methodCall>`
	return target{method: http.MethodPost, url: xmlrpcPath + "?wstoken=" + url.QueryEscape(token),
		contentType: "text/xml", body: []byte(body)}
}

// soapRequest is a SOAP 1.1 call in the namespace of the gateway's WSDL.
func soapRequest(base, token string, c call) target {
	body := `<?xml version="1.0" encoding="UTF-8"?><SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/"` +
		` xmlns:ns1="` + base + soapPath + `"><SOAP-ENV:Body><ns1:` + c.function + `>` + c.soap + `</ns1:` + c.function +
		`></SOAP-ENV:Body></SOAP-ENV:Envelope>`
	return target{method: http.MethodPost, url: soapPath + "?wstoken=" + url.QueryEscape(token),
		contentType: "text/xml; charset=utf-8", body: []byte(body)}
}

// mcpHeader are the headers of a request in MCP session id.
func mcpHeader(token, session string) http.Header {
	h := http.Header{"Accept": {"application/json, text/event-stream"}, "Authorization": {"Bearer " + token},
		"Mcp-Protocol-Version": {mcpVersion}}
	if session != "" {
		h.Set("Mcp-Session-Id", session)
	}
	return h
}

// mcpRequest is a tools/call of c, worker i in sessions[i] (without
// arguments: the cases' MCP function takes none).
func mcpRequest(token string, sessions []string, c call) target {
	body := `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"` + c.function + `","arguments":{}}}`
	t := target{method: http.MethodPost, url: mcpPath, contentType: "application/json", body: []byte(body)}
	for _, s := range sessions {
		t.headers = append(t.headers, mcpHeader(token, s))
	}
	return t
}

// mcpSessions opens n MCP sessions of token at base.
func mcpSessions(client *http.Client, base, token string, n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		var err error
		if out[i], err = mcpSession(client, base, token); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// mcpSession opens an MCP session of token at base (initialize, then
// notifications/initialized) and returns its id.
func mcpSession(client *http.Client, base, token string) (string, error) {
	init := target{method: http.MethodPost, url: base + mcpPath, contentType: "application/json",
		headers: []http.Header{mcpHeader(token, "")}, body: []byte(`{"jsonrpc":"2.0","id":0,"method":"initialize","params":` +
			`{"protocolVersion":"` + mcpVersion + `","capabilities":{},"clientInfo":{"name":"wsgate-loadtest","version":"1"}}}`)}
	a, err := fetch(client, &init)
	if err != nil {
		return "", err
	}
	id := a.Header.Get("Mcp-Session-Id")
	if a.Status != http.StatusOK || id == "" {
		return "", fmt.Errorf("MCP initialize: HTTP %d, session %q: %.300s", a.Status, id, a.Body)
	}
	done := target{method: http.MethodPost, url: base + mcpPath, contentType: "application/json",
		headers: []http.Header{mcpHeader(token, id)}, body: []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)}
	if a, err = fetch(client, &done); err != nil {
		return "", err
	}
	if a.Status != http.StatusAccepted {
		return "", fmt.Errorf("MCP initialized: HTTP %d: %.300s", a.Status, a.Body)
	}
	return id, nil
}

// answer is one captured response.
type answer struct {
	Status int         `json:"status"`
	Header http.Header `json:"header"`
	Body   []byte      `json:"body"`
}

// hopHeaders are set by the server itself; a replay leaves them out.
var hopHeaders = []string{"Date", "Content-Length", "Connection", "Keep-Alive", "Transfer-Encoding"}

// fetch sends t once and returns the answer.
func fetch(client *http.Client, t *target) (*answer, error) {
	req, err := http.NewRequest(t.method, t.url, bytes.NewReader(t.body))
	if err != nil {
		return nil, err
	}
	if t.contentType != "" {
		req.Header.Set("Content-Type", t.contentType)
	}
	if len(t.headers) > 0 {
		for k, v := range t.headers[0] {
			req.Header[k] = v
		}
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	for _, h := range hopHeaders {
		resp.Header.Del(h)
	}
	return &answer{Status: resp.StatusCode, Header: resp.Header, Body: body}, nil
}

// check tells a good answer of tc from an error in any protocol's form.
func (tc *testCase) check(a *answer) error {
	body := string(a.Body)
	if a.Status != http.StatusOK {
		return fmt.Errorf("%s %s: HTTP %d: %.300s", tc.name, tc.protocol, a.Status, body)
	}
	for _, bad := range []string{`"exception"`, `<fault>`, `Fault>`, `<EXCEPTION`, `"isError":true`} {
		if strings.Contains(body, bad) {
			return fmt.Errorf("%s %s: an error: %.300s", tc.name, tc.protocol, body)
		}
	}
	if !strings.Contains(body, tc.want) {
		return fmt.Errorf("%s %s: the answer lacks %s: %.300s", tc.name, tc.protocol, tc.want, body)
	}
	return nil
}

// prefixLen is how much of a good answer each load request compares.
const prefixLen = 48

func prefixOf(body []byte) []byte { return bytes.Clone(body[:min(len(body), prefixLen)]) }
