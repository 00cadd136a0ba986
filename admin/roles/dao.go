package roles

import (
	"context"

	"wsgate/admin/crud"
	"wsgate/services"
)

// Dao is what the roles service and its rules keep and find roles with.
type Dao interface {
	crud.Dao[services.Role]
	// ByShortname returns the role with shortname; none is wsgate.ErrNotFound.
	ByShortname(ctx context.Context, shortname string) (services.Role, error)
	// CapabilityExists reports whether capability is registered.
	CapabilityExists(ctx context.Context, capability string) (bool, error)
}

// NewDao returns the Dao over st, the services store or a transaction of it.
func NewDao(st *services.Store) Dao { return storeDao{st} }

// storeDao keeps roles and their capabilities in the services store.
type storeDao struct{ st *services.Store }

// columns are the filters and orders of the list; ?search= looks into the
// shortname, the name and the description. A site has a handful of roles:
// the list is paged in memory.
var columns = crud.Columns[services.Role]{
	Columns: map[string]crud.Column[services.Role]{
		"id":          crud.Int(func(r *services.Role) int64 { return r.ID }),
		"shortname":   crud.String(func(r *services.Role) string { return r.Shortname }),
		"name":        crud.String(func(r *services.Role) string { return r.Name }),
		"description": crud.String(func(r *services.Role) string { return r.Description }),
	},
	Search:  []string{"shortname", "name", "description"},
	Default: "id",
}

func (d storeDao) List(ctx context.Context, p crud.ListParams) (crud.Page[services.Role], error) {
	all, err := d.st.ListRoles(ctx)
	if err != nil {
		return crud.Page[services.Role]{}, err
	}
	return columns.Page(all, p)
}

func (d storeDao) Get(ctx context.Context, id string) (services.Role, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return services.Role{}, err
	}
	return d.st.RoleByID(ctx, n)
}

func (d storeDao) ByShortname(ctx context.Context, shortname string) (services.Role, error) {
	return d.st.RoleByShortname(ctx, shortname)
}

func (d storeDao) CapabilityExists(ctx context.Context, capability string) (bool, error) {
	return d.st.CapabilityExists(ctx, capability)
}

func (d storeDao) Create(ctx context.Context, r *services.Role) (err error) {
	*r, err = d.st.CreateRole(ctx, *r)
	return err
}

func (d storeDao) Edit(ctx context.Context, _, r *services.Role) (err error) {
	*r, err = d.st.UpdateRole(ctx, *r)
	return err
}

func (d storeDao) Delete(ctx context.Context, r *services.Role) error {
	return d.st.DeleteRole(ctx, r.ID)
}
