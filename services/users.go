package services

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"wsgate/internal/db"
)

const userColumns = `id, username, firstname, lastname, email, auth, suspended, deleted, timecreated, timemodified,
	logingen`

// scanUser reads userColumns, then extra columns into extra.
func scanUser(row scanner, extra ...any) (User, error) {
	var u User
	dest := append([]any{&u.ID, &u.Username, &u.FirstName, &u.LastName, &u.Email, &u.Auth,
		&u.Suspended, &u.Deleted, &u.TimeCreated, &u.TimeModified, &u.LoginGen}, extra...)
	if err := row.Scan(dest...); err != nil {
		return User{}, notFound("users", err)
	}
	return u, nil
}

// sqlNoRows returns err, or sql.ErrNoRows when err is nil (no row was affected).
func sqlNoRows(err error) error {
	if err != nil {
		return err
	}
	return sql.ErrNoRows
}

func validateUser(u *User) error {
	u.Username = normalizeUsername(u.Username)
	if u.Username == "" {
		return invalidf("username is empty")
	}
	if len(u.Username) > 100 {
		return invalidf("username is longer than 100 characters")
	}
	switch u.Auth {
	case "":
		u.Auth = AuthManual
	case AuthManual, AuthNoLogin:
	default:
		return invalidf("auth %q is not %q or %q", u.Auth, AuthManual, AuthNoLogin)
	}
	return nil
}

// CreateUser adds a user (the username is trimmed and lowercased, as Moodle's
// PARAM_USERNAME does) with password hashed by bcrypt ("" for no password
// login) and returns it with its id and timestamps. A taken username is a
// Conflict error.
func (s *Store) CreateUser(ctx context.Context, u User, password string) (User, error) {
	if err := validateUser(&u); err != nil {
		return User{}, err
	}
	hash, err := s.hashPassword(password)
	if err != nil {
		return User{}, err
	}
	u.Deleted = false
	u.TimeCreated, u.TimeModified = s.now(), s.now()
	err = s.q.QueryRowContext(ctx, `INSERT INTO users
		(username, password_hash, firstname, lastname, email, auth, suspended, deleted, timecreated, timemodified)
		VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, $8, $8) RETURNING id`,
		u.Username, hash, u.FirstName, u.LastName, u.Email, u.Auth, u.Suspended, u.TimeCreated).Scan(&u.ID)
	if err != nil {
		return User{}, db.Translate(err)
	}
	s.announce(Change{Users: []int64{u.ID}})
	return u, nil
}

// UserByID returns the user with id, deleted or not.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	return scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE id = $1`, id))
}

// UserByUsername returns the user with username (compared as CreateUser stores it).
func (s *Store) UserByUsername(ctx context.Context, username string) (User, error) {
	return scanUser(s.q.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE username = $1`,
		normalizeUsername(username)))
}

// UsersByField returns the users, not deleted, whose field ("id",
// "username" or "email") is one of values, ordered by id, in one indexed
// query (Moodle's get_records_list) per maxInValues distinct values.
// Usernames compare as CreateUser stores them; emails without regard to
// case, through the index on lower(email) (in SQLite, lower() folds ASCII
// letters only). Values that cannot match (an id that is no number, an
// empty email) are left out; "idnumber" matches no one, the gateway's users
// have none. Another field is an Invalid error.
func (s *Store) UsersByField(ctx context.Context, field string, values []string) ([]User, error) {
	column := map[string]string{"id": "id", "username": "username", "email": "lower(email)"}[field]
	if column == "" && field != "idnumber" {
		return nil, invalidf("field %q is not id, idnumber, username or email", field)
	}
	args := make([]any, 0, len(values))
	seen := make(map[string]bool, len(values))
	for _, v := range values {
		var arg any
		switch field {
		case "id":
			id, err := strconv.ParseInt(v, 10, 64)
			if err != nil || id <= 0 {
				continue
			}
			v, arg = strconv.FormatInt(id, 10), id
		case "username":
			v = normalizeUsername(v)
			arg = v
		case "email":
			v = strings.ToLower(v)
			arg = v
		}
		if v != "" && arg != nil && !seen[v] {
			seen[v] = true
			args = append(args, arg)
		}
	}
	var out []User
	for start := 0; start < len(args); start += maxInValues {
		chunk := args[start:min(start+maxInValues, len(args))]
		rows, err := s.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users WHERE deleted = FALSE AND `+column+
			` IN (`+placeholders(len(chunk))+`) ORDER BY id`, chunk...)
		found, err := collect(rows, err, func(r scanner) (User, error) { return scanUser(r) })
		if err != nil {
			return nil, err
		}
		out = append(out, found...)
	}
	if len(args) > maxInValues {
		slices.SortFunc(out, func(a, b User) int { return cmp.Compare(a.ID, b.ID) })
	}
	return out, nil
}

// maxInValues bounds the values of one IN list, below both dialects' limit
// on bound parameters (SQLite 32766, PostgreSQL 65535): UsersByField makes
// one query for up to this many distinct values.
const maxInValues = 10000

// placeholders returns "$1, $2, ..., $n".
func placeholders(n int) string {
	var b strings.Builder
	for i := 1; i <= n; i++ {
		if i > 1 {
			b.WriteString(", ")
		}
		b.WriteString("$" + strconv.Itoa(i))
	}
	return b.String()
}

// ListUsers returns the users ordered by id, without deleted ones unless f asks.
func (s *Store) ListUsers(ctx context.Context, f UserFilter) ([]User, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users
		WHERE deleted = FALSE OR $1 ORDER BY id`, f.IncludeDeleted)
	return collect(rows, err, func(r scanner) (User, error) { return scanUser(r) })
}

// UpdateUser saves username, names, email, auth and suspended of u.ID (not
// the password, nor deleted: see SetPassword and DeleteUser) and returns the
// stored user. A deleted user cannot be updated (not found). The rules
// protecting site administrators apply (guard.go).
func (s *Store) UpdateUser(ctx context.Context, u User) (User, error) {
	if err := validateUser(&u); err != nil {
		return User{}, err
	}
	change := editAccount
	if u.Suspended || u.Auth == AuthNoLogin {
		change = disableAccount
	}
	var out User
	err := s.Transact(ctx, func(tx *Store) error {
		if err := tx.guardAccount(ctx, u.ID, change); err != nil {
			return err
		}
		var err error
		out, err = scanUser(tx.q.QueryRowContext(ctx, `UPDATE users SET username = $2, firstname = $3,
			lastname = $4, email = $5, auth = $6, suspended = $7, timemodified = $8
			WHERE id = $1 AND deleted = FALSE RETURNING `+userColumns,
			u.ID, u.Username, u.FirstName, u.LastName, u.Email, u.Auth, u.Suspended, tx.now()))
		if err != nil {
			return err
		}
		tx.announce(Change{Users: []int64{u.ID}})
		return nil
	})
	if err != nil {
		return User{}, err
	}
	return out, nil
}

// DeleteUser deletes user id as Moodle does: the row stays, marked deleted,
// with its username freed ("deleted-<id>-<time>"), email and password
// cleared; its tokens, service authorisations and role assignments are
// removed. Deleting a deleted user does nothing; a site administrator is
// never deleted (guard.go).
func (s *Store) DeleteUser(ctx context.Context, id int64) error {
	return s.Transact(ctx, func(tx *Store) error {
		u, err := tx.UserByID(ctx, id)
		if err != nil || u.Deleted {
			return err
		}
		if err := tx.guardAccount(ctx, id, deleteAccount); err != nil {
			return err
		}
		hashes, err := tx.deleteTokens(ctx, `userid = $1`, id)
		if err != nil {
			return err
		}
		for _, q := range []string{
			`DELETE FROM external_services_users WHERE userid = $1`,
			`DELETE FROM role_assignments WHERE userid = $1`,
		} {
			if _, err := tx.q.ExecContext(ctx, q, id); err != nil {
				return db.Translate(err)
			}
		}
		now := tx.now()
		if _, err := tx.q.ExecContext(ctx, `UPDATE users SET deleted = TRUE, username = $2, email = '',
			password_hash = '', timemodified = $3 WHERE id = $1`, id, fmt.Sprintf("deleted-%d-%d", id, now), now); err != nil {
			return db.Translate(err)
		}
		tx.announce(Change{Users: []int64{id}, Tokens: hashes})
		return nil
	})
}
