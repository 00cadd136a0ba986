// Package xmlrpc serves Moodle's XML-RPC protocol at
// /webservice/xmlrpc/server.php (core 2.0–4.0, a plugin since 4.1): it
// decodes a methodCall into a protocols.Call with positional arguments,
// hands it to a protocols.Dispatcher and writes the result as a
// methodResponse, or the error as a fault, as Moodle's
// webservice_xmlrpc_server does (moodle-webservices.md §7.1).
//
// It only translates wire formats: no access checks, validation or cleaning
// of its own happen here (the token check before the body is read is the
// pipeline's, through protocols.Intake, and decoding stays within Intake's
// parse budget). It imports wsgate, functions and protocols, nothing else
// of ours.
//
// Requests. Every standard value type is accepted: int, i4, i8, boolean,
// string, an untyped value (text directly in <value>, a string), double,
// dateTime.iso8601, base64, struct, array, and nil (<nil/>, also with a
// prefix such as ex:nil). Values become the generic tree the pipeline
// validates: map[string]any, []any, string, int64, float64, bool and nil.
// Choices where Moodle is silent (ext/xmlrpc gave PHP objects Moodle could
// not validate):
//   - dateTime.iso8601 becomes int64 Unix seconds, what Moodle's PARAM_INT
//     timestamps expect; a value without a zone is read as UTC.
//   - base64 becomes the decoded bytes as a string.
//   - int, i4 and i8 all accept the whole int64 range (clients such as
//     kolo/xmlrpc write <int> beyond 2^31).
//   - boolean accepts 1, 0, true and false; double refuses NaN, infinities
//     and hexadecimal notation.
//   - struct members may give <value> before <name>; a repeated name keeps
//     the last value, as PHP arrays do.
//
// Limits: the body is bounded (Server.MaxBodyBytes); decoding takes every
// value, text byte and attribute byte from a protocols.Budget (values,
// nesting of arrays and structs, string bytes), one tag may hold at most
// protocols.MaxTagBytes (a tag with thousands of attributes costs
// encoding/xml memory out of proportion), and any DOCTYPE or other <!…>
// declaration is refused, so no entity is ever defined. Go's encoding/xml never reads external entities. Whatever goes
// wrong in a request is answered as a fault, never as a bare HTTP error.
//
// Responses use standard types only (no <nil/> or other extensions); see
// EncodeResponse for the rendering of nulls and large integers.
package xmlrpc
