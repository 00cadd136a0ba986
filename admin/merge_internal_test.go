package admin

import (
	"strings"
	"testing"

	"github.com/gin-gonic/gin"
)

// fragment is a plugin that only has a document.
type fragment struct{ name, spec string }

func (f fragment) Name() string       { return f.name }
func (f fragment) Routes(gin.IRouter) {}
func (f fragment) Spec() []byte       { return []byte(f.spec) }
func (f fragment) plugins() []Plugin  { return []Plugin{f} }
func both(a, b fragment) []Plugin     { return []Plugin{a, b} }

func TestMergeSpecsRefusesBadFragments(t *testing.T) {
	path := func(p string) string {
		return "paths:\n  " + p + ":\n    get:\n      responses:\n        '200': {description: ok}\n"
	}
	schema := func(name, ref string) string {
		return "components:\n  schemas:\n    " + name + ":\n      $ref: '" + ref + "'\n"
	}
	tests := []struct {
		name    string
		plugins []Plugin
		want    string // in the error; "" for none
	}{
		{"good", both(fragment{"a", path("/a") + schema("A", "#/components/schemas/Error")}, fragment{"b", path("/b")}), ""},
		{"empty fragment", fragment{"a", ""}.plugins(), ""},
		{"path twice", both(fragment{"a", path("/a")}, fragment{"b", path("/a")}), "b/api.yml: paths: /a is defined twice"},
		{"base path again", fragment{"a", path("/api/api.yml")}.plugins(), "/api/api.yml is defined twice"},
		{"schema twice", both(fragment{"a", schema("X", "#/components/schemas/Error")}, fragment{"b", schema("X", "#/components/schemas/Error")}),
			"components/schemas: X is defined twice"},
		{"base schema again", fragment{"a", schema("Error", "#/components/schemas/Error")}.plugins(), "Error is defined twice"},
		{"dangling $ref", fragment{"a", schema("A", "#/components/schemas/Nope")}.plugins(), "$ref #/components/schemas/Nope points at nothing"},
		{"$ref to a disabled plugin", fragment{"a", schema("A", "#/components/schemas/Service")}.plugins(), "points at nothing"},
		{"remote $ref", fragment{"a", schema("A", "other.yml#/A")}.plugins(), "only local references"},
		{"other top-level key", fragment{"a", "info: {title: x}\n"}.plugins(), "a fragment holds only paths and components"},
		{"not YAML", fragment{"a", "paths: [\n"}.plugins(), "a/api.yml"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := mergeSpecs(tt.plugins)
			if tt.want == "" {
				if err != nil || len(doc) == 0 {
					t.Fatalf("mergeSpecs = %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to say %q", err, tt.want)
			}
		})
	}
}
