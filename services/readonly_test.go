package services_test

import (
	"slices"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

func TestReadOnlyToken(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		withWrite := func(f *fix) { f.functions = append(f.functions, "core_a_write") }
		full := e.make("full", withWrite)
		ro := e.make("ro", withWrite, func(f *fix) { f.spec.ReadOnly = true })
		if !ro.token.ReadOnly || full.token.ReadOnly {
			t.Fatalf("created tokens: read-only %v and %v", ro.token.ReadOnly, full.token.ReadOnly)
		}
		stored, err := e.s.TokenByID(e.ctx, ro.token.ID)
		if err != nil || !stored.ReadOnly {
			t.Fatalf("stored %+v, %v", stored, err)
		}
		for _, protocol := range services.Protocols {
			for _, c := range []struct {
				m        made
				function string
				code     string
			}{
				{full, "core_a_write", ""},
				{ro, "core_a", ""},
				{ro, "core_a_write", "accessexception"},
			} {
				req := c.m.req
				req.Function, req.Protocol = c.function, protocol
				caller, err := e.a.Authorize(e.ctx, req)
				wantErr(t, err, c.code, "", "")
				if err == nil && caller.ReadOnly != c.m.token.ReadOnly {
					t.Errorf("%s: caller.ReadOnly = %v", protocol, caller.ReadOnly)
				}
			}
		}
		req := ro.req
		req.Function = "core_a_write"
		_, err = e.a.Authorize(e.ctx, req)
		wantErr(t, err, "accessexception", "", "Access to the function core_a_write() is not allowed: "+
			"the token is read-only and the function is not of type read")

		// get_site_info's list: the functions a read-only token may call.
		caller, err := e.a.Authorize(e.ctx, ro.req)
		e.must(err)
		p, err := e.a.Profile(e.ctx, caller)
		e.must(err)
		if slices.Contains(p.Functions, "core_a_write") || !slices.Contains(p.Functions, "core_a") {
			t.Errorf("read-only profile functions = %v", p.Functions)
		}
		caller, err = e.a.Authorize(e.ctx, full.req)
		e.must(err)
		if p, err = e.a.Profile(e.ctx, caller); err != nil || !slices.Contains(p.Functions, "core_a_write") {
			t.Errorf("full profile functions = %v, %v", p.Functions, err)
		}
	})
}

func TestProtocolsEnabled(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{Protocols: []string{"rest", "mcp"}})
		all := e.make("all")
		mcpOnly := e.make("mcponly", func(f *fix) { f.svc.Protocols = []string{"mcp"} })
		if sv, err := e.s.ServiceByID(e.ctx, mcpOnly.svc.ID); err != nil || !slices.Equal(sv.Protocols, []string{"mcp"}) {
			t.Fatalf("stored protocols %v, %v", sv.Protocols, err)
		}
		if sv, err := e.s.ServiceByID(e.ctx, all.svc.ID); err != nil || sv.Protocols != nil {
			t.Fatalf("stored protocols %v, %v, want nil", sv.Protocols, err)
		}
		for _, c := range []struct {
			m        made
			protocol string
			code     string
		}{
			{all, "rest", ""},
			{all, "mcp", ""},
			{all, "soap", "servicenotavailable"},   // off on the site
			{all, "xmlrpc", "servicenotavailable"}, // off on the site
			{all, "admin", ""},                     // not a call protocol
			{mcpOnly, "mcp", ""},
			{mcpOnly, "rest", "servicenotavailable"}, // off for the service
		} {
			req := c.m.req
			req.Protocol = c.protocol
			_, err := e.a.Authorize(e.ctx, req)
			wantErr(t, err, c.code, "", "")
			wantErr(t, e.a.AuthorizeToken(e.ctx, req), c.code, "", "")
		}
		if _, err := e.s.CreateService(e.ctx, services.Service{Name: "Bad", Protocols: []string{"gopher"}}); err == nil {
			t.Error("a service with an unknown protocol was created")
		}
		// The service's list changes: the cache follows.
		sv := mcpOnly.svc
		sv.Protocols = nil
		_, err := e.s.UpdateService(e.ctx, sv)
		e.must(err)
		req := mcpOnly.req
		req.Protocol = "rest"
		_, err = e.a.Authorize(e.ctx, req)
		wantErr(t, err, "", "", "")
	})
}

func TestOnInvalidate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("hooked")
		var seen []services.Change
		e.a.OnInvalidate(func(c services.Change) { seen = append(seen, c) })
		e.must(e.s.RemoveServiceFunction(e.ctx, m.svc.ID, "core_a"))
		if len(seen) != 1 || !seen[0].Services {
			t.Fatalf("after removing a function, the hook saw %+v", seen)
		}
		e.a.Invalidate()
		if len(seen) != 2 || !seen[1].All {
			t.Fatalf("after Invalidate, the hook saw %+v", seen)
		}
	})
}
