package rest_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"testing"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols/rest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file\n got: %q\nwant: %q", name, got, want)
	}
}

// Description helpers.

func val(t functions.ParamType) *functions.Description {
	return &functions.Description{Shape: functions.ValueShape, Type: t, AllowNull: true}
}

func opt(d *functions.Description) *functions.Description {
	c := *d
	c.Presence = functions.Optional
	return &c
}

func single(kv ...any) *functions.Description {
	d := &functions.Description{Shape: functions.SingleShape}
	for i := 0; i < len(kv); i += 2 {
		d.Keys = append(d.Keys, functions.Key{Name: kv[i].(string), Desc: kv[i+1].(*functions.Description)})
	}
	return d
}

func multiple(content *functions.Description) *functions.Description {
	return &functions.Description{Shape: functions.MultipleShape, Content: content}
}

// siteInfo is a shortened core_webservice_get_site_info return description.
var siteInfo = single(
	"sitename", val(functions.ParamRaw),
	"userid", val(functions.ParamInt),
	"siteurl", val(functions.ParamRaw),
	"functions", multiple(single(
		"name", val(functions.ParamRaw),
		"version", val(functions.ParamText),
	)),
	"usersessionscount", opt(val(functions.ParamInt)),
	"advancedfeatures", opt(multiple(single("name", val(functions.ParamAlphanumext), "value", val(functions.ParamInt)))),
	"usercanmanageownfiles", opt(val(functions.ParamBool)),
	"userissiteadmin", val(functions.ParamBool),
	"theme", opt(val(functions.ParamText)),
)

type encodeCase struct {
	name string
	desc *functions.Description
	v    any
}

var encodeCases = []encodeCase{
	{"site_info", siteInfo, map[string]any{
		"userid":   int64(42),
		"sitename": "Acme LMS",
		"siteurl":  "https://lms.example.org",
		"functions": []any{
			map[string]any{"name": "core_webservice_get_site_info", "version": "2023112400.00"},
			map[string]any{"version": "2023112400.00", "name": "core_user_get_users"},
		},
		"usersessionscount":     nil,
		"usercanmanageownfiles": true,
		"userissiteadmin":       false,
		"undeclared":            "dropped",
	}},
	{"null", val(functions.ParamInt), nil},
	{"null_single", single("a", val(functions.ParamInt)), nil},
	{"booleans", single("yes", val(functions.ParamBool), "no", val(functions.ParamBool)),
		map[string]any{"yes": true, "no": false}},
	{"floats", multiple(val(functions.ParamFloat)), []any{
		1.0, 0.5, 0.1 + 0.2, 1e25, 1e-7, 0.0001, 123456789012345.678, math.Copysign(0, -1), 1e14, 1e15,
		1e16, 1e17, -2.5e-5, float32(0.1), json.Number("3.0"), json.Number("12"), 100.0, 1.5e300, math.Inf(1),
	}},
	{"ints", multiple(val(functions.ParamInt)), []any{
		int64(0), int64(-7), int64(math.MaxInt64), int(12), int32(-3), uint64(math.MaxUint64), uint8(8),
	}},
	{"empty_single", single("a", opt(val(functions.ParamInt)), "b", opt(multiple(val(functions.ParamInt)))),
		map[string]any{"other": 1}},
	{"empty_multiple", multiple(val(functions.ParamInt)), []any{}},
	{"absent_structures", single(
		"list", opt(multiple(val(functions.ParamInt))),
		"object", opt(single("x", val(functions.ParamInt), "y", multiple(val(functions.ParamRaw)))),
		"scalar", opt(val(functions.ParamRaw)),
	), map[string]any{}},
	{"void", nil, map[string]any{"ignored": true}},
	{"escaping", single("s", val(functions.ParamRaw), "t", val(functions.ParamRaw)), map[string]any{
		"s": "https://x.org/a?b=1&c=<d> \"q\" 'a' é € 😀 \u2028 \\ \n\t\r\b\f\x01\x1f\x7f",
		"t": "bad \xff utf8",
	}},
	{"numeric_keys", single("0", val(functions.ParamRaw), "1", val(functions.ParamRaw)),
		map[string]any{"0": "a", "1": "b"}},
	{"top_level_scalar", val(functions.ParamRaw), "https://x/é"},
	{"mismatched", single("list", multiple(val(functions.ParamInt)), "obj", single("k", val(functions.ParamInt))),
		map[string]any{"list": "not a list", "obj": []any{int64(1)}}},
}

func TestEncodeGolden(t *testing.T) {
	for _, tc := range encodeCases {
		t.Run(tc.name, func(t *testing.T) {
			j := rest.EncodeJSON(tc.desc, tc.v)
			if !json.Valid(j) {
				t.Errorf("invalid JSON: %s", j)
			}
			golden(t, tc.name+".json", j)
			golden(t, tc.name+".xml", rest.EncodeXML(tc.desc, tc.v))
		})
	}
}

// TestEncodeReference checks the examples of moodle-webservices.md §6.2–6.4
// byte for byte, independently of the golden files.
func TestEncodeReference(t *testing.T) {
	d := single(
		"sitename", val(functions.ParamRaw),
		"userid", val(functions.ParamInt),
		"functions", multiple(single("name", val(functions.ParamRaw), "version", val(functions.ParamText))),
		"usersessionscount", opt(val(functions.ParamInt)),
	)
	v := map[string]any{"sitename": "Acme LMS", "userid": int64(42),
		"functions": []any{map[string]any{"name": "core_webservice_get_site_info", "version": "2023112400.00"}}}
	wantXML := `<?xml version="1.0" encoding="UTF-8" ?>
<RESPONSE>
<SINGLE>
<KEY name="sitename"><VALUE>Acme LMS</VALUE>
</KEY>
<KEY name="userid"><VALUE>42</VALUE>
</KEY>
<KEY name="functions"><MULTIPLE>
<SINGLE>
<KEY name="name"><VALUE>core_webservice_get_site_info</VALUE>
</KEY>
<KEY name="version"><VALUE>2023112400.00</VALUE>
</KEY>
</SINGLE>
</MULTIPLE>
</KEY>
<KEY name="usersessionscount"><VALUE null="null"/>
</KEY>
</SINGLE>
</RESPONSE>
`
	if got := string(rest.EncodeXML(d, v)); got != wantXML {
		t.Errorf("XML:\n%s\nwant:\n%s", got, wantXML)
	}
	wantJSON := `{"sitename":"Acme LMS","userid":42,"functions":[{"name":"core_webservice_get_site_info","version":"2023112400.00"}]}`
	if got := string(rest.EncodeJSON(d, v)); got != wantJSON {
		t.Errorf("JSON:\n%s\nwant:\n%s", got, wantJSON)
	}

	for _, tc := range []struct {
		got, want string
	}{
		{string(rest.EncodeJSON(nil, nil)), "null"},
		{string(rest.EncodeXML(nil, nil)), "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n</RESPONSE>\n"},
		{string(rest.EncodeJSON(single("a", opt(val(functions.ParamInt))), map[string]any{})), "[]"},
		{string(rest.EncodeJSON(val(functions.ParamRaw), "https://lms.example.org/é")), `"https:\/\/lms.example.org\/\u00e9"`},
		{string(rest.EncodeJSON(val(functions.ParamRaw), "😀")), `"\ud83d\ude00"`},
		{string(rest.EncodeJSON(val(functions.ParamFloat), 0.1)), `0.1`},
		{string(rest.EncodeJSON(val(functions.ParamFloat), 1.0)), `1`}, // json_encode(1.0) is "1" in PHP
		{string(rest.EncodeJSON(val(functions.ParamFloat), 1e25)), `1.0e+25`},
		{string(rest.EncodeXML(val(functions.ParamFloat), 1.0)), "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n<VALUE>1</VALUE>\n</RESPONSE>\n"},
		{string(rest.EncodeXML(val(functions.ParamFloat), 0.1+0.2)), "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n<VALUE>0.3</VALUE>\n</RESPONSE>\n"},
		{string(rest.EncodeXML(val(functions.ParamBool), true)), "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n<VALUE>1</VALUE>\n</RESPONSE>\n"},
		{string(rest.EncodeXML(val(functions.ParamRaw), `<a href="x">&amp;'</a>`)), "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n<VALUE>&lt;a href=&quot;x&quot;&gt;&amp;amp;'&lt;/a&gt;</VALUE>\n</RESPONSE>\n"},
		{string(rest.EncodeJSONError(wsgate.ErrInvalidToken, false)),
			`{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}`},
		{string(rest.EncodeJSONError(wsgate.ErrInvalidToken.WithDebug("x"), false)),
			`{"exception":"moodle_exception","errorcode":"invalidtoken","message":"Invalid token - token not found"}`},
		{string(rest.EncodeJSONError(wsgate.ErrAccess.WithDebug("You are not allowed to use the rest protocol (missing capability: webservice/rest:use)"), true)),
			`{"exception":"webservice_access_exception","errorcode":"accessexception","message":"Access control exception",` +
				`"debuginfo":"You are not allowed to use the rest protocol (missing capability: webservice\/rest:use)"}`},
		{string(rest.EncodeJSONError(wsgate.ErrInvalidParameter.WithDebug(`courseid => Invalid parameter value detected: Invalid external api parameter: the value is "abc", the server was expecting "int" type`), true)),
			`{"exception":"invalid_parameter_exception","errorcode":"invalidparameter","message":"Invalid parameter value detected",` +
				`"debuginfo":"courseid => Invalid parameter value detected: Invalid external api parameter: the value is \"abc\", the server was expecting \"int\" type"}`},
		{string(rest.EncodeXMLError(wsgate.ErrInvalidToken, true)),
			"<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<EXCEPTION class=\"moodle_exception\">\n<ERRORCODE>invalidtoken</ERRORCODE>\n<MESSAGE>Invalid token - token not found</MESSAGE>\n</EXCEPTION>\n"},
	} {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}

var errorCases = []struct {
	name string
	err  error
}{
	{"invalidtoken", wsgate.ErrInvalidToken},
	{"accessexception", wsgate.ErrAccess.WithDebug("You are not allowed to use the rest protocol (missing capability: webservice/rest:use)")},
	{"invalidparameter", wsgate.ErrInvalidParameter.WithDebug(`courseid => Invalid parameter value detected: Invalid external api parameter: the value is "abc", the server was expecting "int" type`)},
	{"invalidrecord", wsgate.ErrInvalidRecord},
	{"invalidresponse", wsgate.ErrInvalidResponse.WithDebug("Error in response - Missing following required key in a single structure: id")},
	{"foreign", errors.New("pq: password authentication failed for user \"secret\"")},
	{"escaping", wsgate.ErrUserDeleted.Messagef(`<jdoe> & "friends" / é`).WithDebug(`<b>&'"/</b>`)},
	{"requesttoolarge", wsgate.ErrRequestTooLarge.Messagef("holds more than 100000 values")},
	{"serverbusy", wsgate.ErrServerBusy.WithDebug("no decoding slot became free within 2s")},
}

func TestEncodeErrorGolden(t *testing.T) {
	for _, tc := range errorCases {
		for _, debug := range []bool{false, true} {
			suffix := ""
			if debug {
				suffix = "_debug"
			}
			t.Run(tc.name+suffix, func(t *testing.T) {
				j := rest.EncodeJSONError(tc.err, debug)
				x := rest.EncodeXMLError(tc.err, debug)
				if !json.Valid(j) {
					t.Errorf("invalid JSON: %s", j)
				}
				if bytes.Contains(j, []byte("secret")) || bytes.Contains(x, []byte("secret")) {
					t.Error("the cause of a foreign error was written")
				}
				golden(t, "error_"+tc.name+suffix+".json", j)
				golden(t, "error_"+tc.name+suffix+".xml", x)
			})
		}
	}
}
