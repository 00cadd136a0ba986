package services_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

var (
	tokenFormat = regexp.MustCompile(`^[0-9a-f]{32}$`)
	nameFormat  = regexp.MustCompile(`^Webservice-[A-Za-z0-9]{5}$`)
)

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{})
		ctx := e.ctx
		m := e.make("alice")
		admin, err := e.s.CreateUser(ctx, services.User{Username: "admin"}, "")
		e.must(err)

		t.Run("format and storage", func(t *testing.T) {
			seen := map[string]bool{}
			for i := range 20 {
				value, tok, err := e.s.CreateToken(ctx, services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID,
					CreatorID: admin.ID})
				e.must(err)
				if !tokenFormat.MatchString(value) || seen[value] {
					t.Fatalf("token %d = %q: not 32 fresh lowercase hex characters", i, value)
				}
				seen[value] = true
				if !nameFormat.MatchString(tok.Name) {
					t.Errorf("default name %q", tok.Name)
				}
				var hash, name string
				var tokentype int
				e.must(d.QueryRowContext(ctx, `SELECT tokenhash, tokentype, name FROM external_tokens WHERE id = $1`,
					tok.ID).Scan(&hash, &tokentype, &name))
				sum := sha256.Sum256([]byte(value))
				if strings.TrimSpace(hash) != hex.EncodeToString(sum[:]) || hash != services.HashToken(value) ||
					tokentype != 0 || name != tok.Name {
					t.Errorf("stored hash %q, type %d for %q", hash, tokentype, value)
				}
				// The value appears in no column of the row.
				var found int
				e.must(d.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_tokens WHERE tokenhash = $1
					OR name = $1 OR iprestriction = $1`, value).Scan(&found))
				if found != 0 {
					t.Errorf("plaintext token %q stored", value)
				}
			}
		})

		t.Run("lookups", func(t *testing.T) {
			e.clock.Add(time.Second)
			value, tok, err := e.s.CreateToken(ctx, services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID,
				IPRestriction: "10.0.0.0/8", ValidUntil: e.clock.After(time.Hour), Name: "mine"})
			e.must(err)
			want := services.Token{ID: tok.ID, UserID: m.user.ID, ServiceID: m.svc.ID, IPRestriction: "10.0.0.0/8",
				ValidUntil: e.clock.After(time.Hour), TimeCreated: e.clock.Unix(), Name: "mine"}
			if tok != want {
				t.Errorf("created %+v, want %+v", tok, want)
			}
			for name, get := range map[string]func() (services.Token, error){
				"id":    func() (services.Token, error) { return e.s.TokenByID(ctx, tok.ID) },
				"value": func() (services.Token, error) { return e.s.TokenByValue(ctx, value) },
			} {
				if got, err := get(); err != nil || got != want {
					t.Errorf("by %s = %+v, %v", name, got, err)
				}
			}
			if _, err := e.s.TokenByValue(ctx, strings.ToUpper(value)); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("upper-case value found: %v", err)
			}
			list, err := e.s.TokensForUser(ctx, m.user.ID)
			e.must(err)
			if len(list) != 22 || list[0].ID != m.token.ID || list[21] != want {
				t.Errorf("TokensForUser: %d tokens, first %+v, last %+v", len(list), list[0], list[len(list)-1])
			}
		})

		t.Run("invalid", func(t *testing.T) {
			tests := []struct {
				name string
				spec services.TokenSpec
				want *wsgate.Error
			}{
				{"missing user", services.TokenSpec{UserID: 9999, ServiceID: m.svc.ID}, wsgate.ErrNotFound},
				{"missing service", services.TokenSpec{UserID: m.user.ID, ServiceID: 9999}, wsgate.ErrNotFound},
				{"bad IP", services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID, IPRestriction: "nope"}, wsgate.ErrInvalidParameter},
				{"negative validuntil", services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID, ValidUntil: -5}, wsgate.ErrInvalidParameter},
			}
			for _, tt := range tests {
				if _, _, err := e.s.CreateToken(ctx, tt.spec); !errors.Is(err, tt.want) {
					t.Errorf("%s: %v, want %s", tt.name, err, tt.want.Code)
				}
			}
		})

		t.Run("chosen value", func(t *testing.T) {
			const value = "0123456789abcdef0123456789abcdef"
			got, tok, err := e.s.CreateToken(ctx, services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID, Value: value})
			e.must(err)
			if got != value || tok.ID == 0 {
				t.Errorf("CreateToken with a value = %q, %+v", got, tok)
			}
			if found, err := e.s.TokenByValue(ctx, value); err != nil || found.ID != tok.ID {
				t.Errorf("TokenByValue = %+v, %v", found, err)
			}
			_, _, err = e.s.CreateToken(ctx, services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID, Value: value})
			if wsgate.KindOf(err) != wsgate.Conflict {
				t.Errorf("value in use: %v, want a conflict", err)
			}
			for _, bad := range []string{"0123456789ABCDEF0123456789ABCDEF", "abc", value + "0", "0123456789abcdef0123456789abcdeg"} {
				if _, _, err := e.s.CreateToken(ctx, services.TokenSpec{UserID: m.user.ID, ServiceID: m.svc.ID, Value: bad}); !errors.Is(err, wsgate.ErrInvalidParameter) {
					t.Errorf("value %q: %v, want invalidparameter", bad, err)
				}
			}
			e.must(e.s.DeleteToken(ctx, tok.ID))
		})

		t.Run("reuse", func(t *testing.T) {
			u, err := e.s.CreateUser(ctx, services.User{Username: "reuser"}, "")
			e.must(err)
			if _, err := e.s.ValidTokenFor(ctx, u.ID, m.svc.ID, ""); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("no token: %v", err)
			}
			mk := func(spec services.TokenSpec) services.Token {
				t.Helper()
				e.clock.Add(time.Second)
				spec.UserID, spec.ServiceID = u.ID, m.svc.ID
				_, tok, err := e.s.CreateToken(ctx, spec)
				e.must(err)
				return tok
			}
			oldest := mk(services.TokenSpec{})
			recent := mk(services.TokenSpec{ValidUntil: e.clock.After(time.Hour)})
			ipOnly := mk(services.TokenSpec{IPRestriction: "10.1.0.0/16"})
			expired := mk(services.TokenSpec{ValidUntil: e.clock.After(2 * time.Second)})
			e.clock.Add(time.Minute)

			got, err := e.s.ValidTokenFor(ctx, u.ID, m.svc.ID, "192.0.2.1")
			if err != nil || got.ID != recent.ID {
				t.Errorf("reuse from another IP = %+v, %v; want token %d", got, err, recent.ID)
			}
			if got, err := e.s.ValidTokenFor(ctx, u.ID, m.svc.ID, "10.1.2.3"); err != nil || got.ID != ipOnly.ID {
				t.Errorf("reuse from 10.1.2.3 = %+v, %v; want token %d", got, err, ipOnly.ID)
			}
			if _, err := e.s.TokenByID(ctx, expired.ID); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("expired token not deleted: %v", err)
			}
			e.must(e.s.DeleteToken(ctx, recent.ID))
			e.must(e.s.DeleteToken(ctx, ipOnly.ID))
			if got, err := e.s.ValidTokenFor(ctx, u.ID, m.svc.ID, ""); err != nil || got.ID != oldest.ID {
				t.Errorf("reuse of the last one = %+v, %v", got, err)
			}
			// Only expired tokens left: they are deleted and none is found.
			e.must(e.s.DeleteToken(ctx, oldest.ID))
			last := mk(services.TokenSpec{ValidUntil: e.clock.After(time.Second)})
			e.clock.Add(time.Minute)
			if _, err := e.s.ValidTokenFor(ctx, u.ID, m.svc.ID, ""); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("expired only: %v", err)
			}
			if _, err := e.s.TokenByID(ctx, last.ID); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("expired token kept when none is left: %v", err)
			}
		})

		t.Run("delete", func(t *testing.T) {
			if err := e.s.DeleteToken(ctx, 9999); !errors.Is(err, wsgate.ErrNotFound) {
				t.Errorf("delete missing token: %v", err)
			}
			n, err := e.s.DeleteUserTokens(ctx, m.user.ID)
			if err != nil || n != 22 {
				t.Errorf("DeleteUserTokens = %d, %v", n, err)
			}
			if list, _ := e.s.TokensForUser(ctx, m.user.ID); len(list) != 0 {
				t.Errorf("%d tokens left", len(list))
			}
		})

		t.Run("touch", func(t *testing.T) {
			reqs := bulkTokens(t, e, m, 600) // more than one batch
			access := map[int64]services.TokenAccess{}
			for i, r := range reqs {
				tok, err := e.s.TokenByValue(ctx, r.Token)
				e.must(err)
				access[tok.ID] = services.TokenAccess{Time: 1000 + int64(i), IP: fmt.Sprintf("192.0.2.%d", i%250)}
			}
			first, _ := e.s.TokenByValue(ctx, reqs[0].Token)
			access[9999999] = services.TokenAccess{Time: 5} // a deleted token is skipped
			e.must(e.s.TouchTokens(ctx, access))
			e.must(e.s.TouchTokens(ctx, map[int64]services.TokenAccess{first.ID: {Time: 10, IP: "198.51.100.1"}})) // never backwards
			var n int
			e.must(d.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_tokens WHERE lastaccess >= 1000`).Scan(&n))
			if n != len(reqs) {
				t.Errorf("%d tokens touched, want %d", n, len(reqs))
			}
			for id, want := range access {
				if id == 9999999 {
					continue
				}
				if tok, err := e.s.TokenByID(ctx, id); err != nil || tok.LastAccess != want.Time || tok.LastAccessIP != want.IP {
					t.Fatalf("token %d lastaccess = %d from %q, %v; want %+v", id, tok.LastAccess, tok.LastAccessIP, err, want)
				}
			}
			e.must(e.s.TouchTokens(ctx, nil))
		})
	})
}
