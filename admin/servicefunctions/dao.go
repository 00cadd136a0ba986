package servicefunctions

import (
	"context"
	"slices"

	"wsgate/admin/crud"
	"wsgate/functions"
	"wsgate/services"
)

// Dao is what the service functions service links services and functions with.
type Dao interface {
	crud.AssociationDao[link]
}

// NewDao returns the Dao over st (the services store or a transaction of
// it), with the installed functions of catalog.
func NewDao(st *services.Store, catalog *functions.Catalog) Dao { return storeDao{st, catalog} }

// storeDao keeps the functions of services in the services store;
// functions are looked up in the catalog.
type storeDao struct {
	st      *services.Store
	catalog *functions.Catalog
}

func (d storeDao) Load(ctx context.Context, serviceID, name string) (link, error) {
	svc, err := crud.GetByID(serviceID, "Service", "id", func(id int64) (services.Service, error) {
		return d.st.ServiceByID(ctx, id)
	})
	if err != nil {
		return link{}, err
	}
	e, ok := d.catalog.Get(name)
	if !ok {
		// Not installed (any more): a link to it may still be removed; the
		// association rules refuse to add it.
		return link{Service: svc, Function: &functions.Function{Name: name}, missing: true}, nil
	}
	return link{Service: svc, Function: e.Function}, nil
}

func (d storeDao) Linked(ctx context.Context, l *link) (bool, bool, error) {
	names, err := d.st.ServiceFunctionNames(ctx, l.Service.ID)
	in := slices.Contains(names, l.Function.Name)
	return in, in, err
}

func (d storeDao) Associate(ctx context.Context, l *link) error {
	return d.st.AddServiceFunction(ctx, l.Service.ID, l.Function.Name)
}

func (d storeDao) Dissociate(ctx context.Context, l *link) error {
	return d.st.RemoveServiceFunction(ctx, l.Service.ID, l.Function.Name)
}
