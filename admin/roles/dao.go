package roles

import (
	"context"

	"wsgate/admin/crud"
	"wsgate/services"
)

// dao keeps roles and their capabilities in the services store.
type dao struct{}

func (dao) List(ctx context.Context, st *services.Store) ([]services.Role, error) {
	return st.ListRoles(ctx)
}

func (dao) Get(ctx context.Context, st *services.Store, id string) (services.Role, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return services.Role{}, err
	}
	return st.RoleByID(ctx, n)
}

func (dao) Create(ctx context.Context, tx *crud.Tx, r *services.Role) (err error) {
	*r, err = tx.CreateRole(ctx, *r)
	return err
}

func (dao) Edit(ctx context.Context, tx *crud.Tx, _, r *services.Role) (err error) {
	*r, err = tx.UpdateRole(ctx, *r)
	return err
}

func (dao) Delete(ctx context.Context, tx *crud.Tx, r *services.Role) error {
	return tx.DeleteRole(ctx, r.ID)
}
