package discovery

import (
	"context"
	"database/sql"

	"wsgate/services"
)

// ServicesTables gives the sync the services' tables through the services
// Store, bound to the sync's transaction.
func ServicesTables(st *services.Store) func(tx *sql.Tx) ServiceTables {
	return func(tx *sql.Tx) ServiceTables { return storeTables{st.WithTx(tx)} }
}

type storeTables struct{ s *services.Store }

func toRow(sv services.Service) ServiceRow {
	return ServiceRow{ID: sv.ID, Name: sv.Name, Shortname: sv.Shortname, Component: sv.Component,
		RequiredCapability: sv.RequiredCapability, Enabled: sv.Enabled, RestrictedUsers: sv.RestrictedUsers,
		DownloadFiles: sv.DownloadFiles, UploadFiles: sv.UploadFiles}
}

func fromRow(r *ServiceRow) services.Service {
	return services.Service{ID: r.ID, Name: r.Name, Shortname: r.Shortname, Component: r.Component,
		RequiredCapability: r.RequiredCapability, Enabled: r.Enabled, RestrictedUsers: r.RestrictedUsers,
		DownloadFiles: r.DownloadFiles, UploadFiles: r.UploadFiles}
}

func (t storeTables) ListServices(ctx context.Context) ([]ServiceRow, error) {
	list, err := t.s.ListServices(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]ServiceRow, len(list))
	for i, sv := range list {
		out[i] = toRow(sv)
	}
	return out, nil
}

func (t storeTables) ServiceLinks(ctx context.Context) (map[int64][]string, error) {
	list, err := t.s.ListServices(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[int64][]string, len(list))
	for _, sv := range list {
		if out[sv.ID], err = t.s.ServiceFunctionNames(ctx, sv.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (t storeTables) InsertService(ctx context.Context, r *ServiceRow) (int64, error) {
	sv, err := t.s.CreateService(ctx, fromRow(r))
	return sv.ID, err
}

func (t storeTables) UpdateService(ctx context.Context, r *ServiceRow) error {
	cur, err := t.s.ServiceByID(ctx, r.ID)
	if err != nil {
		return err
	}
	next := fromRow(r)
	next.Enabled = cur.Enabled     // the administrator's choices survive upgrades
	next.Protocols = cur.Protocols // (the protocols it may be called over, too)
	_, err = t.s.UpdateService(ctx, next)
	return err
}

func (t storeTables) ClearShortname(ctx context.Context, id int64) error {
	cur, err := t.s.ServiceByID(ctx, id)
	if err != nil {
		return err
	}
	cur.Shortname = ""
	_, err = t.s.UpdateService(ctx, cur)
	return err
}

func (t storeTables) DeleteService(ctx context.Context, id int64) error {
	return t.s.DeleteService(ctx, id)
}

func (t storeTables) LinkFunction(ctx context.Context, serviceID int64, fn string) error {
	return t.s.AddServiceFunction(ctx, serviceID, fn)
}

func (t storeTables) UnlinkFunction(ctx context.Context, serviceID int64, fn string) error {
	return t.s.RemoveServiceFunction(ctx, serviceID, fn)
}

func (t storeTables) Capabilities(ctx context.Context) (map[string]bool, error) {
	list, err := t.s.ListCapabilities(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]bool, len(list))
	for _, c := range list {
		out[c.Name] = true
	}
	return out, nil
}

func (t storeTables) AddCapability(ctx context.Context, c CapabilityDecl) error {
	return t.s.RegisterCapability(ctx, c.Name, c.Component, c.Description)
}
