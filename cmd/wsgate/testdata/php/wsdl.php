<?php
// PHP's SoapClient in WSDL mode on the rpc/encoded WSDL (?wsdl=1&style=rpc),
// called as code written for Moodle calls it: positional parameters.
require __DIR__ . '/common.php';

[$url, $token] = server();
$options = ['cache_wsdl' => WSDL_CACHE_NONE, 'exceptions' => true, 'trace' => true];
$wsdl = $url . '?wsdl=1&style=rpc&wstoken=' . urlencode($token);
$client = new SoapClient($wsdl, $options);
$bad = new SoapClient($wsdl, $options);
$bad->__setLocation($url . '?wstoken=invalid');
run($client, $bad);
