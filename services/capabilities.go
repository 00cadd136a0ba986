package services

import (
	"context"
	"slices"
	"strings"

	"wsgate/internal/db"
)

// RegisterCapability adds capability name, or updates its component and
// description when it exists.
func (s *Store) RegisterCapability(ctx context.Context, name, component, description string) error {
	name = strings.TrimSpace(name)
	if name == "" {
		return invalidf("capability name is empty")
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO capabilities (name, component, description) VALUES ($1, $2, $3)
		ON CONFLICT (name) DO UPDATE SET component = excluded.component, description = excluded.description`,
		name, component, description)
	return db.Translate(err)
}

// CapabilityExists reports whether capability name is registered.
func (s *Store) CapabilityExists(ctx context.Context, name string) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM capabilities WHERE name = $1`, name).Scan(&n)
	return n > 0, db.Translate(err)
}

// ListCapabilities returns the registered capabilities ordered by name.
func (s *Store) ListCapabilities(ctx context.Context) ([]Capability, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT name, component, description FROM capabilities`)
	caps, err := collect(rows, err, func(r scanner) (Capability, error) {
		var c Capability
		err := r.Scan(&c.Name, &c.Component, &c.Description)
		return c, err
	})
	slices.SortFunc(caps, func(a, b Capability) int { return strings.Compare(a.Name, b.Name) })
	return caps, err
}
