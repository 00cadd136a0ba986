// Package ratelimits is the admin plugin of call rate limits: rules on
// /ratelimits and /ratelimits/{id} (a service's default, or a token's or a
// user's own limits, per second, minute, hour and day), and function weights
// on /ratelimit_weights and /ratelimit_weights/{function} (what one call of
// the function spends). Changes apply from the next call on every instance.
// Rules and Weights are the typed APIs every change goes through.
package ratelimits

import (
	"context"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// Name is the plugin's name in enabled_plugins.
const Name = "ratelimits"

var (
	ruleNoun   = crud.Noun{One: "ratelimit", Many: "ratelimits"}
	weightNoun = crud.Noun{One: "ratelimit_weight", Many: "ratelimit_weights"}
)

// RuleInput holds the fields a rule takes; scope and target do not change
// on edit.
type RuleInput struct {
	Scope     string `json:"scope"` // service, token or user
	TargetID  int64  `json:"target_id"`
	PerSecond int64  `json:"persecond"`
	PerMinute int64  `json:"perminute"`
	PerHour   int64  `json:"perhour"`
	PerDay    int64  `json:"perday"`
}

// Rules creates, edits, deletes, finds and lists rate limit rules.
type Rules struct {
	crud.Typed[services.RateLimit, RuleDao, RuleInput]
}

func ruleInputOf(l *services.RateLimit) RuleInput {
	return RuleInput{Scope: l.Scope, TargetID: l.TargetID, PerSecond: l.PerSecond, PerMinute: l.PerMinute,
		PerHour: l.PerHour, PerDay: l.PerDay}
}

func applyRule(l *services.RateLimit, in RuleInput) {
	l.Scope, l.TargetID = in.Scope, in.TargetID
	l.PerSecond, l.PerMinute, l.PerHour, l.PerDay = in.PerSecond, in.PerMinute, in.PerHour, in.PerDay
}

// Weights creates, edits, deletes, finds and lists function weights; a
// weight is known by its function's name.
type Weights struct {
	crud *crud.CRUDService[services.FunctionWeight, WeightDao]
}

// Set gives function the weight: it creates the weight, or edits it.
func (s *Weights) Set(ctx context.Context, caller *wsgate.Caller, function string, weight int64) error {
	_, err := s.crud.Get(ctx, caller, function)
	if crud.IsNotFound(err) {
		_, err = s.crud.Create(ctx, caller, func(w *services.FunctionWeight) error {
			w.Function, w.Weight = function, weight
			return nil
		})
		return err
	}
	if err != nil {
		return err
	}
	return s.crud.Edit(ctx, caller, function, func(w *services.FunctionWeight) error { w.Weight = weight; return nil })
}

// Delete deletes the weight of function (it weighs 1 again).
func (s *Weights) Delete(ctx context.Context, caller *wsgate.Caller, function string) error {
	return s.crud.Delete(ctx, caller, function)
}

// Get returns the weight of function.
func (s *Weights) Get(ctx context.Context, caller *wsgate.Caller, function string) (services.FunctionWeight, error) {
	return s.crud.Get(ctx, caller, function)
}

// List returns the page of weights p selects (see weightColumns).
func (s *Weights) List(ctx context.Context, caller *wsgate.Caller, p crud.ListParams) (crud.Page[services.FunctionWeight], error) {
	return s.crud.List(ctx, caller, p)
}

// Plugin is the ratelimits plugin.
type Plugin struct {
	env     *crud.Env
	rules   *Rules
	weights *Weights
}

// New returns the plugin over env.
func New(env *crud.Env) *Plugin {
	return &Plugin{env: env,
		rules: &Rules{crud.Typed[services.RateLimit, RuleDao, RuleInput]{Apply: applyRule, InputOf: ruleInputOf,
			CRUD: &crud.CRUDService[services.RateLimit, RuleDao]{Noun: ruleNoun, Changes: env.Changes,
				Dao: NewRuleDao, Validator: ruleValidator(), Notifier: ruleNotifier()}}},
		weights: &Weights{crud: &crud.CRUDService[services.FunctionWeight, WeightDao]{Noun: weightNoun,
			Changes: env.Changes, Dao: func(st *services.Store) WeightDao { return NewWeightDao(st, env.Catalog) },
			Validator: weightValidator(), Notifier: weightNotifier()}}}
}

// Name returns "ratelimits".
func (p *Plugin) Name() string { return Name }

// Rules returns the plugin's service of rules.
func (p *Plugin) Rules() *Rules { return p.rules }

// Weights returns the plugin's service of function weights.
func (p *Plugin) Weights() *Weights { return p.weights }
