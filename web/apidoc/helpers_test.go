package apidoc_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"wsgate/functions"
	"wsgate/functions/functionstest"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/")

const serverURL = "http://127.0.0.1:9506"

// golden compares got with testdata/name, or rewrites the file with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
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
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// Description builders, with Moodle's defaults (functionstest).
var (
	val      = functionstest.Value
	single   = functionstest.Single
	multiple = functionstest.Multiple
	opt      = functionstest.Optional
	def      = functionstest.Default
	notNull  = functionstest.NotNull
	nullable = functionstest.Nullable
)

// createUsers is shaped like Moodle's core_user_create_users.
var createUsers = &functions.Function{
	Name:         "core_user_create_users",
	Component:    "core_user",
	Description:  "Create users.\nOne user per item; returns their ids.",
	Type:         "write",
	Capabilities: []string{"moodle/user:create"},
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
}

// getContents has optional structures, nullable values, defaults of
// structures and nested lists in its result.
var getContents = &functions.Function{
	Name:        "core_course_get_contents",
	Component:   "core_course",
	Description: "Get course contents",
	Type:        "read",
	Params: single("",
		"courseid", notNull(val(functions.ParamInt, "course id")),
		"options", def(multiple("Options, used since Moodle 2.9", single("",
			"name", notNull(val(functions.ParamAlphanumext, "The expected keys (value format) are: excludemodules (bool)")),
			"value", notNull(val(functions.ParamRaw, "the value of the option")),
		)), []any{}),
	),
	Returns: multiple("list of sections", single("",
		"id", notNull(val(functions.ParamInt, "Section ID")),
		"name", notNull(val(functions.ParamRaw, "Section name")),
		"visible", opt(val(functions.ParamInt, "is the section visible")),
		"summary", notNull(val(functions.ParamRaw, "Section description")),
		"summaryformat", def(notNull(val(functions.ParamInt, "summary format (1 = HTML, 0 = MOODLE, 2 = PLAIN or 4 = MARKDOWN)")), int64(1)),
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
}

// siteInfo returns a single structure with a list of strings in its
// parameters.
var siteInfo = &functions.Function{
	Name:        "core_webservice_get_site_info",
	Component:   "core_webservice",
	Description: "Return some site info / user info / list web service functions",
	Type:        "read",
	Params: single("", "serviceshortnames", def(multiple("DEPRECATED PARAMETER",
		notNull(val(functions.ParamAlphanumext, "service shortname"))), []any{})),
	Returns: single("",
		"sitename", notNull(val(functions.ParamRaw, "site name")),
		"userid", notNull(val(functions.ParamInt, "user id")),
		"siteurl", notNull(val(functions.ParamRaw, "site url")),
		"userissiteadmin", notNull(val(functions.ParamBool, "Whether the user is a site admin or not")),
		"functions", multiple("functions that are available", single("",
			"name", notNull(val(functions.ParamRaw, "function name")),
			"version", notNull(val(functions.ParamText, "The version number of the component")),
		)),
		"advancedfeatures", opt(multiple("Advanced features availability", single("",
			"name", notNull(val(functions.ParamAlphanumext, "feature name")),
			"value", notNull(val(functions.ParamInt, "feature value. Usually 1 means enabled.")),
		))),
		"usermaxuploadfilesize", opt(val(functions.ParamInt, "Files upload size limit in bytes.")),
		"theme", opt(val(functions.ParamRaw, "Current theme for the user.")),
	),
}

// matrix has lists of lists of nullable floats.
var matrix = &functions.Function{
	Name:        "local_wsgate_matrix",
	Component:   "local_wsgate",
	Description: "Transpose a matrix of numbers; null cells stay null.",
	Params:      single("", "rows", multiple("rows", multiple("cells", val(functions.ParamFloat, "a cell")))),
	Returns:     multiple("rows", multiple("cells", val(functions.ParamFloat, "a cell"))),
}

// ping has no parameters and returns a value.
var ping = &functions.Function{
	Name:        "local_wsgate_ping",
	Component:   "local_wsgate",
	Description: "Answer true when the gateway is up.",
	Params:      single(""),
	Returns:     notNull(val(functions.ParamBool, "always true")),
}

// purge is void and deprecated.
var purge = &functions.Function{
	Name:        "local_wsgate_purge",
	Component:   "local_wsgate",
	Description: "Purge caches of the given ids.",
	Deprecated:  true,
	Params:      single("", "ids", multiple("ids", notNull(val(functions.ParamInt, "an id")))),
}

// allTypes takes and returns one key of every PARAM type, with and
// without null, plus an optional structure in the result (json_encode
// may write it as []) and a nullable one.
var allTypes = func() *functions.Function {
	var params, returns []any
	for t := functions.ParamInt; t.Valid(); t++ {
		name := t.String()
		params = append(params, name, notNull(val(t, "a "+t.Name())), name+"_null", opt(val(t, "a "+t.Name()+" or null")))
		returns = append(returns, name, notNull(val(t, "a "+t.Name())), name+"_null", val(t, "a "+t.Name()+" or null"))
	}
	returns = append(returns,
		"extra", opt(single("all optional",
			"note", opt(val(functions.ParamText, "a note")),
		)),
		"maybe", opt(nullable(single("nullable, one required key",
			"id", notNull(val(functions.ParamInt, "an id")),
		))),
		"permissions", opt(nullable(multiple("nullable list", val(functions.ParamPermission, "a permission")))),
	)
	return &functions.Function{
		Name:        "local_wsgate_all_types",
		Component:   "local_wsgate",
		Description: "Echo one value of every PARAM type.",
		Params:      single("", params...),
		Returns:     single("", returns...),
	}
}()

// defaults has defaults of every kind, for Tree and the OpenAPI defaults.
var defaults = &functions.Function{
	Name:        "local_wsgate_defaults",
	Component:   "local_wsgate",
	Description: "Defaults of every kind.",
	Params: single("",
		"count", def(notNull(val(functions.ParamInt, "how many")), int64(10)),
		"ratio", def(notNull(val(functions.ParamFloat, "a ratio")), 0.25),
		"big", def(notNull(val(functions.ParamFloat, "a big float")), 1e25),
		"enabled", def(notNull(val(functions.ParamBool, "on or off")), true),
		"disabled", def(notNull(val(functions.ParamBool, "off or on")), false),
		"format", def(notNull(val(functions.ParamAlpha, "a format")), "html"),
		"nothing", def(val(functions.ParamRaw, "null by default"), nil),
		"filters", def(multiple("filters", single("",
			"name", notNull(val(functions.ParamAlpha, "filter name")),
			"value", def(val(functions.ParamRaw, "filter value"), ""),
		)), []any{map[string]any{"name": "all", "value": "1"}}),
		"paging", def(single("paging",
			"page", def(notNull(val(functions.ParamInt, "page")), int64(0)),
			"perpage", def(notNull(val(functions.ParamInt, "per page")), int64(20)),
		), map[string]any{"page": int64(0), "perpage": int64(20)}),
	),
	Returns: single("", "status", notNull(val(functions.ParamBool, "true when done"))),
}

// catalog covers every shape: nested lists of structures, lists of lists,
// values, void, deprecated, no parameters, every PARAM type, defaults.
var catalog = []*functions.Function{createUsers, getContents, siteInfo, matrix, ping, purge, allTypes, defaults}
