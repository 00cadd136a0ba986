// Package tokens is the admin plugin of web service tokens, on /tokens and
// /tokens/{id}. Creating a token answers its value, that once (only its
// SHA-256 is stored); lists and items never show it; deleting a token
// revokes it at once.
package tokens

import (
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

// Plugin is the tokens plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "tokens".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) service() *crud.CRUDService[token] {
	return &crud.CRUDService[token]{Noun: noun, Changes: p.env.Changes, Dao: dao{}, Validator: validator(p.env.Now),
		Notifier: notifier(), Columns: columns}
}

// columns are the filters and orders of the list; ?search= looks into the
// name and the IP restriction.
var columns = crud.Columns[token]{
	Columns: map[string]crud.Column[token]{
		"id":            crud.Int(func(t *token) int64 { return t.ID }),
		"user_id":       crud.Int(func(t *token) int64 { return t.UserID }),
		"service_id":    crud.Int(func(t *token) int64 { return t.ServiceID }),
		"name":          crud.String(func(t *token) string { return t.Name }),
		"iprestriction": crud.String(func(t *token) string { return t.IPRestriction }),
		"validuntil":    crud.Int(func(t *token) int64 { return t.ValidUntil }),
		"timecreated":   crud.Int(func(t *token) int64 { return t.TimeCreated }),
		"lastaccess":    crud.Int(func(t *token) int64 { return t.LastAccess }),
		"readonly":      crud.Bool(func(t *token) bool { return t.ReadOnly }),
		"lastaccess_ip": crud.String(func(t *token) string { return t.LastAccessIP }),
		"creator_id":    crud.Int(func(t *token) int64 { return t.CreatorID }),
	},
	Search:  []string{"name", "iprestriction"},
	Default: "id",
}
