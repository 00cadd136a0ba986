// Package ratelimits is the admin plugin of call rate limits: rules on
// /ratelimits and /ratelimits/{id} (a service's default, or a token's or a
// user's own limits, per second, minute, hour and day), and function weights
// on /ratelimit_weights and /ratelimit_weights/{function} (what one call of
// the function spends). Changes apply from the next call on every instance.
package ratelimits

import (
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "ratelimits"

var (
	ruleNoun   = crud.Noun{One: "ratelimit", Many: "ratelimits"}
	weightNoun = crud.Noun{One: "ratelimit_weight", Many: "ratelimit_weights"}
)

// Plugin is the ratelimits plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "ratelimits".
func (p *Plugin) Name() string { return Name }

func (p *Plugin) rules() *crud.CRUDService[services.RateLimit] {
	return &crud.CRUDService[services.RateLimit]{Noun: ruleNoun, Changes: p.env.Changes, Dao: ruleDao{},
		Validator: ruleValidator(), Notifier: ruleNotifier(), Columns: ruleColumns}
}

func (p *Plugin) weights() *crud.CRUDService[services.FunctionWeight] {
	return &crud.CRUDService[services.FunctionWeight]{Noun: weightNoun, Changes: p.env.Changes, Dao: weightDao{},
		Validator: weightValidator(p.env), Notifier: weightNotifier(), Columns: weightColumns}
}

// ruleColumns are the filters and orders of the list of rules; ?search= looks into the scope.
var ruleColumns = crud.Columns[services.RateLimit]{
	Columns: map[string]crud.Column[services.RateLimit]{
		"id":           crud.Int(func(r *services.RateLimit) int64 { return r.ID }),
		"scope":        crud.String(func(r *services.RateLimit) string { return r.Scope }),
		"target_id":    crud.Int(func(r *services.RateLimit) int64 { return r.TargetID }),
		"persecond":    crud.Int(func(r *services.RateLimit) int64 { return r.PerSecond }),
		"perminute":    crud.Int(func(r *services.RateLimit) int64 { return r.PerMinute }),
		"perhour":      crud.Int(func(r *services.RateLimit) int64 { return r.PerHour }),
		"perday":       crud.Int(func(r *services.RateLimit) int64 { return r.PerDay }),
		"timemodified": crud.Int(func(r *services.RateLimit) int64 { return r.TimeModified }),
	},
	Search:  []string{"scope"},
	Default: "id",
}

// weightColumns are the filters and orders of the list of weights; ?search= looks into the function.
var weightColumns = crud.Columns[services.FunctionWeight]{
	Columns: map[string]crud.Column[services.FunctionWeight]{
		"function":     crud.String(func(w *services.FunctionWeight) string { return w.Function }),
		"weight":       crud.Int(func(w *services.FunctionWeight) int64 { return w.Weight }),
		"timemodified": crud.Int(func(w *services.FunctionWeight) int64 { return w.TimeModified }),
	},
	Search:  []string{"function"},
	Default: "function",
}
