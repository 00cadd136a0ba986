package services

import (
	"context"
	"errors"
	"strings"

	"golang.org/x/crypto/bcrypt"

	"wsgate"
)

// hashPassword returns the bcrypt hash of password, or "" for no password
// (such an account cannot log in with a password).
func (s *Store) hashPassword(password string) (string, error) {
	if password == "" {
		return "", nil
	}
	h, err := bcrypt.GenerateFromPassword([]byte(password), s.cfg.bcryptCost)
	if errors.Is(err, bcrypt.ErrPasswordTooLong) {
		return "", invalidf("password is longer than 72 bytes")
	}
	return string(h), err
}

// dummyHash is compared against when the user has no usable hash, so that a
// wrong username costs about as much time as a wrong password.
func (s *Store) dummyHash() []byte {
	s.cfg.dummyOnce.Do(func() {
		s.cfg.dummyHash, _ = bcrypt.GenerateFromPassword([]byte("wsgate-dummy-password"), s.cfg.bcryptCost)
	})
	return s.cfg.dummyHash
}

// SetPassword replaces the password of user id ("" removes password login).
// The rules protecting site administrators apply (guard.go). Unless the
// store was made WithRevokeOnPasswordChange(false), the change ends the
// user's other logins, as Moodle's "sign out everywhere": it deletes the
// user's tokens but the one the caller used, when the caller is the user
// (wsgate.Caller.TokenID), and moves User.LoginGen on, which ends the
// user's admin page sessions made before.
func (s *Store) SetPassword(ctx context.Context, id int64, password string) error {
	hash, err := s.hashPassword(password)
	if err != nil {
		return err
	}
	revoke := s.cfg.revokeOnPasswordChange
	gen := 0
	if revoke {
		gen = 1
	}
	return s.Transact(ctx, func(tx *Store) error {
		if err := tx.guardAccount(ctx, id, editAccount); err != nil {
			return err
		}
		res, err := tx.q.ExecContext(ctx, `UPDATE users SET password_hash = $2, timemodified = $3,
			logingen = logingen + $4 WHERE id = $1 AND deleted = FALSE`, id, hash, tx.now(), gen)
		if err != nil {
			return notFound("users", err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return notFound("users", sqlNoRows(err))
		}
		if !revoke {
			return nil
		}
		keep := int64(0)
		if c := wsgate.CallerFrom(ctx); c != nil && c.UserID == id {
			keep = c.TokenID
		}
		_, err = tx.deleteTokens(ctx, `userid = $1 AND id <> $2`, id, keep) // announced: caches drop them
		return err
	})
}

// CheckPassword returns the user whose username and password match. It
// returns ErrInvalidLogin for an unknown username, a wrong password, and for
// deleted, suspended and nologin accounts, spending a bcrypt comparison in
// every case so that the answer time does not tell which.
func (s *Store) CheckPassword(ctx context.Context, username, password string) (User, error) {
	var hash string
	u, err := scanUser(s.q.QueryRowContext(ctx,
		`SELECT `+userColumns+`, password_hash FROM users WHERE username = $1`, normalizeUsername(username)), &hash)
	if err != nil && !errors.Is(err, wsgate.ErrNotFound) {
		return User{}, err
	}
	stored := []byte(hash)
	if err != nil || hash == "" {
		stored = s.dummyHash()
	}
	match := bcrypt.CompareHashAndPassword(stored, []byte(password)) == nil
	if err != nil || hash == "" || !match || u.Deleted || u.Suspended || u.Auth == AuthNoLogin {
		return User{}, ErrInvalidLogin
	}
	return u, nil
}

func normalizeUsername(u string) string { return strings.ToLower(strings.TrimSpace(u)) }
