package services

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"testing"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/admin/crud/crudtest"
	store "wsgate/services"
)

// fakeDao is the services' Dao in memory, with the registered capabilities.
type fakeDao struct {
	crudtest.Memory[store.Service]
	caps []string
}

func (f *fakeDao) by(match func(*store.Service) bool) (store.Service, error) {
	for _, s := range f.Items {
		if match(&s) {
			return s, nil
		}
	}
	return store.Service{}, wsgate.ErrNotFound
}

func (f *fakeDao) ByName(_ context.Context, name string) (store.Service, error) {
	return f.by(func(s *store.Service) bool { return s.Name == name })
}

func (f *fakeDao) ByShortname(_ context.Context, shortname string) (store.Service, error) {
	return f.by(func(s *store.Service) bool { return s.Shortname == shortname })
}

func (f *fakeDao) CapabilityExists(_ context.Context, c string) (bool, error) {
	return slices.Contains(f.caps, c), nil
}

func TestValidator(t *testing.T) {
	custom := store.Service{ID: 1, Name: "Custom", Shortname: "custom", Enabled: true}
	component := store.Service{ID: 2, Name: "Mobile", Shortname: "moodle_mobile_app", Component: "tool_mobile",
		Enabled: true}
	adminSvc := store.Service{ID: 3, Name: "Admin", Shortname: AdminService, Component: "wsgate", Enabled: true}
	tests := []struct {
		name   string
		op     string // create, edit, delete
		old    store.Service
		change func(s *store.Service)
		want   string
	}{
		{"a new service", "create", store.Service{}, func(s *store.Service) { s.Name = "New"; s.Shortname = "new_1" }, ""},
		{"no name", "create", store.Service{}, func(s *store.Service) {}, "invalid-data: name"},
		{"a shortname of other characters, a name too long", "create", store.Service{}, func(s *store.Service) {
			s.Name, s.Shortname = strings.Repeat("n", 201), "new one"
		}, "invalid-data: name shortname"},
		{"an unknown protocol", "create", store.Service{}, func(s *store.Service) {
			s.Name, s.Protocols = "New", []string{"rest", "gopher"}
		}, "invalid-data: protocols"},
		{"an unregistered capability", "create", store.Service{}, func(s *store.Service) {
			s.Name, s.RequiredCapability = "New", "moodle/nothing:here"
		}, "invalid-data: requiredcapability"},
		{"a registered capability", "create", store.Service{}, func(s *store.Service) {
			s.Name, s.RequiredCapability = "New", "moodle/user:view"
		}, ""},
		{"a name taken", "create", store.Service{}, func(s *store.Service) { s.Name = "Custom" }, "resource-exists: name"},
		{"a shortname taken", "create", store.Service{}, func(s *store.Service) {
			s.Name, s.Shortname = "Other", "moodle_mobile_app"
		}, "resource-exists: shortname"},
		{"a custom service renamed", "edit", custom, func(s *store.Service) { s.Name = "Renamed" }, ""},
		{"a component service enabled and its files", "edit", component, func(s *store.Service) {
			s.Enabled, s.DownloadFiles, s.UploadFiles = false, true, true
		}, ""},
		{"a component service renamed", "edit", component, func(s *store.Service) {
			s.Name, s.RestrictedUsers = "Mine", true
		}, "not-permitted: name restrictedusers"},
		{"the admin service disabled", "edit", adminSvc, func(s *store.Service) { s.Enabled = false },
			"not-permitted: enabled"},
		{"a custom service deleted", "delete", custom, nil, ""},
		{"a component service deleted", "delete", component, nil, "not-permitted: component"},
	}
	v := validator()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &fakeDao{Memory: crudtest.Memory[store.Service]{Key: func(s *store.Service) string {
				return strconv.FormatInt(s.ID, 10)
			}, Items: []store.Service{custom, component, adminSvc}}, caps: []string{"moodle/user:view"}}
			ctx := context.Background()
			m := tt.old
			if tt.change != nil {
				tt.change(&m)
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
