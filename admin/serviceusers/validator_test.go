package serviceusers

import (
	"context"
	"testing"
	"time"

	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	"wsgate/services"
)

func TestValidator(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name   string
		limits Limits
		want   string
	}{
		{"no limits", Limits{}, ""},
		{"an address list and a time to come", Limits{IPRestriction: "10.1.2.3, 10.0.0.0/8", ValidUntil: now.Unix() + 1}, ""},
		{"an IP restriction that is no list", Limits{IPRestriction: "my office"}, "invalid-data: iprestriction"},
		{"validuntil now", Limits{ValidUntil: now.Unix()}, "invalid-data: validuntil"},
		{"validuntil negative and a bad list", Limits{IPRestriction: "x", ValidUntil: -5},
			"invalid-data: iprestriction validuntil"},
	}
	v := validator(func() time.Time { return now })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &crudtest.Links[link]{Key: func(l *link) string { return l.User.Username }}
			l := link{Service: services.Service{ID: 1}, User: services.User{ID: 2, Username: "alice"},
				IPRestriction: tt.limits.IPRestriction, ValidUntil: tt.limits.ValidUntil}
			err := crud.CheckAssociation(context.Background(), Dao(d), &l, v.Common, v.Association)
			if got := crudtest.Outcome(err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
			// Withdrawing an authorisation has no rule of its own.
			if err := crud.CheckAssociation(context.Background(), Dao(d), &l, v.Common, v.Dissociation); err != nil {
				t.Errorf("dissociation: %v", err)
			}
		})
	}
}
