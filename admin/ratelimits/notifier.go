package ratelimits

import (
	"wsgate/admin/crud"
	"wsgate/services"
)

// ruleNotifier names the events ratelimit_created|edited|deleted, routed on
// config.ratelimits.created|edited|deleted.
func ruleNotifier() crud.Notifier[services.RateLimit] {
	return crud.Events[services.RateLimit]{Noun: ruleNoun, Body: func(l *services.RateLimit) map[string]any {
		return map[string]any{"id": l.ID, "scope": l.Scope, "target_id": l.TargetID, "persecond": l.PerSecond,
			"perminute": l.PerMinute, "perhour": l.PerHour, "perday": l.PerDay}
	}}
}

// weightNotifier names the events ratelimit_weight_created|edited|deleted,
// routed on config.ratelimit_weights.created|edited|deleted.
func weightNotifier() crud.Notifier[services.FunctionWeight] {
	return crud.Events[services.FunctionWeight]{Noun: weightNoun, Body: func(w *services.FunctionWeight) map[string]any {
		return map[string]any{"function": w.Function, "weight": w.Weight}
	}}
}
