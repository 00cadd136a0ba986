package crud

import (
	"cmp"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// ListParams is a list query: ?search=&order=&direction=&limit=&offset= and
// exact filters ?<column>=<value>.
type ListParams struct {
	Search string
	Order  string // a column; "" for the default
	Desc   bool
	// Direction is the direction as given: "asc", "desc" or "" (absent),
	// for a list whose default is not ascending.
	Direction string
	Limit     int // 0 for no limit
	Offset    int
	Filters   map[string]string
}

// The query parameters every list takes; any other one must be a column.
const (
	paramSearch    = "search"
	paramOrder     = "order"
	paramDirection = "direction"
	paramLimit     = "limit"
	paramOffset    = "offset"
)

// ParseList reads a list query. Each parameter may appear once; limit is a
// positive integer, offset a non-negative one, direction asc or desc. The
// other parameters are filters, checked against the columns by Columns.Page.
func ParseList(q url.Values) (ListParams, error) {
	p := ListParams{Filters: map[string]string{}}
	bad := Fields{}
	for name, values := range q {
		if len(values) != 1 {
			bad[name] = "must be given once"
			continue
		}
		v := values[0]
		switch name {
		case paramSearch:
			p.Search = v
		case paramOrder:
			p.Order = v
		case paramDirection:
			p.Direction = v
			switch v {
			case "asc":
			case "desc":
				p.Desc = true
			default:
				bad[name] = "must be asc or desc"
			}
		case paramLimit:
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 {
				bad[name] = "must be a positive integer"
			}
			p.Limit = n
		case paramOffset:
			n, err := strconv.Atoi(v)
			if err != nil || n < 0 {
				bad[name] = "must be a non-negative integer"
			}
			p.Offset = n
		default:
			p.Filters[name] = v
		}
	}
	if len(bad) > 0 {
		return ListParams{}, Invalid(bad)
	}
	return p, nil
}

// Page is one page of a list: Total counts every resource, Filtered those
// that match the search and the filters, Items the page of those.
type Page[T any] struct {
	Total    int
	Filtered int
	Items    []T
}

// Column is one column of a resource: a string, an integer or a boolean.
type Column[T any] struct {
	kind  columnKind
	value func(*T) any
}

type columnKind uint8

const (
	stringColumn columnKind = iota
	intColumn
	boolColumn
)

// String is a text column.
func String[T any](get func(*T) string) Column[T] {
	return Column[T]{stringColumn, func(m *T) any { return get(m) }}
}

// Int is an integer column.
func Int[T any](get func(*T) int64) Column[T] {
	return Column[T]{intColumn, func(m *T) any { return get(m) }}
}

// Bool is a boolean column.
func Bool[T any](get func(*T) bool) Column[T] {
	return Column[T]{boolColumn, func(m *T) any { return get(m) }}
}

// parse reads a filter value as the column's type.
func (c Column[T]) parse(v string) (any, error) {
	switch c.kind {
	case intColumn:
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return nil, errorString("must be an integer")
		}
		return n, nil
	case boolColumn:
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errorString("must be true or false")
		}
		return b, nil
	}
	return v, nil
}

// Columns describes how a resource is listed.
type Columns[T any] struct {
	// Columns can be filtered on exactly (?name=value) and ordered by.
	Columns map[string]Column[T]
	// Search names the columns ?search= looks into: a case-insensitive
	// substring match on any of them.
	Search []string
	// Default is the column the list is ordered by when ?order= is absent.
	Default string
}

// Page returns the page of all that p selects. An unknown filter or order
// column, or a filter value of the wrong type, is an Invalid error.
func (c Columns[T]) Page(all []T, p ListParams) (Page[T], error) {
	order := p.Order
	if order == "" {
		order = c.Default
	}
	bad := Fields{}
	if _, ok := c.Columns[order]; !ok {
		bad[paramOrder] = "column '" + order + "' was not found"
	}
	filters := make(map[string]any, len(p.Filters))
	for name, v := range p.Filters {
		col, ok := c.Columns[name]
		if !ok {
			bad[name] = "is not a query parameter of this list"
			continue
		}
		want, err := col.parse(v)
		if err != nil {
			bad[name] = err.Error()
			continue
		}
		filters[name] = want
	}
	if len(bad) > 0 {
		return Page[T]{}, Invalid(bad)
	}
	search := strings.ToLower(p.Search)
	var out []T
	for i := range all {
		m := &all[i]
		if search != "" && !c.matches(m, search) {
			continue
		}
		keep := true
		for name, want := range filters {
			if c.Columns[name].value(m) != want {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, *m)
		}
	}
	key := c.Columns[order].value
	slices.SortStableFunc(out, func(a, b T) int {
		r := compare(key(&a), key(&b))
		if p.Desc {
			return -r
		}
		return r
	})
	page := Page[T]{Total: len(all), Filtered: len(out)}
	lo := min(p.Offset, len(out))
	hi := len(out)
	if p.Limit > 0 {
		hi = min(lo+p.Limit, hi)
	}
	page.Items = out[lo:hi]
	if page.Items == nil {
		page.Items = []T{}
	}
	return page, nil
}

func (c Columns[T]) matches(m *T, search string) bool {
	for _, name := range c.Search {
		if strings.Contains(strings.ToLower(text(c.Columns[name].value(m))), search) {
			return true
		}
	}
	return false
}

type errorString string

func (e errorString) Error() string { return string(e) }

// text is a column value as ?search= sees it.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case int64:
		return strconv.FormatInt(v, 10)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}

// compare orders two values of one column: numbers by value, false before
// true, strings case-insensitively.
func compare(a, b any) int {
	switch a := a.(type) {
	case int64:
		return cmp.Compare(a, b.(int64))
	case bool:
		bb := b.(bool)
		switch {
		case a == bb:
			return 0
		case !a:
			return -1
		}
		return 1
	case string:
		bs := b.(string)
		if r := strings.Compare(strings.ToLower(a), strings.ToLower(bs)); r != 0 {
			return r
		}
		return strings.Compare(a, bs)
	}
	return 0
}
