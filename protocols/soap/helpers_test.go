package soap_test

import (
	"context"
	"flag"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"wsgate"
	"wsgate/functions"
	"wsgate/functions/functionstest"
	"wsgate/protocols"
	"wsgate/protocols/soap"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

// testBase and testToken fix the WSDL the committed client was generated from.
const (
	testBase  = "https://lms.example.org/webservice/soap/server.php"
	testToken = "2f0c8f1e7a1b4c3d9e8f7a6b5c4d3e2f"
)

// Description builders, with Moodle's defaults (functionstest).
var (
	val      = functionstest.Value
	single   = functionstest.Single
	multiple = functionstest.Multiple
	opt      = functionstest.Optional
	def      = functionstest.Default
	notNull  = functionstest.NotNull
)

// catalog is the fixed test catalog the golden WSDL and the committed
// client describe.
var catalog = []*functions.Function{
	{
		Name:        "core_user_create_users",
		Description: "Create users.",
		Params: single("", "users", multiple("", single("",
			"username", notNull(val(functions.ParamUsername, "Username policy is defined in Moodle security config.")),
			"password", opt(val(functions.ParamRaw, "Plain text password consisting of any characters")),
			"email", notNull(val(functions.ParamEmail, "A valid and unique email address")),
			"auth", notNull(def(val(functions.ParamPlugin, "Auth plugins include manual, ldap, etc"), "manual")),
			"idnumber", opt(val(functions.ParamRaw, "An arbitrary ID code number perhaps from the institution")),
			"suspended", opt(val(functions.ParamBool, "Suspend user account, either false to enable user login or true to disable it")),
			"preferences", opt(multiple("User preferences", single("",
				"type", notNull(val(functions.ParamRaw, "The name of the preference")),
				"value", notNull(val(functions.ParamRaw, "The value of the preference")),
			))),
		))),
		Returns: multiple("", single("",
			"id", notNull(val(functions.ParamInt, "user id")),
			"username", notNull(val(functions.ParamRaw, "user name")),
		)),
	},
	{
		Name:        "core_course_get_contents",
		Description: "Get course contents",
		Params: single("",
			"courseid", notNull(val(functions.ParamInt, "course id")),
			"options", def(multiple("Options, used since Moodle 2.9", single("",
				"name", notNull(val(functions.ParamAlphanumext, "The expected keys (value format) are: excludemodules (bool)")),
				"value", notNull(val(functions.ParamRaw, "the value of the option, this param is personaly validated in the external function.")),
			)), []any{}),
		),
		Returns: multiple("list of sections", single("",
			"id", notNull(val(functions.ParamInt, "Section ID")),
			"name", notNull(val(functions.ParamRaw, "Section name")),
			"visible", opt(val(functions.ParamInt, "is the section visible")),
			"summary", notNull(val(functions.ParamRaw, "Section description")),
			"uservisible", opt(val(functions.ParamBool, "Is the section visible for the user?")),
			"modules", multiple("list of module", single("",
				"id", notNull(val(functions.ParamInt, "activity id")),
				"url", opt(val(functions.ParamURL, "activity url")),
				"name", notNull(val(functions.ParamRaw, "activity module name")),
				"grade", opt(val(functions.ParamFloat, "Grade, null when not graded")),
				"dates", opt(multiple("Activity dates", single("",
					"label", notNull(val(functions.ParamText, "date label")),
					"timestamp", notNull(val(functions.ParamInt, "date timestamp")),
				))),
			)),
		)),
	},
	{
		Name:        "core_webservice_get_site_info",
		Description: "Return some site info / user info / list web service functions",
		Params: single("", "serviceshortnames", def(multiple("DEPRECATED PARAMETER - it was a design error in the original implementation.",
			notNull(val(functions.ParamAlphanumext, "service shortname"))), []any{})),
		Returns: single("",
			"sitename", notNull(val(functions.ParamRaw, "site name")),
			"userid", notNull(val(functions.ParamInt, "user id")),
			"userissiteadmin", notNull(val(functions.ParamBool, "Whether the user is a site admin or not")),
			"functions", multiple("functions that are available", single("",
				"name", notNull(val(functions.ParamRaw, "function name")),
				"version", notNull(val(functions.ParamText, "The version number of the component to which the function belongs")),
			)),
			"advancedfeatures", opt(multiple("Advanced features availability", single("",
				"name", notNull(val(functions.ParamAlphanumext, "feature name")),
				"value", notNull(val(functions.ParamInt, "feature value. Usually 1 means enabled.")),
			))),
			"usermaxuploadfilesize", opt(val(functions.ParamInt, "Files upload size limit in bytes.")),
			"theme", opt(val(functions.ParamRaw, "Current theme for the user.")),
		),
	},
	{
		Name:        "local_wsgate_matrix",
		Description: "Transpose a matrix of numbers; null cells stay null.",
		Params:      single("", "rows", multiple("rows", multiple("cells", val(functions.ParamFloat, "a cell")))),
		Returns:     multiple("rows", multiple("cells", val(functions.ParamFloat, "a cell"))),
	},
	{
		Name:        "local_wsgate_ping",
		Description: "Answer true when the gateway is up.",
		Params:      single(""),
		Returns:     notNull(val(functions.ParamBool, "always true")),
	},
	{
		Name:        "local_wsgate_purge",
		Description: "Purge caches of the given ids.",
		Deprecated:  true,
		Params:      single("", "ids", multiple("ids", notNull(val(functions.ParamInt, "an id")))),
	},
}

// byName looks a catalog function up, as the lead wires Server.Functions to
// the catalog.
func byName(name string) (*functions.Function, bool) {
	for _, f := range catalog {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// lister answers the catalog for testToken, invalidtoken otherwise.
type lister struct{}

func (lister) Callable(_ context.Context, call *protocols.Call) ([]*functions.Function, error) {
	if call.Token != testToken {
		return nil, wsgate.ErrInvalidToken
	}
	return catalog, nil
}

// recorder is a Dispatcher that keeps the calls it gets and answers with
// answer (nil: an internal error).
type recorder struct {
	mu     sync.Mutex
	calls  []*protocols.Call
	answer func(call *protocols.Call) (*protocols.Result, error)
}

func (d *recorder) Dispatch(_ context.Context, call *protocols.Call) (*protocols.Result, error) {
	d.mu.Lock()
	d.calls = append(d.calls, call)
	d.mu.Unlock()
	return d.answer(call)
}

func (d *recorder) last(t *testing.T) *protocols.Call {
	t.Helper()
	d.mu.Lock()
	defer d.mu.Unlock()
	if len(d.calls) == 0 {
		t.Fatal("the Dispatcher got no call")
	}
	return d.calls[len(d.calls)-1]
}

// result answers call with value for the catalog function it names.
func result(call *protocols.Call, value any) (*protocols.Result, error) {
	f, ok := byName(call.Function)
	if !ok {
		return nil, wsgate.ErrInvalidRecord
	}
	return &protocols.Result{Function: f, Value: value}, nil
}

// newServer returns a Server over d with the test catalog and a fixed base URL.
func newServer(d protocols.Dispatcher) *soap.Server {
	return &soap.Server{
		Dispatcher: d,
		Lister:     lister{},
		Functions:  byName,
		BaseURL:    func(*http.Request) string { return testBase },
		Log:        slog.New(slog.DiscardHandler),
	}
}

// post sends body to s and returns the recorded response.
func post(t testing.TB, s http.Handler, query, body string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, soap.Path+query, strings.NewReader(body))
	r.Header.Set("Content-Type", "text/xml; charset=utf-8")
	w := httptest.NewRecorder()
	s.ServeHTTP(w, r)
	return w
}

func httptestRequest(method, target, body string) *http.Request {
	return httptest.NewRequest(method, target, strings.NewReader(body))
}

func serve(h http.Handler, r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// golden compares got with testdata/name, rewriting it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update after checking):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}
