// Package services is the admin plugin of external services, on
// /services and /services/{id}. Administrators create, edit and delete
// custom services; of a component service (installed from a manifest) only
// enabled, downloadfiles and uploadfiles may change, and it cannot be
// deleted. Service is the typed API every change of a service goes through.
package services

import (
	"strings"

	"wsgate/admin/crud"
	store "wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "services"

var noun = crud.Noun{One: "service", Many: "services"}

// Input holds the fields a change of a service sets.
type Input struct {
	Name               string   `json:"name"`
	Shortname          string   `json:"shortname"`
	Enabled            bool     `json:"enabled"`
	RequiredCapability string   `json:"requiredcapability"`
	RestrictedUsers    bool     `json:"restrictedusers"`
	DownloadFiles      bool     `json:"downloadfiles"`
	UploadFiles        bool     `json:"uploadfiles"`
	Protocols          []string `json:"protocols"` // nil for every protocol the site enables
}

// Service creates, edits, deletes, finds and lists services, each change
// validated and written with its event in one transaction.
type Service struct {
	crud.Typed[store.Service, Dao, Input]
}

// NewService returns the services service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud.Typed[store.Service, Dao, Input]{Apply: apply, InputOf: inputOf,
		CRUD: &crud.CRUDService[store.Service, Dao]{Noun: noun, Changes: env.Changes, Dao: NewDao,
			Validator: validator(), Notifier: notifier()}}}
}

// inputOf is the input that leaves s as it is.
func inputOf(s *store.Service) Input {
	return Input{Name: s.Name, Shortname: s.Shortname, Enabled: s.Enabled, RequiredCapability: s.RequiredCapability,
		RestrictedUsers: s.RestrictedUsers, DownloadFiles: s.DownloadFiles, UploadFiles: s.UploadFiles,
		Protocols: s.Protocols}
}

// apply writes in over s, trimmed.
func apply(s *store.Service, in Input) {
	s.Name, s.Shortname = strings.TrimSpace(in.Name), strings.TrimSpace(in.Shortname)
	s.RequiredCapability = strings.TrimSpace(in.RequiredCapability)
	s.Enabled, s.RestrictedUsers, s.DownloadFiles, s.UploadFiles = in.Enabled, in.RestrictedUsers, in.DownloadFiles,
		in.UploadFiles
	s.Protocols = in.Protocols
}

// Plugin is the services plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "services".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
