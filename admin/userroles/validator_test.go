package userroles

import (
	"context"
	"testing"

	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	"wsgate/services"
)

// TestValidator: role assignments have no rule of their own (loading both
// ends checks them; the store guards site administrators), so every
// assignment the dao loads passes, the admin role's too.
func TestValidator(t *testing.T) {
	v := validator()
	for _, l := range []link{
		{User: services.User{ID: 1, Username: "alice"}, Role: services.Role{ID: 2, Shortname: "manager"}},
		{User: services.User{ID: 1, Username: "alice"}, Role: services.Role{ID: 1, Shortname: services.AdminRole}},
	} {
		d := &crudtest.Links[link]{Key: func(l *link) string { return l.Role.Shortname }}
		for _, ops := range [][]crud.AssociationValidator[link, Dao]{v.Association, v.Dissociation} {
			if err := crud.CheckAssociation(context.Background(), Dao(d), &l, v.Common, ops); err != nil {
				t.Errorf("%s to %s: %v", l.Role.Shortname, l.User.Username, err)
			}
		}
	}
}
