package ratelimits

import (
	"context"

	"wsgate/admin/crud"
	"wsgate/services"
)

// ruleDao keeps rules in the services store.
type ruleDao struct{}

func (ruleDao) List(ctx context.Context, st *services.Store) ([]services.RateLimit, error) {
	return st.RateLimits(ctx)
}

func (ruleDao) Get(ctx context.Context, st *services.Store, id string) (services.RateLimit, error) {
	n, err := crud.ParseID(id)
	if err != nil {
		return services.RateLimit{}, err
	}
	return st.RateLimitByID(ctx, n)
}

func (ruleDao) Create(ctx context.Context, tx *crud.Tx, l *services.RateLimit) (err error) {
	*l, err = tx.PutRateLimit(ctx, *l)
	return err
}

func (ruleDao) Edit(ctx context.Context, tx *crud.Tx, _, l *services.RateLimit) (err error) {
	*l, err = tx.PutRateLimit(ctx, *l)
	return err
}

func (ruleDao) Delete(ctx context.Context, tx *crud.Tx, l *services.RateLimit) error {
	return tx.DeleteRateLimit(ctx, l.Scope, l.TargetID)
}

// weightDao keeps function weights in the services store.
type weightDao struct{}

func (weightDao) List(ctx context.Context, st *services.Store) ([]services.FunctionWeight, error) {
	return st.FunctionWeights(ctx)
}

func (weightDao) Get(ctx context.Context, st *services.Store, function string) (services.FunctionWeight, error) {
	return st.FunctionWeightOf(ctx, function)
}

func (weightDao) Create(ctx context.Context, tx *crud.Tx, w *services.FunctionWeight) error {
	return weightDao{}.put(ctx, tx, w)
}

func (weightDao) Edit(ctx context.Context, tx *crud.Tx, _, w *services.FunctionWeight) error {
	return weightDao{}.put(ctx, tx, w)
}

func (weightDao) put(ctx context.Context, tx *crud.Tx, w *services.FunctionWeight) (err error) {
	if err := tx.SetFunctionWeight(ctx, w.Function, w.Weight); err != nil {
		return err
	}
	*w, err = tx.FunctionWeightOf(ctx, w.Function)
	return err
}

func (weightDao) Delete(ctx context.Context, tx *crud.Tx, w *services.FunctionWeight) error {
	return tx.DeleteFunctionWeight(ctx, w.Function)
}
