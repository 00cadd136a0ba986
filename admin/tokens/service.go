// Package tokens is the admin plugin of web service tokens, on /tokens and
// /tokens/{id}. Creating a token answers its value, that once (only its
// SHA-256 is stored); lists and items never show it; deleting a token
// revokes it at once. Service is the typed API every change of a token
// goes through.
package tokens

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "tokens"

var noun = crud.Noun{One: "token", Many: "tokens"}

// token is a token with its value, known only when it has just been made.
type token struct {
	services.Token
	Value string
}

// Input holds the fields a new token takes; name "" draws Moodle's
// default "Webservice-<5 random characters>".
type Input struct {
	UserID        int64  `json:"user_id"`
	ServiceID     int64  `json:"service_id"`
	Name          string `json:"name"`
	IPRestriction string `json:"iprestriction"`
	ValidUntil    int64  `json:"validuntil"` // unix seconds, 0 for never
	ReadOnly      bool   `json:"readonly"`
}

// Service creates, deletes, finds and lists tokens (a token is not
// edited), each change validated and written with its event in one
// transaction. The caller of Create is recorded as the token's creator.
type Service struct {
	crud *crud.CRUDService[token, Dao]
}

// NewService returns the tokens service over env.
func NewService(env *crud.Env) *Service {
	return &Service{crud: &crud.CRUDService[token, Dao]{Noun: noun, Changes: env.Changes, Dao: NewDao,
		Validator: validator(env.Now), Notifier: notifier()}}
}

// Create makes a token from in and returns it with its value, which is
// never shown again.
func (s *Service) Create(ctx context.Context, caller *wsgate.Caller, in Input) (services.Token, string, error) {
	t, err := s.crud.Create(ctx, caller, func(t *token) error { apply(t, in); return nil })
	return t.Token, t.Value, err
}

// Delete deletes (revokes) token id.
func (s *Service) Delete(ctx context.Context, caller *wsgate.Caller, id int64) error {
	return s.crud.Delete(ctx, caller, strconv.FormatInt(id, 10))
}

// Get returns token id, without its value.
func (s *Service) Get(ctx context.Context, caller *wsgate.Caller, id int64) (services.Token, error) {
	t, err := s.crud.Get(ctx, caller, strconv.FormatInt(id, 10))
	return t.Token, err
}

// List returns the page of tokens p selects (see columns), without values.
func (s *Service) List(ctx context.Context, caller *wsgate.Caller, p crud.ListParams) (crud.Page[services.Token], error) {
	page, err := s.crud.List(ctx, caller, p)
	return crud.MapPage(page, func(t *token) services.Token { return t.Token }), err
}

// apply writes in over t, trimmed.
func apply(t *token, in Input) {
	t.UserID, t.ServiceID, t.Name = in.UserID, in.ServiceID, strings.TrimSpace(in.Name)
	t.IPRestriction, t.ValidUntil = strings.TrimSpace(in.IPRestriction), in.ValidUntil
	t.ReadOnly = in.ReadOnly
}

// Plugin is the tokens plugin.
type Plugin struct {
	env *crud.Env
	svc *Service
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env, svc: NewService(env)} }

// Name returns "tokens".
func (p *Plugin) Name() string { return Name }

// Service returns the plugin's service.
func (p *Plugin) Service() *Service { return p.svc }
