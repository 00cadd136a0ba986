package rest

import (
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/protocols"
)

// MaxFormVars is the most name=value pairs accepted from one source (the
// query string, or the body), and the most leaves of a JSON body. PHP's
// max_input_vars defaults to 1000, which silently truncates bulk calls; we
// allow more and refuse beyond. Nesting is bounded by the parse budget
// (protocols.Limits.MaxDepth, PHP's max_input_nesting_level 64 by default):
// a[1]...[64] passes, a 65th level is refused, where PHP drops the variable
// silently.
const MaxFormVars = 10000

// ParseQuery parses a raw query string or an application/x-www-form-urlencoded
// body as PHP fills $_GET and $_POST: pairs split on '&', PHP's URL decoding
// (invalid % escapes kept as they are), bracket names nested into trees and
// pairs applied in order, so a later duplicate wins. Structures are
// map[string]any, leaves are strings; list indexes stay string keys. It
// decodes within the default parse budget.
func ParseQuery(query string) (map[string]any, error) {
	return parseQuery(query, protocols.NewBudget(protocols.Limits{}))
}

// parseQuery is ParseQuery within budget: every array and leaf is a node
// taken before it is made, every name and value byte a string byte.
func parseQuery(query string, budget *protocols.Budget) (map[string]any, error) {
	b := newFormBuilder(budget)
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if err := b.add(phpURLDecode(k), phpURLDecode(v)); err != nil {
			return nil, err
		}
	}
	return b.tree(), nil
}

// queryString returns the string ParseQuery would store under the plain
// name, the value of its last pair, without building the tree; false when
// no pair has that name or the last one makes it an array (name[...]).
// It follows add's reading of names: NUL ends a name, leading spaces are
// dropped, a '[' closed by a ']' starts an index, and an unclosed one makes
// another name.
func queryString(query, name string) (string, bool) {
	value, found := "", false
	for query != "" {
		var pair string
		pair, query, _ = strings.Cut(query, "&")
		k, v, _ := strings.Cut(pair, "=")
		if !strings.Contains(k, name) && strings.IndexByte(k, '%') < 0 {
			continue // cannot decode to the name
		}
		k = phpURLDecode(k)
		if i := strings.IndexByte(k, 0); i >= 0 {
			k = k[:i]
		}
		rest, ok := strings.CutPrefix(strings.TrimLeft(k, " "), name)
		switch {
		case !ok:
		case rest == "":
			value, found = phpURLDecode(v), true
		case rest[0] == '[' && strings.IndexByte(rest, ']') >= 0:
			value, found = "", false // an array now
		}
	}
	return value, found
}

// ParseForm builds the same tree as ParseQuery from already decoded values.
// url.Values has lost the order between names, so names are applied in sorted
// order (values of one name in their order), which keeps the result stable.
func ParseForm(values url.Values) (map[string]any, error) {
	names := make([]string, 0, len(values))
	for k := range values {
		names = append(names, k)
	}
	slices.Sort(names)
	b := newFormBuilder(protocols.NewBudget(protocols.Limits{}))
	for _, k := range names {
		for _, v := range values[k] {
			if err := b.add(k, v); err != nil {
				return nil, err
			}
		}
	}
	return b.tree(), nil
}

// phpArray is a PHP array under construction: its entries (strings or
// *phpArray) and nNextFreeElement, the key `[]` appends at.
type phpArray struct {
	m    map[string]any
	next int64 // math.MinInt64 until an integer key is used (PHP ≥ 8.3 rule)
}

func newPHPArray() *phpArray { return &phpArray{m: map[string]any{}, next: math.MinInt64} }

// noteKey keeps next above every integer key, as zend_hash does.
func (a *phpArray) noteKey(k string) {
	if h, ok := phpIntKey(k); ok && h >= a.next {
		if h < math.MaxInt64 {
			a.next = h + 1
		} else {
			a.next = math.MaxInt64
		}
	}
}

// appendKey returns the key `[]` would use, or false when PHP's append fails
// (the next index is taken at the top of the integer range).
func (a *phpArray) appendKey() (string, bool) {
	h := a.next
	if h == math.MinInt64 {
		h = 0
	}
	k := strconv.FormatInt(h, 10)
	if _, taken := a.m[k]; taken {
		return "", false
	}
	return k, true
}

// child returns the array at key (a fresh one appended when key is nil),
// replacing a string found there, as php_register_variable_ex does; nil
// when PHP's append fails. A fresh array is a node of budget at depth.
func (a *phpArray) child(key *string, budget *protocols.Budget, depth int) (*phpArray, error) {
	var k string
	if key == nil {
		var ok bool
		if k, ok = a.appendKey(); !ok {
			return nil, nil
		}
	} else {
		k = *key
		if c, ok := a.m[k].(*phpArray); ok {
			return c, nil
		}
	}
	if err := budget.Node(depth); err != nil {
		return nil, err
	}
	c := newPHPArray()
	a.m[k] = c
	a.noteKey(k)
	return c, nil
}

// set stores a string at key, or appends it when key is nil; the string is
// a node of budget at depth.
func (a *phpArray) set(key *string, v string, budget *protocols.Budget, depth int) error {
	var k string
	if key == nil {
		var ok bool
		if k, ok = a.appendKey(); !ok {
			return nil
		}
	} else {
		k = *key
	}
	if err := budget.Node(depth); err != nil {
		return err
	}
	a.m[k] = v
	a.noteKey(k)
	return nil
}

// finish turns the arrays into plain maps in place.
func (a *phpArray) finish() map[string]any {
	for k, v := range a.m {
		if c, ok := v.(*phpArray); ok {
			a.m[k] = c.finish()
		}
	}
	return a.m
}

// formBuilder applies name=value pairs one by one, counting them and
// taking what they build from the budget.
type formBuilder struct {
	root   *phpArray
	vars   int
	budget *protocols.Budget
}

func newFormBuilder(budget *protocols.Budget) *formBuilder {
	return &formBuilder{root: newPHPArray(), budget: budget}
}

func (b *formBuilder) tree() map[string]any { return b.root.finish() }

// errTooManyVars is the error of a source with more than MaxFormVars variables.
var errTooManyVars = wsgate.ErrRequestTooLarge.Messagef(
	"holds more than " + strconv.Itoa(MaxFormVars) + " input variables: split the call into smaller batches")

// add registers one variable as php_register_variable_ex (main/php_variables.c)
// does, except that too many variables or a request over the budget is an error.
func (b *formBuilder) add(name, value string) error {
	if b.vars++; b.vars > MaxFormVars {
		return errTooManyVars
	}
	if err := b.budget.Bytes(len(name) + len(value)); err != nil {
		return err
	}
	if i := strings.IndexByte(name, 0); i >= 0 {
		name = name[:i] // PHP handles names as C strings
	}
	orig := strings.TrimLeft(name, " ")
	top, rest := orig, ""
	if i := strings.IndexByte(orig, '['); i >= 0 {
		top, rest = orig[:i], orig[i:]
	}
	top = mangle(top, false)
	if top == "" ||
		strings.HasPrefix(top, "__Host-") && !strings.HasPrefix(orig, "__Host-") ||
		strings.HasPrefix(top, "__Secure-") && !strings.HasPrefix(orig, "__Secure-") {
		return nil // PHP discards these
	}
	if rest == "" {
		return b.root.set(&top, value, b.budget, 0)
	}

	cur := b.root
	index := &top // nil means "append"
	pos := 0      // rest[pos] == '['
	depth := 0    // the arrays around cur's entries
	for level := 1; ; level++ {
		if err := b.budget.Depth(level); err != nil { // PHP counts every '['
			return err
		}
		start := pos + 1
		ip := start
		if ip < len(rest) && isCSpace(rest[ip]) {
			ip++
		}
		var next *string
		if ip >= len(rest) || rest[ip] != ']' {
			j := strings.IndexByte(rest[ip:], ']')
			if j < 0 {
				// Not an index: at the first level the bracket becomes part of
				// the name ("a[b" is "a_b"); deeper, the rest is ignored.
				if level == 1 {
					s := top + "_" + mangle(rest[start:], true)
					index = &s
				}
				break
			}
			ip += j
			s := rest[start:ip]
			next = &s
		}
		c, err := cur.child(index, b.budget, depth)
		if c == nil {
			return err
		}
		cur, index, depth = c, next, depth+1
		if ip++; ip < len(rest) && rest[ip] == '[' {
			pos = ip
			continue
		}
		break // anything after the last ']' is ignored
	}
	return cur.set(index, value, b.budget, depth)
}

// mangle replaces ' ' and '.' (and '[' when brackets is set) by '_', as PHP
// does in variable names.
func mangle(s string, brackets bool) string {
	i := 0 // a byte loop: cheaper than strings.ContainsAny on short names
	for i < len(s) && s[i] != ' ' && s[i] != '.' && s[i] != '[' {
		i++
	}
	if i == len(s) {
		return s
	}
	buf := []byte(s)
	for i, c := range buf {
		if c == ' ' || c == '.' || (brackets && c == '[') {
			buf[i] = '_'
		}
	}
	return string(buf)
}

// isCSpace is C's isspace() in the C locale.
func isCSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// phpIntKey reports whether PHP would store key k as an integer key
// (ZEND_HANDLE_NUMERIC_STR: canonical decimal within the zend_long range).
func phpIntKey(k string) (int64, bool) {
	if k == "" || len(k) > 20 {
		return 0, false
	}
	i := 0
	if k[0] == '-' {
		i = 1
	}
	if i == len(k) || (k[i] == '0' && len(k) > i+1) || k == "-0" {
		return 0, false
	}
	for j := i; j < len(k); j++ {
		if k[j] < '0' || k[j] > '9' {
			return 0, false
		}
	}
	h, err := strconv.ParseInt(k, 10, 64)
	return h, err == nil
}

// phpURLDecode is php_url_decode: '+' is a space, %XX with two hex digits is
// a byte, any other '%' stays as it is.
func phpURLDecode(s string) string {
	i := 0 // a byte loop: cheaper than strings.ContainsAny on short strings
	for i < len(s) && s[i] != '+' && s[i] != '%' {
		i++
	}
	if i == len(s) {
		return s
	}
	buf := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			buf = append(buf, ' ')
		case c == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]):
			buf = append(buf, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
		default:
			buf = append(buf, c)
		}
	}
	return string(buf)
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c <= '9':
		return c - '0'
	case c <= 'F':
		return c - 'A' + 10
	}
	return c - 'a' + 10
}
