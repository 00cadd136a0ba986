package xmlrpc

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
)

// Path is where Moodle served the token XML-RPC protocol.
const Path = "/webservice/xmlrpc/server.php"

// Protocol is the protocol name calls carry.
const Protocol = "xmlrpc"

// DefaultMaxBodyBytes is the body limit when Server.MaxBodyBytes is not set:
// PHP's default post_max_size (8M).
const DefaultMaxBodyBytes = 8 << 20

// ListMethods is the introspection method answered from Server.Lister.
const ListMethods = "system.listMethods"

// Server serves Moodle's XML-RPC protocol (webservice/xmlrpc/server.php)
// over a Dispatcher. The token is the wstoken query parameter, as in
// Moodle, or, beyond Moodle, an "Authorization: Bearer <token>" header when
// wstoken is absent or empty; the moodlewssetting* values are query
// parameters too (Call.Settings). The methodName is the function name and the
// params are passed on as positional arguments (Call.Args, never nil);
// the Dispatcher maps them onto the declared parameters.
//
// Every answer is HTTP 200 with Content-Type text/xml; charset=utf-8: a
// methodResponse, an empty body for a void function (as Moodle, whose
// server wrote nothing when a function declares no returns), or a fault
// (EncodeFault). The only exception is a method other than POST, which
// gets 405 with "Allow: POST" and a fault body. A panic while serving is
// answered as an internal fault and the process keeps running.
//
// Beyond Moodle, system.listMethods answers, as an array of strings, the
// names of the functions the token may call (Lister.Callable).
//
// The token is known before the body (Intake.Tokens checks it first, so an
// unusable token costs no parsing); the body is decoded within Intake's
// budget and gate.
type Server struct {
	Dispatcher   protocols.Dispatcher
	Lister       protocols.Lister // nil: system.listMethods is an unknown function
	Debug        bool             // append debuginfo to faultString (Moodle's debug ≥ DEBUG_NORMAL)
	Log          *slog.Logger     // nil: slog.Default()
	MaxBodyBytes int64            // ≤ 0: DefaultMaxBodyBytes
	Intake       protocols.Intake // token check, parse budget and decoding gate
}

// ServeHTTP answers one call: parse, dispatch, render.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	function := ""
	defer func() {
		if err := protocols.PanicError("xmlrpc", recover()); err != nil {
			s.writeFault(w, r, http.StatusOK, function, err)
		}
	}()
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		s.writeFault(w, r, http.StatusMethodNotAllowed, "",
			wsgate.ErrInvalidParameter.WithDebug("XML-RPC calls must use POST"))
		return
	}
	call, err := s.parse(w, r)
	if err != nil {
		s.writeFault(w, r, http.StatusOK, "", err)
		return
	}
	function = call.Function
	if call.Function == ListMethods && s.Lister != nil {
		s.listMethods(w, r, call)
		return
	}
	if s.Dispatcher == nil {
		s.writeFault(w, r, http.StatusOK, function, wsgate.ErrInternal.Wrap(errors.New("xmlrpc: Server has no Dispatcher")))
		return
	}
	res, err := s.Dispatcher.Dispatch(r.Context(), call)
	protocols.SetRateLimitHeaders(w.Header(), call)
	if err != nil {
		writeBody(w, http.StatusOK, EncodeFault(err, s.Debug)) // the Pipeline logged it
		return
	}
	if res == nil || res.Function == nil || res.Function.Returns == nil {
		writeBody(w, http.StatusOK, nil) // void: Moodle sends no document
		return
	}
	d := res.Function.Returns
	protocols.WriteAnswer(res.Encodings, keptForm{d},
		func(buf []byte) []byte { return AppendResponse(buf, d, res.Value) },
		func(body []byte) { writeBody(w, http.StatusOK, body) })
}

// keptForm keys XML-RPC's encoding of a kept answer.
type keptForm struct{ d *functions.Description }

// parse checks the token, then reads the body and decodes it into a Call.
func (s *Server) parse(w http.ResponseWriter, r *http.Request) (*protocols.Call, error) {
	query := r.URL.Query()
	call := &protocols.Call{Protocol: Protocol, Token: token(r, query), RemoteIP: protocols.RemoteIP(r)}
	if err := s.Intake.CheckToken(r.Context(), call); err != nil {
		return nil, err
	}
	settings, err := protocols.QuerySettings(query)
	if err != nil {
		return nil, err
	}
	call.Settings = settings
	limit := s.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	body, err := protocols.ReadBody(w, r, limit)
	if err != nil {
		if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
			return nil, errTooLarge(limit)
		}
		return nil, wsgate.ErrInvalidParameter.WithDebug("The request body could not be read").Wrap(err)
	}
	call.Size = body.Len() + len(r.URL.RawQuery)
	var mc *MethodCall
	err = s.Intake.Decode(r.Context(), func(b *protocols.Budget) error {
		mc, err = DecodeCallWithin(body.Reader(), b)
		return err
	})
	if err != nil {
		return nil, err
	}
	call.Function, call.Args = mc.Method, mc.Params
	return call, nil
}

// listMethods answers system.listMethods with the names the token may call.
func (s *Server) listMethods(w http.ResponseWriter, r *http.Request, call *protocols.Call) {
	fns, err := s.Lister.Callable(r.Context(), call)
	if err != nil {
		s.writeFault(w, r, http.StatusOK, call.Function, err)
		return
	}
	names := make([]any, 0, len(fns))
	for _, f := range fns {
		if f != nil {
			names = append(names, f.Name)
		}
	}
	writeBody(w, http.StatusOK, EncodeResponse(methodList, names))
}

// methodList describes system.listMethods' answer: an array of strings.
var methodList = &functions.Description{Shape: functions.MultipleShape,
	Content: &functions.Description{Shape: functions.ValueShape, Type: functions.ParamRaw}}

// token returns the last wstoken of the query string (PHP keeps the last
// of repeated names), else the Bearer token of the Authorization header.
func token(r *http.Request, query url.Values) string {
	if v := query["wstoken"]; len(v) > 0 && v[len(v)-1] != "" {
		return v[len(v)-1]
	}
	return protocols.BearerToken(r)
}

// writeFault logs internal errors once and answers err as a fault.
func (s *Server) writeFault(w http.ResponseWriter, r *http.Request, status int, function string, err error) {
	e := protocols.ErrorOf(err)
	protocols.LogFailure(r, s.Log, "xmlrpc", function, e)
	writeBody(w, status, EncodeFault(e, s.Debug))
}

// hdrXML is the answers' Content-Type, shared by every answer (see protocols.SetNoCache).
var hdrXML = []string{"text/xml; charset=utf-8"}

// writeBody sends a complete answer with the headers of Moodle's XML-RPC
// server (without its Connection: close and epoch Date).
func writeBody(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h["Content-Type"] = hdrXML
	protocols.SetServerHeaders(h)
	protocols.WriteBody(w, status, body)
}
