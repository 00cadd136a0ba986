package functions

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// MarshalJSON writes the description in the YAML's vocabulary, with every
// field in a fixed order so that one description always gives the same
// bytes: {"type":..., "description":..., "required":..., "default":...,
// "allownull":..., "keys":[{"name":..., ...}] | "content":{...}}.
// "description" is left out when empty and "default" unless the presence
// is Default.
func (d *Description) MarshalJSON() ([]byte, error) {
	if d == nil {
		return []byte("null"), nil
	}
	var b bytes.Buffer
	if err := writeJSONNode(&b, d, "", false, 0); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func writeJSONNode(b *bytes.Buffer, d *Description, name string, named bool, depth int) error {
	if depth > maxDescriptionDepth {
		return fmt.Errorf("functions: description nested too deeply")
	}
	b.WriteByte('{')
	if named {
		b.WriteString(`"name":`)
		writeJSONString(b, name)
		b.WriteByte(',')
	}
	b.WriteString(`"type":`)
	switch d.Shape {
	case SingleShape:
		b.WriteString(`"single"`)
	case MultipleShape:
		b.WriteString(`"multiple"`)
	default:
		if !d.Type.Valid() {
			return fmt.Errorf("functions: invalid PARAM type %d", d.Type)
		}
		writeJSONString(b, d.Type.Name())
	}
	if d.Doc != "" {
		b.WriteString(`,"description":`)
		writeJSONString(b, d.Doc)
	}
	b.WriteString(`,"required":`)
	b.WriteString(strconv.FormatBool(d.Presence == Required))
	if d.Presence == Default {
		b.WriteString(`,"default":`)
		if err := writeJSONValue(b, d.DefaultVal, 0); err != nil {
			return err
		}
	}
	b.WriteString(`,"allownull":`)
	b.WriteString(strconv.FormatBool(d.AllowNull))
	switch d.Shape {
	case SingleShape:
		b.WriteString(`,"keys":[`)
		for i, k := range d.Keys {
			if i > 0 {
				b.WriteByte(',')
			}
			if k.Desc == nil {
				return fmt.Errorf("functions: key %q has no description", k.Name)
			}
			if err := writeJSONNode(b, k.Desc, k.Name, true, depth+1); err != nil {
				return err
			}
		}
		b.WriteByte(']')
	case MultipleShape:
		if d.Content == nil {
			return fmt.Errorf("functions: multiple structure without content")
		}
		b.WriteString(`,"content":`)
		if err := writeJSONNode(b, d.Content, "", false, depth+1); err != nil {
			return err
		}
	}
	b.WriteByte('}')
	return nil
}

func writeJSONString(b *bytes.Buffer, s string) {
	out, _ := json.Marshal(s) // strings always marshal
	b.Write(out)
}

// writeJSONValue writes a default value; maps come out with sorted keys.
func writeJSONValue(b *bytes.Buffer, v any, depth int) error {
	if depth > maxDescriptionDepth {
		return fmt.Errorf("functions: default nested too deeply")
	}
	if f, ok := v.(float64); ok && (math.IsNaN(f) || math.IsInf(f, 0)) {
		return fmt.Errorf("functions: default %v is not a finite number", f)
	}
	out, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("functions: default: %w", err)
	}
	b.Write(out)
	return nil
}

// jsonNode is the stored form of one description node.
type jsonNode struct {
	Name        *string         `json:"name"`
	Type        string          `json:"type"`
	Description string          `json:"description"`
	Required    *bool           `json:"required"`
	Default     json.RawMessage `json:"default"`
	AllowNull   *bool           `json:"allownull"`
	Keys        []jsonNode      `json:"keys"`
	Content     *jsonNode       `json:"content"`
}

// UnmarshalJSON reads what MarshalJSON writes; defaults are validated
// against their node and stored cleaned, as when parsed from YAML.
func (d *Description) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var n jsonNode
	if err := dec.Decode(&n); err != nil {
		return &DescriptionError{Path: "description", Msg: err.Error()}
	}
	out, err := n.description("description", 0)
	if err != nil {
		return err
	}
	*d = *out
	return nil
}

func (n *jsonNode) description(path string, depth int) (*Description, error) {
	if depth > maxDescriptionDepth {
		return nil, &DescriptionError{Path: path, Msg: "description nested too deeply"}
	}
	bad := func(format string, args ...any) error {
		return &DescriptionError{Path: path, Msg: fmt.Sprintf(format, args...)}
	}
	d := &Description{Doc: n.Description}
	switch n.Type {
	case "single":
		d.Shape = SingleShape
		seen := make(map[string]bool, len(n.Keys))
		for i := range n.Keys {
			k := &n.Keys[i]
			if k.Name == nil || *k.Name == "" {
				return nil, bad("keys[%d] has no name", i)
			}
			if seen[*k.Name] {
				return nil, bad("duplicate key %q", *k.Name)
			}
			seen[*k.Name] = true
			kd, err := k.description(path+".keys."+*k.Name, depth+1)
			if err != nil {
				return nil, err
			}
			d.Keys = append(d.Keys, Key{Name: *k.Name, Desc: kd})
		}
		if n.Content != nil {
			return nil, bad("content is only for multiple")
		}
	case "multiple":
		d.Shape = MultipleShape
		if n.Content == nil {
			return nil, bad("a multiple structure needs content")
		}
		if n.Keys != nil {
			return nil, bad("keys are only for single")
		}
		c, err := n.Content.description(path+".content", depth+1)
		if err != nil {
			return nil, err
		}
		d.Content = c
	default:
		t, err := ParseParamType(n.Type)
		if err != nil {
			return nil, bad("unknown PARAM type %q", n.Type)
		}
		d.Shape, d.Type = ValueShape, t
		if n.Keys != nil || n.Content != nil {
			return nil, bad("keys and content are only for structures")
		}
	}
	d.AllowNull = d.Shape == ValueShape
	if n.AllowNull != nil {
		d.AllowNull = *n.AllowNull
	}
	switch {
	case n.Default != nil:
		if n.Required != nil && *n.Required {
			return nil, bad("a default makes the key optional: required must be false")
		}
		dec := json.NewDecoder(bytes.NewReader(n.Default))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, bad("default: %v", err)
		}
		dv, msg := normalizeDefault(d, v)
		if msg != "" {
			return nil, bad("invalid default: %s", msg)
		}
		d.Presence, d.DefaultVal = Default, dv
	case n.Required != nil && !*n.Required:
		d.Presence = Optional
	}
	return d, nil
}
