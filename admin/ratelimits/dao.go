package ratelimits

import (
	"context"

	"wsgate/admin/crud"
	"wsgate/functions"
	"wsgate/services"
)

// RuleDao is what the rules service and its rules keep and find rules with.
type RuleDao interface {
	crud.Dao[services.RateLimit]
	// Of returns the rule of a target; none is a NotFound error.
	Of(ctx context.Context, scope string, targetID int64) (services.RateLimit, error)
	// TargetExists reports whether the target of scope exists.
	TargetExists(ctx context.Context, scope string, targetID int64) (bool, error)
}

// WeightDao is what the weights service and its rules keep and find
// weights with.
type WeightDao interface {
	crud.Dao[services.FunctionWeight]
	// Installed reports whether function is an installed function.
	Installed(function string) bool
}

// NewRuleDao returns the RuleDao over st, the services store or a transaction of it.
func NewRuleDao(st *services.Store) RuleDao { return ruleDao{st} }

// NewWeightDao returns the WeightDao over st, with the installed functions of catalog.
func NewWeightDao(st *services.Store, catalog *functions.Catalog) WeightDao {
	return weightDao{st, catalog}
}

// ruleDao keeps rules in the services store.
type ruleDao struct{ st *services.Store }

// ruleColumns are the filters and orders of the list of rules; ?search=
// looks into the scope. Rules are few: the list is paged in memory.
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

func (d ruleDao) List(ctx context.Context, p crud.ListParams) (crud.Page[services.RateLimit], error) {
	all, err := d.st.RateLimits(ctx)
	if err != nil {
		return crud.Page[services.RateLimit]{}, err
	}
	return ruleColumns.Page(all, p)
}

func (d ruleDao) Get(ctx context.Context, id string) (services.RateLimit, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return services.RateLimit{}, err
	}
	return d.st.RateLimitByID(ctx, n)
}

func (d ruleDao) Of(ctx context.Context, scope string, targetID int64) (services.RateLimit, error) {
	return d.st.RateLimitOf(ctx, scope, targetID)
}

func (d ruleDao) TargetExists(ctx context.Context, scope string, targetID int64) (bool, error) {
	var err error
	switch scope {
	case services.LimitService:
		_, err = d.st.ServiceByID(ctx, targetID)
	case services.LimitToken:
		_, err = d.st.TokenByID(ctx, targetID)
	case services.LimitUser:
		_, err = d.st.UserByID(ctx, targetID)
	default:
		return false, nil
	}
	if crud.IsNotFound(err) {
		return false, nil
	}
	return err == nil, err
}

func (d ruleDao) Create(ctx context.Context, l *services.RateLimit) (err error) {
	*l, err = d.st.PutRateLimit(ctx, *l)
	return err
}

func (d ruleDao) Edit(ctx context.Context, _, l *services.RateLimit) (err error) {
	*l, err = d.st.PutRateLimit(ctx, *l)
	return err
}

func (d ruleDao) Delete(ctx context.Context, l *services.RateLimit) error {
	return d.st.DeleteRateLimit(ctx, l.Scope, l.TargetID)
}

// weightDao keeps function weights in the services store.
type weightDao struct {
	st      *services.Store
	catalog *functions.Catalog
}

// weightColumns are the filters and orders of the list of weights;
// ?search= looks into the function. Paged in memory.
var weightColumns = crud.Columns[services.FunctionWeight]{
	Columns: map[string]crud.Column[services.FunctionWeight]{
		"function":     crud.String(func(w *services.FunctionWeight) string { return w.Function }),
		"weight":       crud.Int(func(w *services.FunctionWeight) int64 { return w.Weight }),
		"timemodified": crud.Int(func(w *services.FunctionWeight) int64 { return w.TimeModified }),
	},
	Search:  []string{"function"},
	Default: "function",
}

func (d weightDao) List(ctx context.Context, p crud.ListParams) (crud.Page[services.FunctionWeight], error) {
	all, err := d.st.FunctionWeights(ctx)
	if err != nil {
		return crud.Page[services.FunctionWeight]{}, err
	}
	return weightColumns.Page(all, p)
}

func (d weightDao) Get(ctx context.Context, function string) (services.FunctionWeight, error) {
	return d.st.FunctionWeightOf(ctx, function)
}

func (d weightDao) Installed(function string) bool {
	_, ok := d.catalog.Get(function)
	return ok
}

func (d weightDao) Create(ctx context.Context, w *services.FunctionWeight) error {
	return d.put(ctx, w)
}

func (d weightDao) Edit(ctx context.Context, _, w *services.FunctionWeight) error {
	return d.put(ctx, w)
}

func (d weightDao) put(ctx context.Context, w *services.FunctionWeight) (err error) {
	if err := d.st.SetFunctionWeight(ctx, w.Function, w.Weight); err != nil {
		return err
	}
	*w, err = d.st.FunctionWeightOf(ctx, w.Function)
	return err
}

func (d weightDao) Delete(ctx context.Context, w *services.FunctionWeight) error {
	return d.st.DeleteFunctionWeight(ctx, w.Function)
}
