package admin

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"

	"gopkg.in/yaml.v3"
)

// baseSpec is the frame of the OpenAPI document: info, servers, security,
// the shared parameters, responses and schemas, and GET /api/api.yml.
//
//go:embed api.yml
var baseSpec []byte

// mergeSpecs returns the OpenAPI document of plugins: the base with the
// paths and components of every plugin's fragment, in order. A fragment
// holds only paths and components; a path or component defined twice, or a
// $ref that points at nothing, is an error.
func mergeSpecs(plugins []Plugin) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(baseSpec, &doc); err != nil {
		return nil, fmt.Errorf("admin: api.yml: %w", err)
	}
	root := doc.Content[0]
	for _, p := range plugins {
		var frag yaml.Node
		if err := yaml.Unmarshal(p.Spec(), &frag); err != nil {
			return nil, fmt.Errorf("admin: %s/api.yml: %w", p.Name(), err)
		}
		if len(frag.Content) == 0 {
			continue
		}
		if err := mergeFragment(root, frag.Content[0]); err != nil {
			return nil, fmt.Errorf("admin: %s/api.yml: %w", p.Name(), err)
		}
	}
	if err := checkRefs(root, root); err != nil {
		return nil, fmt.Errorf("admin: OpenAPI document: %w", err)
	}
	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	return out.Bytes(), enc.Close()
}

// mergeFragment adds the paths and components of frag to root.
func mergeFragment(root, frag *yaml.Node) error {
	if frag.Kind != yaml.MappingNode {
		return fmt.Errorf("not a mapping")
	}
	for i := 0; i < len(frag.Content); i += 2 {
		key, val := frag.Content[i].Value, frag.Content[i+1]
		switch key {
		case "paths":
			if err := mergeMapping(child(root, "paths"), val, "paths"); err != nil {
				return err
			}
		case "components":
			if val.Kind != yaml.MappingNode {
				return fmt.Errorf("components: not a mapping")
			}
			comps := child(root, "components")
			for j := 0; j < len(val.Content); j += 2 {
				section := val.Content[j].Value
				if err := mergeMapping(child(comps, section), val.Content[j+1], "components/"+section); err != nil {
					return err
				}
			}
		default:
			return fmt.Errorf("%s: a fragment holds only paths and components", key)
		}
	}
	return nil
}

// mergeMapping appends the entries of src to dst, refusing a key dst has.
func mergeMapping(dst, src *yaml.Node, where string) error {
	if src.Kind != yaml.MappingNode {
		return fmt.Errorf("%s: not a mapping", where)
	}
	for i := 0; i < len(src.Content); i += 2 {
		if lookup(dst, src.Content[i].Value) != nil {
			return fmt.Errorf("%s: %s is defined twice", where, src.Content[i].Value)
		}
		dst.Content = append(dst.Content, src.Content[i], src.Content[i+1])
	}
	return nil
}

// lookup returns the value of key in mapping m, or nil.
func lookup(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// child returns the mapping under key in m, adding an empty one if needed.
func child(m *yaml.Node, key string) *yaml.Node {
	if v := lookup(m, key); v != nil {
		return v
	}
	v := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: key}, v)
	return v
}

// checkRefs reports the first $ref under n that is not a pointer into root.
func checkRefs(root, n *yaml.Node) error {
	if n.Kind == yaml.MappingNode {
		for i := 0; i < len(n.Content); i += 2 {
			if n.Content[i].Value != "$ref" {
				continue
			}
			ref := n.Content[i+1].Value
			target, ok := strings.CutPrefix(ref, "#/")
			if !ok {
				return fmt.Errorf("$ref %s: only local references are allowed", ref)
			}
			at := root
			for _, part := range strings.Split(target, "/") {
				part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
				if at = lookup(at, part); at == nil {
					return fmt.Errorf("$ref %s points at nothing", ref)
				}
			}
		}
	}
	for _, c := range n.Content {
		if err := checkRefs(root, c); err != nil {
			return err
		}
	}
	return nil
}
