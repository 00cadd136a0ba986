package services

import (
	"context"
	"database/sql"
	"strings"

	"wsgate/internal/db"
)

const serviceColumns = `id, name, shortname, enabled, requiredcapability, restrictedusers, component,
	downloadfiles, uploadfiles, timecreated, timemodified, protocols`

func scanService(row scanner) (Service, error) {
	var sv Service
	var shortname, reqcap, component, protos sql.NullString
	var modified sql.NullInt64
	if err := row.Scan(&sv.ID, &sv.Name, &shortname, &sv.Enabled, &reqcap, &sv.RestrictedUsers, &component,
		&sv.DownloadFiles, &sv.UploadFiles, &sv.TimeCreated, &modified, &protos); err != nil {
		return Service{}, notFound("external_services", err)
	}
	if protos.Valid {
		sv.Protocols = SplitProtocols(protos.String)
	}
	sv.Shortname, sv.RequiredCapability, sv.Component = shortname.String, reqcap.String, component.String
	sv.TimeModified = modified.Int64
	return sv, nil
}

func validateService(sv *Service) error {
	sv.Name = strings.TrimSpace(sv.Name)
	sv.Shortname = strings.TrimSpace(sv.Shortname)
	sv.RequiredCapability = strings.TrimSpace(sv.RequiredCapability)
	if sv.Name == "" {
		return invalidf("service name is empty")
	}
	return ValidateProtocols(sv.Protocols)
}

// CreateService adds a service and returns it with its id and timestamps. A
// taken name or shortname is a Conflict error.
func (s *Store) CreateService(ctx context.Context, sv Service) (Service, error) {
	if err := validateService(&sv); err != nil {
		return Service{}, err
	}
	sv.TimeCreated, sv.TimeModified = s.now(), 0
	err := s.q.QueryRowContext(ctx, `INSERT INTO external_services (name, shortname, enabled, requiredcapability,
		restrictedusers, component, downloadfiles, uploadfiles, timecreated, protocols)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
		sv.Name, nullString(sv.Shortname), sv.Enabled, nullString(sv.RequiredCapability), sv.RestrictedUsers,
		nullString(sv.Component), sv.DownloadFiles, sv.UploadFiles, sv.TimeCreated, protocolsColumn(sv.Protocols)).Scan(&sv.ID)
	if err != nil {
		return Service{}, db.Translate(err)
	}
	s.announce(Change{Services: true})
	return sv, nil
}

// UpdateService saves every field of sv.ID but the creation time and returns
// the stored service.
func (s *Store) UpdateService(ctx context.Context, sv Service) (Service, error) {
	if err := validateService(&sv); err != nil {
		return Service{}, err
	}
	out, err := scanService(s.q.QueryRowContext(ctx, `UPDATE external_services SET name = $2, shortname = $3,
		enabled = $4, requiredcapability = $5, restrictedusers = $6, component = $7, downloadfiles = $8,
		uploadfiles = $9, timemodified = $10, protocols = $11 WHERE id = $1 RETURNING `+serviceColumns,
		sv.ID, sv.Name, nullString(sv.Shortname), sv.Enabled, nullString(sv.RequiredCapability), sv.RestrictedUsers,
		nullString(sv.Component), sv.DownloadFiles, sv.UploadFiles, s.now(), protocolsColumn(sv.Protocols)))
	if err != nil {
		return Service{}, err
	}
	s.announce(Change{Services: true})
	return out, nil
}

// DeleteService removes service id with its function list, authorised users and tokens.
func (s *Store) DeleteService(ctx context.Context, id int64) error {
	return s.Transact(ctx, func(tx *Store) error {
		hashes, err := tx.deleteTokens(ctx, `externalserviceid = $1`, id)
		if err != nil {
			return err
		}
		res, err := tx.q.ExecContext(ctx, `DELETE FROM external_services WHERE id = $1`, id)
		if err != nil {
			return db.Translate(err)
		}
		if n, err := res.RowsAffected(); err != nil || n == 0 {
			return notFound("external_services", sqlNoRows(err))
		}
		tx.announce(Change{Services: true, Tokens: hashes})
		return nil
	})
}

// SetServiceEnabled enables or disables service id.
func (s *Store) SetServiceEnabled(ctx context.Context, id int64, enabled bool) error {
	res, err := s.q.ExecContext(ctx, `UPDATE external_services SET enabled = $2, timemodified = $3 WHERE id = $1`,
		id, enabled, s.now())
	if err != nil {
		return db.Translate(err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return notFound("external_services", sqlNoRows(err))
	}
	s.announce(Change{Services: true})
	return nil
}

// ServiceByID returns the service with id.
func (s *Store) ServiceByID(ctx context.Context, id int64) (Service, error) {
	return scanService(s.q.QueryRowContext(ctx, `SELECT `+serviceColumns+` FROM external_services WHERE id = $1`, id))
}

// ServiceByShortname returns the service with shortname.
func (s *Store) ServiceByShortname(ctx context.Context, shortname string) (Service, error) {
	if shortname == "" {
		return Service{}, notFound("external_services", sql.ErrNoRows)
	}
	return scanService(s.q.QueryRowContext(ctx,
		`SELECT `+serviceColumns+` FROM external_services WHERE shortname = $1`, shortname))
}

// ServiceByName returns the service with name.
func (s *Store) ServiceByName(ctx context.Context, name string) (Service, error) {
	return scanService(s.q.QueryRowContext(ctx,
		`SELECT `+serviceColumns+` FROM external_services WHERE name = $1`, name))
}

// ListServices returns every service ordered by id.
func (s *Store) ListServices(ctx context.Context) ([]Service, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT `+serviceColumns+` FROM external_services ORDER BY id`)
	return collect(rows, err, scanService)
}
