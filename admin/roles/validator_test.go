package roles

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	"wsgate/services"
)

// fakeDao is the roles' Dao in memory, with the registered capabilities.
type fakeDao struct {
	crudtest.Memory[services.Role]
	caps []string
}

func (f *fakeDao) ByShortname(_ context.Context, shortname string) (services.Role, error) {
	for _, r := range f.Items {
		if r.Shortname == shortname {
			return r, nil
		}
	}
	return services.Role{}, wsgate.ErrNotFound
}

func (f *fakeDao) CapabilityExists(_ context.Context, c string) (bool, error) {
	return slices.Contains(f.caps, c), nil
}

func TestValidator(t *testing.T) {
	adminRole := services.Role{ID: 1, Shortname: services.AdminRole}
	manager := services.Role{ID: 2, Shortname: "manager", Capabilities: []string{"moodle/old:cap"}}
	tests := []struct {
		name string
		op   string // create, edit, delete
		old  services.Role
		in   func(in *Input)
		want string
	}{
		{"a new role", "create", services.Role{}, func(in *Input) {
			in.Shortname, in.Capabilities = "viewer", []string{"moodle/user:view"}
		}, ""},
		{"no shortname", "create", services.Role{}, func(in *Input) {}, "invalid-data: shortname"},
		{"a shortname of other characters, a name too long", "create", services.Role{}, func(in *Input) {
			in.Shortname, in.Name = "a role", strings.Repeat("n", 256)
		}, "invalid-data: name shortname"},
		{"an unregistered capability", "create", services.Role{}, func(in *Input) {
			in.Shortname, in.Capabilities = "viewer", []string{"moodle/nothing:here"}
		}, "invalid-data: capabilities"},
		{"an empty capability", "create", services.Role{}, func(in *Input) {
			in.Shortname, in.Capabilities = "viewer", []string{" "}
		}, "invalid-data: capabilities"},
		{"a shortname taken", "create", services.Role{}, func(in *Input) { in.Shortname = "manager" },
			"resource-exists: shortname"},
		{"a capability kept though no longer registered", "edit", manager, func(in *Input) { in.Name = "Manager" }, ""},
		{"the admin role renamed", "edit", adminRole, func(in *Input) { in.Name = "Boss" }, ""},
		{"the admin role's shortname changed", "edit", adminRole, func(in *Input) { in.Shortname = "boss" },
			"not-permitted: shortname"},
		{"the admin role given a capability", "edit", adminRole, func(in *Input) {
			in.Capabilities = []string{"moodle/user:view"}
		}, "not-permitted: capabilities"},
		{"a role deleted", "delete", manager, nil, ""},
		{"the admin role deleted", "delete", adminRole, nil, "not-permitted:"},
	}
	v := validator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &fakeDao{Memory: crudtest.Memory[services.Role]{Key: func(r *services.Role) string {
				return strconv.FormatInt(r.ID, 10)
			}, Items: []services.Role{adminRole, manager}}, caps: []string{"moodle/user:view"}}
			ctx := context.Background()
			m := tt.old
			if tt.in != nil {
				in := inputOf(&m)
				tt.in(&in)
				apply(&m, in)
			}
			var err error
			switch tt.op {
			case "create":
				err = crud.Check(ctx, Dao(d), nil, &m, v.Common, v.Create)
			case "edit":
				err = crud.Check(ctx, Dao(d), &tt.old, &m, v.Common, v.Edit)
			default:
				err = crud.Check(ctx, Dao(d), &tt.old, &tt.old, v.Common, v.Delete)
			}
			if got := crudtest.Outcome(err); got != tt.want {
				t.Errorf("outcome = %q, want %q", got, tt.want)
			}
		})
	}
}
