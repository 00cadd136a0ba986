// Package services is the admin plugin of external services, on
// /services and /services/{id}. Administrators create, edit and delete
// custom services; of a component service (installed from a manifest) only
// enabled, downloadfiles and uploadfiles may change, and it cannot be
// deleted. Service is the typed API every change of a service goes through.
package services

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
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
	crud *crud.CRUDService[store.Service, Dao]
}

// NewService returns the services service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud: &crud.CRUDService[store.Service, Dao]{Noun: noun, Changes: env.Changes, Dao: NewDao,
		Validator: validator(), Notifier: notifier()}}
}

// Create makes a custom service from in and returns it as stored.
func (s *Service) Create(ctx context.Context, caller *wsgate.Caller, in Input) (store.Service, error) {
	return s.crud.Create(ctx, caller, func(sv *store.Service) error { apply(sv, in); return nil })
}

// Edit changes service id: edit writes the change over the stored fields.
func (s *Service) Edit(ctx context.Context, caller *wsgate.Caller, id int64, edit func(in *Input)) error {
	return s.crud.Edit(ctx, caller, strconv.FormatInt(id, 10), func(sv *store.Service) error {
		in := inputOf(sv)
		edit(&in)
		apply(sv, in)
		return nil
	})
}

// Delete deletes custom service id.
func (s *Service) Delete(ctx context.Context, caller *wsgate.Caller, id int64) error {
	return s.crud.Delete(ctx, caller, strconv.FormatInt(id, 10))
}

// Get returns service id.
func (s *Service) Get(ctx context.Context, caller *wsgate.Caller, id int64) (store.Service, error) {
	return s.crud.Get(ctx, caller, strconv.FormatInt(id, 10))
}

// List returns the page of services p selects (see columns).
func (s *Service) List(ctx context.Context, caller *wsgate.Caller, p crud.ListParams) (crud.Page[store.Service], error) {
	return s.crud.List(ctx, caller, p)
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
