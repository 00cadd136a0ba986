package discovery

import (
	"context"
	"strings"
	"testing"
	"testing/fstest"

	"wsgate/functions"
)

// fakeImpls registers every classname::methodname in its set.
type fakeImpls map[string]bool

func (f fakeImpls) Lookup(classname, methodname string) (functions.Handler, bool) {
	if f == nil || f[classname+"::"+methodname] {
		return func(context.Context, map[string]any) (any, error) { return nil, nil }, true
	}
	return nil, false
}

const goodManifest = `
capabilities:
  local_demo/thing:view: {description: See things}
functions:
  local_demo_get_things:
    classname: local_demo_external
    methodname: get_things
    description: Get things
    type: read
    capabilities: local_demo/thing:view
    services: [demo]
    parameters:
      ids: {type: multiple, content: INT}
    returns:
      type: multiple
      content: {type: single, keys: {id: INT, name: RAW}}
  local_demo_ping:
    upstream: {url: "http://127.0.0.1:9/ping", timeout: 2s}
services:
  Demo service:
    shortname: demo
    functions: [local_demo_ping]
    enabled: 1
`

func TestParseManifest(t *testing.T) {
	m, probs := ParseManifest("components/local_demo/db/services.yaml", "local_demo", []byte(goodManifest))
	if len(probs) > 0 {
		t.Fatal(probs)
	}
	if len(m.Functions) != 2 || m.Functions[0].Name != "local_demo_get_things" || m.Functions[1].Name != "local_demo_ping" {
		t.Fatalf("functions = %+v", m.Functions)
	}
	f := m.Functions[0]
	if f.MethodName != "get_things" || f.Type != "read" || len(f.Capabilities) != 1 || f.Services[0] != "demo" ||
		f.Params == nil || len(f.Params.Keys) != 1 || f.Returns == nil {
		t.Errorf("function = %+v", f)
	}
	ping := m.Functions[1]
	if ping.Upstream == nil || ping.Upstream.Timeout.Seconds() != 2 || ping.MethodName != "execute" || ping.Returns != nil {
		t.Errorf("upstream function = %+v", ping)
	}
	s := m.Services[0]
	if s.Name != "Demo service" || !s.Enabled || !s.RestrictedUsers || s.Component != "local_demo" {
		t.Errorf("service = %+v", s)
	}
	if len(m.Capabilities) != 1 {
		t.Errorf("capabilities = %+v", m.Capabilities)
	}
}

func TestManifestProblems(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the problem text: file, path, fault
	}{
		{"yaml syntax", "functions: [\n", []string{"services.yaml", "line"}},
		{"unknown top key", "functons: {}\n", []string{"functons"}},
		{"unknown function key", "functions:\n  local_xy_a: {classname: c, colour: red}\n", []string{"functions.local_xy_a", `unknown key "colour"`}},
		{"unknown PARAM type", "functions:\n  local_xy_a:\n    classname: c\n    parameters: {id: {type: INTT}}\n",
			[]string{"functions.local_xy_a", "parameters.id", "INTT"}},
		{"bad type", "functions:\n  local_xy_a: {classname: c, type: delete}\n", []string{"functions.local_xy_a.type"}},
		{"no implementation at all", "functions:\n  local_xy_a: {description: nothing}\n", []string{"functions.local_xy_a", "classname"}},
		{"bad upstream", "functions:\n  local_xy_a: {upstream: {url: ftp://x}}\n", []string{"upstream.url"}},
		{"bad boolean", "services:\n  S: {shortname: s, enabled: maybe}\n", []string{"services.S", "boolean"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, probs := ParseManifest("components/local_xy/db/services.yaml", "local_xy", []byte(tt.yaml))
			if len(probs) == 0 {
				t.Fatal("no problem reported")
			}
			text := probs.Error()
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q does not mention %q", text, w)
				}
			}
		})
	}
}

func TestLoadCrossChecks(t *testing.T) {
	fsys := fstest.MapFS{
		"local_ab/db/services.yaml": {Data: []byte(`
functions:
  local_ab_f: {classname: a, methodname: f}
  other_name: {classname: a, methodname: g}
services:
  A: {shortname: "bad name!", functions: [local_ab_missing]}
  B: {shortname: dup}
`)},
		"local_bc/db/services.yaml": {Data: []byte(`
functions:
  local_ab_f: {classname: b, methodname: f}
  local_bc_unregistered: {classname: nowhere}
services:
  C: {shortname: dup}
`)},
	}
	impls := fakeImpls{"a::f": true, "a::g": true, "b::f": true}
	_, err := Load([]Source{{Name: "embedded", FS: fsys}}, impls, nil)
	probs, ok := err.(Problems)
	if !ok {
		t.Fatalf("err = %v, want Problems", err)
	}
	text := probs.Error()
	for _, w := range []string{
		"components/local_bc/db/services.yaml: functions.local_ab_f: function already declared in components/local_ab/db/services.yaml",
		"services.A.shortname",
		"services.A.functions: unknown function local_ab_missing",
		`shortname "dup" is already used`,
		"functions.local_bc_unregistered: no Go implementation is registered for nowhere::execute",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("problems do not mention %q:\n%s", w, text)
		}
	}

	good := fstest.MapFS{"local_ab/db/services.yaml": {Data: []byte("functions:\n  other_name: {classname: a, methodname: g}\n")}}
	cat, err := Load([]Source{{Name: "embedded", FS: good}}, impls, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cat.Warnings) != 1 || !strings.Contains(cat.Warnings[0].String(), "does not start with its component") {
		t.Errorf("warnings = %v", cat.Warnings)
	}
}
