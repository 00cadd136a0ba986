// Package services is the admin plugin of external services, on
// /services and /services/{id}. Administrators create, edit and delete
// custom services; of a component service (installed from a manifest) only
// enabled, downloadfiles and uploadfiles may change, and it cannot be
// deleted.
package services

import (
	"wsgate/admin/crud"
	store "wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "services"

var noun = crud.Noun{One: "service", Many: "services"}

// Plugin is the services plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "services".
func (p *Plugin) Name() string { return Name }

// service builds the plugin's CRUDService.
func (p *Plugin) service() *crud.CRUDService[store.Service] {
	return &crud.CRUDService[store.Service]{Noun: noun, Changes: p.env.Changes, Dao: dao{},
		Validator: validator(), Notifier: notifier(), Columns: columns}
}

// columns are the filters and orders of the list; ?search= looks into the
// names, the component and the required capability.
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
