package apidoc

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols/rest"
)

// ServiceInfo names the service an OpenAPI document describes.
type ServiceInfo struct {
	Name, Shortname string
}

// OpenAPI returns an OpenAPI 3.1 JSON document describing the REST calls of
// fns for one service; serverURL (like "http://127.0.0.1:9506", a trailing
// slash ignored) is its server, left out when empty.
//
// Each function is one POST operation at RESTPathPrefix + <function> (see
// the package documentation), operationId the function name, tagged with
// its component, deprecated when the function is. Its request body is the
// parameters as application/json or application/x-www-form-urlencoded
// (PHP bracket keys, modelled as deepObject), both with the schema
// components/schemas/<function>_params and a sample as example; functions
// without parameters have no body. Its 200 response is anyOf the result,
// components/schemas/<function>_returns ({"type":"null"} for a void
// function), and components/schemas/Exception, Moodle's error envelope,
// which the gateway also sends with HTTP 200. moodlewsrestformat=json is a
// required query parameter (without it the server answers in XML, which the
// document does not model). Security: the wstoken query parameter (apiKey)
// or, beyond Moodle, an Authorization: Bearer token.
//
// Schemas: INT and PERMISSION are integers (PERMISSION with its enum),
// FLOAT a number, BOOL a boolean, the other types strings, with a pattern
// where the accepted language is a simple regular expression, format email
// (EMAIL) or uri-reference (URL, LOCALURL), and x-moodle-type naming the
// PARAM type. A single structure is an object listing its keys in
// declaration order; in parameters "required" lists the required keys and
// additionalProperties is false (the server refuses unknown keys); in
// results "required" also lists scalar keys with a default (the server
// inserts them) and additionalProperties is true (later versions may add
// keys), and a structure with no required key is anyOf the object and an
// empty array, because PHP's json_encode writes an object without members
// as []. RAW results are strings, numbers or booleans (clean_returnvalue
// passes PARAM_RAW scalars through). A multiple structure is an array of
// its content; allownull adds "null" to the type; usable defaults become
// "default". Descriptions nested deeper than 64 levels, and missing
// ones (a list without content), are the schema true (anything).
//
// Functions are sorted by name; nil functions, empty names and repeated
// names (after replacing invalid UTF-8) are left out. The error is
// non-nil only when the document cannot be written, which the generators
// make impossible in practice.
func OpenAPI(service ServiceInfo, fns []*functions.Function, serverURL string) ([]byte, error) {
	serverURL = strings.TrimRight(serverURL, "/")
	g := &apiGen{taken: map[string]bool{"Exception": true}}

	selected := make([]*functions.Function, 0, len(fns))
	seen := make(map[string]bool, len(fns))
	for _, fn := range fns {
		if fn == nil {
			continue
		}
		name := strings.ToValidUTF8(fn.Name, "\uFFFD")
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		selected = append(selected, fn)
	}
	slices.SortStableFunc(selected, func(a, b *functions.Function) int {
		return strings.Compare(strings.ToValidUTF8(a.Name, "\uFFFD"), strings.ToValidUTF8(b.Name, "\uFFFD"))
	})

	schemas := (&obj{}).set("Exception", exceptionSchema())
	paths := &obj{}
	var tags []string
	for _, fn := range selected {
		name := strings.ToValidUTF8(fn.Name, "\uFFFD")
		paths.set(RESTPathPrefix+url.PathEscape(name), (&obj{}).set("post", g.operation(fn, name, schemas)))
		if c := strings.ToValidUTF8(fn.Component, "\uFFFD"); c != "" && !slices.Contains(tags, c) {
			tags = append(tags, c)
		}
	}
	slices.Sort(tags)

	doc := (&obj{}).set("openapi", "3.1.0").set("info", info(service, serverURL))
	if serverURL != "" {
		doc.set("servers", []any{(&obj{}).set("url", serverURL)})
	}
	doc.set("security", []any{
		(&obj{}).set("wstoken", []string{}),
		(&obj{}).set("bearer", []string{}),
	})
	if len(tags) > 0 {
		list := make([]any, len(tags))
		for i, t := range tags {
			list[i] = (&obj{}).set("name", t)
		}
		doc.set("tags", list)
	}
	doc.set("paths", paths)
	doc.set("components", (&obj{}).
		set("schemas", schemas).
		set("parameters", (&obj{}).set("moodlewsrestformat", formatParameter())).
		set("securitySchemes", securitySchemes()))

	b, err := appendJSON(nil, doc, 0)
	if err != nil {
		return nil, err
	}
	return []byte(indentJSON(b) + "\n"), nil
}

func info(service ServiceInfo, serverURL string) *obj {
	title := service.Name
	if title == "" {
		title = service.Shortname
	}
	if title == "" {
		title = "wsgate web service"
	}
	var d strings.Builder
	d.WriteString("The REST calls of the web service " + strconv.Quote(title))
	if service.Shortname != "" {
		d.WriteString(" (shortname " + strconv.Quote(service.Shortname) + ")")
	}
	d.WriteString(", generated from its function descriptions.\n\n" +
		"Each function has its own path, " + RESTPathPrefix + "<function>, which answers as Moodle's " +
		"single endpoint " + rest.Path + "?wsfunction=<function> does. " +
		"Send moodlewsrestformat=json and the token as the wstoken query parameter (or as " +
		"`Authorization: Bearer <token>`). Parameters go in a JSON body or a form-encoded body " +
		"with PHP bracket keys (users[0][username]=jdoe). Errors are answered with HTTP 200 and " +
		"Moodle's exception object: check for the `exception` key.")
	if serverURL != "" && service.Shortname != "" {
		d.WriteString("\n\nThis document: " + serverURL + OpenAPIPath + "?service=" + url.QueryEscape(service.Shortname))
	}
	o := (&obj{}).set("title", title).set("version", wsgate.Version).set("description", d.String())
	if service.Shortname != "" {
		o.set("x-wsgate-service", service.Shortname)
	}
	return o
}

func exceptionSchema() *obj {
	str := func(doc string) *obj { return (&obj{}).set("type", "string").set("description", doc) }
	return (&obj{}).
		set("type", "object").
		set("description", "Moodle's exception object. The gateway answers every error this way, with HTTP 200.").
		set("properties", (&obj{}).
			set("exception", str("The exception class, e.g. invalid_parameter_exception.")).
			set("errorcode", str("Moodle's error code, e.g. invalidparameter.")).
			set("message", str("The error message.")).
			set("debuginfo", str("Details, only when the gateway runs with debugging on."))).
		set("required", []string{"exception", "errorcode", "message"}).
		set("additionalProperties", false).
		set("example", (&obj{}).
			set("exception", "invalid_parameter_exception").
			set("errorcode", "invalidparameter").
			set("message", "Invalid parameter value detected"))
}

func formatParameter() *obj {
	return (&obj{}).
		set("name", "moodlewsrestformat").
		set("in", "query").
		set("required", true).
		set("description", "The response format: json. Without it the server answers in Moodle's XML format, "+
			"which this document does not describe.").
		set("schema", (&obj{}).set("type", "string").set("enum", []string{"json"}))
}

func securitySchemes() *obj {
	return (&obj{}).
		set("wstoken", (&obj{}).
			set("type", "apiKey").
			set("in", "query").
			set("name", "wstoken").
			set("description", "The web service token, as Moodle takes it.")).
		set("bearer", (&obj{}).
			set("type", "http").
			set("scheme", "bearer").
			set("description", "Beyond Moodle: the web service token in an Authorization: Bearer header."))
}

// apiGen names the schema components of the functions.
type apiGen struct {
	taken map[string]bool
}

// componentName returns base made a valid, unused component name.
func (g *apiGen) componentName(base string) string {
	b := []byte(base)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '_' || c == '-') {
			b[i] = '_'
		}
	}
	name := string(b)
	for i := 2; g.taken[name]; i++ {
		name = string(b) + "_" + strconv.Itoa(i)
	}
	g.taken[name] = true
	return name
}

func ref(component string) *obj {
	return (&obj{}).set("$ref", "#/components/schemas/"+component)
}

// operation returns the POST operation of fn and adds its schemas.
func (g *apiGen) operation(fn *functions.Function, name string, schemas *obj) *obj {
	op := (&obj{}).set("operationId", name)
	desc := strings.TrimSpace(strings.ToValidUTF8(fn.Description, "\uFFFD"))
	summary, _, _ := strings.Cut(desc, "\n")
	if summary = strings.TrimSpace(summary); summary == "" {
		summary = name
	}
	op.set("summary", summary)
	var d strings.Builder
	if desc != "" {
		d.WriteString(desc + "\n\n")
	}
	d.WriteString("Moodle's form of this call: POST " + rest.Path + "?wsfunction=" + url.QueryEscape(name) +
		"&moodlewsrestformat=json.")
	op.set("description", d.String())
	if c := strings.ToValidUTF8(fn.Component, "\uFFFD"); c != "" {
		op.set("tags", []string{c})
	}
	if fn.Deprecated {
		op.set("deprecated", true)
	}
	op.set("parameters", []any{(&obj{}).set("$ref", "#/components/parameters/moodlewsrestformat")})

	base := g.componentName(name)
	if keys := keysOf(fn.Params); len(keys) > 0 {
		pname := g.componentName(base + "_params")
		schemas.set(pname, schemaOf(fn.Params, false, 0))
		op.set("requestBody", requestBody(fn, keys, pname))
	}

	rname := g.componentName(base + "_returns")
	var example any
	if fn.Returns == nil {
		schemas.set(rname, (&obj{}).set("type", "null").set("description", "The function returns nothing: the body is null."))
	} else {
		schemas.set(rname, schemaOf(fn.Returns, true, 0))
		example = ordered(fn.Returns, sample(fn.Returns, true, 0), 0)
	}
	media := (&obj{}).set("schema", (&obj{}).set("anyOf", []any{ref(rname), ref("Exception")}))
	if example != nil {
		media.set("example", example)
	}
	op.set("responses", (&obj{}).set("200", (&obj{}).
		set("description", "The result, or Moodle's exception object (errors come with HTTP 200 too).").
		set("content", (&obj{}).set("application/json", media))))

	if t := strings.ToValidUTF8(fn.Type, "\uFFFD"); t != "" {
		op.set("x-moodle-type", t)
	}
	if len(fn.Capabilities) > 0 {
		caps := make([]string, len(fn.Capabilities))
		for i, c := range fn.Capabilities {
			caps[i] = strings.ToValidUTF8(c, "\uFFFD")
		}
		op.set("x-moodle-capabilities", caps)
	}
	return op
}

// requestBody returns the body of a call of fn.
func requestBody(fn *functions.Function, keys []functions.Key, component string) *obj {
	required := false
	enc := &obj{}
	for _, k := range keys {
		if k.Desc.Presence == functions.Required {
			required = true
		}
		if k.Desc.Shape != functions.ValueShape {
			enc.set(k.Name, (&obj{}).set("style", "deepObject").set("explode", true))
		}
	}
	params := sample(fn.Params, false, 0)
	example := ordered(fn.Params, params, 0)
	form := (&obj{}).set("schema", ref(component))
	if len(enc.keys) > 0 {
		form.set("encoding", enc)
	}
	form.set("example", example)
	desc := "The parameters, as a JSON object or form-encoded with PHP bracket keys"
	// A line of the form example: the first with brackets, or the first.
	if lines := strings.Split(restForm(fn, params), "\n")[3:]; len(lines) > 0 {
		line := lines[0]
		for _, l := range lines {
			if strings.Contains(l, "[") {
				line = l
				break
			}
		}
		desc += " (e.g. " + line + ")"
	}
	desc += ". The reserved names (wstoken, wsfunction, moodlewsrestformat) may also be sent in the body."
	return (&obj{}).
		set("description", desc).
		set("required", required).
		set("content", (&obj{}).
			set("application/json", (&obj{}).set("schema", ref(component)).set("example", example)).
			set("application/x-www-form-urlencoded", form))
}

// schemaOf returns the JSON Schema of d; ret says whether d describes a
// result (see OpenAPI). A missing description, or one nested too deeply,
// is the schema true (anything). true rather than {}: kin-openapi v0.152.0
// refuses null for a {} nested in a $ref'd schema under anyOf.
func schemaOf(d *functions.Description, ret bool, depth int) any {
	if d == nil || depth > maxDepth {
		return true
	}
	o := &obj{}
	doc := strings.ToValidUTF8(d.Doc, "\uFFFD")
	def, hasDefault := usableDefault(d, ret)
	switch d.Shape {
	case functions.SingleShape:
		keys := keysOf(d)
		props := &obj{}
		var required []string
		for _, k := range keys {
			props.set(k.Name, schemaOf(k.Desc, ret, depth+1))
			if requiredKey(k.Desc, ret) {
				required = append(required, k.Name)
			}
		}
		object := func(o *obj, nullable bool) *obj {
			o.set("type", withNull("object", nullable))
			if doc != "" {
				o.set("description", doc)
			}
			o.set("properties", props)
			if len(required) > 0 {
				o.set("required", required)
			}
			return o.set("additionalProperties", ret)
		}
		if !ret || len(required) > 0 {
			object(o, d.AllowNull)
			break
		}
		// No key is sure to be there: json_encode may write [].
		if doc != "" {
			o.set("description", doc)
		}
		alts := []any{
			object(&obj{}, false),
			(&obj{}).set("type", "array").set("maxItems", 0).
				set("description", "PHP writes an object without members as []."),
		}
		if d.AllowNull {
			alts = append(alts, (&obj{}).set("type", "null"))
		}
		o.set("anyOf", alts)
	case functions.MultipleShape:
		o.set("type", withNull("array", d.AllowNull))
		if doc != "" {
			o.set("description", doc)
		}
		o.set("items", schemaOf(d.Content, ret, depth+1))
	default:
		valueSchema(o, d, doc, ret)
	}
	if hasDefault {
		o.set("default", def)
	}
	return o
}

// valueSchema fills o with the schema of a value of a PARAM type.
func valueSchema(o *obj, d *functions.Description, doc string, ret bool) {
	var types []string
	switch d.Type {
	case functions.ParamInt, functions.ParamPermission:
		types = []string{"integer"}
	case functions.ParamFloat:
		types = []string{"number"}
	case functions.ParamBool:
		types = []string{"boolean"}
	case functions.ParamRaw:
		types = []string{"string"}
		if ret {
			types = []string{"string", "number", "boolean"}
		}
	default:
		if d.Type.Valid() {
			types = []string{"string"}
		}
	}
	if len(types) > 0 {
		if d.AllowNull {
			types = append(types, "null")
		}
		if len(types) == 1 {
			o.set("type", types[0])
		} else {
			o.set("type", types)
		}
	}
	if doc != "" {
		o.set("description", doc)
	}
	if d.Type.Valid() {
		o.set("x-moodle-type", "PARAM_"+d.Type.Name())
	}
	switch d.Type {
	case functions.ParamEmail:
		o.set("format", "email")
	case functions.ParamURL, functions.ParamLocalURL:
		o.set("format", "uri-reference")
	case functions.ParamBase64:
		o.set("contentEncoding", "base64")
	case functions.ParamPermission:
		enum := []any{int64(-1000), int64(-1), int64(0), int64(1)}
		if d.AllowNull {
			enum = append(enum, nil)
		}
		o.set("enum", enum)
	}
	if p, ok := patterns[d.Type]; ok {
		o.set("pattern", p)
	}
}

// withNull returns the type t, or [t, "null"].
func withNull(t string, nullable bool) any {
	if nullable {
		return []string{t, "null"}
	}
	return t
}
