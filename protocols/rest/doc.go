// Package rest serves Moodle's REST protocol at /webservice/rest/server.php:
// it decodes PHP-style form parameters (and, beyond Moodle, JSON bodies and
// Bearer tokens) into a protocols.Call, hands it to a protocols.Dispatcher
// and writes the result or the error byte for byte as Moodle's
// webservice_rest_server does, in XML (default) or JSON.
//
// It only translates wire formats: no access checks, validation or cleaning
// of its own happen here (the token check before the body is read is the
// pipeline's, through protocols.Intake, and decoding stays within Intake's
// parse budget). It imports wsgate, functions and protocols, nothing else
// of ours.
package rest
