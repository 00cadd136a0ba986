package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"wsgate/functions"
	"wsgate/protocols/mcp"
	"wsgate/protocols/rest"
	"wsgate/protocols/soap"
	"wsgate/protocols/xmlrpc"
	"wsgate/services"
)

// testCallTimeout bounds one test call (every request of it, for MCP).
const testCallTimeout = 30 * time.Second

// maxAnswer is the most of an answer the test client reads and shows.
const maxAnswer = 1 << 20

// testProtocol is a protocol the test client can call over.
type testProtocol struct {
	Value, Label, Service string // Service: the name in services.Protocols
}

// testProtocols are the choices, in the order the page lists them.
var testProtocols = []testProtocol{
	{"rest-json", "REST, JSON answer", "rest"},
	{"rest-xml", "REST, XML answer", "rest"},
	{"xmlrpc", "XML-RPC", "xmlrpc"},
	{"soap", "SOAP (document/literal)", "soap"},
	{"mcp", "MCP (tools/call)", mcp.Protocol},
}

// protocolsFor returns the protocols sv can be called over: enabled on the
// site (Deps.Protocols) and for the service.
func (s *site) protocolsFor(sv services.Service) []testProtocol {
	site := s.d.Protocols
	if site == nil {
		site = services.Protocols
	}
	var out []testProtocol
	for _, p := range testProtocols {
		if slices.Contains(site, p.Service) && (sv.Protocols == nil || slices.Contains(sv.Protocols, p.Service)) {
			out = append(out, p)
		}
	}
	return out
}

// wireRequest is one HTTP request of a test call.
type wireRequest struct {
	Method, URL string
	Header      [][2]string // in the order the curl command shows them
	Body        []byte
}

// testAnswer is what a test call got: the last answer, or the error that
// kept it from one.
type testAnswer struct {
	Status      int
	ContentType string
	Body        []byte
	Truncated   bool
	Duration    time.Duration
	Err         error
	Requests    []wireRequest // the requests sent, for the curl command
}

// testRequest builds the request of a call to fn over protocol p (not MCP)
// at base, the gateway's own address; ns is the SOAP namespace the WSDL
// declares.
func testRequest(p, base, ns, token string, fn *functions.Function, v map[string]any) wireRequest {
	switch p {
	case "xmlrpc":
		return wireRequest{Method: http.MethodPost, URL: base + xmlrpcPath + "?wstoken=" + url.QueryEscape(token),
			Header: [][2]string{{"Content-Type", "text/xml; charset=utf-8"}},
			Body:   xmlrpc.EncodeCall(fn.Name, fn.Params, v)}
	case "soap":
		return wireRequest{Method: http.MethodPost, URL: soap.Address(base+soapPath, token),
			Header: [][2]string{{"Content-Type", "text/xml; charset=utf-8"},
				{"SOAPAction", `"` + soap.SOAPAction(ns, fn.Name) + `"`}},
			Body: soap.AppendRequest(nil, ns, fn.Name, fn.Params, v)}
	}
	format := "json"
	if p == "rest-xml" {
		format = "xml"
	}
	body := "wstoken=" + url.QueryEscape(token) + "&wsfunction=" + url.QueryEscape(fn.Name) +
		"&moodlewsrestformat=" + format
	if form := rest.EncodeForm(fn.Params, v); form != "" {
		body += "&" + form
	}
	return wireRequest{Method: http.MethodPost, URL: base + restPath,
		Header: [][2]string{{"Content-Type", "application/x-www-form-urlencoded"}}, Body: []byte(body)}
}

// testHTTP sends the test client's requests: never through a proxy of the
// environment, never following a redirect.
var testHTTP = &http.Client{
	Transport: &http.Transport{Proxy: nil, MaxIdleConns: 4, IdleConnTimeout: time.Minute},
	CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	},
}

// testCall calls fn over p at base with token, within testCallTimeout.
func testCall(ctx context.Context, p, base, ns, token string, fn *functions.Function, v map[string]any) testAnswer {
	ctx, cancel := context.WithTimeout(ctx, testCallTimeout)
	defer cancel()
	start := time.Now()
	var a testAnswer
	if p == "mcp" {
		a = mcpCall(ctx, base, token, fn.Name, v)
	} else {
		req := testRequest(p, base, ns, token, fn, v)
		a = send(ctx, req)
		a.Requests = []wireRequest{req}
	}
	a.Duration = time.Since(start)
	return a
}

// send sends req and reads its answer.
func send(ctx context.Context, req wireRequest) testAnswer {
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return testAnswer{Err: err}
	}
	for _, h := range req.Header {
		hr.Header.Set(h[0], h[1])
	}
	resp, err := testHTTP.Do(hr)
	if err != nil {
		return testAnswer{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer+1))
	a := testAnswer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body}
	if len(body) > maxAnswer {
		a.Body, a.Truncated = body[:maxAnswer], true
	}
	if err != nil {
		a.Err = err
	}
	a.Requests = []wireRequest{req}
	return a
}

// mcpCall opens an MCP session with token, calls the tool fn with the
// arguments v and closes the session; the answer is tools/call's, or that
// of the step that failed.
func mcpCall(ctx context.Context, base, token, fn string, v map[string]any) testAnswer {
	u := base + mcp.Path
	hdr := func(session string) [][2]string {
		h := [][2]string{{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"},
			{"Accept", "application/json, text/event-stream"}, {"Mcp-Protocol-Version", mcp.ProtocolVersion}}
		if session != "" {
			h = append(h, [2]string{"Mcp-Session-Id", session})
		}
		return h
	}
	initialize, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 1, "method": "initialize",
		"params": map[string]any{"protocolVersion": mcp.ProtocolVersion, "capabilities": map[string]any{},
			"clientInfo": map[string]any{"name": "wsgate-testclient", "version": "1"}}})
	init := wireRequest{Method: http.MethodPost, URL: u, Header: hdr(""), Body: initialize}
	a, session := sendMCP(ctx, init)
	if a.Err != nil || a.Status != http.StatusOK || session == "" {
		if a.Err == nil && session == "" && a.Status == http.StatusOK {
			a.Err = errors.New("the MCP endpoint opened no session")
		}
		return a
	}
	steps := []wireRequest{init}
	defer func() { // the session ends with the call, even one that timed out
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		send(dctx, wireRequest{Method: http.MethodDelete, URL: u, Header: hdr(session)})
	}()
	initialized := wireRequest{Method: http.MethodPost, URL: u, Header: hdr(session),
		Body: []byte(`{"jsonrpc":"2.0","method":"notifications/initialized"}`)}
	steps = append(steps, initialized)
	if a = send(ctx, initialized); a.Err != nil || a.Status >= 300 {
		a.Requests = steps
		return a
	}
	call, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": 2, "method": "tools/call",
		"params": map[string]any{"name": fn, "arguments": v}})
	req := wireRequest{Method: http.MethodPost, URL: u, Header: hdr(session), Body: call}
	a = send(ctx, req)
	a.Requests = append(steps, req)
	return a
}

// sendMCP sends an initialize request and returns the answer and the
// session it opened.
func sendMCP(ctx context.Context, req wireRequest) (testAnswer, string) {
	hr, err := http.NewRequestWithContext(ctx, req.Method, req.URL, bytes.NewReader(req.Body))
	if err != nil {
		return testAnswer{Err: err}, ""
	}
	for _, h := range req.Header {
		hr.Header.Set(h[0], h[1])
	}
	resp, err := testHTTP.Do(hr)
	if err != nil {
		return testAnswer{Err: err, Requests: []wireRequest{req}}, ""
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	return testAnswer{Status: resp.StatusCode, ContentType: resp.Header.Get("Content-Type"), Body: body,
		Requests: []wireRequest{req}}, resp.Header.Get("Mcp-Session-Id")
}

// curlCommand is the shell command that sends the same requests: one curl
// for each, and for MCP a script that keeps the session id.
func curlCommand(reqs []wireRequest) string {
	if len(reqs) == 1 {
		return curlOf(reqs[0], "")
	}
	var b strings.Builder
	for i, r := range reqs {
		if i == 0 {
			b.WriteString("SESSION=$(" + curlOf(r, "-D -") + " | sed -n 's/^[Mm]cp-[Ss]ession-[Ii]d: *//p' | tr -d '\\r')\n")
			continue
		}
		b.WriteString(curlOf(r, "") + "\n")
	}
	b.WriteString(`curl -sS -X DELETE -H 'Authorization: ` + strings.ReplaceAll(bearerOf(reqs[0]), "'", `'\''`) +
		`' -H "Mcp-Session-Id: $SESSION" ` + shellQuote(reqs[0].URL))
	return b.String()
}

// curlOf is the curl command of r; a Mcp-Session-Id header becomes
// $SESSION, set by the first command of the script.
func curlOf(r wireRequest, extra string) string {
	var b strings.Builder
	b.WriteString("curl -sS")
	if extra != "" {
		b.WriteString(" " + extra)
	}
	if r.Method != http.MethodPost {
		b.WriteString(" -X " + r.Method)
	}
	for _, h := range r.Header {
		if h[0] == "Mcp-Session-Id" {
			b.WriteString(` -H "Mcp-Session-Id: $SESSION"`)
			continue
		}
		b.WriteString(" -H " + shellQuote(h[0]+": "+h[1]))
	}
	if r.Body != nil {
		b.WriteString(" --data-raw " + shellQuote(string(r.Body)))
	}
	b.WriteString(" " + shellQuote(r.URL))
	return b.String()
}

// bearerOf is the Authorization header's value of r.
func bearerOf(r wireRequest) string {
	for _, h := range r.Header {
		if h[0] == "Authorization" {
			return h[1]
		}
	}
	return ""
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }
