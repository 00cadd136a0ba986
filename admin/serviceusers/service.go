// Package serviceusers is the admin plugin of the users authorised to use
// a service (Moodle's external_services_users): PUT and DELETE
// /services/{id}/users/{user_id}. PUT takes the limits of the
// authorisation, iprestriction and validuntil, and changes them when the
// user is already authorised. The authorizer checks them for restricted
// services.
package serviceusers

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "service_users"

var (
	left  = crud.Noun{One: "service", Many: "services"}
	right = crud.Noun{One: "user", Many: "users"}
)

// link is a user's authorisation for a service.
type link struct {
	Service       services.Service
	User          services.User
	IPRestriction string // "" for any address
	ValidUntil    int64  // unix seconds, 0 for ever
}

// Limits are the limits of an authorisation.
type Limits struct {
	IPRestriction string `json:"iprestriction"` // "" for any address
	ValidUntil    int64  `json:"validuntil"`    // unix seconds, 0 for ever
}

// Service authorises users to use services and withdraws them, each change
// validated and written with its event in one transaction.
type Service struct {
	crud *crud.AssociationService[link, Dao]
}

// NewService returns the service users service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud: &crud.AssociationService[link, Dao]{Changes: env.Changes, Dao: NewDao,
		Validator: validator(env.Now), Notifier: notifier()}}
}

// Authorise lets user userID use service serviceID within limits, or
// changes the limits of its authorisation.
func (s *Service) Authorise(ctx context.Context, caller *wsgate.Caller, serviceID, userID int64, limits Limits) error {
	return s.crud.Associate(ctx, caller, itoa(serviceID), itoa(userID), func(l *link) error {
		l.IPRestriction, l.ValidUntil = strings.TrimSpace(limits.IPRestriction), limits.ValidUntil
		return nil
	})
}

// Withdraw withdraws the authorisation of user userID for service serviceID.
func (s *Service) Withdraw(ctx context.Context, caller *wsgate.Caller, serviceID, userID int64) error {
	return s.crud.Dissociate(ctx, caller, itoa(serviceID), itoa(userID))
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }

// Plugin is the service_users plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "service_users".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
