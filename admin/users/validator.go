package users

import (
	"context"
	"errors"
	"net/mail"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services"
)

// validator holds the rules of users; field rules look only at the fields
// a change sets.
func validator() crud.ValidationGroup[user, Dao] {
	return crud.ValidationGroup[user, Dao]{
		Common: []crud.Validator[user, Dao]{validFields, uniqueUsername},
	}
}

// validFields: username is required, at most 100 characters of Moodle's
// PARAM_USERNAME (lower case letters, digits, _ - . @); first and last
// names at most 100 characters; email empty or one address; auth manual or
// nologin; a password at most 72 bytes (bcrypt's limit).
func validFields(_ context.Context, _ Dao, old, u *user) error {
	f := crud.Fields{}
	if old == nil || old.Username != u.Username {
		f.Text("username", u.Username, true, 100, usernameRune, "lower case letters, digits, _, -, . and @")
	}
	if old == nil || old.FirstName != u.FirstName {
		f.Text("firstname", u.FirstName, false, 100, nil, "")
	}
	if old == nil || old.LastName != u.LastName {
		f.Text("lastname", u.LastName, false, 100, nil, "")
	}
	if old == nil || old.Email != u.Email {
		if f.Text("email", u.Email, false, 100, nil, ""); f["email"] == "" && u.Email != "" {
			if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email || a.Name != "" {
				f["email"] = "is not an email address"
			}
		}
	}
	if old == nil || old.Auth != u.Auth {
		if u.Auth != services.AuthManual && u.Auth != services.AuthNoLogin {
			f["auth"] = "must be " + services.AuthManual + " or " + services.AuthNoLogin
		}
	}
	if u.Password != nil && len(*u.Password) > 72 {
		f["password"] = "is longer than 72 bytes"
	}
	return f.Err()
}

func usernameRune(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' || r == '-' || r == '.' || r == '@'
}

// uniqueUsername: no other user has the username.
func uniqueUsername(ctx context.Context, d Dao, old, u *user) error {
	if old != nil && old.Username == u.Username || u.Username == "" {
		return nil
	}
	other, err := d.ByUsername(ctx, u.Username)
	switch {
	case errors.Is(err, wsgate.ErrNotFound):
		return nil
	case err != nil:
		return err
	case other.ID == u.ID:
		return nil
	}
	return crud.Exists("User", "username", u.Username)
}
