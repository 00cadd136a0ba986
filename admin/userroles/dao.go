package userroles

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// dao keeps role assignments in the services store.
type dao struct{}

func (dao) Load(ctx context.Context, st *services.Store, userID, roleID string) (link, error) {
	u, err := crud.GetByID(userID, "User", "id", func(id int64) (services.User, error) {
		u, err := st.UserByID(ctx, id)
		if err == nil && u.Deleted {
			err = wsgate.ErrNotFound
		}
		return u, err
	})
	if err != nil {
		return link{}, err
	}
	r, err := crud.GetByID(roleID, "Role", "role_id", func(id int64) (services.Role, error) {
		return st.RoleByID(ctx, id)
	})
	return link{User: u, Role: r}, err
}

func (dao) Linked(ctx context.Context, st *services.Store, l *link) (bool, bool, error) {
	roles, err := st.UserRoles(ctx, l.User.ID)
	for _, r := range roles {
		if r.ID == l.Role.ID {
			return true, true, err
		}
	}
	return false, false, err
}

func (dao) Associate(ctx context.Context, tx *crud.Tx, l *link) error {
	return tx.AssignRole(ctx, l.User.ID, l.Role.ID)
}

func (dao) Dissociate(ctx context.Context, tx *crud.Tx, l *link) error {
	return tx.UnassignRole(ctx, l.User.ID, l.Role.ID)
}
