// Package rest serves Moodle's REST protocol at /webservice/rest/server.php:
// it decodes PHP-style form parameters (and, beyond Moodle, JSON bodies and
// Bearer tokens) into a protocols.Call, hands it to a protocols.Dispatcher
// and writes the result or the error byte for byte as Moodle's
// webservice_rest_server does, in XML (default) or JSON.
//
// It only translates wire formats: no access checks, validation or cleaning
// happen here. It imports wsgate, functions and protocols, nothing else of ours.
package rest
