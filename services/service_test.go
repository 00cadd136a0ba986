package services_test

import (
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

func TestServices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		ctx := e.ctx
		sv, err := e.s.CreateService(ctx, services.Service{Name: " Mobile ", Shortname: "mobile", Enabled: true,
			RequiredCapability: "mod/x:use", RestrictedUsers: true, Component: "core", DownloadFiles: true})
		e.must(err)
		want := services.Service{ID: sv.ID, Name: "Mobile", Shortname: "mobile", Enabled: true,
			RequiredCapability: "mod/x:use", RestrictedUsers: true, Component: "core", DownloadFiles: true,
			TimeCreated: e.clock.Unix()}
		if !reflect.DeepEqual(sv, want) {
			t.Fatalf("created %+v, want %+v", sv, want)
		}
		custom, err := e.s.CreateService(ctx, services.Service{Name: "Custom"})
		e.must(err)
		if _, err := e.s.CreateService(ctx, services.Service{Name: "Custom 2"}); err != nil {
			t.Errorf("two services without shortname: %v", err)
		}
		for name, get := range map[string]func() (services.Service, error){
			"id":        func() (services.Service, error) { return e.s.ServiceByID(ctx, sv.ID) },
			"shortname": func() (services.Service, error) { return e.s.ServiceByShortname(ctx, "mobile") },
			"name":      func() (services.Service, error) { return e.s.ServiceByName(ctx, "Mobile") },
		} {
			if got, err := get(); err != nil || !reflect.DeepEqual(got, want) {
				t.Errorf("by %s = %+v, %v", name, got, err)
			}
		}
		if got, err := e.s.ServiceByID(ctx, custom.ID); err != nil || got.Shortname != "" || got.Component != "" ||
			got.RequiredCapability != "" || got.TimeModified != 0 {
			t.Errorf("custom = %+v, %v", got, err)
		}

		t.Run("constraints", func(t *testing.T) {
			tests := []struct {
				name string
				sv   services.Service
				kind wsgate.Kind
			}{
				{"duplicate name", services.Service{Name: "Mobile", Shortname: "other"}, wsgate.Conflict},
				{"duplicate shortname", services.Service{Name: "Other", Shortname: "mobile"}, wsgate.Conflict},
				{"empty name", services.Service{Name: " "}, wsgate.Invalid},
			}
			for _, tt := range tests {
				_, err := e.s.CreateService(ctx, tt.sv)
				if wsgate.KindOf(err) != tt.kind {
					t.Errorf("%s: %v, want %v", tt.name, err, tt.kind)
				}
				if tt.kind == wsgate.Conflict {
					if ce := db.ConstraintOf(err); ce == nil || ce.Kind != db.Unique {
						t.Errorf("%s: %v is not a unique violation", tt.name, err)
					}
				}
			}
			other := custom
			other.Shortname = "mobile"
			if _, err := e.s.UpdateService(ctx, other); wsgate.KindOf(err) != wsgate.Conflict {
				t.Errorf("update to a taken shortname: %v", err)
			}
		})

		t.Run("not found", func(t *testing.T) {
			for _, err := range []error{
				func() error { _, err := e.s.ServiceByID(ctx, 9999); return err }(),
				func() error { _, err := e.s.ServiceByShortname(ctx, ""); return err }(),
				func() error { _, err := e.s.ServiceByName(ctx, "nope"); return err }(),
				func() error { _, err := e.s.UpdateService(ctx, services.Service{ID: 9999, Name: "x"}); return err }(),
				func() error { _, err := e.s.ServiceFunctionNames(ctx, 9999); return err }(),
				e.s.SetServiceEnabled(ctx, 9999, true),
				e.s.DeleteService(ctx, 9999),
				e.s.AddServiceFunction(ctx, sv.ID, "no_such_function"),
				e.s.AddServiceFunction(ctx, 9999, "core_a"),
				e.s.AuthoriseUser(ctx, sv.ID, 9999, "", 0),
			} {
				if !errors.Is(err, wsgate.ErrNotFound) {
					t.Errorf("err = %v, want not found", err)
				}
			}
		})

		t.Run("update and enable", func(t *testing.T) {
			e.clock.Add(5 * time.Second)
			up := sv
			up.Name, up.Enabled, up.RequiredCapability, up.UploadFiles = "Mobile app", false, "", true
			got, err := e.s.UpdateService(ctx, up)
			e.must(err)
			if got.Name != "Mobile app" || got.Enabled || got.RequiredCapability != "" || !got.UploadFiles ||
				got.TimeCreated != sv.TimeCreated || got.TimeModified != e.clock.Unix() {
				t.Errorf("updated = %+v", got)
			}
			e.must(e.s.SetServiceEnabled(ctx, sv.ID, true))
			if got, _ := e.s.ServiceByID(ctx, sv.ID); !got.Enabled {
				t.Error("not enabled")
			}
			list, err := e.s.ListServices(ctx)
			e.must(err)
			if len(list) != 3 || list[0].ID != sv.ID {
				t.Errorf("ListServices = %+v", list)
			}
		})

		t.Run("functions", func(t *testing.T) {
			for _, fn := range []string{"core_b", "core_a", "core_a"} {
				e.must(e.s.AddServiceFunction(ctx, sv.ID, fn))
			}
			names, err := e.s.ServiceFunctionNames(ctx, sv.ID)
			if err != nil || !slices.Equal(names, []string{"core_a", "core_b"}) {
				t.Errorf("functions = %v, %v", names, err)
			}
			e.must(e.s.RemoveServiceFunction(ctx, sv.ID, "core_b"))
			e.must(e.s.RemoveServiceFunction(ctx, sv.ID, "core_b"))
			if names, _ := e.s.ServiceFunctionNames(ctx, sv.ID); !slices.Equal(names, []string{"core_a"}) {
				t.Errorf("functions after removal = %v", names)
			}
			if names, err := e.s.ServiceFunctionNames(ctx, custom.ID); err != nil || len(names) != 0 {
				t.Errorf("functions of an empty service = %v, %v", names, err)
			}
		})

		t.Run("authorised users", func(t *testing.T) {
			u, err := e.s.CreateUser(ctx, services.User{Username: "su"}, "")
			e.must(err)
			e.must(e.s.AuthoriseUser(ctx, sv.ID, u.ID, "10.0.0.0/8", 100))
			e.must(e.s.AuthoriseUser(ctx, sv.ID, u.ID, "", e.clock.After(time.Hour))) // upsert
			got, err := e.s.ServiceUsers(ctx, sv.ID)
			e.must(err)
			want := []services.ServiceUser{{ServiceID: sv.ID, UserID: u.ID, ValidUntil: e.clock.After(time.Hour),
				TimeCreated: e.clock.Unix()}}
			if !slices.Equal(got, want) {
				t.Errorf("ServiceUsers = %+v, want %+v", got, want)
			}
			if err := e.s.AuthoriseUser(ctx, sv.ID, u.ID, "10.0.0.300", 0); !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Errorf("bad IP restriction: %v", err)
			}
			if err := e.s.AuthoriseUser(ctx, sv.ID, u.ID, "", -1); !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Errorf("negative validuntil: %v", err)
			}
			e.must(e.s.RemoveServiceUser(ctx, sv.ID, u.ID))
			e.must(e.s.RemoveServiceUser(ctx, sv.ID, u.ID))
			if got, _ := e.s.ServiceUsers(ctx, sv.ID); len(got) != 0 {
				t.Errorf("after removal: %+v", got)
			}
		})

		t.Run("delete", func(t *testing.T) {
			m := e.make("del")
			e.must(e.s.AuthoriseUser(ctx, m.svc.ID, m.user.ID, "", 0))
			e.must(e.s.DeleteService(ctx, m.svc.ID))
			if _, err := e.s.ServiceByID(ctx, m.svc.ID); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("service still there: %v", err)
			}
			if _, err := e.s.TokenByID(ctx, m.token.ID); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("token still there: %v", err)
			}
			var n int
			e.must(d.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_services_users WHERE externalserviceid = $1`,
				m.svc.ID).Scan(&n))
			if n != 0 {
				t.Errorf("%d authorised users left", n)
			}
		})
	})
}
