package services

import (
	"context"

	"wsgate/admin/crud"
	store "wsgate/services"
)

// Dao is what the services service and its rules keep and find services with.
type Dao interface {
	crud.Dao[store.Service]
	// ByName and ByShortname return the service of a unique field; none
	// is wsgate.ErrNotFound.
	ByName(ctx context.Context, name string) (store.Service, error)
	ByShortname(ctx context.Context, shortname string) (store.Service, error)
	// CapabilityExists reports whether capability is registered.
	CapabilityExists(ctx context.Context, capability string) (bool, error)
}

// NewDao returns the Dao over st, the services store or a transaction of it.
func NewDao(st *store.Store) Dao { return storeDao{st} }

// storeDao keeps services in the services store.
type storeDao struct{ st *store.Store }

// columns are the filters and orders of the list; ?search= looks into the
// names, the component and the required capability. A site has tens of
// services: the list is paged in memory.
var columns = crud.Columns[store.Service]{
	Columns: map[string]crud.Column[store.Service]{
		"id":                 crud.Int(func(s *store.Service) int64 { return s.ID }),
		"name":               crud.String(func(s *store.Service) string { return s.Name }),
		"shortname":          crud.String(func(s *store.Service) string { return s.Shortname }),
		"enabled":            crud.Bool(func(s *store.Service) bool { return s.Enabled }),
		"requiredcapability": crud.String(func(s *store.Service) string { return s.RequiredCapability }),
		"restrictedusers":    crud.Bool(func(s *store.Service) bool { return s.RestrictedUsers }),
		"component":          crud.String(func(s *store.Service) string { return s.Component }),
		"downloadfiles":      crud.Bool(func(s *store.Service) bool { return s.DownloadFiles }),
		"uploadfiles":        crud.Bool(func(s *store.Service) bool { return s.UploadFiles }),
		"timecreated":        crud.Int(func(s *store.Service) int64 { return s.TimeCreated }),
		"timemodified":       crud.Int(func(s *store.Service) int64 { return s.TimeModified }),
	},
	Search:  []string{"name", "shortname", "component", "requiredcapability"},
	Default: "id",
}

func (d storeDao) List(ctx context.Context, p crud.ListParams) (crud.Page[store.Service], error) {
	all, err := d.st.ListServices(ctx)
	if err != nil {
		return crud.Page[store.Service]{}, err
	}
	return columns.Page(all, p)
}

func (d storeDao) Get(ctx context.Context, id string) (store.Service, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return store.Service{}, err
	}
	return d.st.ServiceByID(ctx, n)
}

func (d storeDao) ByName(ctx context.Context, name string) (store.Service, error) {
	return d.st.ServiceByName(ctx, name)
}

func (d storeDao) ByShortname(ctx context.Context, shortname string) (store.Service, error) {
	return d.st.ServiceByShortname(ctx, shortname)
}

func (d storeDao) CapabilityExists(ctx context.Context, capability string) (bool, error) {
	return d.st.CapabilityExists(ctx, capability)
}

func (d storeDao) Create(ctx context.Context, s *store.Service) (err error) {
	*s, err = d.st.CreateService(ctx, *s)
	return err
}

func (d storeDao) Edit(ctx context.Context, _, s *store.Service) (err error) {
	*s, err = d.st.UpdateService(ctx, *s)
	return err
}

func (d storeDao) Delete(ctx context.Context, s *store.Service) error {
	return d.st.DeleteService(ctx, s.ID)
}
