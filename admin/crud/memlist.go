package crud

import (
	"cmp"
	"slices"
	"strconv"
	"strings"
)

// Page returns the page of all that p selects, filtered, ordered and paged
// in memory: for the small lists a dao holds whole (the installed
// functions) or reads whole. Errors are those of Check.
func (c Columns[T]) Page(all []T, p ListParams) (Page[T], error) {
	q, err := c.Check(p)
	if err != nil {
		return Page[T]{}, err
	}
	search := strings.ToLower(p.Search)
	var out []T
	for i := range all {
		m := &all[i]
		if search != "" && !c.matches(m, search) {
			continue
		}
		keep := true
		for name, want := range q.Filters {
			if c.Columns[name].value(m) != want {
				keep = false
				break
			}
		}
		if keep {
			out = append(out, *m)
		}
	}
	key := c.Columns[q.Order].value
	slices.SortStableFunc(out, func(a, b T) int {
		r := compare(key(&a), key(&b))
		if p.Desc {
			return -r
		}
		return r
	})
	page := Page[T]{Total: len(all), Filtered: len(out), Scanned: len(all)}
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
