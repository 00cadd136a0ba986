package protocols

import (
	"net/http"
	"strconv"
)

// The header values of Moodle's web service answers, built once and set by
// direct assignment under canonical keys: net/http never writes them, and a
// middleware adding to one appends to a full slice, so copies.
var (
	hdrCache   = []string{"private, must-revalidate, pre-check=0, post-check=0, max-age=0"}
	hdrExpires = []string{"Thu, 01 Jan 1970 00:00:00 GMT"}
	hdrPragma  = []string{"no-cache"}
	hdrRanges  = []string{"none"}
	hdrOrigin  = []string{"*"}
)

// SetNoCache sets the no-cache headers every Moodle server sends
// (Cache-Control, Expires, Pragma).
func SetNoCache(h http.Header) {
	h["Cache-Control"] = hdrCache
	h["Expires"] = hdrExpires
	h["Pragma"] = hdrPragma
}

// SetServerHeaders sets what Moodle's REST and XML-RPC servers send with
// every answer: the no-cache headers, Accept-Ranges: none and
// Access-Control-Allow-Origin: *.
func SetServerHeaders(h http.Header) {
	SetNoCache(h)
	h["Accept-Ranges"] = hdrRanges
	h["Access-Control-Allow-Origin"] = hdrOrigin
}

// WriteBody sends a complete answer: its Content-Length, status and body.
func WriteBody(w http.ResponseWriter, status int, body []byte) {
	w.Header()["Content-Length"] = []string{strconv.Itoa(len(body))}
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
