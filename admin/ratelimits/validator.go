package ratelimits

import (
	"context"
	"strconv"

	"wsgate/admin/crud"
	"wsgate/services"
)

// ruleValidator holds the rules of a rate limit rule.
func ruleValidator() crud.ValidationGroup[services.RateLimit] {
	return crud.ValidationGroup[services.RateLimit]{
		Common: []crud.Validator[services.RateLimit]{validWindows},
		Create: []crud.Validator[services.RateLimit]{validTarget, oneRulePerTarget},
		Edit:   []crud.Validator[services.RateLimit]{sameTarget},
	}
}

// validWindows: each window is 0 (no limit) or positive, and one at least is set.
func validWindows(_ context.Context, _ *services.Store, _, l *services.RateLimit) error {
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
func validTarget(ctx context.Context, st *services.Store, _, l *services.RateLimit) error {
	var err error
	switch l.Scope {
	case services.LimitService:
		_, err = st.ServiceByID(ctx, l.TargetID)
	case services.LimitToken:
		_, err = st.TokenByID(ctx, l.TargetID)
	case services.LimitUser:
		_, err = st.UserByID(ctx, l.TargetID)
	default:
		return crud.InvalidField("scope", "must be one of service, token, user")
	}
	if crud.IsNotFound(err) || l.TargetID <= 0 {
		return crud.InvalidField("target_id", "is not the id of a "+l.Scope)
	}
	return err
}

// oneRulePerTarget: a target has one rule; edit it instead.
func oneRulePerTarget(ctx context.Context, st *services.Store, _, l *services.RateLimit) error {
	_, err := st.RateLimitOf(ctx, l.Scope, l.TargetID)
	if err == nil {
		return crud.Exists("Ratelimit", "target_id", l.Scope+" "+strconv.FormatInt(l.TargetID, 10))
	}
	if crud.IsNotFound(err) {
		return nil
	}
	return err
}

// sameTarget: a rule keeps its scope and target.
func sameTarget(_ context.Context, _ *services.Store, old, l *services.RateLimit) error {
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
func weightValidator(env *crud.Env) crud.ValidationGroup[services.FunctionWeight] {
	return crud.ValidationGroup[services.FunctionWeight]{
		Common: []crud.Validator[services.FunctionWeight]{validWeight},
		Create: []crud.Validator[services.FunctionWeight]{functionInstalled(env), oneWeightPerFunction},
		Edit:   []crud.Validator[services.FunctionWeight]{sameFunction},
	}
}

// validWeight: the weight is at least 1.
func validWeight(_ context.Context, _ *services.Store, _, w *services.FunctionWeight) error {
	if w.Weight < 1 {
		return crud.InvalidField("weight", "must be at least 1")
	}
	return nil
}

// functionInstalled: the function is an installed one.
func functionInstalled(env *crud.Env) crud.Validator[services.FunctionWeight] {
	return func(_ context.Context, _ *services.Store, _, w *services.FunctionWeight) error {
		if w.Function == "" {
			return crud.InvalidField("function", "is required")
		}
		if _, ok := env.Catalog.Get(w.Function); !ok {
			return crud.InvalidField("function", "is not an installed function")
		}
		return nil
	}
}

// oneWeightPerFunction: a function has one weight; edit it instead.
func oneWeightPerFunction(ctx context.Context, st *services.Store, _, w *services.FunctionWeight) error {
	_, err := st.FunctionWeightOf(ctx, w.Function)
	if err == nil {
		return crud.Exists("Ratelimit_weight", "function", w.Function)
	}
	if crud.IsNotFound(err) {
		return nil
	}
	return err
}

// sameFunction: a weight keeps its function.
func sameFunction(_ context.Context, _ *services.Store, old, w *services.FunctionWeight) error {
	if w.Function != old.Function {
		return crud.InvalidField("function", "cannot be changed")
	}
	return nil
}
