package functions

import (
	"context"
	"sort"
	"sync/atomic"

	"wsgate/internal/db"
)

// Entry is a callable function: its stored definition and, for Go
// implementations, the registered handler (nil for upstream functions and for
// functions whose implementation is not in this binary).
type Entry struct {
	*Function
	Handler Handler
}

// Catalog serves the installed functions from memory, as the call path needs
// them; Reload replaces the whole set atomically after an upgrade.
type Catalog struct {
	db       *db.DB
	registry *Registry
	entries  atomic.Pointer[map[string]*Entry]
}

// NewCatalog returns an empty catalog over the external_functions table;
// call Reload to fill it.
func NewCatalog(d *db.DB, reg *Registry) *Catalog {
	c := &Catalog{db: d, registry: reg}
	empty := map[string]*Entry{}
	c.entries.Store(&empty)
	return c
}

// Reload reads every function from the store and binds its implementation.
func (c *Catalog) Reload(ctx context.Context) error {
	fns, err := List(ctx, c.db)
	if err != nil {
		return err
	}
	m := make(map[string]*Entry, len(fns))
	for _, f := range fns {
		e := &Entry{Function: f}
		if f.Upstream == nil && c.registry != nil {
			e.Handler, _ = c.registry.Lookup(f.ClassName, f.MethodName)
		}
		m[f.Name] = e
	}
	c.entries.Store(&m)
	return nil
}

// Get returns the installed function called name.
func (c *Catalog) Get(name string) (*Entry, bool) {
	e, ok := (*c.entries.Load())[name]
	return e, ok
}

// All returns every installed function, sorted by name.
func (c *Catalog) All() []*Entry {
	m := *c.entries.Load()
	out := make([]*Entry, 0, len(m))
	for _, e := range m {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Len is the number of installed functions.
func (c *Catalog) Len() int { return len(*c.entries.Load()) }

// FunctionCapabilities returns the capabilities a function declares, and
// whether the function is installed.
func (c *Catalog) FunctionCapabilities(name string) ([]string, bool) {
	e, ok := c.Get(name)
	if !ok {
		return nil, false
	}
	return e.Capabilities, true
}

// FunctionIsRead reports whether function name is installed and of type read.
func (c *Catalog) FunctionIsRead(name string) bool {
	e, ok := c.Get(name)
	return ok && e.Type == "read"
}
