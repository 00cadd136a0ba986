package services

import (
	"context"

	"wsgate"
	"wsgate/internal/db"
)

// The rules that protect site administrators (holders of AdminRole), in the
// one place every write that changes a user applies them (UpdateUser,
// SetPassword, DeleteUser, AssignRole, UnassignRole, CreateToken), so the
// call functions, the admin API, the admin pages and the command line all
// obey them:
//
//   - only a site administrator changes a site administrator's account: any
//     field, the password, a role, a token for it (ErrSiteAdminProtected);
//     only a site administrator gives the admin role (ErrSiteAdminGrant);
//   - no one deletes a site administrator, as in Moodle: take the admin
//     role away first (ErrSiteAdminDelete);
//   - the last usable site administrator (not suspended, manual login) is
//     not suspended, not made nologin and keeps the admin role, whoever
//     asks (ErrLastSiteAdmin).
//
// The caller is wsgate.CallerFrom(ctx). Every entrance sets one (the call
// pipeline, the admin API, the pages, the command line); a context without
// one is the gateway itself (start-up, login/token.php once the password is
// checked, tests), to which the last two rules still apply.

// accountChange says what a write does to an account.
type accountChange uint8

const (
	editAccount    accountChange = iota // fields, password, roles, tokens
	disableAccount                      // suspended or nologin from now on
	revokeAdmin                         // the admin role taken away
	deleteAccount
)

// guardAccount applies the rules to change of user userID's account. It runs
// inside the change's transaction, before the write: for a change that may
// leave no usable site administrator it takes a lock (a write on the admin
// role's row) so that two such changes run one after the other and the
// second sees the first.
func (s *Store) guardAccount(ctx context.Context, userID int64, change accountChange) error {
	if change == editAccount && callerIsSiteAdmin(ctx) {
		return nil // no query: the rules allow it whoever the user is
	}
	admin, err := s.IsSiteAdmin(ctx, userID)
	if err != nil || !admin {
		return err
	}
	if change == deleteAccount {
		return ErrSiteAdminDelete
	}
	if !callerIsSiteAdmin(ctx) {
		return ErrSiteAdminProtected
	}
	if change == editAccount {
		return nil
	}
	if _, err := s.q.ExecContext(ctx, `UPDATE roles SET shortname = shortname WHERE shortname = $1`, AdminRole); err != nil {
		return db.Translate(err)
	}
	var usable, target int
	err = s.q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN u.id = $2 THEN 1 ELSE 0 END), 0)
		FROM role_assignments ra JOIN roles r ON r.id = ra.roleid JOIN users u ON u.id = ra.userid
		WHERE r.shortname = $1 AND u.deleted = FALSE AND u.suspended = FALSE AND u.auth = $3`,
		AdminRole, userID, AuthManual).Scan(&usable, &target)
	if err != nil {
		return db.Translate(err)
	}
	if target > 0 && usable == 1 {
		return ErrLastSiteAdmin
	}
	return nil
}

// guardGrant applies the rules to giving role roleID to user userID.
func (s *Store) guardGrant(ctx context.Context, userID, roleID int64) error {
	if err := s.guardAccount(ctx, userID, editAccount); err != nil {
		return err
	}
	if callerIsSiteAdmin(ctx) {
		return nil
	}
	admin, err := s.isAdminRole(ctx, roleID)
	if err == nil && admin {
		return ErrSiteAdminGrant
	}
	return err
}

// isAdminRole reports whether role roleID is AdminRole; an unknown role is not.
func (s *Store) isAdminRole(ctx context.Context, roleID int64) (bool, error) {
	var n int
	err := s.q.QueryRowContext(ctx, `SELECT COUNT(*) FROM roles WHERE id = $1 AND shortname = $2`,
		roleID, AdminRole).Scan(&n)
	return n > 0, db.Translate(err)
}

// callerIsSiteAdmin reports whether the caller of ctx is a site
// administrator, or there is no caller (the gateway itself).
func callerIsSiteAdmin(ctx context.Context) bool {
	c := wsgate.CallerFrom(ctx)
	return c == nil || c.IsSiteAdmin
}

// CheckAccountEdit applies the rules to editing user userID's account
// without writing anything: ErrSiteAdminProtected when the caller may not
// (core_user_update_users warns so even for an update that changes nothing,
// as Moodle does).
func (s *Store) CheckAccountEdit(ctx context.Context, userID int64) error {
	return s.guardAccount(ctx, userID, editAccount)
}
