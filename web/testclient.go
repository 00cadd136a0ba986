package web

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"wsgate/functions"
	"wsgate/services"
)

// testClientBody is the data of the test client page.
type testClientBody struct {
	Services  []services.Service
	Service   services.Service // the chosen service; ID 0 when none is
	Functions []string         // the installed functions of the service, sorted
	Function  string           // the chosen function's name
	Fn        *functions.Function
	Fields    []tcField
	Clipped   bool // the form reached its bound of fields
	Protocols []testProtocol
	Protocol  string
	Tokens    []tokenChoice
	Token     string
	Problem   string // why the call was not made
	NoGateway bool   // the gateway's own address is not known
	Result    *testResult
}

// testResult is the answer of a call, as the page shows it.
type testResult struct {
	Protocol, Status, Duration string
	Answer                     string
	Truncated                  bool
	Error                      string
	Curl                       string
}

// testClient shows the test client: ?service= and ?function= choose what
// to call; the form starts with one item in every list.
func (s *site) testClient(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q := r.URL.Query()
	id, _ := strconv.ParseInt(q.Get("service"), 10, 64)
	b, ok, err := s.testClientBody(r.Context(), c, id, strings.TrimSpace(q.Get("function")), url.Values{})
	s.renderTestClient(w, r, c, b, ok, err)
}

// testClientPost re-renders the form with a list item added or removed,
// or, for the call button, calls the gateway and shows the answer.
func (s *site) testClientPost(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ctx := r.Context()
	form := r.PostForm
	id, _ := strconv.ParseInt(form.Get(tcService), 10, 64)
	b, ok, err := s.testClientBody(ctx, c, id, form.Get(tcFunction), form)
	if err != nil || !ok || b.Fn == nil || form.Get(tcCall) == "" {
		s.renderTestClient(w, r, c, b, ok && b.Fn != nil, err)
		return
	}
	if b.NoGateway {
		b.Problem = "The gateway's own address is not known to the pages, so the test client cannot call it."
		s.renderTestClient(w, r, c, b, true, nil)
		return
	}
	if len(b.Protocols) == 0 || !slices.ContainsFunc(b.Protocols, func(p testProtocol) bool { return p.Value == b.Protocol }) {
		b.Problem = "Choose a protocol the service can be called over."
		s.renderTestClient(w, r, c, b, true, nil)
		return
	}
	tok, err := s.testTokenFor(ctx, c, b.Service, b.Token, form.Get(tcValue))
	if fe := asFormError(err); fe != nil {
		b.Problem = fe.Error()
		s.renderTestClient(w, r, c, b, true, nil)
		return
	} else if err != nil {
		s.internalError(w, r, err)
		return
	}
	base := strings.TrimSuffix(s.d.GatewayURL(), "/")
	a := testCall(ctx, b.Protocol, base, s.soapNamespace(base), tok.Value, b.Fn, params(b.Fields))
	// One line per call, never the token's value (its id is enough).
	s.log.InfoContext(ctx, "admin pages: test call", "function", b.Fn.Name, "protocol", b.Protocol,
		"service", b.Service.Shortname, "token_id", tok.ID, "status", a.Status,
		"duration_ms", a.Duration.Milliseconds(), "by", c.user.Username)
	b.Result = resultOf(b.Protocol, a)
	if b.Tokens, err = s.tokenChoices(ctx, c, b.Service); err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Token = tokenSession
	s.renderTestClient(w, r, c, b, true, nil)
}

// renderTestClient answers the page, 404 when the service or function
// asked for does not exist.
func (s *site) renderTestClient(w http.ResponseWriter, r *http.Request, c *reqCtx, b testClientBody, ok bool, err error) {
	switch {
	case err != nil:
		s.internalError(w, r, err)
	case !ok:
		s.notFound(w, r)
	default:
		s.render(w, r, c, http.StatusOK, "testclient", "Test client", "testclient", b)
	}
}

// testClientBody loads the page's data for service id and function fn
// (either may be unset) with the values of form; ok is false when the
// service or function does not exist, or the function is not the service's.
func (s *site) testClientBody(ctx context.Context, c *reqCtx, id int64, fn string, form url.Values) (testClientBody, bool, error) {
	var b testClientBody
	svcs, err := s.store.ListServices(ctx)
	if err != nil {
		return b, false, err
	}
	b.Services, b.NoGateway = svcs, s.d.GatewayURL == nil || s.d.GatewayURL() == ""
	if id == 0 {
		b.Function = fn // kept for the service's choice, from a function's page
		return b, true, nil
	}
	i := slices.IndexFunc(svcs, func(sv services.Service) bool { return sv.ID == id })
	if i < 0 {
		return b, false, nil
	}
	b.Service = svcs[i]
	names, err := s.store.ServiceFunctionNames(ctx, id)
	if err != nil {
		return b, false, err
	}
	for _, n := range names {
		if _, ok := s.catalog.Get(n); ok {
			b.Functions = append(b.Functions, n)
		}
	}
	slices.Sort(b.Functions)
	if fn == "" {
		return b, true, nil
	}
	e, ok := s.catalog.Get(fn)
	if !ok || !slices.Contains(b.Functions, fn) {
		return b, false, nil
	}
	b.Function, b.Fn = fn, e.Function
	f := newTCForm(form)
	b.Fields = f.fieldsOf(e.Function.Params)
	b.Clipped = f.clipped
	b.Protocols = s.protocolsFor(b.Service)
	if b.Protocol = form.Get(tcProtocol); b.Protocol == "" && len(b.Protocols) > 0 {
		b.Protocol = b.Protocols[0].Value
	}
	if b.Tokens, err = s.tokenChoices(ctx, c, b.Service); err != nil {
		return b, false, err
	}
	if b.Token = form.Get(tcToken); b.Token == "" {
		b.Token = b.Tokens[0].Value
	}
	return b, true, nil
}

// soapNamespace is the target namespace the gateway's WSDL declares: the
// SOAP endpoint at the site's public URL, or at base when none is set
// (the WSDL then names the address it was asked at).
func (s *site) soapNamespace(base string) string {
	if u := s.siteURL(); u != "" {
		return u + soapPath
	}
	return base + soapPath
}

// resultOf is the page's view of answer a of a call over protocol p.
func resultOf(p string, a testAnswer) *testResult {
	res := &testResult{Protocol: p, Duration: a.Duration.Round(100 * time.Microsecond).String(),
		Curl: curlCommand(a.Requests), Truncated: a.Truncated}
	for _, tp := range testProtocols {
		if tp.Value == p {
			res.Protocol = tp.Label
		}
	}
	if n := len(a.Requests); n > 1 {
		res.Duration += " (the whole MCP session: " + strconv.Itoa(n+1) + " requests)"
	}
	if a.Status != 0 {
		res.Status = strconv.Itoa(a.Status) + " " + http.StatusText(a.Status)
	}
	if a.Err != nil {
		res.Error = "The call failed: " + a.Err.Error()
	}
	res.Answer = pretty(a.ContentType, a.Body)
	return res
}
