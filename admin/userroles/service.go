// Package userroles is the admin plugin that assigns roles to users and
// takes them back: PUT and DELETE /users/{id}/roles/{role_id}.
package userroles

import (
	"context"
	"strconv"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "user_roles"

var (
	left  = crud.Noun{One: "user", Many: "users"}
	right = crud.Noun{One: "role", Many: "roles"}
)

// link is a role assigned to a user.
type link struct {
	User services.User
	Role services.Role
}

// Service assigns roles to users and takes them back, each change written
// with its event in one transaction. The store's rules protecting site
// administrators read the caller.
type Service struct {
	crud *crud.AssociationService[link, Dao]
}

// NewService returns the user roles service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud: &crud.AssociationService[link, Dao]{Changes: env.Changes, Dao: NewDao,
		Validator: validator(), Notifier: notifier()}}
}

// Assign gives role roleID to user userID; assigning it again changes nothing.
func (s *Service) Assign(ctx context.Context, caller *wsgate.Caller, userID, roleID int64) error {
	return s.crud.Associate(ctx, caller, itoa(userID), itoa(roleID), func(*link) error { return nil })
}

// Unassign takes role roleID from user userID.
func (s *Service) Unassign(ctx context.Context, caller *wsgate.Caller, userID, roleID int64) error {
	return s.crud.Dissociate(ctx, caller, itoa(userID), itoa(roleID))
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Plugin is the user_roles plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "user_roles".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
