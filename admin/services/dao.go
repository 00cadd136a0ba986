package services

import (
	"context"

	"wsgate/admin/crud"
	store "wsgate/services"
)

// dao keeps services in the services store.
type dao struct{}

func (dao) List(ctx context.Context, st *store.Store) ([]store.Service, error) {
	return st.ListServices(ctx)
}

func (dao) Get(ctx context.Context, st *store.Store, id string) (store.Service, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return store.Service{}, err
	}
	return st.ServiceByID(ctx, n)
}

func (dao) Create(ctx context.Context, tx *crud.Tx, s *store.Service) (err error) {
	*s, err = tx.CreateService(ctx, *s)
	return err
}

func (dao) Edit(ctx context.Context, tx *crud.Tx, _, s *store.Service) (err error) {
	*s, err = tx.UpdateService(ctx, *s)
	return err
}

func (dao) Delete(ctx context.Context, tx *crud.Tx, s *store.Service) error {
	return tx.DeleteService(ctx, s.ID)
}
