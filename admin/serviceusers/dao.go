package serviceusers

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// dao keeps authorised users in the services store.
type dao struct{}

func (dao) Load(ctx context.Context, st *services.Store, serviceID, userID string) (link, error) {
	svc, err := crud.GetByID(serviceID, "Service", "id", func(id int64) (services.Service, error) {
		return st.ServiceByID(ctx, id)
	})
	if err != nil {
		return link{}, err
	}
	u, err := crud.GetByID(userID, "User", "user_id", func(id int64) (services.User, error) {
		u, err := st.UserByID(ctx, id)
		if err == nil && u.Deleted {
			err = wsgate.ErrNotFound
		}
		return u, err
	})
	return link{Service: svc, User: u}, err
}

func (dao) Linked(ctx context.Context, st *services.Store, l *link) (bool, bool, error) {
	users, err := st.ServiceUsers(ctx, l.Service.ID)
	for _, su := range users {
		if su.UserID == l.User.ID {
			return true, su.IPRestriction == l.IPRestriction && su.ValidUntil == l.ValidUntil, err
		}
	}
	return false, false, err
}

func (dao) Associate(ctx context.Context, tx *crud.Tx, l *link) error {
	return tx.AuthoriseUser(ctx, l.Service.ID, l.User.ID, l.IPRestriction, l.ValidUntil)
}

func (dao) Dissociate(ctx context.Context, tx *crud.Tx, l *link) error {
	return tx.RemoveServiceUser(ctx, l.Service.ID, l.User.ID)
}
