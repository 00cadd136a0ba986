package ratelimits

import (
	"context"
	"fmt"
	"strconv"
	"testing"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	"wsgate/services"
)

// fakeRules is the rules' Dao in memory, with the targets that exist.
type fakeRules struct {
	crudtest.Memory[services.RateLimit]
	targets map[string]bool // "scope id"
}

func (f *fakeRules) Of(_ context.Context, scope string, id int64) (services.RateLimit, error) {
	for _, l := range f.Items {
		if l.Scope == scope && l.TargetID == id {
			return l, nil
		}
	}
	return services.RateLimit{}, wsgate.ErrNotFound
}

func (f *fakeRules) TargetExists(_ context.Context, scope string, id int64) (bool, error) {
	return f.targets[fmt.Sprint(scope, " ", id)], nil
}

func TestRuleValidator(t *testing.T) {
	stored := services.RateLimit{ID: 1, Scope: services.LimitService, TargetID: 1, PerMinute: 60}
	tests := []struct {
		name string
		old  *services.RateLimit // nil: create
		in   RuleInput
		want string
	}{
		{"a rule of a user", nil, RuleInput{Scope: services.LimitUser, TargetID: 5, PerHour: 100}, ""},
		{"no limit at all", nil, RuleInput{Scope: services.LimitUser, TargetID: 5}, "invalid-data: perminute"},
		{"a negative window", nil, RuleInput{Scope: services.LimitUser, TargetID: 5, PerSecond: -1, PerDay: 3},
			"invalid-data: persecond"},
		{"an unknown scope", nil, RuleInput{Scope: "site", TargetID: 1, PerDay: 3}, "invalid-data: scope"},
		{"a target that does not exist", nil, RuleInput{Scope: services.LimitToken, TargetID: 7, PerDay: 3},
			"invalid-data: target_id"},
		{"a second rule for a target", nil, RuleInput{Scope: services.LimitService, TargetID: 1, PerDay: 3},
			"resource-exists: target_id"},
		{"an edit of the windows", &stored, RuleInput{Scope: services.LimitService, TargetID: 1, PerMinute: 120}, ""},
		{"an edit of the target", &stored, RuleInput{Scope: services.LimitUser, TargetID: 5, PerMinute: 60},
			"invalid-data: scope target_id"},
	}
	v := ruleValidator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &fakeRules{Memory: crudtest.Memory[services.RateLimit]{Key: func(l *services.RateLimit) string {
				return strconv.FormatInt(l.ID, 10)
			}, Items: []services.RateLimit{stored}}, targets: map[string]bool{"service 1": true, "user 5": true}}
			var m services.RateLimit
			var err error
			if tt.old == nil {
				applyRule(&m, tt.in)
				err = crud.Check(context.Background(), RuleDao(d), nil, &m, v.Common, v.Create)
			} else {
				m = *tt.old
				applyRule(&m, tt.in)
				err = crud.Check(context.Background(), RuleDao(d), tt.old, &m, v.Common, v.Edit)
			}
			if got := crudtest.Outcome(err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}

// fakeWeights is the weights' Dao in memory, with the installed functions.
type fakeWeights struct {
	crudtest.Memory[services.FunctionWeight]
	installed map[string]bool
}

func (f *fakeWeights) Installed(name string) bool { return f.installed[name] }

func TestWeightValidator(t *testing.T) {
	stored := services.FunctionWeight{Function: "core_user_get_users", Weight: 5}
	tests := []struct {
		name string
		old  *services.FunctionWeight // nil: create
		m    services.FunctionWeight
		want string
	}{
		{"a weight", nil, services.FunctionWeight{Function: "core_files_upload", Weight: 3}, ""},
		{"a weight below 1", nil, services.FunctionWeight{Function: "core_files_upload"}, "invalid-data: weight"},
		{"no function", nil, services.FunctionWeight{Weight: 2}, "invalid-data: function"},
		{"a function not installed", nil, services.FunctionWeight{Function: "nope", Weight: 2}, "invalid-data: function"},
		{"a second weight of a function", nil, services.FunctionWeight{Function: "core_user_get_users", Weight: 2},
			"resource-exists: function"},
		{"an edit of the weight", &stored, services.FunctionWeight{Function: "core_user_get_users", Weight: 9}, ""},
		{"an edit of the function", &stored, services.FunctionWeight{Function: "core_files_upload", Weight: 5},
			"invalid-data: function"},
	}
	v := weightValidator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &fakeWeights{Memory: crudtest.Memory[services.FunctionWeight]{Key: func(w *services.FunctionWeight) string {
				return w.Function
			}, Items: []services.FunctionWeight{stored}},
				installed: map[string]bool{"core_user_get_users": true, "core_files_upload": true}}
			var err error
			if tt.old == nil {
				err = crud.Check(context.Background(), WeightDao(d), nil, &tt.m, v.Common, v.Create)
			} else {
				err = crud.Check(context.Background(), WeightDao(d), tt.old, &tt.m, v.Common, v.Edit)
			}
			if got := crudtest.Outcome(err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}
