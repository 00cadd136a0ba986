package apidoc

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/functions"
	"wsgate/functions/jsonschema"
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

	schemas := (&jsonschema.Object{}).Set("Exception", exceptionSchema())
	paths := &jsonschema.Object{}
	var tags []string
	for _, fn := range selected {
		name := strings.ToValidUTF8(fn.Name, "\uFFFD")
		paths.Set(RESTPathPrefix+url.PathEscape(name), (&jsonschema.Object{}).Set("post", g.operation(fn, name, schemas)))
		if c := strings.ToValidUTF8(fn.Component, "\uFFFD"); c != "" && !slices.Contains(tags, c) {
			tags = append(tags, c)
		}
	}
	slices.Sort(tags)

	doc := (&jsonschema.Object{}).Set("openapi", "3.1.0").Set("info", info(service, serverURL))
	if serverURL != "" {
		doc.Set("servers", []any{(&jsonschema.Object{}).Set("url", serverURL)})
	}
	doc.Set("security", []any{
		(&jsonschema.Object{}).Set("wstoken", []string{}),
		(&jsonschema.Object{}).Set("bearer", []string{}),
	})
	if len(tags) > 0 {
		list := make([]any, len(tags))
		for i, t := range tags {
			list[i] = (&jsonschema.Object{}).Set("name", t)
		}
		doc.Set("tags", list)
	}
	doc.Set("paths", paths)
	doc.Set("components", (&jsonschema.Object{}).
		Set("schemas", schemas).
		Set("parameters", (&jsonschema.Object{}).Set("moodlewsrestformat", formatParameter())).
		Set("securitySchemes", securitySchemes()))

	b, err := jsonschema.AppendJSON(nil, doc)
	if err != nil {
		return nil, err
	}
	return []byte(indentJSON(b) + "\n"), nil
}

func info(service ServiceInfo, serverURL string) *jsonschema.Object {
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
	o := (&jsonschema.Object{}).Set("title", title).Set("version", wsgate.Version).Set("description", d.String())
	if service.Shortname != "" {
		o.Set("x-wsgate-service", service.Shortname)
	}
	return o
}

func exceptionSchema() *jsonschema.Object {
	str := func(doc string) *jsonschema.Object {
		return (&jsonschema.Object{}).Set("type", "string").Set("description", doc)
	}
	return (&jsonschema.Object{}).
		Set("type", "object").
		Set("description", "Moodle's exception object. The gateway answers every error this way, with HTTP 200.").
		Set("properties", (&jsonschema.Object{}).
			Set("exception", str("The exception class, e.g. invalid_parameter_exception.")).
			Set("errorcode", str("Moodle's error code, e.g. invalidparameter.")).
			Set("message", str("The error message.")).
			Set("debuginfo", str("Details, only when the gateway runs with debugging on."))).
		Set("required", []string{"exception", "errorcode", "message"}).
		Set("additionalProperties", false).
		Set("example", (&jsonschema.Object{}).
			Set("exception", "invalid_parameter_exception").
			Set("errorcode", "invalidparameter").
			Set("message", "Invalid parameter value detected"))
}

func formatParameter() *jsonschema.Object {
	return (&jsonschema.Object{}).
		Set("name", "moodlewsrestformat").
		Set("in", "query").
		Set("required", true).
		Set("description", "The response format: json. Without it the server answers in Moodle's XML format, "+
			"which this document does not describe.").
		Set("schema", (&jsonschema.Object{}).Set("type", "string").Set("enum", []string{"json"}))
}

func securitySchemes() *jsonschema.Object {
	return (&jsonschema.Object{}).
		Set("wstoken", (&jsonschema.Object{}).
			Set("type", "apiKey").
			Set("in", "query").
			Set("name", "wstoken").
			Set("description", "The web service token, as Moodle takes it.")).
		Set("bearer", (&jsonschema.Object{}).
			Set("type", "http").
			Set("scheme", "bearer").
			Set("description", "Beyond Moodle: the web service token in an Authorization: Bearer header."))
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

func ref(component string) *jsonschema.Object {
	return (&jsonschema.Object{}).Set("$ref", "#/components/schemas/"+component)
}

// operation returns the POST operation of fn and adds its schemas.
func (g *apiGen) operation(fn *functions.Function, name string, schemas *jsonschema.Object) *jsonschema.Object {
	op := (&jsonschema.Object{}).Set("operationId", name)
	desc := strings.TrimSpace(strings.ToValidUTF8(fn.Description, "\uFFFD"))
	summary, _, _ := strings.Cut(desc, "\n")
	if summary = strings.TrimSpace(summary); summary == "" {
		summary = name
	}
	op.Set("summary", summary)
	var d strings.Builder
	if desc != "" {
		d.WriteString(desc + "\n\n")
	}
	d.WriteString("Moodle's form of this call: POST " + rest.Path + "?wsfunction=" + url.QueryEscape(name) +
		"&moodlewsrestformat=json.")
	op.Set("description", d.String())
	if c := strings.ToValidUTF8(fn.Component, "\uFFFD"); c != "" {
		op.Set("tags", []string{c})
	}
	if fn.Deprecated {
		op.Set("deprecated", true)
	}
	op.Set("parameters", []any{(&jsonschema.Object{}).Set("$ref", "#/components/parameters/moodlewsrestformat")})

	base := g.componentName(name)
	if keys := jsonschema.Keys(fn.Params); len(keys) > 0 {
		pname := g.componentName(base + "_params")
		schemas.Set(pname, jsonschema.Schema(fn.Params, false))
		op.Set("requestBody", requestBody(fn, keys, pname))
	}

	rname := g.componentName(base + "_returns")
	var example any
	if fn.Returns == nil {
		schemas.Set(rname, (&jsonschema.Object{}).Set("type", "null").Set("description", "The function returns nothing: the body is null."))
	} else {
		schemas.Set(rname, jsonschema.Schema(fn.Returns, true))
		example = ordered(fn.Returns, sample(fn.Returns, true, 0), 0)
	}
	media := (&jsonschema.Object{}).Set("schema", (&jsonschema.Object{}).Set("anyOf", []any{ref(rname), ref("Exception")}))
	if example != nil {
		media.Set("example", example)
	}
	op.Set("responses", (&jsonschema.Object{}).Set("200", (&jsonschema.Object{}).
		Set("description", "The result, or Moodle's exception object (errors come with HTTP 200 too).").
		Set("content", (&jsonschema.Object{}).Set("application/json", media))))

	if t := strings.ToValidUTF8(fn.Type, "\uFFFD"); t != "" {
		op.Set("x-moodle-type", t)
	}
	if len(fn.Capabilities) > 0 {
		caps := make([]string, len(fn.Capabilities))
		for i, c := range fn.Capabilities {
			caps[i] = strings.ToValidUTF8(c, "\uFFFD")
		}
		op.Set("x-moodle-capabilities", caps)
	}
	return op
}

// requestBody returns the body of a call of fn.
func requestBody(fn *functions.Function, keys []functions.Key, component string) *jsonschema.Object {
	required := false
	enc := &jsonschema.Object{}
	for _, k := range keys {
		if k.Desc.Presence == functions.Required {
			required = true
		}
		if k.Desc.Shape != functions.ValueShape {
			enc.Set(k.Name, (&jsonschema.Object{}).Set("style", "deepObject").Set("explode", true))
		}
	}
	params := sample(fn.Params, false, 0)
	example := ordered(fn.Params, params, 0)
	form := (&jsonschema.Object{}).Set("schema", ref(component))
	if enc.Len() > 0 {
		form.Set("encoding", enc)
	}
	form.Set("example", example)
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
	return (&jsonschema.Object{}).
		Set("description", desc).
		Set("required", required).
		Set("content", (&jsonschema.Object{}).
			Set("application/json", (&jsonschema.Object{}).Set("schema", ref(component)).Set("example", example)).
			Set("application/x-www-form-urlencoded", form))
}
