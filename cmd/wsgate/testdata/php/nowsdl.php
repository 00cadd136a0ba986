<?php
// PHP's SoapClient without a WSDL (location and uri, as Moodle's own test
// client): rpc requests in the client's namespace, positional parameters.
require __DIR__ . '/common.php';

[$url, $token] = server();
$options = ['uri' => 'http://moodle.example/wsgate', 'exceptions' => true, 'trace' => true];
$client = new SoapClient(null, $options + ['location' => $url . '?wstoken=' . urlencode($token)]);
$bad = new SoapClient(null, $options + ['location' => $url . '?wstoken=invalid']);
run($client, $bad);
