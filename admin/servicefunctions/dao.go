package servicefunctions

import (
	"context"
	"slices"

	"wsgate/admin/crud"
	"wsgate/functions"
	"wsgate/services"
)

// dao keeps the functions of services in the services store; functions
// are looked up in the catalog.
type dao struct{ catalog *functions.Catalog }

func (d dao) Load(ctx context.Context, st *services.Store, serviceID, name string) (link, error) {
	svc, err := crud.GetByID(serviceID, "Service", "id", func(id int64) (services.Service, error) {
		return st.ServiceByID(ctx, id)
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

func (dao) Linked(ctx context.Context, st *services.Store, l *link) (bool, bool, error) {
	names, err := st.ServiceFunctionNames(ctx, l.Service.ID)
	in := slices.Contains(names, l.Function.Name)
	return in, in, err
}

func (dao) Associate(ctx context.Context, tx *crud.Tx, l *link) error {
	return tx.AddServiceFunction(ctx, l.Service.ID, l.Function.Name)
}

func (dao) Dissociate(ctx context.Context, tx *crud.Tx, l *link) error {
	return tx.RemoveServiceFunction(ctx, l.Service.ID, l.Function.Name)
}
