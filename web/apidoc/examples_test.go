package apidoc_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/rest"
	"wsgate/protocols/soap"
	"wsgate/protocols/xmlrpc"
	"wsgate/web/apidoc"
)

func TestExamplesGolden(t *testing.T) {
	for _, fn := range catalog {
		t.Run(fn.Name, func(t *testing.T) {
			ex := apidoc.Examples(fn, serverURL+"/")
			dir := "examples/" + fn.Name + "/"
			golden(t, dir+"rest_form.txt", []byte(ex.RESTForm+"\n"))
			golden(t, dir+"rest_body.json", []byte(ex.RESTJSON+"\n"))
			golden(t, dir+"rest_response.json", []byte(ex.RESTResponseJSON+"\n"))
			golden(t, dir+"rest_response.xml", []byte(ex.XMLResponse))
			golden(t, dir+"xmlrpc_call.xml", []byte(ex.XMLRPCCall))
			golden(t, dir+"soap_request.http", []byte(ex.SOAPOperation))
		})
	}
}

func TestExamplesNil(t *testing.T) {
	if ex := apidoc.Examples(nil, serverURL); ex != (apidoc.Example{}) {
		t.Errorf("Examples(nil) = %+v", ex)
	}
}

// TestExamplesRESTFormKeys: the form lines are exactly the keys the REST
// server parses into the tree the description declares.
func TestExamplesRESTFormKeys(t *testing.T) {
	ex := apidoc.Examples(createUsers, serverURL)
	var names []string
	for line := range strings.SplitSeq(ex.RESTForm, "\n") {
		name, _, ok := strings.Cut(line, "=")
		if !ok {
			t.Fatalf("line %q has no =", line)
		}
		names = append(names, name)
	}
	want := []string{
		"wstoken", "wsfunction", "moodlewsrestformat",
		"users[0][username]", "users[0][password]", "users[0][email]", "users[0][auth]",
		"users[0][idnumber]", "users[0][suspended]",
		"users[0][preferences][0][type]", "users[0][preferences][0][value]",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("form names\n got %q\nwant %q", names, want)
	}

	tree, err := rest.ParseQuery(strings.ReplaceAll(ex.RESTForm, "\n", "&"))
	if err != nil {
		t.Fatal(err)
	}
	wantTree := map[string]any{
		"wstoken": "TOKEN", "wsfunction": "core_user_create_users", "moodlewsrestformat": "json",
		"users": map[string]any{"0": map[string]any{
			"username": "username", "password": "string", "email": "user@example.com", "auth": "manual",
			"idnumber": "string", "suspended": "1",
			"preferences": map[string]any{"0": map[string]any{"type": "string", "value": "string"}},
		}},
	}
	if !reflect.DeepEqual(tree, wantTree) {
		t.Errorf("parsed form\n got %#v\nwant %#v", tree, wantTree)
	}
}

// TestExamplesRESTForm: for every function, the form parses (as the REST
// server does) into the declared keys and passes validation.
func TestExamplesRESTForm(t *testing.T) {
	for _, fn := range catalog {
		t.Run(fn.Name, func(t *testing.T) {
			ex := apidoc.Examples(fn, serverURL)
			tree, err := rest.ParseQuery(strings.ReplaceAll(ex.RESTForm, "\n", "&"))
			if err != nil {
				t.Fatal(err)
			}
			if tree["wstoken"] != "TOKEN" || tree["wsfunction"] != fn.Name || tree["moodlewsrestformat"] != "json" {
				t.Errorf("reserved names: %v %v %v", tree["wstoken"], tree["wsfunction"], tree["moodlewsrestformat"])
			}
			delete(tree, "wstoken")
			delete(tree, "wsfunction")
			delete(tree, "moodlewsrestformat")
			checkFormKeys(t, fn.Params, tree, fn.Name)
			if _, err := functions.Validate(fn.Params, tree); err != nil {
				t.Errorf("the form does not validate: %v", err)
			}
		})
	}
}

// checkFormKeys checks that a parsed form holds exactly the declared keys
// (one item, "0", per list), leaving out structures that hold no value.
func checkFormKeys(t *testing.T, d *functions.Description, v any, path string) {
	t.Helper()
	switch d.Shape {
	case functions.SingleShape:
		m, ok := v.(map[string]any)
		if !ok {
			t.Errorf("%s: %T, want a structure", path, v)
			return
		}
		want := []string{}
		for _, k := range d.Keys {
			if hasLeaf(k.Desc) {
				want = append(want, k.Name)
			}
		}
		got := make([]string, 0, len(m))
		for k := range m {
			got = append(got, k)
		}
		sort.Strings(got)
		sort.Strings(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: keys %q, want %q", path, got, want)
			return
		}
		for _, k := range d.Keys {
			if hasLeaf(k.Desc) {
				checkFormKeys(t, k.Desc, m[k.Name], path+"["+k.Name+"]")
			}
		}
	case functions.MultipleShape:
		m, ok := v.(map[string]any)
		if !ok || len(m) != 1 || m["0"] == nil {
			t.Errorf("%s: %#v, want one item at index 0", path, v)
			return
		}
		checkFormKeys(t, d.Content, m["0"], path+"[0]")
	default:
		if _, ok := v.(string); !ok {
			t.Errorf("%s: %T, want a string", path, v)
		}
	}
}

func hasLeaf(d *functions.Description) bool {
	switch d.Shape {
	case functions.SingleShape:
		for _, k := range d.Keys {
			if hasLeaf(k.Desc) {
				return true
			}
		}
		return false
	case functions.MultipleShape:
		return hasLeaf(d.Content)
	}
	return true
}

// recorder is a Dispatcher that keeps the call and answers with a result
// cleaned by the function's description.
type recorder struct {
	call   *protocols.Call
	fn     *functions.Function
	result any
}

func (r *recorder) Dispatch(_ context.Context, call *protocols.Call) (*protocols.Result, error) {
	r.call = call
	v, err := functions.CleanReturn(r.fn.Returns, r.result)
	if err != nil {
		return nil, err
	}
	return &protocols.Result{Function: r.fn, Value: v}, nil
}

// resultOf reads the sample result back from the JSON response example.
func resultOf(t *testing.T, ex apidoc.Example) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(ex.RESTResponseJSON))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("RESTResponseJSON: %v", err)
	}
	return v
}

// TestExamplesRESTServer sends the form and the JSON body to the REST
// server: both reach the Dispatcher as the same valid parameters, and the
// server answers the sample result exactly as the examples show it.
func TestExamplesRESTServer(t *testing.T) {
	for _, fn := range catalog {
		t.Run(fn.Name, func(t *testing.T) {
			ex := apidoc.Examples(fn, serverURL)
			rec := &recorder{fn: fn, result: resultOf(t, ex)}
			srv := &rest.Server{Dispatcher: rec}

			send := func(contentType, body string) (*httptest.ResponseRecorder, any) {
				t.Helper()
				r := httptest.NewRequest(http.MethodPost, rest.Path, strings.NewReader(body))
				r.Header.Set("Content-Type", contentType)
				w := httptest.NewRecorder()
				srv.ServeHTTP(w, r)
				if rec.call == nil || rec.call.Function != fn.Name || rec.call.Token != "TOKEN" {
					t.Fatalf("call %+v; response %s", rec.call, w.Body)
				}
				params, err := functions.Validate(fn.Params, rec.call.Params)
				if err != nil {
					t.Fatalf("%s: parameters do not validate: %v", contentType, err)
				}
				rec.call = nil
				return w, params
			}

			w, fromForm := send("application/x-www-form-urlencoded", strings.ReplaceAll(ex.RESTForm, "\n", "&"))
			var compact bytes.Buffer
			if err := json.Compact(&compact, []byte(ex.RESTResponseJSON)); err != nil {
				t.Fatal(err)
			}
			if w.Body.String() != compact.String() {
				t.Errorf("JSON response\n got %s\nwant %s", w.Body, compact.String())
			}

			_, fromJSON := send("application/json", ex.RESTJSON)
			if !reflect.DeepEqual(fromForm, fromJSON) {
				t.Errorf("form and JSON bodies differ after validation:\n form %#v\n json %#v", fromForm, fromJSON)
			}

			// Without moodlewsrestformat the server answers the XML example.
			form := strings.Replace(strings.ReplaceAll(ex.RESTForm, "\n", "&"), "&moodlewsrestformat=json", "", 1)
			w, _ = send("application/x-www-form-urlencoded", form)
			if w.Body.String() != ex.XMLResponse {
				t.Errorf("XML response\n got %s\nwant %s", w.Body, ex.XMLResponse)
			}
		})
	}
}

// TestExamplesXMLResponse pins Moodle's format on one example.
func TestExamplesXMLResponse(t *testing.T) {
	want := `<?xml version="1.0" encoding="UTF-8" ?>
<RESPONSE>
<MULTIPLE>
<SINGLE>
<KEY name="id"><VALUE>1</VALUE>
</KEY>
<KEY name="username"><VALUE>string</VALUE>
</KEY>
</SINGLE>
</MULTIPLE>
</RESPONSE>
`
	if got := apidoc.Examples(createUsers, serverURL).XMLResponse; got != want {
		t.Errorf("XMLResponse\n got %s\nwant %s", got, want)
	}
	if got := apidoc.Examples(purge, serverURL).XMLResponse; got != "<?xml version=\"1.0\" encoding=\"UTF-8\" ?>\n<RESPONSE>\n</RESPONSE>\n" {
		t.Errorf("void XMLResponse %q", got)
	}
	if got := apidoc.Examples(purge, serverURL).RESTResponseJSON; got != "null" {
		t.Errorf("void RESTResponseJSON %q", got)
	}
}

// TestExamplesXMLRPC: the methodCall parses with the XML-RPC server's
// decoder and its positional parameters validate.
func TestExamplesXMLRPC(t *testing.T) {
	for _, fn := range catalog {
		t.Run(fn.Name, func(t *testing.T) {
			ex := apidoc.Examples(fn, serverURL)
			call, err := xmlrpc.DecodeCall(strings.NewReader(ex.XMLRPCCall))
			if err != nil {
				t.Fatalf("DecodeCall: %v\n%s", err, ex.XMLRPCCall)
			}
			if call.Method != fn.Name {
				t.Errorf("method %q", call.Method)
			}
			if len(call.Params) != len(fn.Params.Keys) {
				t.Fatalf("%d parameters, want %d", len(call.Params), len(fn.Params.Keys))
			}
			named := map[string]any{}
			for i, k := range fn.Params.Keys {
				named[k.Name] = call.Params[i]
			}
			if _, err := functions.Validate(fn.Params, named); err != nil {
				t.Errorf("parameters do not validate: %v", err)
			}
		})
	}
}

// TestExamplesSOAP: the SOAP request is a well-formed HTTP request whose
// SOAPAction is the WSDL's; the SOAP server decodes it into parameters that
// validate and answers it.
func TestExamplesSOAP(t *testing.T) {
	byName := map[string]*functions.Function{}
	for _, fn := range catalog {
		byName[fn.Name] = fn
	}
	for _, fn := range catalog {
		t.Run(fn.Name, func(t *testing.T) {
			ex := apidoc.Examples(fn, serverURL)
			r, err := http.ReadRequest(bufio.NewReader(strings.NewReader(ex.SOAPOperation)))
			if err != nil {
				t.Fatalf("ReadRequest: %v\n%s", err, ex.SOAPOperation)
			}
			endpoint := serverURL + soap.Path
			if got, want := r.Header.Get("SOAPAction"), strconv.Quote(soap.SOAPAction(endpoint, fn.Name)); got != want {
				t.Errorf("SOAPAction %s, want %s", got, want)
			}
			if r.Host != "127.0.0.1:9506" || r.URL.Path != soap.Path || r.URL.Query().Get("wstoken") != "TOKEN" {
				t.Errorf("request %s %s", r.Host, r.URL)
			}
			// The WSDL declares the request element in this namespace.
			if wsdl := string(soap.WSDL(endpoint, "TOKEN", []*functions.Function{fn})); !strings.Contains(wsdl, `<xsd:element name="`+fn.Name+`">`) {
				t.Errorf("the WSDL has no element %s", fn.Name)
			}
			rec := &recorder{fn: fn, result: resultOf(t, ex)}
			srv := &soap.Server{Dispatcher: rec, BaseURL: func(*http.Request) string { return endpoint },
				Functions: func(name string) (*functions.Function, bool) { f, ok := byName[name]; return f, ok }}
			w := httptest.NewRecorder()
			srv.ServeHTTP(w, r)
			if w.Code != http.StatusOK {
				t.Fatalf("HTTP %d: %s", w.Code, w.Body)
			}
			if rec.call.Function != fn.Name || rec.call.Token != "TOKEN" || rec.call.Args != nil {
				t.Errorf("call %+v", rec.call)
			}
			if _, err := functions.Validate(fn.Params, rec.call.Params); err != nil {
				t.Errorf("parameters do not validate: %v\n%s", err, ex.SOAPOperation)
			}
		})
	}
}

func TestExamplesSOAPInvalidName(t *testing.T) {
	fn := &functions.Function{Name: "1bad name", Params: single("")}
	if got := apidoc.Examples(fn, serverURL).SOAPOperation; got != "" {
		t.Errorf("SOAPOperation for a name that is not an XML name: %q", got)
	}
}

// TestExamplesEscaping: names and values with characters that need
// escaping in each format.
func TestExamplesEscaping(t *testing.T) {
	fn := &functions.Function{
		Name: "local_x_escape",
		Params: single("",
			"q", def(notNull(val(functions.ParamRaw, "")), `a&b=c d+<é>"'`),
		),
		Returns: single("", "s", notNull(val(functions.ParamRaw, ""))),
	}
	ex := apidoc.Examples(fn, serverURL)
	tree, err := rest.ParseQuery(strings.ReplaceAll(ex.RESTForm, "\n", "&"))
	if err != nil || tree["q"] != `a&b=c d+<é>"'` {
		t.Errorf("form: %v %#v\n%s", err, tree, ex.RESTForm)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(ex.RESTJSON), &body); err != nil || body["q"] != `a&b=c d+<é>"'` {
		t.Errorf("JSON: %v %#v", err, body)
	}
	call, err := xmlrpc.DecodeCall(strings.NewReader(ex.XMLRPCCall))
	if err != nil || len(call.Params) != 1 || call.Params[0] != `a&b=c d+<é>"'` {
		t.Errorf("XML-RPC: %v %#v", err, call)
	}
}
