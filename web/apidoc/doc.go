// Package apidoc derives API documentation from function descriptions: the
// trees the documentation pages show (Tree), what a call looks like over
// each protocol (Examples) and an OpenAPI 3.1 document per service for its
// REST calls (OpenAPI). It renders nothing itself: the pages in web/ call it.
//
// Everything is computed from functions.Function and functions.Description
// only, and the wire formats come from the protocol packages themselves
// (rest.EncodeXML and rest.EncodeJSON for responses, soap.SOAPAction and the
// WSDL's naming for SOAP), so the documentation cannot drift from what the
// servers do.
//
// # Sample values
//
// Examples and the OpenAPI examples fill every declared key, optional ones
// included, and put one item in every list. A value with a default shows its
// default; otherwise it gets a placeholder of its PARAM type that the
// gateway's validator accepts, so every example is a call that passes
// validation: INT 1, FLOAT 1.5, BOOL true, PERMISSION 1, RAW and the text
// types "string", EMAIL "user@example.com", URL "https://example.com/",
// COMPONENT "core_user", and so on (see placeholder).
//
// # OpenAPI path modelling
//
// Moodle's REST endpoint is one URL, /webservice/rest/server.php, where the
// function is the wsfunction parameter; OpenAPI cannot tell operations apart
// by a query parameter. The document therefore gives each function its own
// path, /webservice/rest/server.php/<function> (the name path-escaped), with
// one POST operation whose operationId is the function name. The gateway
// must route that path (any method) to the REST server as if
// wsfunction=<function> had been sent; RESTPathPrefix is the prefix to route.
// Each operation's description also gives the equivalent Moodle call,
// POST /webservice/rest/server.php?wsfunction=<function>.
//
// The document is OpenAPI 3.1.0 (JSON Schema 2020-12): nullable values are
// type arrays ([T, "null"]); errors come with HTTP 200 as in Moodle, so the
// 200 response is anyOf the result and the Exception envelope.
package apidoc

// RESTPathPrefix is the prefix of the per-function REST paths of the
// OpenAPI documents: RESTPathPrefix + <function> answers as
// /webservice/rest/server.php?wsfunction=<function>.
const RESTPathPrefix = "/webservice/rest/server.php/"

// OpenAPIPath is where the gateway serves the OpenAPI document of a service:
// OpenAPIPath + "?service=" + shortname.
const OpenAPIPath = "/webservice/rest/openapi.json"
