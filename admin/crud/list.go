package crud

import (
	"net/url"
	"strconv"
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
// other parameters are filters, checked against the columns by Columns.Check.
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
// that match the search and the filters, Items the page of those. Scanned
// is how many resources the dao read to make it: the page's rows for a list
// paged in SQL, every resource for one paged in memory.
type Page[T any] struct {
	Total    int
	Filtered int
	Items    []T
	Scanned  int
}

// Column is one column of a resource: a string, an integer or a boolean,
// read from a loaded resource by value and, for a list paged in SQL, in the
// SQL expression sql.
type Column[T any] struct {
	kind  columnKind
	value func(*T) any
	sql   string
}

type columnKind uint8

const (
	stringColumn columnKind = iota
	intColumn
	boolColumn
)

// String is a text column.
func String[T any](get func(*T) string) Column[T] {
	return Column[T]{kind: stringColumn, value: func(m *T) any { return get(m) }}
}

// Int is an integer column.
func Int[T any](get func(*T) int64) Column[T] {
	return Column[T]{kind: intColumn, value: func(m *T) any { return get(m) }}
}

// Bool is a boolean column.
func Bool[T any](get func(*T) bool) Column[T] {
	return Column[T]{kind: boolColumn, value: func(m *T) any { return get(m) }}
}

// SQL returns c read in the SQL expression expr (a column of the dao's
// table) when the list is paged in SQL.
func (c Column[T]) SQL(expr string) Column[T] {
	c.sql = expr
	return c
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

// Query is a list query checked against the columns: the order column
// and the filter values read as their columns' types.
type Query struct {
	Params  ListParams
	Order   string
	Filters map[string]any
}

// Check reads p against the columns. An unknown filter or order column,
// or a filter value of the wrong type, is an Invalid error.
func (c Columns[T]) Check(p ListParams) (Query, error) {
	q := Query{Params: p, Order: p.Order, Filters: make(map[string]any, len(p.Filters))}
	if q.Order == "" {
		q.Order = c.Default
	}
	bad := Fields{}
	if _, ok := c.Columns[q.Order]; !ok {
		bad[paramOrder] = "column '" + q.Order + "' was not found"
	}
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
		q.Filters[name] = want
	}
	if len(bad) > 0 {
		return Query{}, Invalid(bad)
	}
	return q, nil
}

type errorString string

func (e errorString) Error() string { return string(e) }
