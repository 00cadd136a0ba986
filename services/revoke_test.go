package services_test

import (
	"errors"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestPasswordChangeRevokes is finding 3 of issue 12: a password change
// ends the user's other logins. Changing one's own password through a token
// keeps that token; an administrator's change ends every token of the user;
// each change moves LoginGen on (the admin pages end older sessions). The
// authorizer, which had the tokens cached, refuses them at once.
func TestPasswordChangeRevokes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("alice")
		second, tok2, err := e.s.CreateToken(e.ctx, services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID})
		e.must(err)
		req2 := m.req
		req2.Token = second
		for _, r := range []services.AuthRequest{m.req, req2} { // both cached
			if _, err := e.a.Authorize(e.ctx, r); err != nil {
				t.Fatal(err)
			}
		}

		// Alice changes her own password with her first token.
		self := wsgate.WithCaller(e.ctx, &wsgate.Caller{UserID: m.user.ID, TokenID: m.token.ID})
		e.must(e.s.SetPassword(self, m.user.ID, "new-1"))
		if _, err := e.a.Authorize(e.ctx, req2); !errors.Is(err, wsgate.ErrInvalidToken) {
			t.Errorf("other token after a password change: %v, want invalidtoken", err)
		}
		if _, err := e.a.Authorize(e.ctx, m.req); err != nil {
			t.Errorf("the token that changed the password: %v", err)
		}
		u, err := e.s.UserByID(e.ctx, m.user.ID)
		e.must(err)
		if u.LoginGen != m.user.LoginGen+1 {
			t.Errorf("LoginGen = %d, want %d", u.LoginGen, m.user.LoginGen+1)
		}
		if toks, err := e.s.TokensForUser(e.ctx, m.user.ID); err != nil || len(toks) != 1 || toks[0].ID == tok2.ID {
			t.Errorf("tokens left = %+v, %v; want the first one", toks, err)
		}

		// An administrator changes it: no token is kept.
		root, err := e.s.CreateUser(e.ctx, services.User{Username: "root"}, "")
		e.must(err)
		byAdmin := wsgate.WithCaller(e.ctx, &wsgate.Caller{UserID: root.ID, IsSiteAdmin: true, TokenID: 12345})
		e.must(e.s.SetPassword(byAdmin, m.user.ID, "new-2"))
		if _, err := e.a.Authorize(e.ctx, m.req); !errors.Is(err, wsgate.ErrInvalidToken) {
			t.Errorf("token after an administrator's change: %v, want invalidtoken", err)
		}
		if u2, err := e.s.UserByID(e.ctx, m.user.ID); err != nil || u2.LoginGen != u.LoginGen+1 {
			t.Errorf("LoginGen = %d (%v), want %d", u2.LoginGen, err, u.LoginGen+1)
		}
	})
}

// TestPasswordChangeKeepsLogins: WithRevokeOnPasswordChange(false) keeps
// the tokens and LoginGen.
func TestPasswordChangeKeepsLogins(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		m := e.make("bob")
		keep := services.NewStore(d, services.WithBcryptCost(bcrypt.MinCost), services.WithRevokeOnPasswordChange(false))
		e.must(keep.SetPassword(e.ctx, m.user.ID, "new"))
		if toks, err := e.s.TokensForUser(e.ctx, m.user.ID); err != nil || len(toks) != 1 {
			t.Errorf("tokens = %v, %v; want the one kept", toks, err)
		}
		if u, err := e.s.UserByID(e.ctx, m.user.ID); err != nil || u.LoginGen != m.user.LoginGen {
			t.Errorf("LoginGen moved: %+v, %v", u, err)
		}
	})
}
