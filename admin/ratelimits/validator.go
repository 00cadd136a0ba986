package ratelimits

import (
	"context"
	"strconv"

	"wsgate/admin/crud"
	"wsgate/services"
)

// ruleValidator holds the rules of a rate limit rule.
func ruleValidator() crud.ValidationGroup[services.RateLimit, RuleDao] {
	return crud.ValidationGroup[services.RateLimit, RuleDao]{
		Common: []crud.Validator[services.RateLimit, RuleDao]{validWindows},
		Create: []crud.Validator[services.RateLimit, RuleDao]{validTarget, oneRulePerTarget},
		Edit:   []crud.Validator[services.RateLimit, RuleDao]{sameTarget},
	}
}

// validWindows: each window is 0 (no limit) or positive, and one at least is set.
func validWindows(_ context.Context, _ RuleDao, _, l *services.RateLimit) error {
	f := crud.Fields{}
	for name, v := range map[string]int64{"persecond": l.PerSecond, "perminute": l.PerMinute,
		"perhour": l.PerHour, "perday": l.PerDay} {
		if v < 0 {
			f[name] = "must be 0 (no limit) or positive"
		}
	}
	if len(f) == 0 && l.Limits().IsZero() {
		f["perminute"] = "one of persecond, perminute, perhour, perday must be above 0 (delete the rule to remove the limit)"
	}
	return f.Err()
}

// validTarget: scope is service, token or user, and target_id names one.
func validTarget(ctx context.Context, d RuleDao, _, l *services.RateLimit) error {
	switch l.Scope {
	case services.LimitService, services.LimitToken, services.LimitUser:
	default:
		return crud.InvalidField("scope", "must be one of service, token, user")
	}
	ok, err := d.TargetExists(ctx, l.Scope, l.TargetID)
	if err == nil && (!ok || l.TargetID <= 0) {
		return crud.InvalidField("target_id", "is not the id of a "+l.Scope)
	}
	return err
}

// oneRulePerTarget: a target has one rule; edit it instead.
func oneRulePerTarget(ctx context.Context, d RuleDao, _, l *services.RateLimit) error {
	_, err := d.Of(ctx, l.Scope, l.TargetID)
	if err == nil {
		return crud.Exists("Ratelimit", "target_id", l.Scope+" "+strconv.FormatInt(l.TargetID, 10))
	}
	if crud.IsNotFound(err) {
		return nil
	}
	return err
}

// sameTarget: a rule keeps its scope and target.
func sameTarget(_ context.Context, _ RuleDao, old, l *services.RateLimit) error {
	f := crud.Fields{}
	if l.Scope != old.Scope {
		f["scope"] = "cannot be changed: delete the rule and create another"
	}
	if l.TargetID != old.TargetID {
		f["target_id"] = "cannot be changed: delete the rule and create another"
	}
	return f.Err()
}

// weightValidator holds the rules of a function weight.
func weightValidator() crud.ValidationGroup[services.FunctionWeight, WeightDao] {
	return crud.ValidationGroup[services.FunctionWeight, WeightDao]{
		Common: []crud.Validator[services.FunctionWeight, WeightDao]{validWeight},
		Create: []crud.Validator[services.FunctionWeight, WeightDao]{functionInstalled, oneWeightPerFunction},
		Edit:   []crud.Validator[services.FunctionWeight, WeightDao]{sameFunction},
	}
}

// validWeight: the weight is at least 1.
func validWeight(_ context.Context, _ WeightDao, _, w *services.FunctionWeight) error {
	if w.Weight < 1 {
		return crud.InvalidField("weight", "must be at least 1")
	}
	return nil
}

// functionInstalled: the function is an installed one.
func functionInstalled(_ context.Context, d WeightDao, _, w *services.FunctionWeight) error {
	if w.Function == "" {
		return crud.InvalidField("function", "is required")
	}
	if !d.Installed(w.Function) {
		return crud.InvalidField("function", "is not an installed function")
	}
	return nil
}

// oneWeightPerFunction: a function has one weight; edit it instead.
func oneWeightPerFunction(ctx context.Context, d WeightDao, _, w *services.FunctionWeight) error {
	_, err := d.Get(ctx, w.Function)
	if err == nil {
		return crud.Exists("Ratelimit_weight", "function", w.Function)
	}
	if crud.IsNotFound(err) {
		return nil
	}
	return err
}

// sameFunction: a weight keeps its function.
func sameFunction(_ context.Context, _ WeightDao, old, w *services.FunctionWeight) error {
	if w.Function != old.Function {
		return crud.InvalidField("function", "cannot be changed")
	}
	return nil
}
