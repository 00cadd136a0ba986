package services_test

import (
	"slices"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestMissingCapabilities is the token report's column: what a user lacks
// for the functions of a service, by Authorize's rules, and a call that
// needs the missing capability is indeed refused.
func TestMissingCapabilities(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		tests := []struct {
			name string
			opts services.AuthorizerOptions
			mods []func(*fix)
			want []string
		}{
			{"one capability short", services.AuthorizerOptions{}, []func(*fix){withCaps("mod/x:view")}, []string{"mod/x:edit"}},
			{"none held", services.AuthorizerOptions{}, nil, []string{"mod/x:edit", "mod/x:view"}},
			{"all held", services.AuthorizerOptions{}, []func(*fix){withCaps("mod/x:view", "mod/x:edit")}, []string{}},
			{"required capability", services.AuthorizerOptions{}, []func(*fix){withCaps("mod/x:view", "mod/x:edit"),
				func(f *fix) { f.svc.RequiredCapability = "mod/x:view" }}, []string{}},
			{"function capabilities ignored", services.AuthorizerOptions{IgnoreFunctionCapabilities: true}, nil, []string{}},
			{"protocol capability", services.AuthorizerOptions{RequireProtocolCapability: true},
				[]func(*fix){withCaps("mod/x:view", "mod/x:edit")}, []string{"webservice/rest:use"}},
			{"site admin", services.AuthorizerOptions{}, []func(*fix){func(f *fix) { f.admin = true }}, []string{}},
		}
		for i, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				e := newEnv(t, d, tt.opts)
				m := e.make("mc"+string(rune('a'+i)), tt.mods...)
				got, err := e.a.MissingCapabilities(e.ctx, m.user.ID, m.svc.ID, "rest")
				e.must(err)
				if !slices.Equal(got, tt.want) {
					t.Errorf("missing = %v, want %v", got, tt.want)
				}
				// Authorize agrees: core_two needs both capabilities.
				req := m.req
				req.Function = "core_two"
				_, err = e.a.Authorize(e.ctx, req)
				if (err == nil) != (len(got) == 0) {
					t.Errorf("Authorize(core_two) = %v while missing %v", err, got)
				}
			})
		}
		e := newEnv(t, d, services.AuthorizerOptions{})
		if got, err := e.a.MissingCapabilities(e.ctx, 999999, 999999); err != nil || len(got) != 0 {
			t.Errorf("unknown user and service: %v, %v", got, err)
		}
	})
}
