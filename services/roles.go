package services

import (
	"context"
	"slices"
	"strings"

	"wsgate/internal/db"
)

const roleColumns = `id, shortname, name, description`

func scanRole(row scanner) (Role, error) {
	var r Role
	if err := row.Scan(&r.ID, &r.Shortname, &r.Name, &r.Description); err != nil {
		return Role{}, notFound("roles", err)
	}
	return r, nil
}

// withCapabilities fills r.Capabilities.
func (s *Store) withCapabilities(ctx context.Context, r Role) (Role, error) {
	rows, err := s.q.QueryContext(ctx,
		`SELECT capability FROM role_capabilities WHERE roleid = $1 ORDER BY capability`, r.ID)
	caps, err := collect(rows, err, scanString)
	slices.Sort(caps) // in Go: the dialects collate differently
	r.Capabilities = caps
	return r, err
}

func scanString(r scanner) (string, error) {
	var v string
	err := r.Scan(&v)
	return v, err
}

// CreateRole adds a role with its capabilities and returns it with its id. A
// taken shortname is a Conflict error.
func (s *Store) CreateRole(ctx context.Context, r Role) (Role, error) {
	r.Shortname = strings.TrimSpace(r.Shortname)
	if r.Shortname == "" {
		return Role{}, invalidf("role shortname is empty")
	}
	err := s.Transact(ctx, func(tx *Store) error {
		err := tx.q.QueryRowContext(ctx, `INSERT INTO roles (shortname, name, description) VALUES ($1, $2, $3)
			RETURNING id`, r.Shortname, r.Name, r.Description).Scan(&r.ID)
		if err != nil {
			return db.Translate(err)
		}
		for _, c := range r.Capabilities {
			if err := tx.AddRoleCapability(ctx, r.ID, c); err != nil {
				return err
			}
		}
		tx.announce(Change{Roles: true})
		return nil
	})
	if err != nil {
		return Role{}, err
	}
	return s.RoleByID(ctx, r.ID)
}

// RoleByID returns the role with id and its capabilities.
func (s *Store) RoleByID(ctx context.Context, id int64) (Role, error) {
	r, err := scanRole(s.q.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM roles WHERE id = $1`, id))
	if err != nil {
		return Role{}, err
	}
	return s.withCapabilities(ctx, r)
}

// RoleByShortname returns the role with shortname and its capabilities.
func (s *Store) RoleByShortname(ctx context.Context, shortname string) (Role, error) {
	r, err := scanRole(s.q.QueryRowContext(ctx, `SELECT `+roleColumns+` FROM roles WHERE shortname = $1`, shortname))
	if err != nil {
		return Role{}, err
	}
	return s.withCapabilities(ctx, r)
}

// ListRoles returns every role with its capabilities, ordered by id.
func (s *Store) ListRoles(ctx context.Context) ([]Role, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+roleColumns+` FROM roles ORDER BY id`)
	roles, err := collect(rows, err, scanRole)
	for i := range roles {
		if err == nil {
			roles[i], err = s.withCapabilities(ctx, roles[i])
		}
	}
	return roles, err
}

// DeleteRole removes role id with its capabilities and assignments. The
// built-in admin role cannot be deleted.
func (s *Store) DeleteRole(ctx context.Context, id int64) error {
	r, err := s.RoleByID(ctx, id)
	if err != nil {
		return err
	}
	if r.Shortname == AdminRole {
		return invalidf("the built-in role %q cannot be deleted", AdminRole)
	}
	if _, err := s.q.ExecContext(ctx, `DELETE FROM roles WHERE id = $1`, id); err != nil {
		return db.Translate(err)
	}
	s.announce(Change{Roles: true})
	return nil
}

// AddRoleCapability gives capability to role roleID; giving it again does nothing.
func (s *Store) AddRoleCapability(ctx context.Context, roleID int64, capability string) error {
	capability = strings.TrimSpace(capability)
	if capability == "" {
		return invalidf("capability name is empty")
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO role_capabilities (roleid, capability) VALUES ($1, $2)
		ON CONFLICT (roleid, capability) DO NOTHING`, roleID, capability)
	if err != nil {
		return missingRef(err, "role %d does not exist", roleID)
	}
	s.announce(Change{Roles: true})
	return nil
}

// RemoveRoleCapability takes capability from role roleID; removing a missing one does nothing.
func (s *Store) RemoveRoleCapability(ctx context.Context, roleID int64, capability string) error {
	if _, err := s.q.ExecContext(ctx, `DELETE FROM role_capabilities WHERE roleid = $1 AND capability = $2`,
		roleID, capability); err != nil {
		return db.Translate(err)
	}
	s.announce(Change{Roles: true})
	return nil
}

// AssignRole gives role roleID to user userID; assigning it again does
// nothing. The rules protecting site administrators apply (guard.go).
func (s *Store) AssignRole(ctx context.Context, userID, roleID int64) error {
	if err := s.guardGrant(ctx, userID, roleID); err != nil {
		return err
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO role_assignments (roleid, userid, timecreated) VALUES ($1, $2, $3)
		ON CONFLICT (userid, roleid) DO NOTHING`, roleID, userID, s.now())
	if err != nil {
		return missingRef(err, "user %d or role %d does not exist", userID, roleID)
	}
	s.announce(Change{Users: []int64{userID}})
	return nil
}

// UnassignRole takes role roleID from user userID; unassigning a missing
// one does nothing. The rules protecting site administrators apply
// (guard.go): the last usable one keeps the admin role.
func (s *Store) UnassignRole(ctx context.Context, userID, roleID int64) error {
	return s.Transact(ctx, func(tx *Store) error {
		change := editAccount
		if admin, err := tx.isAdminRole(ctx, roleID); err != nil {
			return err
		} else if admin {
			change = revokeAdmin
		}
		if err := tx.guardAccount(ctx, userID, change); err != nil {
			return err
		}
		if _, err := tx.q.ExecContext(ctx, `DELETE FROM role_assignments WHERE userid = $1 AND roleid = $2`,
			userID, roleID); err != nil {
			return db.Translate(err)
		}
		tx.announce(Change{Users: []int64{userID}})
		return nil
	})
}

// UserRoles returns the roles assigned to user userID, ordered by id.
func (s *Store) UserRoles(ctx context.Context, userID int64) ([]Role, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT r.id, r.shortname, r.name, r.description FROM roles r
		JOIN role_assignments ra ON ra.roleid = r.id WHERE ra.userid = $1 ORDER BY r.id`, userID)
	roles, err := collect(rows, err, scanRole)
	for i := range roles {
		if err == nil {
			roles[i], err = s.withCapabilities(ctx, roles[i])
		}
	}
	return roles, err
}

// UserCapabilities returns the set of capabilities the roles of user userID
// list. A holder of the admin role holds every capability without listing
// them: check IsSiteAdmin too (wsgate.Caller.Can does both).
func (s *Store) UserCapabilities(ctx context.Context, userID int64) (map[string]bool, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT DISTINCT rc.capability FROM role_capabilities rc
		JOIN role_assignments ra ON ra.roleid = rc.roleid WHERE ra.userid = $1`, userID)
	caps, err := collect(rows, err, scanString)
	if err != nil {
		return nil, err
	}
	set := make(map[string]bool, len(caps))
	for _, c := range caps {
		set[c] = true
	}
	return set, nil
}

// IsSiteAdmin reports whether user userID holds the admin role.
func (s *Store) IsSiteAdmin(ctx context.Context, userID int64) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM role_assignments ra JOIN roles r ON r.id = ra.roleid
		WHERE ra.userid = $1 AND r.shortname = $2`, userID, AdminRole).Scan(&n)
	return n > 0, db.Translate(err)
}

// EnsureAdminRole creates the built-in admin role, which holds every
// capability, unless it exists, and returns it.
func (s *Store) EnsureAdminRole(ctx context.Context) (Role, error) {
	res, err := s.q.ExecContext(ctx, `INSERT INTO roles (shortname, name, description) VALUES ($1, $2, $3)
		ON CONFLICT (shortname) DO NOTHING`, AdminRole, "Site administrator", "Holds every capability")
	if err != nil {
		return Role{}, db.Translate(err)
	}
	if n, _ := res.RowsAffected(); n > 0 {
		s.announce(Change{Roles: true})
	}
	return s.RoleByShortname(ctx, AdminRole)
}
