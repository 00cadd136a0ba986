package soap

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
)

// Path is where Moodle serves the token SOAP protocol.
const Path = "/webservice/soap/server.php"

// DefaultMaxBodyBytes is the body limit when Server.MaxBodyBytes is not set:
// PHP's default post_max_size (8M).
const DefaultMaxBodyBytes = 8 << 20

// Server serves SOAP 1.1 over a Dispatcher: with wsdl set to a non-zero
// integer in the query it answers the WSDL of the functions the token may
// call (document/literal; rpc/encoded with style=rpc); otherwise it reads a
// POSTed envelope whose Body's first child names the function, and answers
// in the style the request is in (rpcStyle). The token is wstoken in the query (the WSDL's service
// address carries it), or, beyond Moodle, "Authorization: Bearer <token>";
// the moodlewssetting* values are query parameters too (Call.Settings).
// Every failure is a SOAP 1.1 Fault with HTTP 500 (413 for a body over the
// limit).
type Server struct {
	Dispatcher protocols.Dispatcher
	Lister     protocols.Lister // lists the functions of the per-token WSDL
	// Functions returns a function's description, to type the decoded
	// parameters; nil, or false for a name, passes leaves as strings and
	// lets the Dispatcher judge the function.
	Functions    func(name string) (*functions.Function, bool)
	Debug        bool         // write debuginfo in fault details (Moodle's debug ≥ DEBUG_NORMAL)
	Log          *slog.Logger // nil: slog.Default()
	MaxBodyBytes int64        // ≤ 0: DefaultMaxBodyBytes
	// BaseURL returns the server URL without query, the WSDL's target
	// namespace and address; nil: http(s)://<Host><path> of the request.
	BaseURL func(r *http.Request) string
	// Intake checks the token before the body is read (it is known from the
	// query or the Authorization header) and decodes the envelope within
	// its budget and gate.
	Intake protocols.Intake
}

// ServeHTTP answers a WSDL request or one call: parse, dispatch, render.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	function := ""
	defer func() {
		if err := protocols.PanicError("soap", recover()); err != nil {
			s.writeFault(w, r, function, err)
		}
	}()

	query := r.URL.Query()
	call := &protocols.Call{Protocol: "soap", Token: query.Get("wstoken"), RemoteIP: protocols.RemoteIP(r)}
	if call.Token == "" {
		call.Token = protocols.BearerToken(r)
	}
	base := s.baseURL(r)
	if wsdlRequested(query.Get("wsdl")) {
		s.serveWSDL(w, r, call, base, query.Get("style"))
		return
	}
	if r.Method != http.MethodPost {
		s.writeFault(w, r, "", badRequest("POST a SOAP envelope, or add wsdl=1 to the query to get the WSDL"))
		return
	}

	if err := s.Intake.CheckToken(r.Context(), call); err != nil {
		s.writeFault(w, r, "", err)
		return
	}
	settings, err := protocols.QuerySettings(query)
	if err != nil {
		s.writeFault(w, r, "", err)
		return
	}
	call.Settings = settings
	style, err := s.readCall(w, r, call, base)
	if err != nil {
		s.writeFault(w, r, call.Function, err)
		return
	}
	function = call.Function
	if s.Dispatcher == nil {
		s.writeFault(w, r, function, wsgate.ErrInternal.Wrap(errors.New("soap: Server has no Dispatcher")))
		return
	}
	res, err := s.Dispatcher.Dispatch(r.Context(), call)
	protocols.SetRateLimitHeaders(w.Header(), call)
	if err != nil {
		writeXML(w, http.StatusInternalServerError, AppendFault(nil, "", protocols.ErrorOf(err), s.Debug)) // the Pipeline logged it
		return
	}
	s.writeResult(w, r, base, style, function, res)
}

// answerStyle is how a call is answered: document/literal (rpcNS == ""
// and rpc false) or rpc/encoded in the request's namespace.
type answerStyle struct {
	rpc   bool
	rpcNS string
}

// readCall reads the envelope into call: the function named by the Body's
// first child and its parameters, typed by the function's description,
// multi-reference values resolved; and the style of the answer the request
// asks for (rpcStyle). The body is read whole first; the envelope and its
// conversion are decoded in a slot of the Intake's gate.
func (s *Server) readCall(w http.ResponseWriter, r *http.Request, call *protocols.Call, base string) (answerStyle, error) {
	limit := s.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, err := protocols.ReadBody(w, r, limit)
	if err != nil {
		return answerStyle{}, malformed(err)
	}
	call.Size = body.Len() + len(r.URL.RawQuery)
	var style answerStyle
	err = s.Intake.Decode(r.Context(), func(b *protocols.Budget) error {
		env, err := readEnvelope(body.Reader(), b)
		if err != nil {
			return err
		}
		style = answerStyle{rpc: rpcStyle(env, base), rpcNS: env.opSpace}
		if env.op != nil {
			call.Function = env.op.name
		}
		if err := resolveRefs(env, b); err != nil {
			return err
		}
		var params *functions.Description
		if s.Functions != nil && call.Function != "" {
			if f, ok := s.Functions(call.Function); ok && f != nil {
				params = f.Params
			}
		}
		if style.rpc {
			dropOmitted(env.op, params)
		}
		call.Params, call.Args, err = paramsOf(env.op, params, b)
		return err
	})
	return style, err
}

// writeResult answers a successful call with its response envelope.
func (s *Server) writeResult(w http.ResponseWriter, r *http.Request, base string, style answerStyle, function string, res *protocols.Result) {
	if !validName(function) {
		s.writeFault(w, r, function, wsgate.ErrInternal.Wrap(fmt.Errorf("soap: cannot name the response of %q", function)))
		return
	}
	var returns *functions.Description
	var v any
	if res != nil {
		v = res.Value
		if res.Function != nil {
			returns = res.Function.Returns
		}
	}
	encode := func(buf []byte) []byte {
		if style.rpc {
			return AppendRPCResponse(buf, base, style.rpcNS, function, returns, v)
		}
		return AppendResponse(buf, base, function, returns, v)
	}
	var enc *functions.Encodings
	if res != nil {
		enc = res.Encodings
	}
	protocols.WriteAnswer(enc, keptForm{style: style, base: base, function: function, returns: returns}, encode,
		func(body []byte) { writeXML(w, http.StatusOK, body) })
}

// keptForm keys SOAP's encodings of a kept answer: the style and everything
// the envelope names besides the answer.
type keptForm struct {
	style    answerStyle
	base     string
	function string
	returns  *functions.Description
}

// serveWSDL answers the WSDL of the functions the token may call in style
// ("" or "document": document/literal wrapped; "rpc": rpc/encoded); the
// token is checked first.
func (s *Server) serveWSDL(w http.ResponseWriter, r *http.Request, call *protocols.Call, base, style string) {
	var gen func(serverURL, token string, fns []*functions.Function) []byte
	switch strings.TrimSpace(style) {
	case "", "document":
		gen = WSDL
	case "rpc":
		gen = RPCWSDL
	default:
		s.writeFault(w, r, "", badRequest("style must be document (the default) or rpc, not %q", style))
		return
	}
	if s.Lister == nil {
		s.writeFault(w, r, "", wsgate.ErrInternal.Wrap(errors.New("soap: Server has no Lister")))
		return
	}
	fns, err := s.Lister.Callable(r.Context(), call)
	if err != nil {
		s.writeFault(w, r, "", err)
		return
	}
	body := gen(base, call.Token, fns)
	w.Header().Set("Cache-Control", "private, no-store")
	writeXML(w, http.StatusOK, body)
}

// wsdlRequested reads Moodle's wsdl parameter: a non-zero integer.
func wsdlRequested(v string) bool {
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	return err == nil && n != 0
}

// baseURL returns the server URL without query for r.
func (s *Server) baseURL(r *http.Request) string {
	if s.BaseURL != nil {
		return s.BaseURL(r)
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	path := r.URL.EscapedPath()
	if path == "" {
		path = Path
	}
	return scheme + "://" + r.Host + path
}

// writeFault logs internal errors once and answers err as a SOAP Fault.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, function string, err error) {
	faultcode, status := "", http.StatusInternalServerError
	var re *requestError
	if errors.As(err, &re) {
		faultcode = re.faultcode
		if re.status != 0 {
			status = re.status
		}
	}
	e := protocols.ErrorOf(err)
	protocols.LogFailure(r, s.Log, "soap", function, e)
	writeXML(w, status, AppendFault(nil, faultcode, e, s.Debug))
}

// hdrXML is the answers' Content-Type, shared by every answer (see protocols.SetNoCache).
var hdrXML = []string{"text/xml; charset=utf-8"}

// writeXML sends a complete response.
func writeXML(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = hdrXML
	if v := h["Cache-Control"]; len(v) == 0 || v[0] == "" {
		protocols.SetNoCache(h)
	}
	protocols.WriteBody(w, status, body)
}
