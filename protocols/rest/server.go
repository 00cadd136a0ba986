package rest

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
)

// Path is where Moodle serves the token REST protocol.
const Path = "/webservice/rest/server.php"

// DefaultMaxBodyBytes is the body limit when Server.MaxBodyBytes is not set:
// PHP's default post_max_size (8M).
const DefaultMaxBodyBytes = 8 << 20

// Server serves Moodle's REST protocol (webservice/rest/server.php) over a
// Dispatcher. Every protocol error is answered with HTTP 200 and Moodle's
// exception envelope in the requested format, as Moodle does.
//
// Beyond Moodle it accepts a JSON object body (Content-Type: application/json)
// whose members are the parameters (and may hold the reserved names), and the
// token in "Authorization: Bearer <token>" when wstoken is absent or empty.
//
// A missing wsfunction is passed on as an empty function name and the
// Dispatcher answers it (invalid_parameter_exception, debuginfo "Missing
// function name"): every protocol then shares one rule and one order of checks.
//
// Errors the Dispatcher returns are its own to log (Pipeline logs every call
// once). The server logs at error level only its own internal failures (a
// panic that escaped the Dispatcher, no Dispatcher), and rejected input at
// debug level; never the token or the parameters.
//
// Beyond Moodle, a token in the query string (wstoken) or, without one
// there, in the Authorization header is checked (Intake.Tokens) before the
// body is read: a request with an unusable token is refused, in the format
// the query string asks for, whatever its body holds (a wstoken in the body
// still takes precedence for the call itself and is checked by the
// Dispatcher). The query string and the body are then decoded within one
// budget, in a slot of Intake's gate.
type Server struct {
	Dispatcher   protocols.Dispatcher
	Debug        bool             // write debuginfo in error envelopes (Moodle's debug ≥ DEBUG_NORMAL)
	Log          *slog.Logger     // nil: slog.Default()
	MaxBodyBytes int64            // ≤ 0: DefaultMaxBodyBytes
	Intake       protocols.Intake // token check, parse budget and decoding gate
}

// format is the response format selected by moodlewsrestformat.
type format uint8

const (
	formatXML format = iota
	formatJSON
)

// ServeHTTP answers one call: parse, dispatch, render.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodOptions {
		writePreflight(w)
		return
	}
	f := queryFormat(r.URL.RawQuery)
	function := ""
	defer func() {
		if err := protocols.PanicError("rest", recover()); err != nil {
			s.refuse(w, r, f, function, err)
		}
	}()

	if err := s.checkToken(r); err != nil {
		writeError(w, f, err, s.Debug) // the check logged it as a call
		return
	}
	call, f, err := s.parse(w, r, f)
	if err != nil {
		s.refuse(w, r, f, "", err)
		return
	}
	function = call.Function
	if s.Dispatcher == nil {
		s.refuse(w, r, f, function, wsgate.ErrInternal.Wrap(errors.New("rest: Server has no Dispatcher")))
		return
	}
	res, err := s.Dispatcher.Dispatch(r.Context(), call)
	protocols.SetRateLimitHeaders(w.Header(), call)
	if err != nil {
		writeError(w, f, err, s.Debug) // the Dispatcher logged it
		return
	}
	var v any
	var enc *functions.Encodings
	if res != nil {
		v, enc = res.Value, res.Encodings
	}
	d := returnsOf(res)
	protocols.WriteAnswer(enc, keptForm{f, d},
		func(buf []byte) []byte { return encode(buf, f, d, v) },
		func(body []byte) { writeBody(w, f, http.StatusOK, body) })
}

// keptForm keys REST's encodings of a kept answer.
type keptForm struct {
	f format
	d *functions.Description
}

// encode appends the answer v, described by d, in format f.
func encode(buf []byte, f format, d *functions.Description, v any) []byte {
	if f == formatJSON {
		return AppendJSON(buf, d, v)
	}
	return AppendXML(buf, d, v)
}

// checkToken checks the token the request carries outside its body, the
// last wstoken of the query string, else the Bearer token, before the body
// is read. Without one there the Dispatcher checks the token of the body.
func (s *Server) checkToken(r *http.Request) error {
	if s.Intake.Tokens == nil {
		return nil
	}
	token, _ := queryString(r.URL.RawQuery, "wstoken")
	if token == "" {
		token = protocols.BearerToken(r)
	}
	if token == "" {
		return nil
	}
	function, _ := queryString(r.URL.RawQuery, "wsfunction")
	if f, ok := PathFunction(r.URL.Path); ok {
		function = f
	}
	return s.Intake.CheckToken(r.Context(), &protocols.Call{Protocol: "rest", Token: token, Function: function,
		RemoteIP: protocols.RemoteIP(r)})
}

// parse decodes the request into a Call and the response format; f is the
// format the query string asks for, answered when decoding fails. The body
// is read whole first, then the query string and the body are decoded in a
// slot of the gate within one budget; the errors keep PHP's order (the
// query string's first).
func (s *Server) parse(w http.ResponseWriter, r *http.Request, f format) (*protocols.Call, format, error) {
	post, readErr := s.readBody(w, r)
	var params map[string]any
	err := s.Intake.Decode(r.Context(), func(b *protocols.Budget) error {
		get, err := parseQuery(r.URL.RawQuery, b)
		if err != nil {
			return err
		}
		if readErr != nil {
			return readErr
		}
		form, err := post.parse(b)
		if err != nil {
			return err
		}
		for k, v := range form { // array_merge($_GET, $_POST): POST wins
			get[k] = v
		}
		params = get
		return nil
	})
	if err != nil {
		return nil, f, err
	}
	f = formatOf(params)

	token, hasToken := params["wstoken"]
	function, hasFunction := params["wsfunction"]
	settings, err := protocols.SettingsOf(func(name string) (any, bool) { v, ok := params[name]; return v, ok })
	if err != nil {
		return nil, f, err
	}
	for _, k := range reservedNames {
		delete(params, k)
	}
	call := &protocols.Call{Protocol: "rest", Params: params, RemoteIP: protocols.RemoteIP(r), Settings: settings,
		Size: post.len() + len(r.URL.RawQuery)}
	if hasToken {
		if call.Token, err = reservedString("wstoken", token); err != nil {
			return nil, f, err
		}
	}
	if call.Token == "" {
		call.Token = protocols.BearerToken(r)
	}
	if hasFunction {
		if call.Function, err = reservedString("wsfunction", function); err != nil {
			return nil, f, err
		}
	}
	if name, ok := PathFunction(r.URL.Path); ok {
		call.Function = name
	}
	return call, f, nil
}

// PathFunction returns the function a path of the form Path/<function> names
// (the OpenAPI documents give each function such a path; it wins over
// wsfunction), and whether the path has that form.
func PathFunction(path string) (string, bool) {
	name, ok := strings.CutPrefix(path, Path+"/")
	if !ok || name == "" || strings.Contains(name, "/") {
		return "", false
	}
	return name, true
}

// reservedNames are removed from the parameters before dispatch
// (webservice_rest_server::parse_request and set_web_service_call_settings).
// The moodlewssetting* values go to Call.Settings (moodlewssettingtimezone
// is dropped: the gateway has no time zones).
var reservedNames = [...]string{
	"wstoken", "wsfunction", "moodlewsrestformat",
	"moodlewssettingraw", "moodlewssettingfileurl", "moodlewssettingfilter",
	"moodlewssettinglang", "moodlewssettingtimezone",
}

// formatOf reads moodlewsrestformat: "json" selects JSON, anything else
// (absent, "xml", an array, a typo) XML.
func formatOf(params map[string]any) format {
	if v, ok := params["moodlewsrestformat"].(string); ok && v == "json" {
		return formatJSON
	}
	return formatXML
}

// queryFormat is formatOf the query string, read without decoding it.
func queryFormat(rawQuery string) format {
	if v, ok := queryString(rawQuery, "moodlewsrestformat"); ok && v == "json" {
		return formatJSON
	}
	return formatXML
}

// reservedString returns the value of wstoken or wsfunction, which must be
// a string (form encoding) or a JSON string.
func reservedString(name string, v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case nil:
		return "", nil
	}
	return "", wsgate.ErrInvalidParameter.WithDebugf("%s must be a string", name)
}

// returnsOf returns the description the result is encoded with; nil for a
// void function.
func returnsOf(res *protocols.Result) *functions.Description {
	if res == nil || res.Function == nil {
		return nil
	}
	return res.Function.Returns
}

// refuse logs a failure of the server's own (protocols.LogFailure) and
// answers it in format f.
func (s *Server) refuse(w http.ResponseWriter, r *http.Request, f format, function string, err error) {
	protocols.LogFailure(r, s.Log, "rest", function, err)
	writeError(w, f, err, s.Debug)
}

// writeError answers err in format f; debuginfo only when debug is set.
// Like Moodle the status is 200, except for a call over its rate limit:
// 429, as Moodle's app expects (with Retry-After, set by the pipeline's headers).
func writeError(w http.ResponseWriter, f format, err error, withDebug bool) {
	status := http.StatusOK
	if protocols.RateLimited(err) {
		status = http.StatusTooManyRequests
	}
	if f == formatJSON {
		writeBody(w, f, status, EncodeJSONError(err, withDebug))
	} else {
		writeBody(w, f, status, EncodeXMLError(err, withDebug))
	}
}

// Header values of webservice_rest_server::send_headers, built once and set
// by direct assignment under canonical keys (net/http never modifies them).
var (
	hdrJSON        = []string{"application/json"}
	hdrXML         = []string{"application/xml; charset=utf-8"}
	hdrDisposition = []string{`inline; filename="response.xml"`}
)

// writeBody sends a complete response with the headers of
// webservice_rest_server::send_headers.
func writeBody(w http.ResponseWriter, f format, status int, body []byte) {
	h := w.Header()
	if f == formatJSON {
		h["Content-Type"] = hdrJSON
	} else {
		h["Content-Type"] = hdrXML
		h["Content-Disposition"] = hdrDisposition
	}
	protocols.SetServerHeaders(h)
	protocols.WriteBody(w, status, body)
}

// writePreflight answers a CORS preflight (any OPTIONS request) without
// dispatching: browsers may then POST JSON with an Authorization header.
func writePreflight(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
	h.Set("Access-Control-Max-Age", "86400")
	h.Set("Cache-Control", "private, must-revalidate, pre-check=0, post-check=0, max-age=0")
	w.WriteHeader(http.StatusNoContent)
}
