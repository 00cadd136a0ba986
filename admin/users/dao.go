package users

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// dao keeps users in the services store; deleted users are not found.
type dao struct{}

func (dao) List(ctx context.Context, st *services.Store) ([]user, error) {
	list, err := st.ListUsers(ctx, services.UserFilter{})
	out := make([]user, len(list))
	for i, u := range list {
		out[i] = user{User: u}
	}
	return out, err
}

func (dao) Get(ctx context.Context, st *services.Store, id string) (user, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return user{}, err
	}
	u, err := st.UserByID(ctx, n)
	if err == nil && u.Deleted {
		err = wsgate.ErrNotFound
	}
	return user{User: u}, err
}

func (dao) Create(ctx context.Context, tx *crud.Tx, u *user) (err error) {
	password := ""
	if u.Password != nil {
		password = *u.Password
	}
	u.User, err = tx.CreateUser(ctx, u.User, password)
	return err
}

func (dao) Edit(ctx context.Context, tx *crud.Tx, _, u *user) (err error) {
	if u.User, err = tx.UpdateUser(ctx, u.User); err != nil {
		return err
	}
	if u.Password != nil {
		return tx.SetPassword(ctx, u.ID, *u.Password)
	}
	return nil
}

func (dao) Delete(ctx context.Context, tx *crud.Tx, u *user) error {
	return tx.DeleteUser(ctx, u.ID)
}
