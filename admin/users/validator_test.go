package users

import (
	"context"
	"strings"
	"testing"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	"wsgate/services"
)

// fakeDao is the users' Dao in memory.
type fakeDao struct{ crudtest.Memory[user] }

func (f *fakeDao) ByUsername(_ context.Context, name string) (services.User, error) {
	for _, u := range f.Items {
		if u.Username == name {
			return u.User, nil
		}
	}
	return services.User{}, wsgate.ErrNotFound
}

func newFake(us ...services.User) *fakeDao {
	f := &fakeDao{crudtest.Memory[user]{Key: func(u *user) string { return itoa(u.ID) }}}
	for _, u := range us {
		f.Items = append(f.Items, user{User: u})
	}
	return f
}

func TestValidator(t *testing.T) {
	alice := services.User{ID: 1, Username: "alice", Auth: services.AuthManual, Email: "alice@example.org"}
	long := strings.Repeat("x", 101)
	pw := strings.Repeat("p", 73)
	tests := []struct {
		name string
		old  *services.User // nil: create
		in   Input
		want string
	}{
		{"a new user", nil, Input{Username: "bob", Auth: services.AuthManual, Email: "bob@example.org"}, ""},
		{"no username", nil, Input{Auth: services.AuthManual}, "invalid-data: username"},
		{"a username of other characters", nil, Input{Username: "bob smith", Auth: services.AuthManual},
			"invalid-data: username"},
		{"fields too long", nil, Input{Username: "bob", FirstName: long, LastName: long, Auth: services.AuthManual},
			"invalid-data: firstname lastname"},
		{"an email that is no address", nil, Input{Username: "bob", Email: "Bob <bob@example.org>",
			Auth: services.AuthManual}, "invalid-data: email"},
		{"an unknown auth", nil, Input{Username: "bob", Auth: "ldap"}, "invalid-data: auth"},
		{"a password over bcrypt's 72 bytes", nil, Input{Username: "bob", Auth: services.AuthManual, Password: &pw},
			"invalid-data: password"},
		{"every field wrong at once", nil, Input{Username: "", Email: "x", Auth: "x"},
			"invalid-data: auth email username"},
		{"a username taken", nil, Input{Username: "alice", Auth: services.AuthManual}, "resource-exists: username"},
		{"an edit keeping the username", &alice, Input{Username: "alice", Auth: services.AuthManual,
			Email: "alice@example.org", FirstName: "Alice"}, ""},
		{"an edit of an email stored before the rule", &services.User{ID: 1, Username: "alice",
			Auth: services.AuthManual, Email: "old style"}, Input{Username: "alice", Auth: services.AuthManual,
			Email: "old style", Suspended: true}, ""},
		{"an edit to a taken username", &services.User{ID: 2, Username: "carol", Auth: services.AuthManual},
			Input{Username: "alice", Auth: services.AuthManual}, "resource-exists: username"},
	}
	v := validator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newFake(alice)
			var m user
			apply(&m, tt.in)
			var err error
			if tt.old == nil {
				err = crud.Check(context.Background(), Dao(d), nil, &m, v.Common, v.Create)
			} else {
				old := user{User: *tt.old}
				m.ID = old.ID
				err = crud.Check(context.Background(), Dao(d), &old, &m, v.Common, v.Edit)
			}
			if got := crudtest.Outcome(err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}
