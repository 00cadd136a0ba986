package functions

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	catalog "wsgate/functions"
)

// Dao is what the functions service reads the installed functions with.
type Dao interface {
	crud.Reader[catalog.Entry]
}

// NewDao returns the Dao over the catalog, in memory.
func NewDao(c *catalog.Catalog) Dao { return catalogDao{c} }

// catalogDao reads the installed functions from the catalog, in memory.
type catalogDao struct{ catalog *catalog.Catalog }

// columns are the filters and orders of the list; ?search= looks into the
// name, the component, the class and method names and the description.
var columns = crud.Columns[catalog.Entry]{
	Columns: map[string]crud.Column[catalog.Entry]{
		"name":        crud.String(func(e *catalog.Entry) string { return e.Name }),
		"component":   crud.String(func(e *catalog.Entry) string { return e.Component }),
		"classname":   crud.String(func(e *catalog.Entry) string { return e.ClassName }),
		"methodname":  crud.String(func(e *catalog.Entry) string { return e.MethodName }),
		"type":        crud.String(func(e *catalog.Entry) string { return e.Type }),
		"deprecated":  crud.Bool(func(e *catalog.Entry) bool { return e.Deprecated }),
		"description": crud.String(func(e *catalog.Entry) string { return e.Description }),
	},
	Search:  []string{"name", "component", "classname", "methodname", "description"},
	Default: "name",
}

// List pages the catalog in memory: it is held whole there.
func (d catalogDao) List(_ context.Context, p crud.ListParams) (crud.Page[catalog.Entry], error) {
	all := d.catalog.All()
	out := make([]catalog.Entry, len(all))
	for i, e := range all {
		out[i] = *e
	}
	return columns.Page(out, p)
}

func (d catalogDao) Get(_ context.Context, name string) (catalog.Entry, error) {
	e, ok := d.catalog.Get(name)
	if !ok {
		return catalog.Entry{}, wsgate.ErrNotFound
	}
	return *e, nil
}
