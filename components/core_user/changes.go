package core_user

import (
	"context"
	"errors"
	"sort"
	"strings"

	"wsgate"
	"wsgate/services"
)

func (s users) createUsers(ctx context.Context, p map[string]any) (any, error) {
	if err := require(ctx, "moodle/user:create"); err != nil {
		return nil, err
	}
	var ins []services.UserInput
	for _, item := range p["users"].([]any) {
		in := item.(map[string]any)
		auth := in["auth"].(string)
		if auth != services.AuthManual && auth != services.AuthNoLogin {
			return nil, wsgate.ErrInvalidParameter.WithDebugf("Invalid authentication type: %s", auth)
		}
		u := services.UserInput{Username: in["username"].(string), FirstName: in["firstname"].(string),
			LastName: in["lastname"].(string), Email: in["email"].(string), Auth: auth}
		if pw, ok := in["password"].(string); ok {
			u.Password = &pw
		}
		ins = append(ins, u)
	}
	// All or nothing, as Moodle's create_users runs in one transaction.
	created, err := s.changes.CreateAll(ctx, wsgate.CallerFrom(ctx), ins)
	if err != nil {
		return nil, invalidParameter(err)
	}
	out := make([]any, 0, len(created))
	for _, u := range created {
		out = append(out, map[string]any{"id": u.ID, "username": u.Username})
	}
	return out, nil
}

func (s users) updateUsers(ctx context.Context, p map[string]any) (any, error) {
	if err := require(ctx, "moodle/user:update"); err != nil {
		return nil, err
	}
	warnings := []any{}
	for _, item := range p["users"].([]any) {
		in := item.(map[string]any)
		id := in["id"].(int64)
		err := s.st.CheckAccountEdit(ctx, id)
		if err != nil && wsgate.KindOf(err) == wsgate.Internal {
			return nil, err
		}
		if err != nil {
			warnings = append(warnings, updateWarning(id, err))
			continue
		}
		err = s.changes.Edit(ctx, wsgate.CallerFrom(ctx), id, func(u *services.UserInput) {
			setString := func(key string, v *string) {
				if s, ok := in[key].(string); ok {
					*v = s
				}
			}
			setString("username", &u.Username)
			setString("auth", &u.Auth)
			setString("firstname", &u.FirstName)
			setString("lastname", &u.LastName)
			setString("email", &u.Email)
			if v, ok := in["suspended"].(bool); ok {
				u.Suspended = v
			}
			if pw, ok := in["password"].(string); ok {
				u.Password = &pw
			}
		})
		if err != nil && wsgate.KindOf(err) == wsgate.Internal {
			return nil, err
		}
		if err != nil {
			warnings = append(warnings, updateWarning(id, err))
		}
	}
	return map[string]any{"warnings": warnings}, nil
}

// updateWarning is the warning of update_users about a user it does not
// update. As Moodle's update_users, a user that may not be updated is a
// warning and the others are updated: a site administrator's account
// changed by a caller who is not one is refused by the store
// (services.ErrSiteAdminProtected) with Moodle's warning code
// usernotupdatedadmin, as is any refusal with its own code; an unknown user
// is usernotupdatedinvaliduser; a refusal of the users' rules is
// usernotupdatederror.
func updateWarning(id int64, err error) map[string]any {
	switch wsgate.KindOf(err) {
	case wsgate.NotFound:
		return warning("user", id, "usernotupdatedinvaliduser", "Invalid user")
	case wsgate.Forbidden:
		return warning("user", id, wsgate.CodeOf(err), wsgate.AsError(err).Message)
	}
	return warning("user", id, "usernotupdatederror", describe(err))
}

func (s users) deleteUsers(ctx context.Context, p map[string]any) (any, error) {
	if err := require(ctx, "moodle/user:delete"); err != nil {
		return nil, err
	}
	var ids []int64
	for _, v := range p["userids"].([]any) {
		id := v.(int64)
		u, err := s.st.UserByID(ctx, id)
		if err != nil && wsgate.KindOf(err) != wsgate.NotFound {
			return nil, err
		}
		if err != nil || u.Deleted {
			return nil, wsgate.ErrInvalidParameter.WithDebugf("Invalid user id: %d", id)
		}
		if c := wsgate.CallerFrom(ctx); c != nil && c.UserID == id {
			return nil, wsgate.ErrInvalidParameter.WithDebug("You cannot delete yourself")
		}
		ids = append(ids, id)
	}
	// All or nothing, as Moodle's delete_users runs in one transaction and
	// throws for a site administrator, whoever asks (useradminodelete): the
	// store refuses to delete one (services.ErrSiteAdminDelete).
	err := s.changes.DeleteAll(ctx, wsgate.CallerFrom(ctx), ids)
	if err != nil && wsgate.KindOf(err) == wsgate.NotFound {
		return nil, wsgate.ErrInvalidParameter.WithDebugf("Invalid user id: %v", detailsOf(err)["id"])
	}
	return nil, err
}

// problem is a refusal of the users' rules: an admin API problem, seen
// through its methods (components do not import admin).
type problem interface {
	error
	ErrorID() string
	ErrorDetails() map[string]any
}

// invalidParameter answers a refusal of the users' rules (invalid fields,
// a username taken) in Moodle's form: invalidparameter, what is wrong in
// debuginfo. Other errors are returned as they are.
func invalidParameter(err error) error {
	var p problem
	if !errors.As(err, &p) || (wsgate.KindOf(err) != wsgate.Invalid && wsgate.KindOf(err) != wsgate.Conflict) {
		return err
	}
	if p.ErrorID() == "resource-exists" {
		if name, ok := p.ErrorDetails()["username"]; ok && name != nil {
			return wsgate.ErrInvalidParameter.WithDebugf("Username already exists: %s", usernameOf(p))
		}
	}
	return wsgate.ErrInvalidParameter.WithDebug(describe(err))
}

// usernameOf reads the taken username from an Exists problem's message,
// "User already exists (username: bob)".
func usernameOf(p problem) string {
	_, after, _ := strings.Cut(p.Error(), "(username: ")
	return strings.TrimSuffix(after, ")")
}

// describe is err's message with the fields it names, "Sent data is
// invalid: email is not an email address".
func describe(err error) string {
	d := detailsOf(err)
	if len(d) == 0 {
		return wsgate.AsError(err).Message
	}
	var fields []string
	for k, v := range d {
		if s, ok := v.(string); ok && k != "debuginfo" {
			fields = append(fields, k+" "+s)
		}
	}
	sort.Strings(fields)
	return err.Error() + ": " + strings.Join(fields, "; ")
}

// detailsOf returns the details of a problem, nil for other errors.
func detailsOf(err error) map[string]any {
	var p problem
	if errors.As(err, &p) {
		return p.ErrorDetails()
	}
	return nil
}
