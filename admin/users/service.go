// Package users is the admin plugin of the gateway's user accounts, on
// /users and /users/{id}. A password is set on create or edit and never
// shown; deleting a user frees its username and removes its tokens, service
// authorisations and roles, as Moodle does.
//
// Service is the typed API every change of a user goes through, whoever
// makes it: the REST resource, the admin pages, the command line and the
// core_user web service functions.
package users

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "users"

var noun = crud.Noun{One: "user", Many: "users"}

// user is a user with the password a change sets (nil when it sets none).
type user struct {
	services.User
	Password *string
}

// Input is what a change of a user sets (see services.UserInput).
type Input = services.UserInput

// Service creates, edits, deletes, finds and lists users: validated by the
// plugin's rules, each change written with its user_created, user_edited or
// user_deleted event in one transaction. The caller is who the change is
// made for: the store's rules protecting site administrators read it.
type Service struct {
	crud *crud.CRUDService[user, Dao]
}

// NewService returns the users service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud: &crud.CRUDService[user, Dao]{Noun: noun, Changes: env.Changes, Dao: NewDao,
		Validator: validator(), Notifier: notifier()}}
}

// Create makes a user from in (auth "" is manual) and returns it as stored.
func (s *Service) Create(ctx context.Context, caller *wsgate.Caller, in Input) (services.User, error) {
	out, err := s.CreateAll(ctx, caller, []Input{in})
	if err != nil {
		return services.User{}, err
	}
	return out[0], nil
}

// CreateAll makes a user from each input in one transaction: all or none.
func (s *Service) CreateAll(ctx context.Context, caller *wsgate.Caller, ins []Input) ([]services.User, error) {
	binds := make([]func(*user) error, len(ins))
	for i, in := range ins {
		if in.Auth == "" {
			in.Auth = services.AuthManual
		}
		binds[i] = func(u *user) error { apply(u, in); return nil }
	}
	created, err := s.crud.CreateAll(ctx, caller, binds)
	out := make([]services.User, len(created))
	for i, u := range created {
		out[i] = u.User
	}
	return out, err
}

// Edit changes user id: edit writes the change over the stored fields
// (Password nil). An edit that changes nothing writes nothing.
func (s *Service) Edit(ctx context.Context, caller *wsgate.Caller, id int64, edit func(in *Input)) error {
	return s.crud.Edit(ctx, caller, itoa(id), func(u *user) error {
		in := inputOf(u)
		edit(&in)
		apply(u, in)
		return nil
	})
}

// Delete deletes user id.
func (s *Service) Delete(ctx context.Context, caller *wsgate.Caller, id int64) error {
	return s.DeleteAll(ctx, caller, []int64{id})
}

// DeleteAll deletes the users of ids in one transaction: all or none.
func (s *Service) DeleteAll(ctx context.Context, caller *wsgate.Caller, ids []int64) error {
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = itoa(id)
	}
	return s.crud.DeleteAll(ctx, caller, keys)
}

// Get returns user id; a deleted or unknown one is a NotFound error.
func (s *Service) Get(ctx context.Context, caller *wsgate.Caller, id int64) (services.User, error) {
	u, err := s.crud.Get(ctx, caller, itoa(id))
	return u.User, err
}

// List returns the page of users p selects (see columns).
func (s *Service) List(ctx context.Context, caller *wsgate.Caller, p crud.ListParams) (crud.Page[services.User], error) {
	page, err := s.crud.List(ctx, caller, p)
	return crud.MapPage(page, func(u *user) services.User { return u.User }), err
}

// inputOf is the input that leaves u as it is (auth "" reads as manual).
func inputOf(u *user) Input {
	in := Input{Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email, Auth: u.Auth,
		Suspended: u.Suspended}
	if in.Auth == "" {
		in.Auth = services.AuthManual
	}
	return in
}

// apply writes in over u, trimmed, the username lower case (PARAM_USERNAME).
func apply(u *user, in Input) {
	u.Username = strings.ToLower(strings.TrimSpace(in.Username))
	u.FirstName, u.LastName = strings.TrimSpace(in.FirstName), strings.TrimSpace(in.LastName)
	u.Email, u.Auth, u.Suspended = strings.TrimSpace(in.Email), in.Auth, in.Suspended
	u.Password = in.Password
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Plugin is the users plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "users".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
