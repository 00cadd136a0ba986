package functions

import (
	"context"

	"wsgate"
	catalog "wsgate/functions"
	"wsgate/services"
)

// dao reads the installed functions from the catalog, in memory.
type dao struct{ catalog *catalog.Catalog }

func (d dao) List(context.Context, *services.Store) ([]catalog.Entry, error) {
	all := d.catalog.All()
	out := make([]catalog.Entry, len(all))
	for i, e := range all {
		out[i] = *e
	}
	return out, nil
}

func (d dao) Get(_ context.Context, _ *services.Store, name string) (catalog.Entry, error) {
	e, ok := d.catalog.Get(name)
	if !ok {
		return catalog.Entry{}, wsgate.ErrNotFound
	}
	return *e, nil
}
