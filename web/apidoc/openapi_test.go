package apidoc_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols/rest"
	"wsgate/web/apidoc"
)

var service = apidoc.ServiceInfo{Name: "Moodle mobile web service", Shortname: "moodle_mobile_app"}

// load parses and validates an OpenAPI document with kin-openapi, which
// validates 3.1 documents with JSON Schema 2020-12 semantics (type arrays,
// defaults and examples against their schemas, patterns compiled).
func load(t testing.TB, b []byte) *openapi3.T {
	t.Helper()
	if !json.Valid(b) {
		t.Fatalf("not JSON:\n%s", b)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(b)
	if err != nil {
		t.Fatalf("LoadFromData: %v\n%s", err, b)
	}
	if !doc.IsOpenAPI31OrLater() {
		t.Fatalf("openapi %q is not 3.1", doc.OpenAPI)
	}
	if err := doc.Validate(context.Background(), openapi3.EnableSchemaFormatValidation(),
		openapi3.EnableExamplesValidation(), openapi3.EnableSchemaDefaultsValidation(),
		openapi3.EnableSchemaPatternValidation()); err != nil {
		t.Fatalf("Validate: %v\n%s", err, b)
	}
	return doc
}

func openAPI(t testing.TB, fns []*functions.Function) []byte {
	t.Helper()
	b, err := apidoc.OpenAPI(service, fns, serverURL)
	if err != nil {
		t.Fatalf("OpenAPI: %v", err)
	}
	return b
}

func TestOpenAPICatalog(t *testing.T) {
	b := openAPI(t, catalog)
	golden(t, "openapi/catalog.json", b)
	doc := load(t, b)

	if doc.Info.Version != wsgate.Version || doc.Info.Title != service.Name {
		t.Errorf("info %+v", doc.Info)
	}
	if len(doc.Servers) != 1 || doc.Servers[0].URL != serverURL {
		t.Errorf("servers %+v", doc.Servers)
	}
	if got := doc.Paths.Len(); got != len(catalog) {
		t.Errorf("%d paths, want %d", got, len(catalog))
	}
	for _, fn := range catalog {
		item := doc.Paths.Value(apidoc.RESTPathPrefix + fn.Name)
		if item == nil || item.Post == nil || len(item.Operations()) != 1 {
			t.Errorf("%s: no POST operation alone", fn.Name)
			continue
		}
		op := item.Post
		if op.OperationID != fn.Name || op.Deprecated != fn.Deprecated {
			t.Errorf("%s: operationId %q deprecated %v", fn.Name, op.OperationID, op.Deprecated)
		}
		if len(op.Tags) != 1 || op.Tags[0] != fn.Component {
			t.Errorf("%s: tags %v", fn.Name, op.Tags)
		}
		if (op.RequestBody != nil) != (len(fn.Params.Keys) > 0) {
			t.Errorf("%s: request body %v with %d parameters", fn.Name, op.RequestBody, len(fn.Params.Keys))
		}
		if op.RequestBody != nil {
			for _, ct := range []string{"application/json", "application/x-www-form-urlencoded"} {
				if mt := op.RequestBody.Value.Content.Get(ct); mt == nil || mt.Schema.Ref != "#/components/schemas/"+fn.Name+"_params" {
					t.Errorf("%s: %s body %+v", fn.Name, ct, mt)
				}
			}
		}
		resp := op.Responses.Value("200")
		if resp == nil {
			t.Errorf("%s: no 200 response", fn.Name)
			continue
		}
		s := resp.Value.Content.Get("application/json").Schema.Value
		if len(s.AnyOf) != 2 || s.AnyOf[0].Ref != "#/components/schemas/"+fn.Name+"_returns" ||
			s.AnyOf[1].Ref != "#/components/schemas/Exception" {
			t.Errorf("%s: 200 schema %+v", fn.Name, s)
		}
		if len(op.Parameters) != 1 || op.Parameters[0].Value.Name != "moodlewsrestformat" || !op.Parameters[0].Value.Required {
			t.Errorf("%s: parameters %+v", fn.Name, op.Parameters)
		}
	}
	for _, name := range []string{"wstoken", "bearer"} {
		if doc.Components.SecuritySchemes[name] == nil {
			t.Errorf("no security scheme %s", name)
		}
	}
	if ss := doc.Components.SecuritySchemes["wstoken"].Value; ss.Type != "apiKey" || ss.In != "query" || ss.Name != "wstoken" {
		t.Errorf("wstoken scheme %+v", ss)
	}
	if ss := doc.Components.SecuritySchemes["bearer"].Value; ss.Type != "http" || ss.Scheme != "bearer" {
		t.Errorf("bearer scheme %+v", ss)
	}
	if len(doc.Security) != 2 {
		t.Errorf("security %+v", doc.Security)
	}
}

func TestOpenAPIVoidAndDeprecated(t *testing.T) {
	doc := load(t, openAPI(t, []*functions.Function{purge, ping}))
	op := doc.Paths.Value(apidoc.RESTPathPrefix + purge.Name).Post
	if !op.Deprecated {
		t.Error("the deprecated function is not marked deprecated")
	}
	if op := doc.Paths.Value(apidoc.RESTPathPrefix + ping.Name).Post; op.Deprecated {
		t.Error("ping is marked deprecated")
	}
	returns := doc.Components.Schemas[purge.Name+"_returns"].Value
	if !returns.Type.Is("null") {
		t.Errorf("void returns %+v", returns.Type)
	}
	if mt := op.Responses.Value("200").Value.Content.Get("application/json"); mt.Example != nil {
		t.Errorf("void example %v", mt.Example)
	}
	// Its body is null, or an exception.
	visit(t, doc, purge.Name+"_returns", nil, true)
	// ping has no parameters: no body.
	if doc.Paths.Value(apidoc.RESTPathPrefix+ping.Name).Post.RequestBody != nil {
		t.Error("ping has a request body")
	}
}

// schemaJSON returns a component schema of the catalog's document as a
// generic tree, to check what was written.
func schemaJSON(t *testing.T, b []byte, name string) map[string]any {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatal(err)
	}
	s, ok := doc.Components.Schemas[name]
	if !ok {
		t.Fatalf("no schema %s", name)
	}
	return s
}

// at walks a generic tree: keys for objects, decimal indexes for arrays.
func at(v any, path ...string) any {
	for _, p := range path {
		switch x := v.(type) {
		case map[string]any:
			v = x[p]
		case []any:
			i := 0
			for _, c := range p {
				i = i*10 + int(c-'0')
			}
			if i >= len(x) {
				return nil
			}
			v = x[i]
		default:
			return nil
		}
	}
	return v
}

func TestOpenAPISchemas(t *testing.T) {
	b := openAPI(t, catalog)
	load(t, b)
	tests := []struct {
		schema string
		path   []string
		want   string // JSON
	}{
		{"core_user_create_users_params", []string{"type"}, `"object"`},
		{"core_user_create_users_params", []string{"additionalProperties"}, `false`},
		{"core_user_create_users_params", []string{"required"}, `["users"]`},
		{"core_user_create_users_params", []string{"properties", "users", "items", "required"}, `["username","email"]`},
		{"core_user_create_users_params", []string{"properties", "users", "items", "properties", "auth"},
			`{"type":"string","description":"Auth plugins include manual, ldap, etc","x-moodle-type":"PARAM_PLUGIN",` +
				`"pattern":"^([a-z][a-z0-9_]*[a-z0-9])?$","default":"manual"}`},
		{"core_user_create_users_params", []string{"properties", "users", "items", "properties", "email", "format"}, `"email"`},
		{"core_user_create_users_params", []string{"properties", "users", "items", "properties", "password", "type"}, `["string","null"]`},
		{"core_user_create_users_params", []string{"properties", "users", "items", "properties", "suspended", "type"}, `["boolean","null"]`},
		{"core_user_create_users_params", []string{"properties", "users", "items", "properties", "preferences", "type"}, `"array"`},
		{"core_user_create_users_returns", []string{"items", "additionalProperties"}, `true`},
		{"core_user_create_users_returns", []string{"items", "properties", "id", "type"}, `"integer"`},
		{"core_user_create_users_returns", []string{"items", "properties", "username", "type"}, `["string","number","boolean"]`},
		{"core_course_get_contents_params", []string{"properties", "options", "default"}, `[]`},
		{"core_course_get_contents_params", []string{"required"}, `["courseid"]`},
		{"core_course_get_contents_returns", []string{"items", "required"}, `["id","name","summary","summaryformat","modules"]`},
		{"core_course_get_contents_returns", []string{"items", "properties", "modules", "items", "properties", "url", "format"}, `"uri-reference"`},
		{"core_course_get_contents_returns", []string{"items", "properties", "modules", "items", "properties", "grade", "type"}, `["number","null"]`},
		{"local_wsgate_matrix_params", []string{"properties", "rows", "items", "items", "type"}, `["number","null"]`},
		{"local_wsgate_ping_returns", nil, `{"type":"boolean","description":"always true","x-moodle-type":"PARAM_BOOL"}`},
		{"local_wsgate_all_types_params", []string{"properties", "alpha", "pattern"}, `"^[a-zA-Z]*$"`},
		{"local_wsgate_all_types_params", []string{"properties", "alphanum", "pattern"}, `"^[a-zA-Z0-9]*$"`},
		{"local_wsgate_all_types_params", []string{"properties", "alphanumext", "pattern"}, `"^[a-zA-Z0-9_-]*$"`},
		{"local_wsgate_all_types_params", []string{"properties", "sequence", "pattern"}, `"^[0-9,]*$"`},
		{"local_wsgate_all_types_params", []string{"properties", "safedir", "pattern"}, `"^[a-zA-Z0-9_-]*$"`},
		{"local_wsgate_all_types_params", []string{"properties", "safepath", "pattern"}, `"^[a-zA-Z0-9/_-]*$"`},
		{"local_wsgate_all_types_params", []string{"properties", "float", "type"}, `"number"`},
		{"local_wsgate_all_types_params", []string{"properties", "bool", "type"}, `"boolean"`},
		{"local_wsgate_all_types_params", []string{"properties", "permission"},
			`{"type":"integer","description":"a PERMISSION","x-moodle-type":"PARAM_PERMISSION","enum":[-1000,-1,0,1]}`},
		{"local_wsgate_all_types_params", []string{"properties", "permission_null", "enum"}, `[-1000,-1,0,1,null]`},
		{"local_wsgate_all_types_params", []string{"properties", "base64", "contentEncoding"}, `"base64"`},
		{"local_wsgate_all_types_params", []string{"properties", "raw", "type"}, `"string"`},
		// A structure with no required key may come back as [].
		{"local_wsgate_all_types_returns", []string{"properties", "extra"},
			`{"description":"all optional","anyOf":[{"type":"object","description":"all optional","properties":{"note":` +
				`{"type":["string","null"],"description":"a note","x-moodle-type":"PARAM_TEXT"}},"additionalProperties":true},` +
				`{"type":"array","maxItems":0,"description":"PHP writes an object without members as []."}]}`},
		{"local_wsgate_all_types_returns", []string{"properties", "maybe", "type"}, `["object","null"]`},
		{"local_wsgate_all_types_returns", []string{"properties", "permissions", "type"}, `["array","null"]`},
		{"local_wsgate_defaults_params", []string{"properties", "count", "default"}, `10`},
		{"local_wsgate_defaults_params", []string{"properties", "ratio", "default"}, `0.25`},
		{"local_wsgate_defaults_params", []string{"properties", "enabled", "default"}, `true`},
		{"local_wsgate_defaults_params", []string{"properties", "nothing", "default"}, `null`},
		{"local_wsgate_defaults_params", []string{"properties", "filters", "default"}, `[{"name":"all","value":"1"}]`},
		{"local_wsgate_defaults_params", []string{"properties", "paging", "default"}, `{"page":0,"perpage":20}`},
		{"local_wsgate_defaults_params", []string{"properties", "paging", "properties", "perpage", "default"}, `20`},
	}
	for _, tt := range tests {
		t.Run(tt.schema+"/"+strings.Join(tt.path, "/"), func(t *testing.T) {
			got := at(any(schemaJSON(t, b, tt.schema)), tt.path...)
			var want any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			gb, _ := json.Marshal(got)
			wb, _ := json.Marshal(want)
			if string(gb) != string(wb) {
				t.Errorf("got  %s\nwant %s", gb, wb)
			}
		})
	}
}

// visit validates a value against a component schema with kin-openapi's
// JSON Schema 2020-12 validator.
func visit(t *testing.T, doc *openapi3.T, component string, v any, ok bool) {
	t.Helper()
	ref := doc.Components.Schemas[component]
	if ref == nil {
		t.Fatalf("no schema %s", component)
	}
	err := ref.Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
	if ok && err != nil {
		t.Errorf("%s refuses %#v: %v", component, v, err)
	}
	if !ok && err == nil {
		t.Errorf("%s accepts %#v", component, v)
	}
}

func decodeJSON(t *testing.T, s string) any {
	t.Helper()
	var v any
	if err := json.Unmarshal([]byte(s), &v); err != nil {
		t.Fatalf("%v: %s", err, s)
	}
	return v
}

// TestOpenAPIExamplesFitSchemas: the bodies of Examples and what the REST
// server answers fit the document's schemas, and wrong values do not.
func TestOpenAPIExamplesFitSchemas(t *testing.T) {
	doc := load(t, openAPI(t, catalog))
	for _, fn := range catalog {
		t.Run(fn.Name, func(t *testing.T) {
			ex := apidoc.Examples(fn, serverURL)
			body := decodeJSON(t, ex.RESTJSON).(map[string]any)
			delete(body, "wstoken")
			delete(body, "wsfunction")
			delete(body, "moodlewsrestformat")
			if len(fn.Params.Keys) > 0 {
				visit(t, doc, fn.Name+"_params", body, true)
				body["unexpected"] = "x"
				visit(t, doc, fn.Name+"_params", body, false)
			}
			visit(t, doc, fn.Name+"_returns", decodeJSON(t, ex.RESTResponseJSON), true)
		})
	}
	// Wrong types are refused.
	visit(t, doc, "core_user_create_users_params", map[string]any{"users": []any{map[string]any{"email": "x@y.z"}}}, false)
	visit(t, doc, "core_user_create_users_params", map[string]any{"users": "x"}, false)
	visit(t, doc, "local_wsgate_all_types_params", map[string]any{"alpha": "a1"}, false)
	visit(t, doc, "core_user_create_users_returns", []any{map[string]any{"id": "1", "username": "x"}}, false)
	// Results where PHP writes an empty object as [], null and RAW numbers.
	visit(t, doc, "local_wsgate_matrix_returns", []any{[]any{nil, 2.5}}, true)
	visit(t, doc, "core_user_create_users_returns", []any{map[string]any{"id": 1, "username": 42}}, true)

	// The exception envelope, as the REST server writes it, fits.
	for _, debug := range []bool{false, true} {
		e := decodeJSON(t, string(rest.EncodeJSONError(wsgate.ErrInvalidParameter.WithDebug("courseid => x"), debug)))
		visit(t, doc, "Exception", e, true)
	}
	visit(t, doc, "Exception", map[string]any{"exception": "x"}, false)
}

// TestOpenAPIOddInput: nil and repeated functions, names that need
// escaping, broken descriptions, no server URL: still a valid document.
func TestOpenAPIOddInput(t *testing.T) {
	fns := []*functions.Function{
		nil,
		{Name: ""},
		{Name: "b_fn", Params: single("", "x", notNull(val(functions.ParamInt, "")))},
		{Name: "b_fn", Description: "repeated: left out"},
		{Name: "a fn/{x}?#", Component: "weird component", Params: single("",
			"k", &functions.Description{Shape: functions.MultipleShape}, // no content
			"t", &functions.Description{Shape: functions.ValueShape}, // no type
			"d", def(notNull(val(functions.ParamInt, "")), "abc"), // default that does not validate
			"n", def(notNull(val(functions.ParamInt, "")), nil), // null default without allownull
			"s", def(notNull(val(functions.ParamStringID, "")), "ab\n"), // accepted by PCRE's $, not by the pattern
			"k", notNull(val(functions.ParamRaw, "repeated key")),
		), Returns: single("", "0", val(functions.ParamRaw, ""), "1", val(functions.ParamRaw, ""))},
		{Name: "\xff\xfe", Description: "invalid UTF-8", Returns: single("")},
		{Name: "Exception", Returns: val(functions.ParamInt, "")},
	}
	b, err := apidoc.OpenAPI(apidoc.ServiceInfo{}, fns, "")
	if err != nil {
		t.Fatal(err)
	}
	doc := load(t, b)
	if doc.Paths.Len() != 4 {
		t.Errorf("%d paths, want 4:\n%s", doc.Paths.Len(), b)
	}
	if doc.Paths.Value(apidoc.RESTPathPrefix+"a%20fn%2F%7Bx%7D%3F%23") == nil {
		t.Errorf("escaped path missing:\n%s", b)
	}
	if doc.Components.Schemas["Exception_2_returns"] == nil && doc.Components.Schemas["Exception_returns"] == nil {
		t.Errorf("the function named Exception has no returns schema")
	}
	s := schemaJSON(t, b, "a_fn__x____params")
	for _, k := range []string{"d", "n", "s"} {
		if _, ok := at(s, "properties", k).(map[string]any)["default"]; ok {
			t.Errorf("unusable default of %s written", k)
		}
	}
	if got := at(s, "properties", "k", "type"); got != "array" {
		t.Errorf("first k wins: %v", got)
	}
}

func TestOpenAPIEmpty(t *testing.T) {
	doc := load(t, openAPI(t, nil))
	if doc.Paths.Len() != 0 {
		t.Errorf("paths %v", doc.Paths)
	}
}

// FuzzOpenAPI: random descriptions never make OpenAPI panic, and its output
// is JSON that kin-openapi accepts as a valid OpenAPI 3.1 document.
func FuzzOpenAPI(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x02\x05\x01\x00\x03\x01\x04\x02\x00\x07"))
	f.Add([]byte("\x03\x02\x02\x01\x01\x02\x00\x05\x06\x07\x08\x09\x0a"))
	f.Add([]byte("\xff\xfe\xfd\xfc\xfb\xfa\xf9\xf8\xf7\xf6\xf5\xf4\xf3\xf2\xf1"))
	f.Fuzz(func(t *testing.T, data []byte) {
		g := &fuzzGen{b: data}
		var fns []*functions.Function
		for n := int(g.next()%4) + 1; n > 0; n-- {
			fns = append(fns, g.function())
		}
		b, err := apidoc.OpenAPI(apidoc.ServiceInfo{Name: g.str(), Shortname: g.str()}, fns, serverURL)
		if err != nil {
			t.Fatalf("OpenAPI: %v", err)
		}
		if !json.Valid(b) {
			t.Fatalf("not JSON:\n%s", b)
		}
		load(t, b)
		for _, fn := range fns {
			apidoc.Tree(fn.Params)
			apidoc.Tree(fn.Returns)
			apidoc.Examples(fn, serverURL)
		}
	})
}

// fuzzGen turns fuzz bytes into functions and descriptions.
type fuzzGen struct{ b []byte }

func (g *fuzzGen) next() byte {
	if len(g.b) == 0 {
		return 0
	}
	c := g.b[0]
	g.b = g.b[1:]
	return c
}

var fuzzNames = []string{"a", "b", "id", "0", "1", "", "x y", "é", "\xff", "Exception", "a/b{c}", "users", "wstoken"}

func (g *fuzzGen) str() string { return fuzzNames[int(g.next())%len(fuzzNames)] }

func (g *fuzzGen) function() *functions.Function {
	fn := &functions.Function{Name: g.str(), Component: g.str(), Description: g.str(), Deprecated: g.next()&1 == 1}
	fn.Params = g.desc(0)
	if g.next()&1 == 0 {
		fn.Returns = g.desc(0)
	}
	return fn
}

var fuzzDefaults = []any{nil, "", "abc", "1", int64(0), int64(-1), int64(1000), 1.5, true, false,
	[]any{}, []any{"a"}, map[string]any{}, map[string]any{"a": int64(1)}, "a\n", "moodle/site:config", "mod_forum"}

func (g *fuzzGen) desc(depth int) *functions.Description {
	c, flags := g.next(), g.next()
	d := &functions.Description{Presence: functions.Presence(flags % 3), AllowNull: flags&4 != 0, Doc: g.str()}
	switch {
	case depth >= 6 || c%4 < 2:
		d.Shape, d.Type = functions.ValueShape, functions.ParamType(g.next()%33) // 0 and 32 are invalid
	case c%4 == 2:
		d.Shape = functions.SingleShape
		for n := g.next() % 5; n > 0; n-- {
			var kd *functions.Description
			if g.next()%8 != 0 {
				kd = g.desc(depth + 1)
			}
			d.Keys = append(d.Keys, functions.Key{Name: g.str(), Desc: kd})
		}
	default:
		d.Shape = functions.MultipleShape
		if g.next()%8 != 0 {
			d.Content = g.desc(depth + 1)
		}
	}
	if d.Presence == functions.Default {
		d.DefaultVal = fuzzDefaults[int(g.next())%len(fuzzDefaults)]
	}
	return d
}
