package services

import (
	"context"
	"slices"
	"strings"

	"wsgate/internal/db"
)

// UpdateRole saves the shortname, name, description and capabilities of
// r.ID (the capability list replaces the stored one) and returns the stored
// role. A taken shortname is a Conflict error; renaming the built-in admin
// role, or giving it capabilities (it holds every one), is an Invalid error.
func (s *Store) UpdateRole(ctx context.Context, r Role) (Role, error) {
	r.Shortname = strings.TrimSpace(r.Shortname)
	if r.Shortname == "" {
		return Role{}, invalidf("role shortname is empty")
	}
	err := s.Transact(ctx, func(tx *Store) error {
		cur, err := tx.RoleByID(ctx, r.ID)
		if err != nil {
			return err
		}
		if cur.Shortname == AdminRole && (r.Shortname != AdminRole || len(r.Capabilities) > 0) {
			return invalidf("the built-in role %q keeps its shortname and holds every capability", AdminRole)
		}
		if _, err := tx.q.ExecContext(ctx, `UPDATE roles SET shortname = $2, name = $3, description = $4 WHERE id = $1`,
			r.ID, r.Shortname, r.Name, r.Description); err != nil {
			return db.Translate(err)
		}
		for _, c := range cur.Capabilities {
			if !slices.Contains(r.Capabilities, c) {
				if err := tx.RemoveRoleCapability(ctx, r.ID, c); err != nil {
					return err
				}
			}
		}
		for _, c := range r.Capabilities {
			if !slices.Contains(cur.Capabilities, c) {
				if err := tx.AddRoleCapability(ctx, r.ID, c); err != nil {
					return err
				}
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

// ListTokens returns every token, ordered by id. Token values are never
// stored, so none is returned.
func (s *Store) ListTokens(ctx context.Context) ([]Token, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+tokenColumns+` FROM external_tokens ORDER BY id`)
	return collect(rows, err, scanToken)
}
