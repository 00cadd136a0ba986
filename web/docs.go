package web

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"wsgate"
	"wsgate/admin"
	"wsgate/functions"
	"wsgate/services"
	"wsgate/web/apidoc"
)

// fnDoc is one function's documentation: its description, its parameters
// and returned value as trees, and what a call looks like per protocol.
type fnDoc struct {
	Fn      *functions.Function
	Params  []apidoc.Node
	Returns []apidoc.Node
	Example apidoc.Example
	Sub     bool // inside a service's documentation: headings one level down
}

// docOf documents fn for a gateway at serverURL.
func docOf(fn *functions.Function, serverURL string, sub bool) fnDoc {
	return fnDoc{Fn: fn, Params: apidoc.Tree(fn.Params), Returns: apidoc.Tree(fn.Returns),
		Example: apidoc.Examples(fn, serverURL), Sub: sub}
}

// functionGroup is the functions of one component.
type functionGroup struct {
	Component string
	Functions []*functions.Function
}

// functionsBody is the data of the functions browser.
type functionsBody struct {
	Groups     []functionGroup
	Components []string
	Component  string
	Query      string
	Total      int
	Shown      int
}

// functionsList shows the installed functions by component, filtered by
// ?component= and by ?q= (in the name or the description).
func (s *site) functionsList(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q := r.URL.Query()
	b := functionsBody{Component: q.Get("component"), Query: strings.TrimSpace(q.Get("q"))}
	needle := strings.ToLower(b.Query)
	groups := map[string][]*functions.Function{}
	comps := map[string]bool{}
	all := s.catalog.All()
	b.Total = len(all)
	for _, e := range all {
		comps[e.Component] = true
		if b.Component != "" && e.Component != b.Component {
			continue
		}
		if needle != "" && !strings.Contains(strings.ToLower(e.Name), needle) &&
			!strings.Contains(strings.ToLower(e.Description), needle) {
			continue
		}
		groups[e.Component] = append(groups[e.Component], e.Function)
		b.Shown++
	}
	for comp := range comps {
		b.Components = append(b.Components, comp)
	}
	sort.Strings(b.Components)
	for _, comp := range b.Components {
		if fns := groups[comp]; len(fns) > 0 {
			b.Groups = append(b.Groups, functionGroup{Component: comp, Functions: fns})
		}
	}
	s.render(w, r, c, http.StatusOK, "functions", "Functions", "functions", b)
}

// functionBody is the data of a function's page.
type functionBody struct {
	Doc         fnDoc
	Implemented bool
	InServices  []services.Service
}

// functionPage shows a function's full description.
func (s *site) functionPage(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	e, ok := s.catalog.Get(r.PathValue("name"))
	if !ok {
		s.notFound(w, r)
		return
	}
	svcs, err := s.store.ListServices(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b := functionBody{Doc: docOf(e.Function, s.serverURL(r), false),
		Implemented: e.Handler != nil || e.Upstream != nil}
	for _, sv := range svcs {
		names, err := s.store.ServiceFunctionNames(r.Context(), sv.ID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		for _, n := range names {
			if n == e.Name {
				b.InServices = append(b.InServices, sv)
			}
		}
	}
	s.render(w, r, c, http.StatusOK, "function", e.Name, "functions", b)
}

// docsBody is the data of a service's API documentation.
type docsBody struct {
	Service    services.Service
	Functions  []fnDoc
	Missing    []string // functions of the service that are not installed
	RESTURL    string
	XMLRPCURL  string
	SOAPURL    string
	WSDLURL    string
	OpenAPIURL string
	ForToken   bool   // shown to a token holder
	Username   string // the token's user
	Agents     agentsDoc
}

// serviceDoc documents the functions of sv; token, when not empty, goes
// into the WSDL, OpenAPI and MCP links of a token holder's page; readOnly
// says the token is read-only.
func (s *site) serviceDoc(ctx context.Context, r *http.Request, sv services.Service, token string,
	readOnly bool) (docsBody, error) {
	names, err := s.store.ServiceFunctionNames(ctx, sv.ID)
	if err != nil {
		return docsBody{}, err
	}
	base := s.serverURL(r)
	b := docsBody{Service: sv, RESTURL: base + restPath, XMLRPCURL: base + xmlrpcPath, SOAPURL: base + soapPath}
	for _, n := range names {
		e, ok := s.catalog.Get(n)
		if !ok {
			b.Missing = append(b.Missing, n)
			continue
		}
		b.Functions = append(b.Functions, docOf(e.Function, base, true))
	}
	if token != "" {
		b.ForToken = true
		b.WSDLURL = base + soapPath + "?wsdl=1&wstoken=" + url.QueryEscape(token)
		q := url.Values{"wstoken": {token}}
		if sv.Shortname != "" {
			q.Set("service", sv.Shortname)
		}
		b.OpenAPIURL = base + OpenAPIPath + "?" + q.Encode()
	} else {
		b.WSDLURL = base + soapPath + "?wsdl=1&wstoken=TOKEN"
		b.OpenAPIURL = "/admin/services/" + itoa(sv.ID) + "/openapi.json"
	}
	b.Agents = agentsOf(base, sv, b.Functions, token, readOnly)
	return b, nil
}

// serviceDocs shows the API documentation of a service to an administrator.
func (s *site) serviceDocs(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	b, err := s.serviceDoc(r.Context(), r, sv, "", false)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	s.render(w, r, c, http.StatusOK, "docs", "API documentation: "+sv.Name, "services", b)
}

// docsByShortname redirects /admin/docs/{shortname} to the service's documentation.
func (s *site) docsByShortname(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, err := s.store.ServiceByShortname(r.Context(), r.PathValue("shortname"))
	if wsgate.KindOf(err) == wsgate.NotFound {
		s.notFound(w, r)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	http.Redirect(w, r, "/admin/services/"+itoa(sv.ID)+"/docs", http.StatusFound)
}

// serviceOpenAPI answers the OpenAPI document of a service to an administrator.
func (s *site) serviceOpenAPI(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	sv, ok := s.serviceOf(w, r)
	if !ok {
		return
	}
	s.writeOpenAPI(w, r, sv)
}

// writeOpenAPI answers the OpenAPI 3.1 document of sv's REST calls.
func (s *site) writeOpenAPI(w http.ResponseWriter, r *http.Request, sv services.Service) {
	names, err := s.store.ServiceFunctionNames(r.Context(), sv.ID)
	if err != nil {
		s.openAPIError(w, r, err)
		return
	}
	var fns []*functions.Function
	for _, n := range names {
		if e, ok := s.catalog.Get(n); ok {
			fns = append(fns, e.Function)
		}
	}
	doc, err := apidoc.OpenAPI(apidoc.ServiceInfo{Name: sv.Name, Shortname: sv.Shortname}, fns, s.serverURL(r))
	if err != nil {
		s.openAPIError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "private, no-cache")
	_, _ = w.Write(doc)
}

// tokenOf returns the token of a request to the public documentation:
// wstoken in the query or the form, else Authorization: Bearer.
func tokenOf(r *http.Request) string {
	if t := strings.TrimSpace(r.FormValue("wstoken")); t != "" {
		return t
	}
	scheme, cred, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if ok && strings.EqualFold(scheme, "Bearer") {
		return strings.TrimSpace(cred)
	}
	return ""
}

// tokenCaller checks the token of r as the admin API does: usable, and its
// service enabled and open to its user.
func (s *site) tokenCaller(r *http.Request, token string) (*wsgate.Caller, error) {
	return s.auth.AuthorizeService(r.Context(), services.AuthRequest{Token: token, RemoteIP: remoteIP(r),
		Protocol: "rest"})
}

// tokenDocsBody is the data of the page that asks for a token.
type tokenDocsBody struct {
	Error string
}

// tokenDocs shows the API documentation of the service of a token
// (wstoken in the query or a POSTed form, or Authorization: Bearer) to its
// holder; without a token, a form that asks for one.
func (s *site) tokenDocs(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	token := tokenOf(r)
	if token == "" {
		s.write(w, r, http.StatusOK, "token_docs", page{Title: "API documentation", Body: tokenDocsBody{}})
		return
	}
	caller, err := s.tokenCaller(r, token)
	if err != nil {
		status, msg := http.StatusForbidden, wsgate.AsError(err).Message
		switch wsgate.KindOf(err) {
		case wsgate.Unauthenticated:
			status, msg = http.StatusUnauthorized, "This token is invalid, has expired or may not be used from your address."
		case wsgate.Internal, wsgate.Unavailable:
			s.internalError(w, r, err)
			return
		}
		s.write(w, r, status, "token_docs", page{Title: "API documentation", Body: tokenDocsBody{Error: msg}})
		return
	}
	sv, err := s.store.ServiceByID(r.Context(), caller.ServiceID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b, err := s.serviceDoc(r.Context(), r, sv, token, caller.ReadOnly)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Username = caller.Username
	s.write(w, r, http.StatusOK, "docs", page{Title: "API documentation: " + sv.Name, Body: b})
}

// openAPIForToken serves the OpenAPI document of a service to a token
// holder (see OpenAPIHandler).
func (s *site) openAPIForToken(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodPost && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD, POST")
		s.openAPIError(w, r, &wsgate.Error{Kind: wsgate.Invalid, Exception: "moodle_exception",
			Code: "invalidrequest", Message: "Use GET or POST"})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	token := tokenOf(r)
	if token == "" {
		s.openAPIError(w, r, &wsgate.Error{Kind: wsgate.Unauthenticated, Exception: "moodle_exception",
			Code: "invalidtoken", Message: "A token is required: wstoken or Authorization: Bearer"})
		return
	}
	caller, err := s.tokenCaller(r, token)
	if err != nil {
		s.openAPIError(w, r, err)
		return
	}
	want := strings.TrimSpace(r.FormValue("service"))
	if want == "" || want == caller.Shortname {
		sv, err := s.store.ServiceByID(r.Context(), caller.ServiceID)
		if err != nil {
			s.openAPIError(w, r, err)
			return
		}
		s.writeOpenAPI(w, r, sv)
		return
	}
	if caller.Shortname != admin.AdminService || !caller.Can(admin.AdminCapability) {
		s.openAPIError(w, r, wsgate.ErrAccess.WithDebug("the token is not a token of service "+want))
		return
	}
	sv, err := s.store.ServiceByShortname(r.Context(), want)
	if err != nil {
		s.openAPIError(w, r, err)
		return
	}
	s.writeOpenAPI(w, r, sv)
}

// openAPIStatus maps an error kind to the status of the OpenAPI endpoint.
var openAPIStatus = map[wsgate.Kind]int{
	wsgate.Internal:        http.StatusInternalServerError,
	wsgate.Invalid:         http.StatusBadRequest,
	wsgate.NotFound:        http.StatusNotFound,
	wsgate.Unauthenticated: http.StatusUnauthorized,
	wsgate.Forbidden:       http.StatusForbidden,
	wsgate.Conflict:        http.StatusConflict,
	wsgate.Unavailable:     http.StatusServiceUnavailable,
	wsgate.RateLimited:     http.StatusTooManyRequests,
}

// openAPIError answers err in Moodle's REST JSON error form, with a status.
func (s *site) openAPIError(w http.ResponseWriter, r *http.Request, err error) {
	e := wsgate.AsError(err)
	status, ok := openAPIStatus[e.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	body := map[string]string{"exception": e.Exception, "errorcode": e.Code, "message": e.Message}
	if e.Kind == wsgate.Internal {
		s.log.ErrorContext(r.Context(), "openapi document", "err", err)
		body["message"] = "Internal server error"
	}
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="wsgate"`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}
