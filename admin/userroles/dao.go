package userroles

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Dao is what the user roles service assigns roles with.
type Dao interface {
	crud.AssociationDao[link]
}

// NewDao returns the Dao over st, the services store or a transaction of it.
func NewDao(st *services.Store) Dao { return storeDao{st} }

// storeDao keeps role assignments in the services store.
type storeDao struct{ st *services.Store }

func (d storeDao) Load(ctx context.Context, userID, roleID string) (link, error) {
	u, err := crud.GetByID(userID, "User", "id", func(id int64) (services.User, error) {
		u, err := d.st.UserByID(ctx, id)
		if err == nil && u.Deleted {
			err = wsgate.ErrNotFound
		}
		return u, err
	})
	if err != nil {
		return link{}, err
	}
	r, err := crud.GetByID(roleID, "Role", "role_id", func(id int64) (services.Role, error) {
		return d.st.RoleByID(ctx, id)
	})
	return link{User: u, Role: r}, err
}

func (d storeDao) Linked(ctx context.Context, l *link) (bool, bool, error) {
	roles, err := d.st.UserRoles(ctx, l.User.ID)
	for _, r := range roles {
		if r.ID == l.Role.ID {
			return true, true, err
		}
	}
	return false, false, err
}

func (d storeDao) Associate(ctx context.Context, l *link) error {
	return d.st.AssignRole(ctx, l.User.ID, l.Role.ID)
}

func (d storeDao) Dissociate(ctx context.Context, l *link) error {
	return d.st.UnassignRole(ctx, l.User.ID, l.Role.ID)
}
