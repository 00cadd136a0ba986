package services

import (
	"context"
	"database/sql"
	"slices"

	"wsgate/internal/db"
)

// ServiceFunctionNames returns the names of the functions of service
// serviceID, sorted.
func (s *Store) ServiceFunctionNames(ctx context.Context, serviceID int64) ([]string, error) {
	rows, err := s.q.QueryContext(ctx,
		`SELECT functionname FROM external_services_functions WHERE externalserviceid = $1`, serviceID)
	names, err := collect(rows, err, scanString)
	if err == nil && len(names) == 0 {
		_, err = s.ServiceByID(ctx, serviceID)
	}
	slices.Sort(names)
	return names, err
}

// AddServiceFunction adds function name to service serviceID; adding it again
// does nothing. An unknown service or function is a not-found error.
func (s *Store) AddServiceFunction(ctx context.Context, serviceID int64, name string) error {
	_, err := s.q.ExecContext(ctx, `INSERT INTO external_services_functions (externalserviceid, functionname)
		VALUES ($1, $2) ON CONFLICT (externalserviceid, functionname) DO NOTHING`, serviceID, name)
	if err != nil {
		return missingRef(err, "service %d or function %s does not exist", serviceID, name)
	}
	s.announce(Change{Services: true})
	return nil
}

// RemoveServiceFunction removes function name from service serviceID;
// removing a missing one does nothing.
func (s *Store) RemoveServiceFunction(ctx context.Context, serviceID int64, name string) error {
	if _, err := s.q.ExecContext(ctx,
		`DELETE FROM external_services_functions WHERE externalserviceid = $1 AND functionname = $2`,
		serviceID, name); err != nil {
		return db.Translate(err)
	}
	s.announce(Change{Services: true})
	return nil
}

// AuthoriseUser lets user userID use restricted service serviceID from the
// addresses ipRestriction allows ("" for any) until validUntil (unix seconds,
// 0 for ever), or changes those limits when the user is already authorised.
func (s *Store) AuthoriseUser(ctx context.Context, serviceID, userID int64, ipRestriction string, validUntil int64) error {
	if err := ValidateIPRestriction(ipRestriction); err != nil {
		return err
	}
	if validUntil < 0 {
		return invalidf("validuntil %d is negative", validUntil)
	}
	_, err := s.q.ExecContext(ctx, `INSERT INTO external_services_users
		(externalserviceid, userid, iprestriction, validuntil, timecreated) VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (externalserviceid, userid)
		DO UPDATE SET iprestriction = excluded.iprestriction, validuntil = excluded.validuntil`,
		serviceID, userID, nullString(ipRestriction), nullInt(validUntil), s.now())
	if err != nil {
		return missingRef(err, "service %d or user %d does not exist", serviceID, userID)
	}
	s.announce(Change{Users: []int64{userID}})
	return nil
}

// RemoveServiceUser withdraws the authorisation of user userID for service
// serviceID; withdrawing a missing one does nothing.
func (s *Store) RemoveServiceUser(ctx context.Context, serviceID, userID int64) error {
	if _, err := s.q.ExecContext(ctx,
		`DELETE FROM external_services_users WHERE externalserviceid = $1 AND userid = $2`,
		serviceID, userID); err != nil {
		return db.Translate(err)
	}
	s.announce(Change{Users: []int64{userID}})
	return nil
}

// ServiceUsers returns the users authorised for service serviceID, ordered by user id.
func (s *Store) ServiceUsers(ctx context.Context, serviceID int64) ([]ServiceUser, error) {
	rows, err := s.q.QueryContext(ctx, `SELECT externalserviceid, userid, iprestriction, validuntil, timecreated
		FROM external_services_users WHERE externalserviceid = $1 ORDER BY userid`, serviceID)
	return collect(rows, err, func(r scanner) (ServiceUser, error) {
		var su ServiceUser
		var ip sql.NullString
		var until sql.NullInt64
		err := r.Scan(&su.ServiceID, &su.UserID, &ip, &until, &su.TimeCreated)
		su.IPRestriction, su.ValidUntil = ip.String, until.Int64
		return su, err
	})
}
