package apidoc

import (
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"wsgate/functions"
	"wsgate/functions/jsonschema"
)

// Node is one line of a description tree, for display.
type Node struct {
	Name      string // key name; "" for list items and the root
	Type      string // "int", "raw", ... for values; "object" for single; "list" for multiple
	Doc       string
	Required  string // "required", "optional", or "default"
	Default   string // the default rendered as Moodle/PHP would show it (only for "default")
	AllowNull bool
	Children  []Node // keys of an object; the single item of a list
}

// Tree returns the description d as display nodes. A nil d (a void
// function) gives nil; a single structure (the parameters, or a structure
// returned) gives its keys as top-level nodes, its own Doc being d.Doc; a
// list or a value gives one unnamed root node.
//
// Types are Moodle's PARAM names in lower case ("int", "alphanumext");
// Default is what Moodle's documentation prints after "Default to": "null"
// for a null default, else PHP's print_r of it (true "1", false "",
// arrays as "Array\n(\n    [0] => a\n)\n"). Keys without a description are
// left out, and of keys declared twice only the first is shown, as
// everywhere in this package.
func Tree(d *functions.Description) []Node {
	if d == nil {
		return nil
	}
	if d.Shape == functions.SingleShape {
		return treeKeys(d, 0)
	}
	return []Node{treeNode("", d, 0)}
}

func treeKeys(d *functions.Description, depth int) []Node {
	keys := jsonschema.Keys(d)
	if len(keys) == 0 || depth >= jsonschema.MaxDepth {
		return nil
	}
	out := make([]Node, len(keys))
	for i, k := range keys {
		out[i] = treeNode(k.Name, k.Desc, depth+1)
	}
	return out
}

func treeNode(name string, d *functions.Description, depth int) Node {
	n := Node{Name: name, Doc: d.Doc, Required: presenceName(d.Presence), AllowNull: d.AllowNull}
	if d.Presence == functions.Default {
		n.Default = moodleDefault(d)
	}
	switch d.Shape {
	case functions.SingleShape:
		n.Type = "object"
		n.Children = treeKeys(d, depth)
	case functions.MultipleShape:
		n.Type = "list"
		if d.Content != nil && depth < jsonschema.MaxDepth {
			n.Children = []Node{treeNode("", d.Content, depth+1)}
		}
	default:
		n.Type = d.Type.String()
	}
	return n
}

func presenceName(p functions.Presence) string {
	switch p {
	case functions.Optional:
		return "optional"
	case functions.Default:
		return "default"
	}
	return "required"
}

// moodleDefault renders a default as Moodle's documentation does:
// print_r($default, true), "null" for null.
func moodleDefault(d *functions.Description) string {
	if d.DefaultVal == nil {
		return "null"
	}
	var b strings.Builder
	printR(&b, d.DefaultVal, d, 0, 0)
	return b.String()
}

// printR writes v as PHP's print_r does; d, when it describes v, orders
// the members of a structure by declaration.
func printR(b *strings.Builder, v any, d *functions.Description, indent, depth int) {
	switch x := v.(type) {
	case nil:
	case bool:
		if x {
			b.WriteByte('1')
		}
	case string:
		b.WriteString(x)
	case int:
		b.WriteString(strconv.Itoa(x))
	case int64:
		b.WriteString(strconv.FormatInt(x, 10))
	case float64:
		b.WriteString(phpFloat(x))
	case json.Number:
		b.WriteString(string(x))
	case []any:
		var content *functions.Description
		if d != nil && d.Shape == functions.MultipleShape {
			content = d.Content
		}
		keys := make([]string, len(x))
		for i := range x {
			keys[i] = strconv.Itoa(i)
		}
		printRArray(b, keys, func(i int) (any, *functions.Description) { return x[i], content }, indent, depth)
	case map[string]any:
		keys := make([]string, 0, len(x))
		descs := make([]*functions.Description, 0, len(x))
		for _, k := range jsonschema.Keys(d) {
			if _, ok := x[k.Name]; ok {
				keys = append(keys, k.Name)
				descs = append(descs, k.Desc)
			}
		}
		if len(keys) < len(x) {
			var rest []string
			for k := range x {
				if !slices.Contains(keys, k) {
					rest = append(rest, k)
				}
			}
			slices.Sort(rest)
			keys = append(keys, rest...)
		}
		printRArray(b, keys, func(i int) (any, *functions.Description) {
			if i < len(descs) {
				return x[keys[i]], descs[i]
			}
			return x[keys[i]], nil
		}, indent, depth)
	default:
		fmt.Fprint(b, x)
	}
}

// printRArray is print_r's print_hash: members indented by four spaces,
// nested arrays by eight.
func printRArray(b *strings.Builder, keys []string, at func(int) (any, *functions.Description), indent, depth int) {
	b.WriteString("Array\n")
	if depth >= jsonschema.MaxDepth {
		return
	}
	pad := func(n int) { b.WriteString(strings.Repeat(" ", n)) }
	pad(indent)
	b.WriteString("(\n")
	for i, k := range keys {
		pad(indent + 4)
		b.WriteString("[" + k + "] => ")
		v, d := at(i)
		printR(b, v, d, indent+8, depth+1)
		b.WriteByte('\n')
	}
	pad(indent)
	b.WriteString(")\n")
}

// phpFloat is PHP's conversion of a float to a string with precision=14
// (print_r, echo): zend_gcvt with 14 significant digits.
func phpFloat(f float64) string {
	switch {
	case math.IsNaN(f):
		return "NAN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	}
	const precision = 14
	sign := ""
	if math.Signbit(f) {
		sign, f = "-", -f
	}
	if f == 0 {
		return sign + "0"
	}
	// d.ddddde±XX rounded to 14 significant digits.
	e := strconv.FormatFloat(f, 'e', precision-1, 64)
	mant, exp, _ := strings.Cut(e, "e")
	digits := strings.TrimRight(strings.Replace(mant, ".", "", 1), "0")
	x, _ := strconv.Atoi(exp)
	decpt := x + 1 // the value is 0.digits × 10^decpt
	switch {
	case decpt < -3 || decpt > precision:
		frac := digits[1:]
		if frac == "" {
			frac = "0"
		}
		es := "+"
		if x < 0 {
			es, x = "-", -x
		}
		return sign + digits[:1] + "." + frac + "E" + es + strconv.Itoa(x)
	case decpt <= 0:
		return sign + "0." + strings.Repeat("0", -decpt) + digits
	case len(digits) <= decpt:
		return sign + digits + strings.Repeat("0", decpt-len(digits))
	}
	return sign + digits[:decpt] + "." + digits[decpt:]
}
