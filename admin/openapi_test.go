package admin_test

import (
	"context"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/gin-gonic/gin"

	"wsgate/admin"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// documented returns "METHOD /path" for every operation of doc, with the
// paths as gin writes them (/services/:id).
func documented(doc *openapi3.T) []string {
	param := regexp.MustCompile(`\{([^}]+)\}`)
	var out []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			out = append(out, method+" "+param.ReplaceAllString(path, ":$1"))
		}
	}
	slices.Sort(out)
	return out
}

// routed returns "METHOD /path" for every route of engine, relative to /1.0.
func routed(engine *gin.Engine) []string {
	var out []string
	for _, r := range engine.Routes() {
		out = append(out, r.Method+" "+strings.TrimPrefix(r.Path, "/1.0"))
	}
	slices.Sort(out)
	return out
}

// TestOpenAPI checks the served document with kin-openapi and against the
// routes, with every plugin, with each plugin alone and with none: every
// route is documented, nothing documented is not routed.
func TestOpenAPI(t *testing.T) {
	{
		sets := map[string]map[string]bool{"all": allPlugins(), "none": {}}
		for _, name := range admin.AllPlugins() {
			sets[name] = map[string]bool{name: true}
		}
		sets["all but services"] = allPlugins()
		sets["all but services"]["services"] = false
		for name, enabled := range sets {
			t.Run(name, func(t *testing.T) {
				e := newEnvWith(t, dbtest.Open(t, db.SQLite, true), enabled)
				r := e.send(http.MethodGet, "/1.0/api/api.yml", "", nil)
				wantStatus(t, r, http.StatusOK)
				if ct := r.header.Get("Content-Type"); ct != "application/yaml" {
					t.Errorf("Content-Type = %q", ct)
				}
				doc, err := openapi3.NewLoader().LoadFromData(r.body)
				if err != nil {
					t.Fatal(err)
				}
				if err := doc.Validate(context.Background()); err != nil {
					t.Fatal(err)
				}
				if doc.OpenAPI != "3.0.3" || len(doc.Servers) != 1 || doc.Servers[0].URL != "/1.0" ||
					doc.Components.SecuritySchemes["wsgate_token"] == nil {
					t.Errorf("document frame: openapi %s, servers %v", doc.OpenAPI, doc.Servers)
				}
				if got, want := documented(doc), routed(e.engine); !slices.Equal(got, want) {
					t.Errorf("documented operations:\n%v\nroutes:\n%v", got, want)
				}
			})
		}
	}
}

func TestMountRefusesUnknownPlugins(t *testing.T) {
	gin.SetMode(gin.TestMode)
	err := admin.Mount(gin.New().Group("/1.0"), admin.Deps{}, map[string]bool{"services": true, "contexts": true})
	if err == nil || !strings.Contains(err.Error(), `"contexts"`) {
		t.Errorf("Mount with an unknown plugin: %v", err)
	}
	if err := admin.Mount(gin.New().Group("/1.0"), admin.Deps{}, map[string]bool{"services": true}); err == nil {
		t.Error("Mount without a store: no error")
	}
	want := []string{"calls", "functions", "ratelimits", "roles", "service_functions", "service_users", "services", "tokens", "user_roles", "users"}
	if got := admin.AllPlugins(); !slices.Equal(got, want) {
		t.Errorf("AllPlugins = %v, want %v", got, want)
	}
}
