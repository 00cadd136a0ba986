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
)

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
// whose token is token. The bare requests' URLs are paths, to be put under
// the bare server's base once it runs.
func buildCases(base, token string) []*testCase {
	var cases []*testCase
	for _, c := range []struct {
		call call
		name string
	}{{siteInfo, "get_site_info"}, {usersByField, "get_users_by_field"}} {
		for _, t := range []target{restRequest(token, c.call), xmlrpcRequest(token, c.call), soapRequest(base, token, c.call)} {
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
	for _, bad := range []string{`"exception"`, `<fault>`, `Fault>`, `<EXCEPTION`} {
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
