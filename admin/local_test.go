package admin_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"wsgate"
	"wsgate/admin"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

// TestLocalWithoutClock is finding 4 of issue 12: Local built from Deps
// without Now (the command line's) checks validuntil with time.Now instead
// of panicking, for tokens and for service authorisations.
func TestLocalWithoutClock(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		l := admin.NewLocal(admin.Deps{Store: e.store, Catalog: e.catalog, Auth: e.auth})
		caller := &wsgate.Caller{Username: "cli", IsSiteAdmin: true}
		svc := e.service("test")
		until := time.Now().Add(24 * time.Hour).Unix()
		alice := e.newUser("alice")
		if err := l.Do(e.ctx, caller, http.MethodPost, "/tokens",
			map[string]any{"user_id": alice.ID, "service_id": svc.ID, "validuntil": until}, nil); err != nil {
			t.Errorf("token with validuntil: %v", err)
		}
		if err := l.Do(e.ctx, caller, http.MethodPut, fmt.Sprintf("/services/%d/users/%d", svc.ID, alice.ID),
			map[string]any{"validuntil": until}, nil); err != nil {
			t.Errorf("authorisation with validuntil: %v", err)
		}
		err := l.Do(e.ctx, caller, http.MethodPost, "/tokens",
			map[string]any{"user_id": alice.ID, "service_id": svc.ID, "validuntil": time.Now().Add(-time.Hour).Unix()}, nil)
		if r, ok := err.(*admin.Refusal); !ok || r.Status != http.StatusBadRequest || r.Fields()["validuntil"] == "" {
			t.Errorf("validuntil in the past: %v", err)
		}
		if toks, err := e.store.TokensForUser(e.ctx, alice.ID); err != nil || len(toks) != 1 || toks[0].ValidUntil != until {
			t.Errorf("tokens = %+v, %v", toks, err)
		}
	})
}
