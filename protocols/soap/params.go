package soap

import (
	"strconv"
	"strings"

	"wsgate"
	"wsgate/functions"
	"wsgate/protocols"
)

// paramsOf turns the operation element into call parameters, guided by the
// function's parameter description d (nil when unknown): named parts become
// params; parts named param0, param1... in order (PHP's SoapClient without a
// WSDL) become positional args unless d declares a param0.
//
// Leaves stay strings, except where typing is known: an xsi:type of an XML
// Schema number or boolean type, or else the declared PARAM type INT, FLOAT
// or BOOL, turn text in that type's lexical form into int64, float64 or
// bool. Text that does not parse stays a string for the validator to refuse;
// xsi:type xsd:string keeps the text as it is, as PHP does.
//
// The elements were taken from budget as they were read; what the
// conversion adds, a list for an element name repeated without a
// description (which puts the values one level deeper), is taken here.
func paramsOf(op *node, d *functions.Description, budget *protocols.Budget) (map[string]any, []any, error) {
	if op == nil || op.null {
		return map[string]any{}, nil, nil
	}
	c := converter{budget: budget}
	if positional(op, d) {
		args := make([]any, len(op.kids))
		for i, k := range op.kids {
			var kd *functions.Description
			if d != nil && d.Shape == functions.SingleShape && i < len(d.Keys) {
				kd = d.Keys[i].Desc
			}
			v, err := c.value(k, kd, 0)
			if err != nil {
				return nil, nil, err
			}
			args[i] = v
		}
		return nil, args, nil
	}
	m, err := c.structure(op, d, -1) // the operation is the parameter list, its parts at depth 0
	if err != nil {
		return nil, nil, err
	}
	return m, nil, nil
}

// dropOmitted removes the parts of an rpc operation that stand for omitted
// arguments: PHP's SoapClient sends a part the call left out as xsi:nil,
// so a nil part that d declares optional or defaulted and not nullable is
// taken as absent (and gets its default). Required and nullable parts stay.
func dropOmitted(op *node, d *functions.Description) {
	if op == nil {
		return
	}
	kids := op.kids[:0]
	for _, k := range op.kids {
		if kd := keyDesc(d, k.name); k.null && kd != nil && kd.Presence != functions.Required && !kd.AllowNull {
			continue
		}
		kids = append(kids, k)
	}
	op.kids = kids
}

// converter converts elements into values within a request's budget. Every
// method takes the depth of the value it makes (the arrays and structures
// around it).
type converter struct{ budget *protocols.Budget }

// positional reports whether the parts are param0, param1... and d does not
// declare such names.
func positional(op *node, d *functions.Description) bool {
	if len(op.kids) == 0 || keyDesc(d, "param0") != nil {
		return false
	}
	for i, k := range op.kids {
		if k.name != "param"+strconv.Itoa(i) {
			return false
		}
	}
	return true
}

// value converts one element as d describes it (d nil: by its form).
// Elements whose form does not match d are converted by their form, so the
// validator sees and refuses what was sent.
func (c converter) value(n *node, d *functions.Description, depth int) (any, error) {
	if n.null {
		return nil, nil
	}
	if d == nil {
		return c.generic(n, depth)
	}
	switch d.Shape {
	case functions.SingleShape:
		if len(n.kids) == 0 {
			return emptyOr(n, map[string]any{}), nil
		}
		return c.structure(n, d, depth)
	case functions.MultipleShape:
		if len(n.kids) == 0 {
			return emptyOr(n, []any{}), nil
		}
		items := make([]any, len(n.kids))
		for i, k := range n.kids {
			v, err := c.value(k, d.Content, depth+1)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return items, nil
	}
	if len(n.kids) > 0 {
		return c.generic(n, depth)
	}
	return leaf(n, d.Type), nil
}

// emptyOr returns empty for an element without content, its text otherwise
// (a scalar where a structure was expected).
func emptyOr(n *node, empty any) any {
	if strings.TrimSpace(string(n.text)) != "" {
		return string(n.text)
	}
	return empty
}

// structure converts a single structure: child elements by name, or an
// Apache map of key/value items. A key sent twice is an error. Without a
// description (an unknown function) it converts as generic does.
func (c converter) structure(n *node, d *functions.Description, depth int) (map[string]any, error) {
	if d == nil {
		return c.genericMap(n, depth)
	}
	m := make(map[string]any, len(n.kids))
	if apacheMap(n, d) {
		for _, it := range n.kids {
			kn, vn := it.kids[0], it.kids[1]
			if kn.name != "key" {
				kn, vn = vn, kn
			}
			key := string(kn.text)
			if _, dup := m[key]; dup {
				return nil, wsgate.ErrInvalidParameter.WithDebugf("Duplicate key %s in %s", key, n.name)
			}
			v, err := c.value(vn, keyDesc(d, key), depth+1)
			if err != nil {
				return nil, err
			}
			m[key] = v
		}
		return m, nil
	}
	for _, k := range n.kids {
		if _, dup := m[k.name]; dup {
			return nil, wsgate.ErrInvalidParameter.WithDebugf("Duplicate element %s in %s", k.name, n.name)
		}
		v, err := c.value(k, keyDesc(d, k.name), depth+1)
		if err != nil {
			return nil, err
		}
		m[k.name] = v
	}
	return m, nil
}

// apacheMap reports whether n is an Apache SOAP map (PHP's encoding of
// associative arrays without a WSDL): only <item> children holding a <key>
// with text and a <value>, where d declares no key named item.
func apacheMap(n *node, d *functions.Description) bool {
	if len(n.kids) == 0 || keyDesc(d, "item") != nil {
		return false
	}
	for _, it := range n.kids {
		if it.name != "item" || len(it.kids) != 2 {
			return false
		}
		a, b := it.kids[0].name, it.kids[1].name
		if !(a == "key" && b == "value") && !(a == "value" && b == "key") {
			return false
		}
		k := it.kids[0]
		if a != "key" {
			k = it.kids[1]
		}
		if len(k.kids) > 0 || k.null {
			return false
		}
	}
	return true
}

// keyDesc returns the description of key name in the single structure d.
func keyDesc(d *functions.Description, name string) *functions.Description {
	if d == nil || d.Shape != functions.SingleShape {
		return nil
	}
	for _, k := range d.Keys {
		if k.Name == name {
			return k.Desc
		}
	}
	return nil
}

// generic converts an element without a description: SOAP-ENC arrays and
// elements whose children are all <item> become lists, Apache maps and other
// elements with children become maps (a name repeated makes a list of its
// values), text becomes a leaf typed by xsi:type.
func (c converter) generic(n *node, depth int) (any, error) {
	if err := c.budget.Depth(depth); err != nil { // deeper than its element under a repeated name
		return nil, err
	}
	if n.null {
		return nil, nil
	}
	if len(n.kids) == 0 {
		if n.array {
			return []any{}, nil
		}
		return leaf(n, 0), nil
	}
	if n.array || allItems(n) {
		items := make([]any, len(n.kids))
		for i, k := range n.kids {
			v, err := c.generic(k, depth+1)
			if err != nil {
				return nil, err
			}
			items[i] = v
		}
		return items, nil
	}
	return c.genericMap(n, depth)
}

// genericMap converts the children of n into a map: an Apache map by its
// keys, other children by name, a repeated name making a list of its values
// (a value of the budget, its values one level deeper).
func (c converter) genericMap(n *node, depth int) (map[string]any, error) {
	m := make(map[string]any, len(n.kids))
	if apacheMap(n, nil) {
		for _, it := range n.kids {
			kn, vn := it.kids[0], it.kids[1]
			if kn.name != "key" {
				kn, vn = vn, kn
			}
			v, err := c.generic(vn, depth+1)
			if err != nil {
				return nil, err
			}
			m[string(kn.text)] = v
		}
		return m, nil
	}
	var repeated map[string]int // names given more than once -> how often
	for _, k := range n.kids {
		if _, seen := m[k.name]; seen {
			if repeated == nil {
				repeated = map[string]int{}
			}
			repeated[k.name]++
		}
		m[k.name] = nil
	}
	for name, more := range repeated {
		if err := c.budget.Node(depth + 1); err != nil {
			return nil, err
		}
		m[name] = make([]any, 0, more+1)
	}
	for _, k := range n.kids {
		if _, ok := repeated[k.name]; ok {
			v, err := c.generic(k, depth+2)
			if err != nil {
				return nil, err
			}
			m[k.name] = append(m[k.name].([]any), v)
			continue
		}
		v, err := c.generic(k, depth+1)
		if err != nil {
			return nil, err
		}
		m[k.name] = v
	}
	return m, nil
}

// allItems reports whether every child of n is named item.
func allItems(n *node) bool {
	for _, k := range n.kids {
		if k.name != "item" {
			return false
		}
	}
	return true
}
