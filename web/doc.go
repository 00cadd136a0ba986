// Package web serves the gateway's admin pages and generated API
// documentation, rendered on the server with html/template; the templates
// and the one style sheet are embedded in the binary, and no page needs
// JavaScript.
//
// Handler serves /admin/... (pages for administrators who log in with a
// password and hold wsgate/site:config) and /webservice/docs (the API
// documentation of a token's service, for the token's holder).
// OpenAPIHandler serves /webservice/rest/openapi.json, an OpenAPI 3.1
// document of a service's REST calls, to a holder of a token of that
// service. Mount wires the three on a gin router.
//
// Every change a page makes goes through the admin API's services (package
// admin and its plugins), so it is validated, written in one transaction
// with its event, and the authorization cache is told; the pages read
// through the services store and the function catalog.
//
// The test client (/admin/testclient) calls the gateway over HTTP at its
// own listener (Deps.GatewayURL), with request bodies from the protocol
// packages' encoders (protocols/rest, xmlrpc, soap; MCP's version).
//
// It imports the root package, functions, services, admin, web/apidoc and
// the protocol packages' encoders; only cmd imports it.
package web
