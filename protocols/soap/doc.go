// Package soap serves Moodle's SOAP protocol at /webservice/soap/server.php:
// a per-token WSDL (?wsdl=1) and SOAP 1.1 calls, translated into a
// protocols.Call for a protocols.Dispatcher and back.
//
// Moodle's own WSDL is rpc/encoded, which document-oriented toolkits cannot
// use; this package publishes a document/literal wrapped WSDL (WS-I Basic
// Profile 1.1) generated from the same descriptions by default, and an
// rpc/encoded one in Moodle's shape with style=rpc (wsdlrpc.go), for PHP's
// SoapClient and code written for Moodle. It accepts the rpc-style bodies
// PHP's SoapClient and Moodle's client libraries send (xsi:type, SOAP-ENC
// arrays, Apache maps, positional paramN parts, href/id multi-reference
// values) and answers a request in rpc style with rpc/encoded XML, every
// value typed as Moodle's server types it (rpcencode.go).
//
// It only translates wire formats: no access checks, validation or cleaning
// of its own happen here (the token check before the body is read is the
// pipeline's, through protocols.Intake, and decoding stays within Intake's
// parse budget). It imports wsgate, functions and protocols, nothing else
// of ours.
package soap
