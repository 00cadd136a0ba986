package discovery

import (
	"fmt"
	"reflect"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"wsgate/functions"
)

// ManifestPath is where a component keeps its manifest, relative to its folder.
const ManifestPath = "db/services.yaml"

// Manifest is one component's parsed manifest.
type Manifest struct {
	Component    string
	File         string // where it was read from, for messages
	Functions    []*functions.Function
	Services     []*ServiceDecl
	Capabilities []CapabilityDecl
}

// ServiceDecl is a built-in service as a component declares it.
type ServiceDecl struct {
	Name               string
	Shortname          string
	Component          string
	Functions          []string
	RequiredCapability string
	RestrictedUsers    bool // default true, as Moodle
	Enabled            bool // used only when the service is first installed
	DownloadFiles      bool
	UploadFiles        bool
	path               string
}

// CapabilityDecl is a capability a component defines.
type CapabilityDecl struct {
	Name, Component, Description string
}

// rawManifest is the file's top level; sections stay nodes to keep their order.
type rawManifest struct {
	Component    string    `yaml:"component"`
	Functions    yaml.Node `yaml:"functions"`
	Services     yaml.Node `yaml:"services"`
	Capabilities yaml.Node `yaml:"capabilities"`
}

type rawFunction struct {
	ClassName    string       `yaml:"classname"`
	MethodName   string       `yaml:"methodname"`
	ClassPath    string       `yaml:"classpath"`
	Description  string       `yaml:"description"`
	Type         string       `yaml:"type"`
	Capabilities stringList   `yaml:"capabilities"`
	Services     stringList   `yaml:"services"`
	Deprecated   flag         `yaml:"deprecated"`
	Destructive  flag         `yaml:"destructive"`
	Parameters   yaml.Node    `yaml:"parameters"`
	Returns      yaml.Node    `yaml:"returns"`
	Upstream     *rawUpstream `yaml:"upstream"`
}

type rawUpstream struct {
	URL     string `yaml:"url"`
	Timeout string `yaml:"timeout"`
}

type rawService struct {
	Shortname          string     `yaml:"shortname"`
	Functions          stringList `yaml:"functions"`
	RequiredCapability string     `yaml:"requiredcapability"`
	RestrictedUsers    *flag      `yaml:"restrictedusers"`
	Enabled            flag       `yaml:"enabled"`
	DownloadFiles      flag       `yaml:"downloadfiles"`
	UploadFiles        flag       `yaml:"uploadfiles"`
}

type rawCapability struct {
	Description string `yaml:"description"`
}

// flag is a manifest boolean: true/false or Moodle's 1/0.
type flag bool

func (f *flag) UnmarshalYAML(n *yaml.Node) error {
	switch strings.ToLower(n.Value) {
	case "1", "true", "yes":
		*f = true
	case "0", "false", "no", "":
		*f = false
	default:
		return fmt.Errorf("line %d: %q is not a boolean (use true/false or 1/0)", n.Line, n.Value)
	}
	return nil
}

// stringList is a list of names, written as a YAML list or a comma-separated string.
type stringList []string

func (l *stringList) UnmarshalYAML(n *yaml.Node) error {
	switch n.Kind {
	case yaml.ScalarNode:
		*l = nil
		for _, s := range strings.Split(n.Value, ",") {
			if s = strings.TrimSpace(s); s != "" {
				*l = append(*l, s)
			}
		}
		return nil
	case yaml.SequenceNode:
		var out []string
		if err := n.Decode(&out); err != nil {
			return err
		}
		*l = out
		return nil
	}
	return fmt.Errorf("line %d: expected a list of names", n.Line)
}

// ParseManifest parses one manifest. component is the folder name, used when the
// file does not name its component. Every fault found is returned, each naming
// the file and the path inside it.
func ParseManifest(file, component string, data []byte) (*Manifest, Problems) {
	var probs Problems
	add := func(path, format string, args ...any) {
		probs = append(probs, Problem{File: file, Path: path, Msg: fmt.Sprintf(format, args...)})
	}
	var raw rawManifest
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && err.Error() != "EOF" {
		add("", "%s", yamlMessage(err))
		return nil, probs
	}
	if raw.Component != "" {
		component = raw.Component
	}
	m := &Manifest{Component: component, File: file}
	if !validComponent(component) {
		add("component", "%q is not a valid component name (lower case frankenstyle, e.g. local_thing)", component)
	}
	eachEntry(&raw.Functions, "functions", add, func(name string, n *yaml.Node) {
		if f := parseFunction(file, component, name, n, add); f != nil {
			m.Functions = append(m.Functions, f)
		}
	})
	eachEntry(&raw.Services, "services", add, func(name string, n *yaml.Node) {
		path := "services." + name
		var rs rawService
		if err := decodeStrict(n, &rs); err != nil {
			add(path, "%s", yamlMessage(err))
			return
		}
		s := &ServiceDecl{Name: name, Shortname: rs.Shortname, Component: component,
			Functions: rs.Functions, RequiredCapability: rs.RequiredCapability, RestrictedUsers: true,
			Enabled: bool(rs.Enabled), DownloadFiles: bool(rs.DownloadFiles), UploadFiles: bool(rs.UploadFiles), path: path}
		if rs.RestrictedUsers != nil {
			s.RestrictedUsers = bool(*rs.RestrictedUsers)
		}
		m.Services = append(m.Services, s)
	})
	eachEntry(&raw.Capabilities, "capabilities", add, func(name string, n *yaml.Node) {
		var rc rawCapability
		if n.Kind != yaml.ScalarNode || n.Tag != "!!null" {
			if err := decodeStrict(n, &rc); err != nil {
				add("capabilities."+name, "%s", yamlMessage(err))
				return
			}
		}
		m.Capabilities = append(m.Capabilities, CapabilityDecl{Name: name, Component: component, Description: rc.Description})
	})
	return m, probs
}

func parseFunction(file, component, name string, n *yaml.Node, add func(path, format string, args ...any)) *functions.Function {
	path := "functions." + name
	var rf rawFunction
	if err := decodeStrict(n, &rf); err != nil {
		add(path, "%s", yamlMessage(err))
		return nil
	}
	f := &functions.Function{Name: name, Component: component, ClassName: rf.ClassName, MethodName: rf.MethodName,
		ClassPath: rf.ClassPath, Description: rf.Description, Type: rf.Type, Capabilities: rf.Capabilities,
		Services: rf.Services, Deprecated: bool(rf.Deprecated), Destructive: bool(rf.Destructive)}
	if f.MethodName == "" {
		f.MethodName = "execute"
	}
	if f.Type == "" {
		f.Type = "read"
	}
	if f.Type != "read" && f.Type != "write" {
		add(path+".type", "%q is not read or write", f.Type)
	}
	if f.Destructive && f.Type != "write" {
		add(path+".destructive", "only a write function can be destructive")
	}
	if rf.Upstream == nil && f.ClassName == "" {
		add(path, "needs a classname (a registered Go implementation) or an upstream")
	}
	if rf.Upstream != nil {
		up := &functions.Upstream{URL: rf.Upstream.URL, Timeout: 30 * time.Second}
		if !strings.HasPrefix(up.URL, "http://") && !strings.HasPrefix(up.URL, "https://") {
			add(path+".upstream.url", "%q is not an http(s) URL", up.URL)
		}
		if rf.Upstream.Timeout != "" {
			d, err := time.ParseDuration(rf.Upstream.Timeout)
			if err != nil || d <= 0 {
				add(path+".upstream.timeout", "%q is not a positive duration such as 5s", rf.Upstream.Timeout)
			}
			up.Timeout = d
		}
		f.Upstream = up
	}
	for _, n := range []*yaml.Node{&rf.Parameters, &rf.Returns} {
		if n.Kind == yaml.AliasNode && n.Alias != nil {
			*n = *n.Alias
		}
		if err := resolveAliases(n, 0); err != nil {
			add(path, "%v", err)
			return nil
		}
	}
	params, err := functions.ParseParametersYAML(nodeOrNil(&rf.Parameters))
	if err != nil {
		add(path, "%v", err)
	}
	f.Params = params
	returns, err := functions.ParseDescriptionYAML(nodeOrNil(&rf.Returns))
	if err != nil {
		add(path, "%v", err)
	}
	f.Returns = returns
	return f
}

// nodeOrNil returns nil for a section the file leaves out.
func nodeOrNil(n *yaml.Node) *yaml.Node {
	if n.Kind == 0 {
		return nil
	}
	return n
}

// eachEntry walks a mapping section in file order.
func eachEntry(section *yaml.Node, name string, add func(path, format string, args ...any), fn func(key string, value *yaml.Node)) {
	switch {
	case section.Kind == 0, section.Kind == yaml.ScalarNode && section.Tag == "!!null":
		return
	case section.Kind != yaml.MappingNode:
		add(name, "line %d: expected a mapping of names", section.Line)
		return
	}
	for i := 0; i+1 < len(section.Content); i += 2 {
		fn(section.Content[i].Value, section.Content[i+1])
	}
}

// decodeStrict decodes a mapping node into out (a pointer to a struct with yaml
// tags), refusing keys the struct does not declare.
func decodeStrict(n *yaml.Node, out any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected a mapping", n.Line)
	}
	known := map[string]bool{}
	t := reflect.TypeOf(out).Elem()
	for i := 0; i < t.NumField(); i++ {
		known[strings.Split(t.Field(i).Tag.Get("yaml"), ",")[0]] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			return fmt.Errorf("line %d: unknown key %q", k.Line, k.Value)
		}
	}
	return n.Decode(out)
}

func yamlMessage(err error) string {
	s := strings.TrimPrefix(err.Error(), "yaml: ")
	return strings.ReplaceAll(strings.TrimPrefix(s, "unmarshal errors:\n  "), "\n  ", "; ")
}

// resolveAliases replaces YAML aliases (*name) by the nodes they point at, so a
// manifest can share a description (Moodle's user_description) between functions.
func resolveAliases(n *yaml.Node, depth int) error {
	if depth > 64 {
		return fmt.Errorf("line %d: descriptions nest too deeply (a recursive alias?)", n.Line)
	}
	for i, c := range n.Content {
		for c.Kind == yaml.AliasNode && c.Alias != nil {
			c = c.Alias
		}
		n.Content[i] = c
		if err := resolveAliases(c, depth+1); err != nil {
			return err
		}
	}
	return nil
}
