package functions

import (
	"fmt"
	"math"
	"strconv"

	"gopkg.in/yaml.v3"
)

// DescriptionError is a fault in a description: Path names the node inside
// the description, rooted at "parameters" or "returns"
// (parameters.users.content.keys.auth), Line is its YAML line (0 for JSON).
type DescriptionError struct {
	Path string
	Line int
	Msg  string
}

// Error formats the fault as "path: message (line N)".
func (e *DescriptionError) Error() string {
	if e.Line > 0 {
		return e.Path + ": " + e.Msg + " (line " + strconv.Itoa(e.Line) + ")"
	}
	return e.Path + ": " + e.Msg
}

// Limits that keep hostile manifests (deep nesting, alias bombs) cheap.
const (
	maxDescriptionDepth = 64
	maxDescriptionNodes = 20000
)

// ParseParametersYAML reads the mapping under a function's "parameters:":
// parameter names to description nodes, in positional order. A nil node or
// YAML null means no parameters. The result is a single structure.
func ParseParametersYAML(node *yaml.Node) (*Description, error) {
	p := &yamlParser{}
	n := p.resolve(node)
	d := &Description{Shape: SingleShape}
	if isYAMLNull(n) {
		return d, nil
	}
	if n.Kind != yaml.MappingNode {
		return nil, p.errf("parameters", n, "must be a mapping of parameter names to descriptions")
	}
	keys, err := p.keys("parameters", n, 1)
	if err != nil {
		return nil, err
	}
	d.Keys = keys
	return d, nil
}

// ParseDescriptionYAML reads a function's "returns:" node. A nil node or YAML
// null gives (nil, nil): the function returns nothing (void).
func ParseDescriptionYAML(node *yaml.Node) (*Description, error) {
	p := &yamlParser{}
	n := p.resolve(node)
	if isYAMLNull(n) {
		return nil, nil
	}
	return p.node("returns", n, 1)
}

// ParseYAML parses a YAML document holding one description node, as under
// "returns:" (errors are rooted at "returns"); an empty document or null
// gives (nil, nil).
func ParseYAML(src []byte) (*Description, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, &DescriptionError{Path: "returns", Msg: err.Error()}
	}
	return ParseDescriptionYAML(&doc)
}

// yamlParser walks description nodes, counting them against the limits.
type yamlParser struct{ nodes int }

func (p *yamlParser) errf(path string, n *yaml.Node, format string, args ...any) error {
	line := 0
	if n != nil {
		line = n.Line
	}
	return &DescriptionError{Path: path, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// resolve unwraps documents and follows aliases.
func (p *yamlParser) resolve(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < maxDescriptionDepth; i++ {
		switch {
		case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
			n = n.Content[0]
		case n.Kind == yaml.DocumentNode:
			return nil
		case n.Kind == yaml.AliasNode:
			n = n.Alias
		default:
			return n
		}
	}
	return n
}

func isYAMLNull(n *yaml.Node) bool {
	return n == nil || n.Kind == 0 || (n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// keys reads a mapping of names to description nodes, keeping its order.
func (p *yamlParser) keys(path string, n *yaml.Node, depth int) ([]Key, error) {
	keys := make([]Key, 0, len(n.Content)/2)
	seen := make(map[string]bool, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn := p.resolve(n.Content[i])
		if kn == nil || kn.Kind != yaml.ScalarNode || kn.Value == "" {
			return nil, p.errf(path, n.Content[i], "key names must be non-empty strings")
		}
		name := kn.Value
		kpath := path + "." + name
		if seen[name] {
			return nil, p.errf(kpath, kn, "duplicate key")
		}
		seen[name] = true
		d, err := p.node(kpath, n.Content[i+1], depth)
		if err != nil {
			return nil, err
		}
		keys = append(keys, Key{Name: name, Desc: d})
	}
	return keys, nil
}

// node reads one description node: a mapping, or a plain type name as
// shorthand for {type: NAME}.
func (p *yamlParser) node(path string, raw *yaml.Node, depth int) (*Description, error) {
	n := p.resolve(raw)
	if p.nodes++; p.nodes > maxDescriptionNodes {
		return nil, p.errf(path, raw, "description too large")
	}
	if depth > maxDescriptionDepth {
		return nil, p.errf(path, raw, "description nested too deeply")
	}
	if isYAMLNull(n) {
		return nil, p.errf(path, raw, "missing description: give a type")
	}
	var f nodeFields
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() != "!!str" {
			return nil, p.errf(path, n, "expected a type name or a mapping, got %q", n.Value)
		}
		f.typ, f.typeNode = n.Value, n
	case yaml.MappingNode:
		if err := p.fields(path, n, &f); err != nil {
			return nil, err
		}
	default:
		return nil, p.errf(path, n, "expected a type name or a mapping")
	}
	return p.build(path, n, &f, depth)
}

// nodeFields are the members of a description mapping.
type nodeFields struct {
	typ                string
	typeNode           *yaml.Node
	doc                string
	required, nullable *bool
	requiredNode       *yaml.Node
	defaultNode        *yaml.Node
	keysNode           *yaml.Node
	contentNode        *yaml.Node
}

// fields collects the members of a description mapping; unknown or repeated
// members are errors.
func (p *yamlParser) fields(path string, n *yaml.Node, f *nodeFields) error {
	seen := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		kn, vn := p.resolve(n.Content[i]), p.resolve(n.Content[i+1])
		if kn == nil || kn.Kind != yaml.ScalarNode {
			return p.errf(path, n.Content[i], "field names must be strings")
		}
		if seen[kn.Value] {
			return p.errf(path, kn, "duplicate field %q", kn.Value)
		}
		seen[kn.Value] = true
		switch kn.Value {
		case "type":
			if vn == nil || vn.Kind != yaml.ScalarNode || vn.ShortTag() != "!!str" {
				return p.errf(path, kn, "type must be single, multiple or a PARAM type name")
			}
			f.typ, f.typeNode = vn.Value, vn
		case "description":
			if vn == nil || vn.Kind != yaml.ScalarNode {
				return p.errf(path, kn, "description must be a string")
			}
			if vn.ShortTag() != "!!null" {
				f.doc = vn.Value
			}
		case "required", "allownull":
			b, err := yamlBool(vn)
			if err != nil {
				return p.errf(path, kn, "%s must be true or false", kn.Value)
			}
			if kn.Value == "required" {
				f.required, f.requiredNode = &b, kn
			} else {
				f.nullable = &b
			}
		case "default":
			f.defaultNode = vn
			if vn == nil {
				f.defaultNode = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Line: kn.Line}
			}
		case "keys":
			f.keysNode = vn
		case "content":
			f.contentNode = vn
		default:
			return p.errf(path, kn, "unknown field %q (want type, description, required, default, allownull, keys or content)", kn.Value)
		}
	}
	return nil
}

func yamlBool(n *yaml.Node) (bool, error) {
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		return false, fmt.Errorf("not a bool")
	}
	var b bool
	err := n.Decode(&b)
	return b, err
}

// build turns the collected members into a Description.
func (p *yamlParser) build(path string, n *yaml.Node, f *nodeFields, depth int) (*Description, error) {
	d := &Description{Doc: f.doc}
	switch f.typ {
	case "":
		return nil, p.errf(path, n, "missing type")
	case "single":
		d.Shape = SingleShape
		if f.contentNode != nil {
			return nil, p.errf(path+".content", f.contentNode, "content is only for multiple")
		}
		kn := p.resolve(f.keysNode)
		if kn == nil {
			return nil, p.errf(path, n, "a single structure needs keys")
		}
		if !isYAMLNull(kn) {
			if kn.Kind != yaml.MappingNode {
				return nil, p.errf(path+".keys", kn, "keys must be a mapping of names to descriptions")
			}
			keys, err := p.keys(path+".keys", kn, depth+1)
			if err != nil {
				return nil, err
			}
			d.Keys = keys
		}
	case "multiple":
		d.Shape = MultipleShape
		if f.keysNode != nil {
			return nil, p.errf(path+".keys", f.keysNode, "keys are only for single")
		}
		if f.contentNode == nil {
			return nil, p.errf(path, n, "a multiple structure needs content")
		}
		c, err := p.node(path+".content", f.contentNode, depth+1)
		if err != nil {
			return nil, err
		}
		d.Content = c
	default:
		t, err := ParseParamType(f.typ)
		if err != nil {
			return nil, p.errf(path, f.typeNode, "unknown PARAM type %q", f.typ)
		}
		d.Shape, d.Type = ValueShape, t
		if f.keysNode != nil {
			return nil, p.errf(path+".keys", f.keysNode, "keys are only for single")
		}
		if f.contentNode != nil {
			return nil, p.errf(path+".content", f.contentNode, "content is only for multiple")
		}
	}
	d.AllowNull = d.Shape == ValueShape
	if f.nullable != nil {
		d.AllowNull = *f.nullable
	}
	switch {
	case f.defaultNode != nil && f.required != nil && *f.required:
		return nil, p.errf(path, f.requiredNode, "a default makes the key optional: drop required: true")
	case f.defaultNode != nil:
		v, err := p.value(path+".default", f.defaultNode, 0)
		if err != nil {
			return nil, err
		}
		dv, msg := normalizeDefault(d, v)
		if msg != "" {
			return nil, p.errf(path+".default", f.defaultNode, "invalid default: %s", msg)
		}
		d.Presence, d.DefaultVal = Default, dv
	case f.required != nil && !*f.required:
		d.Presence = Optional
	}
	return d, nil
}

// value converts a YAML node to a generic tree (for defaults).
func (p *yamlParser) value(path string, raw *yaml.Node, depth int) (any, error) {
	n := p.resolve(raw)
	if p.nodes++; p.nodes > maxDescriptionNodes || depth > maxDescriptionDepth {
		return nil, p.errf(path, raw, "value too large")
	}
	if n == nil {
		return nil, nil
	}
	switch n.Kind {
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return nil, nil
		case "!!bool":
			var b bool
			err := n.Decode(&b)
			return b, p.wrapDecode(path, n, err)
		case "!!int":
			var i int64
			if err := n.Decode(&i); err == nil {
				return i, nil
			}
			var f float64
			err := n.Decode(&f)
			return f, p.wrapDecode(path, n, err)
		case "!!float":
			var f float64
			if err := n.Decode(&f); err != nil {
				return nil, p.wrapDecode(path, n, err)
			}
			if math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, p.errf(path, n, "numbers must be finite")
			}
			return f, nil
		}
		return n.Value, nil
	case yaml.SequenceNode:
		out := make([]any, 0, len(n.Content))
		for i, c := range n.Content {
			v, err := p.value(path+"."+strconv.Itoa(i), c, depth+1)
			if err != nil {
				return nil, err
			}
			out = append(out, v)
		}
		return out, nil
	case yaml.MappingNode:
		out := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			kn := p.resolve(n.Content[i])
			if kn == nil || kn.Kind != yaml.ScalarNode {
				return nil, p.errf(path, n.Content[i], "mapping keys must be strings")
			}
			v, err := p.value(path+"."+kn.Value, n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			out[kn.Value] = v
		}
		return out, nil
	}
	return nil, p.errf(path, n, "unsupported value")
}

func (p *yamlParser) wrapDecode(path string, n *yaml.Node, err error) error {
	if err == nil {
		return nil
	}
	return p.errf(path, n, "%v", err)
}

// normalizeDefault validates a default against its own node, as Moodle does
// when it inserts it, and returns the cleaned value, or Moodle's debuginfo.
func normalizeDefault(d *Description, v any) (any, string) {
	out, f := defaultValidator.param(d, v)
	if f != nil {
		return nil, f.debug
	}
	if !finite(out, 0) {
		return nil, "the default must be a finite number"
	}
	return out, ""
}

// finite reports whether a cleaned tree holds no NaN or infinite float
// (JSON, where descriptions are stored, has no such numbers).
func finite(v any, depth int) bool {
	switch x := v.(type) {
	case float64:
		return !math.IsNaN(x) && !math.IsInf(x, 0)
	case []any:
		for _, e := range x {
			if !finite(e, depth+1) {
				return false
			}
		}
	case map[string]any:
		for _, e := range x {
			if !finite(e, depth+1) {
				return false
			}
		}
	}
	return depth < maxDescriptionDepth
}
