<?php
// Shared by wsdl.php and nowsdl.php: the calls a Moodle integration makes,
// printed as JSON with the PHP type of every value, so the Go test sees what
// PHP decoded (integer, boolean, string, array, object). WSGATE_URL is the
// SOAP server URL without query, WSGATE_TOKEN a token of a site administrator.

// typed returns [type, value] for scalars, [type, typed members] for arrays
// and objects.
function typed($v) {
    if (is_object($v)) {
        $members = [];
        foreach (get_object_vars($v) as $k => $x) {
            $members[$k] = typed($x);
        }
        return ['object', (object) $members];
    }
    if (is_array($v)) {
        return ['array', array_map('typed', $v)];
    }
    return [gettype($v), $v];
}

// run calls get_site_info and get_users_by_field on $client, then
// get_site_info on $badClient (an invalid token), and prints the summary.
// A fault of the good calls ends the script with the exchange on stderr.
function run(SoapClient $client, SoapClient $badClient) {
    $out = [];
    try {
        $out['site_info'] = typed($client->core_webservice_get_site_info());
        $out['users_by_field'] = typed($client->core_user_get_users_by_field('username', ['admin']));
    } catch (SoapFault $f) {
        fwrite(STDERR, "SoapFault: {$f->faultcode} {$f->faultstring}\n" . print_r($f->detail ?? null, true) .
            "\nrequest:\n" . $client->__getLastRequest() . "\nresponse:\n" . $client->__getLastResponse() . "\n");
        exit(1);
    }
    try {
        $badClient->core_webservice_get_site_info();
        $out['fault'] = null;
    } catch (SoapFault $f) {
        $out['fault'] = ['faultcode' => $f->faultcode, 'faultstring' => $f->faultstring];
    }
    echo json_encode($out, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR), "\n";
}

function server() {
    $url = getenv('WSGATE_URL');
    $token = getenv('WSGATE_TOKEN');
    if ($url === false || $token === false) {
        fwrite(STDERR, "set WSGATE_URL and WSGATE_TOKEN\n");
        exit(2);
    }
    return [$url, $token];
}
