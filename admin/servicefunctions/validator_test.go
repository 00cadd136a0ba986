package servicefunctions

import (
	"context"
	"testing"

	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	"wsgate/functions"
	"wsgate/services"
)

func TestValidator(t *testing.T) {
	custom := services.Service{ID: 1, Shortname: "custom"}
	component := services.Service{ID: 2, Shortname: "moodle_mobile_app", Component: "tool_mobile"}
	tests := []struct {
		name   string
		remove bool
		l      link
		want   string
	}{
		{"a function added to a custom service", false, link{Service: custom, Function: &functions.Function{Name: "f"}}, ""},
		{"a function added to a component service", false,
			link{Service: component, Function: &functions.Function{Name: "f"}}, "not-permitted: component"},
		{"a function not installed", false,
			link{Service: custom, Function: &functions.Function{Name: "gone"}, missing: true}, "not-found: name"},
		{"a deprecated function", false,
			link{Service: custom, Function: &functions.Function{Name: "old", Deprecated: true}}, "not-permitted: name"},
		{"a function no longer installed removed", true,
			link{Service: custom, Function: &functions.Function{Name: "gone"}, missing: true}, ""},
		{"a function removed from a component service", true,
			link{Service: component, Function: &functions.Function{Name: "f"}}, "not-permitted: component"},
	}
	v := validator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &crudtest.Links[link]{Key: func(l *link) string { return l.Function.Name }}
			ops := v.Association
			if tt.remove {
				ops = v.Dissociation
			}
			err := crud.CheckAssociation(context.Background(), Dao(d), &tt.l, v.Common, ops)
			if got := crudtest.Outcome(err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}
