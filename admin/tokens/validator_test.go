package tokens

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	"wsgate/services"
)

// fakeDao is the tokens' Dao in memory, with the users and services tokens name.
type fakeDao struct {
	crudtest.Memory[token]
	users    map[int64]services.User
	services map[int64]services.Service
}

func (f *fakeDao) User(_ context.Context, id int64) (services.User, error) {
	if u, ok := f.users[id]; ok {
		return u, nil
	}
	return services.User{}, wsgate.ErrNotFound
}

func (f *fakeDao) Service(_ context.Context, id int64) (services.Service, error) {
	if s, ok := f.services[id]; ok {
		return s, nil
	}
	return services.Service{}, wsgate.ErrNotFound
}

func TestValidator(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	tests := []struct {
		name string
		in   Input
		want string
	}{
		{"a token", Input{UserID: 1, ServiceID: 1}, ""},
		{"a token with its limits", Input{UserID: 1, ServiceID: 1, IPRestriction: "10.0.0.0/8, 192.168.1.1-20",
			ValidUntil: now.Unix() + 60, Name: "ci"}, ""},
		{"no user, no service", Input{}, "invalid-data: service_id user_id"},
		{"an unknown user and service", Input{UserID: 9, ServiceID: 9}, "invalid-data: service_id user_id"},
		{"a deleted user", Input{UserID: 2, ServiceID: 1}, "invalid-data: user_id"},
		{"an IP restriction that is no list", Input{UserID: 1, ServiceID: 1, IPRestriction: "everywhere"},
			"invalid-data: iprestriction"},
		{"validuntil past", Input{UserID: 1, ServiceID: 1, ValidUntil: now.Unix()}, "invalid-data: validuntil"},
		{"a name too long", Input{UserID: 1, ServiceID: 1, Name: strings.Repeat("n", 101)}, "invalid-data: name"},
	}
	v := validator(func() time.Time { return now })
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &fakeDao{Memory: crudtest.Memory[token]{Key: func(t *token) string { return strconv.FormatInt(t.ID, 10) }},
				users:    map[int64]services.User{1: {ID: 1, Username: "alice"}, 2: {ID: 2, Username: "gone", Deleted: true}},
				services: map[int64]services.Service{1: {ID: 1, Shortname: "s"}}}
			var m token
			apply(&m, tt.in)
			err := crud.Check(context.Background(), Dao(d), nil, &m, v.Common, v.Create)
			if got := crudtest.Outcome(err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}
