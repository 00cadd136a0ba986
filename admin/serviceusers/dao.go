package serviceusers

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Dao is what the service users service authorises users with.
type Dao interface {
	crud.AssociationDao[link]
}

// NewDao returns the Dao over st, the services store or a transaction of it.
func NewDao(st *services.Store) Dao { return storeDao{st} }

// storeDao keeps authorised users in the services store.
type storeDao struct{ st *services.Store }

func (d storeDao) Load(ctx context.Context, serviceID, userID string) (link, error) {
	svc, err := crud.GetByID(serviceID, "Service", "id", func(id int64) (services.Service, error) {
		return d.st.ServiceByID(ctx, id)
	})
	if err != nil {
		return link{}, err
	}
	u, err := crud.GetByID(userID, "User", "user_id", func(id int64) (services.User, error) {
		u, err := d.st.UserByID(ctx, id)
		if err == nil && u.Deleted {
			err = wsgate.ErrNotFound
		}
		return u, err
	})
	return link{Service: svc, User: u}, err
}

func (d storeDao) Linked(ctx context.Context, l *link) (bool, bool, error) {
	users, err := d.st.ServiceUsers(ctx, l.Service.ID)
	for _, su := range users {
		if su.UserID == l.User.ID {
			return true, su.IPRestriction == l.IPRestriction && su.ValidUntil == l.ValidUntil, err
		}
	}
	return false, false, err
}

func (d storeDao) Associate(ctx context.Context, l *link) error {
	return d.st.AuthoriseUser(ctx, l.Service.ID, l.User.ID, l.IPRestriction, l.ValidUntil)
}

func (d storeDao) Dissociate(ctx context.Context, l *link) error {
	return d.st.RemoveServiceUser(ctx, l.Service.ID, l.User.ID)
}
