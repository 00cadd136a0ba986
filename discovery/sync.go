package discovery

import (
	"context"
	"database/sql"
	"fmt"

	"wsgate/functions"
	"wsgate/internal/db"
)

// ServiceRow is a row of external_services as the sync sees it; Component ""
// marks an administrator's custom service.
type ServiceRow struct {
	ID                                                   int64
	Name, Shortname, Component, RequiredCapability       string
	Enabled, RestrictedUsers, DownloadFiles, UploadFiles bool
}

// ServiceTables is what the sync needs of the tables package services owns,
// working inside the sync's transaction.
type ServiceTables interface {
	ListServices(ctx context.Context) ([]ServiceRow, error)
	// ServiceLinks maps each service id to the names of its functions.
	ServiceLinks(ctx context.Context) (map[int64][]string, error)
	InsertService(ctx context.Context, s *ServiceRow) (int64, error)
	// UpdateService writes every field but Enabled, which the administrator owns.
	UpdateService(ctx context.Context, s *ServiceRow) error
	// ClearShortname sets a service's shortname to NULL (to let shortnames move).
	ClearShortname(ctx context.Context, id int64) error
	// DeleteService removes a service with its links, authorised users and tokens.
	DeleteService(ctx context.Context, id int64) error
	LinkFunction(ctx context.Context, serviceID int64, function string) error
	UnlinkFunction(ctx context.Context, serviceID int64, function string) error
	Capabilities(ctx context.Context) (map[string]bool, error)
	AddCapability(ctx context.Context, c CapabilityDecl) error
}

// Syncer applies a Catalog to the store.
type Syncer struct {
	DB *db.DB
	// Tables returns the services' tables working inside tx.
	Tables func(tx *sql.Tx) ServiceTables
	// Changed is called after a commit that changed something (to drop caches).
	Changed func()
}

// lockID is the PostgreSQL advisory lock that keeps two upgrades from interleaving.
const lockID = 0x77736761_74650001

// Sync brings the tables in line with cat in one transaction and returns what
// changed. With dryRun it computes the same diff and writes nothing. A
// conflict with an administrator's custom service is returned as Problems.
func (s *Syncer) Sync(ctx context.Context, cat *Catalog, dryRun bool) (*Diff, error) {
	var diff *Diff
	err := s.DB.Transact(ctx, func(tx *sql.Tx) error {
		if s.DB.Dialect == db.Postgres {
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockID)); err != nil {
				return err
			}
		}
		p, err := s.plan(ctx, tx, cat)
		if err != nil {
			return err
		}
		diff = &p.diff
		if dryRun || diff.Empty() {
			return errRollback
		}
		return p.apply(ctx, tx, s.Tables(tx))
	})
	if err == errRollback {
		err = nil
	}
	if err != nil {
		return nil, err
	}
	if !dryRun && !diff.Empty() && s.Changed != nil {
		s.Changed()
	}
	return diff, nil
}

type rollback struct{}

func (rollback) Error() string { return "rollback" }

var errRollback error = rollback{}

// plan is the diff plus what apply needs to carry it out.
type plan struct {
	diff        Diff
	addRows     []functions.Row
	changeRows  []functions.Row
	svcInsert   []*ServiceRow
	svcUpdate   []*ServiceRow
	svcMoveName []int64 // services whose shortname must be cleared before updates
	svcDelete   []int64
	linkAdd     []idLink
	linkRemove  []idLink
	capsAdd     []CapabilityDecl
	newLinks    map[string][]string // service name -> functions, for inserted services
}

type idLink struct {
	serviceID int64
	function  string
}

func (s *Syncer) plan(ctx context.Context, tx *sql.Tx, cat *Catalog) (*plan, error) {
	tables := s.Tables(tx)
	p := &plan{newLinks: map[string][]string{}}
	if err := p.planFunctions(ctx, tx, cat); err != nil {
		return nil, err
	}
	current, err := tables.ListServices(ctx)
	if err != nil {
		return nil, err
	}
	links, err := tables.ServiceLinks(ctx)
	if err != nil {
		return nil, err
	}
	if err := p.planServices(cat, current, links); err != nil {
		return nil, err
	}
	caps, err := tables.Capabilities(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cat.Capabilities {
		if !caps[c.Name] {
			caps[c.Name] = true
			p.capsAdd = append(p.capsAdd, c)
			p.diff.CapabilitiesAdded = append(p.diff.CapabilitiesAdded, c.Name)
		}
	}
	p.diff.sort()
	return p, nil
}

func (p *plan) planFunctions(ctx context.Context, tx *sql.Tx, cat *Catalog) error {
	stored, err := functions.ListRows(ctx, tx)
	if err != nil {
		return err
	}
	byName := make(map[string]functions.Row, len(stored))
	for _, r := range stored {
		byName[r.Name] = r
	}
	for _, f := range cat.Functions {
		row, err := f.ToRow()
		if err != nil {
			return fmt.Errorf("encode %s: %w", f.Name, err)
		}
		old, ok := byName[f.Name]
		switch {
		case !ok:
			p.addRows = append(p.addRows, row)
			p.diff.FunctionsAdded = append(p.diff.FunctionsAdded, f.Name)
		case old != row:
			p.changeRows = append(p.changeRows, row)
			p.diff.FunctionsChanged = append(p.diff.FunctionsChanged, f.Name)
		}
	}
	for _, r := range stored {
		if cat.Function(r.Name) == nil {
			p.diff.FunctionsRemoved = append(p.diff.FunctionsRemoved, r.Name)
		}
	}
	return nil
}

func (p *plan) planServices(cat *Catalog, current []ServiceRow, links map[int64][]string) error {
	byName := map[string]*ServiceRow{}
	byShort := map[string]*ServiceRow{}
	for i := range current {
		byName[current[i].Name] = &current[i]
		if current[i].Shortname != "" {
			byShort[current[i].Shortname] = &current[i]
		}
	}
	var probs Problems
	declared := map[string]bool{}
	for _, d := range cat.Services {
		declared[d.Name] = true
		if old := byName[d.Name]; old != nil && old.Component == "" {
			probs = append(probs, Problem{d.fileOf(cat), d.path, "an administrator's custom service already has this name"})
		}
		if old := byShort[d.Shortname]; d.Shortname != "" && old != nil && old.Component == "" {
			probs = append(probs, Problem{d.fileOf(cat), d.path + ".shortname",
				fmt.Sprintf("shortname %q is already used by the custom service %q", d.Shortname, old.Name)})
		}
	}
	if len(probs) > 0 {
		return probs
	}
	injected := map[string][]string{} // shortname -> functions that name it
	for _, f := range cat.Functions {
		for _, short := range f.Services {
			injected[short] = append(injected[short], f.Name)
		}
	}
	for _, d := range cat.Services {
		want := ServiceRow{Name: d.Name, Shortname: d.Shortname, Component: d.Component, RequiredCapability: d.RequiredCapability,
			Enabled: d.Enabled, RestrictedUsers: d.RestrictedUsers, DownloadFiles: d.DownloadFiles, UploadFiles: d.UploadFiles}
		functionsWanted := unique(append(append([]string(nil), d.Functions...), injected[d.Shortname]...))
		old := byName[d.Name]
		if old == nil {
			p.svcInsert = append(p.svcInsert, &want)
			p.diff.ServicesAdded = append(p.diff.ServicesAdded, d.Name)
			p.newLinks[d.Name] = functionsWanted
			for _, fn := range functionsWanted {
				p.diff.LinksAdded = append(p.diff.LinksAdded, Link{d.Name, fn})
			}
			continue
		}
		want.ID, want.Enabled = old.ID, old.Enabled
		if want != *old {
			p.svcUpdate = append(p.svcUpdate, &want)
			p.diff.ServicesChanged = append(p.diff.ServicesChanged, d.Name)
			if old.Shortname != want.Shortname && old.Shortname != "" {
				p.svcMoveName = append(p.svcMoveName, old.ID)
			}
		}
		have := toSet(links[old.ID])
		wantSet := toSet(functionsWanted)
		for _, fn := range functionsWanted {
			if !have[fn] {
				p.linkAdd = append(p.linkAdd, idLink{old.ID, fn})
				p.diff.LinksAdded = append(p.diff.LinksAdded, Link{d.Name, fn})
			}
		}
		for _, fn := range links[old.ID] {
			if !wantSet[fn] {
				p.linkRemove = append(p.linkRemove, idLink{old.ID, fn})
				p.diff.LinksRemoved = append(p.diff.LinksRemoved, Link{d.Name, fn})
			}
		}
	}
	for i := range current {
		c := &current[i]
		switch {
		case c.Component != "" && !declared[c.Name]:
			p.svcDelete = append(p.svcDelete, c.ID)
			p.diff.ServicesRemoved = append(p.diff.ServicesRemoved, c.Name)
		case c.Component == "":
			for _, fn := range links[c.ID] {
				if cat.Function(fn) == nil {
					p.diff.CustomLinksRemoved = append(p.diff.CustomLinksRemoved, Link{c.Name, fn})
				}
			}
		}
	}
	return nil
}

func (p *plan) apply(ctx context.Context, tx *sql.Tx, t ServiceTables) error {
	if err := functions.InsertRows(ctx, tx, p.addRows); err != nil {
		return err
	}
	if err := functions.UpdateRows(ctx, tx, p.changeRows); err != nil {
		return err
	}
	// Removing a function removes its links everywhere, custom services included.
	if err := functions.DeleteByName(ctx, tx, p.diff.FunctionsRemoved); err != nil {
		return err
	}
	for _, c := range p.capsAdd {
		if err := t.AddCapability(ctx, c); err != nil {
			return err
		}
	}
	for _, id := range p.svcDelete {
		if err := t.DeleteService(ctx, id); err != nil {
			return err
		}
	}
	for _, id := range p.svcMoveName {
		if err := t.ClearShortname(ctx, id); err != nil {
			return err
		}
	}
	for _, s := range p.svcUpdate {
		if err := t.UpdateService(ctx, s); err != nil {
			return err
		}
	}
	for _, l := range p.linkRemove {
		if err := t.UnlinkFunction(ctx, l.serviceID, l.function); err != nil {
			return err
		}
	}
	for _, l := range p.linkAdd {
		if err := t.LinkFunction(ctx, l.serviceID, l.function); err != nil {
			return err
		}
	}
	for _, s := range p.svcInsert {
		id, err := t.InsertService(ctx, s)
		if err != nil {
			return err
		}
		for _, fn := range p.newLinks[s.Name] {
			if err := t.LinkFunction(ctx, id, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

func (d *ServiceDecl) fileOf(cat *Catalog) string {
	for _, m := range cat.Manifests {
		for _, s := range m.Services {
			if s == d {
				return m.File
			}
		}
	}
	return ""
}

func unique(list []string) []string {
	seen := map[string]bool{}
	out := list[:0]
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func toSet(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[s] = true
	}
	return m
}
