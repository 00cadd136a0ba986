package admin_test

import (
	"net/http"
	"testing"
	"time"

	"wsgate"
	"wsgate/admin"
	"wsgate/admin/render"
	"wsgate/admin/serviceusers"
	"wsgate/admin/tokens"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// TestServicesWithoutClock is finding 4 of issue 12: the services built
// from Deps without Now (the command line's) check validuntil with
// time.Now instead of panicking, for tokens and for service
// authorisations; a refusal is a typed error with its field map.
func TestServicesWithoutClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		s := admin.NewServices(admin.Deps{Store: e.store, Catalog: e.catalog, Auth: e.auth})
		caller := &wsgate.Caller{Username: "cli", IsSiteAdmin: true}
		svc := e.service("test")
		until := time.Now().Add(24 * time.Hour).Unix()
		alice := e.newUser("alice")
		if _, _, err := s.Tokens.Create(e.ctx, caller, tokens.Input{UserID: alice.ID, ServiceID: svc.ID,
			ValidUntil: until}); err != nil {
			t.Errorf("token with validuntil: %v", err)
		}
		if err := s.ServiceUsers.Authorise(e.ctx, caller, svc.ID, alice.ID,
			serviceusers.Limits{ValidUntil: until}); err != nil {
			t.Errorf("authorisation with validuntil: %v", err)
		}
		_, _, err := s.Tokens.Create(e.ctx, caller, tokens.Input{UserID: alice.ID, ServiceID: svc.ID,
			ValidUntil: time.Now().Add(-time.Hour).Unix()})
		if status, body := render.Describe(err); status != http.StatusBadRequest || body.Details["validuntil"] == nil {
			t.Errorf("validuntil in the past: %v (%d, %v)", err, status, body.Details)
		}
		if toks, err := e.store.TokensForUser(e.ctx, alice.ID); err != nil || len(toks) != 1 || toks[0].ValidUntil != until {
			t.Errorf("tokens = %+v, %v", toks, err)
		}
	})
}
