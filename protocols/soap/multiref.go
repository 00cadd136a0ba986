package soap

import (
	"strings"

	"wsgate"
	"wsgate/protocols"
)

// resolveRefs replaces every element of the operation subtree that carries
// href="#id" by a copy of the value of the element with that id (SOAP 1.1
// multi-reference values: PHP's SoapClient sends an object it meets twice
// once, with an id, and then as an href; other toolkits put such values
// after the operation as Body children). The copy keeps the referring
// element's name.
//
// A copy is taken from b, every element and every byte of its text, each
// time a reference repeats it, so references cannot multiply a small
// request into a large one. A reference to an id that is not in the
// request, an id given twice, a reference that is not "#id" and a value
// that contains a reference to itself are Client faults.
func resolveRefs(env *envelope, b *protocols.Budget) error {
	if env.op == nil {
		return nil
	}
	r := resolver{ids: map[string]*node{}, onPath: map[*node]bool{}, budget: b}
	refs := false
	for _, root := range append([]*node{env.op}, env.refs...) {
		found, err := r.collect(root)
		if err != nil {
			return err
		}
		refs = refs || found
	}
	if !refs {
		return nil
	}
	return r.walk(env.op, -1, false)
}

// resolver follows the references of one request.
type resolver struct {
	ids    map[string]*node // elements by id
	onPath map[*node]bool   // targets being copied, and elements with an id being walked
	budget *protocols.Budget
}

// collect indexes the ids under n and reports whether n's subtree holds a
// reference.
func (r *resolver) collect(n *node) (bool, error) {
	refs := n.href != ""
	if n.id != "" {
		if _, dup := r.ids[n.id]; dup {
			return false, badRequest("The id %q is given to more than one element", n.id)
		}
		r.ids[n.id] = n
	}
	for _, k := range n.kids {
		found, err := r.collect(k)
		if err != nil {
			return false, err
		}
		refs = refs || found
	}
	return refs, nil
}

// walk resolves the references among the children of n, the value at depth
// (the operation is at -1); copied says n is part of a copy, whose elements
// and text are taken from the budget.
func (r *resolver) walk(n *node, depth int, copied bool) error {
	if copied {
		if err := r.budget.Node(max(depth, 0)); err != nil {
			return &requestError{err: wsgate.AsError(err)}
		}
		if err := r.budget.Bytes(len(n.text)); err != nil {
			return &requestError{err: wsgate.AsError(err)}
		}
	}
	if n.id != "" {
		r.onPath[n] = true
		defer delete(r.onPath, n)
	}
	for i, k := range n.kids {
		if k.href == "" {
			if err := r.walk(k, depth+1, copied); err != nil {
				return err
			}
			continue
		}
		id, ok := strings.CutPrefix(strings.TrimSpace(k.href), "#")
		t := r.ids[id]
		switch {
		case !ok:
			return badRequest("The reference %q in %s does not name an element of the request (#id)", k.href, k.name)
		case t == nil:
			return badRequest("The reference %q in %s names no element of the request", k.href, k.name)
		case r.onPath[t]:
			return badRequest("The reference %q in %s is circular", k.href, k.name)
		}
		c := &node{name: k.name, typ: t.typ, null: t.null, array: t.array, text: t.text,
			kids: append([]*node(nil), t.kids...)}
		n.kids[i] = c
		r.onPath[t] = true
		err := r.walk(c, depth+1, true)
		delete(r.onPath, t)
		if err != nil {
			return err
		}
	}
	return nil
}
