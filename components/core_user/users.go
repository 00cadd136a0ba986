// Package core_user implements Moodle's core_user_* functions on the gateway's
// own users, with Moodle's names and shapes.
package core_user

import (
	"context"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/functions"
	"wsgate/services"
)

// Users is the service every change of a user goes through (the admin
// users plugin's, admin/users.Service, wired in cmd): each change passes
// the users' rules and is written with its user_created, user_edited or
// user_deleted event in one transaction, whoever makes it.
type Users interface {
	// CreateAll creates a user of each input, all or none.
	CreateAll(ctx context.Context, caller *wsgate.Caller, ins []services.UserInput) ([]services.User, error)
	// Edit changes user id with edit, written over its stored fields.
	Edit(ctx context.Context, caller *wsgate.Caller, id int64, edit func(in *services.UserInput)) error
	// DeleteAll deletes the users of ids, all or none.
	DeleteAll(ctx context.Context, caller *wsgate.Caller, ids []int64) error
}

// Register adds the component's implementations to reg: the reads over
// st, the changes through changes.
func Register(reg *functions.Registry, st *services.Store, changes Users) {
	u := users{st, changes}
	reg.Register("core_user_external", "get_users_by_field", u.getUsersByField)
	reg.Register("core_user_external", "get_users", u.getUsers)
	reg.Register("core_user_external", "create_users", u.createUsers)
	reg.Register("core_user_external", "update_users", u.updateUsers)
	reg.Register("core_user_external", "delete_users", u.deleteUsers)
}

type users struct {
	st      *services.Store
	changes Users
}

// description is Moodle's user_description shape (the fields the gateway has).
func description(u services.User) map[string]any {
	return map[string]any{
		"id": u.ID, "username": u.Username, "firstname": u.FirstName, "lastname": u.LastName,
		"fullname": strings.TrimSpace(u.FirstName + " " + u.LastName), "email": u.Email, "auth": u.Auth,
		"suspended": u.Suspended, "confirmed": true, "firstaccess": 0, "lastaccess": 0,
	}
}

// require refuses the call unless the caller holds capability.
func require(ctx context.Context, capability string) error {
	if !wsgate.CallerFrom(ctx).Can(capability) {
		return wsgate.ErrNoPermissions.Messagef(capability)
	}
	return nil
}

func warning(item string, id int64, code, msg string) map[string]any {
	return map[string]any{"item": item, "itemid": id, "warningcode": code, "message": msg}
}

func (s users) getUsersByField(ctx context.Context, p map[string]any) (any, error) {
	if err := require(ctx, "moodle/user:viewdetails"); err != nil {
		return nil, err
	}
	field := p["field"].(string)
	switch field {
	case "id", "idnumber", "username", "email":
	default:
		return nil, wsgate.ErrInvalidParameter.WithDebugf("Field '%s' is not valid", field)
	}
	var values []string
	for _, v := range p["values"].([]any) {
		values = append(values, v.(string))
	}
	found, err := s.st.UsersByField(ctx, field, values)
	if err != nil {
		return nil, err
	}
	out := make([]any, 0, len(found))
	for _, u := range found {
		out = append(out, description(u))
	}
	return out, nil
}

func (s users) getUsers(ctx context.Context, p map[string]any) (any, error) {
	if err := require(ctx, "moodle/user:viewdetails"); err != nil {
		return nil, err
	}
	all, err := s.st.ListUsers(ctx, services.UserFilter{})
	if err != nil {
		return nil, err
	}
	warnings := []any{}
	matchers := []func(services.User) bool{}
	seenKeys := map[string]bool{}
	for _, c := range p["criteria"].([]any) {
		crit := c.(map[string]any)
		key, value := crit["key"].(string), crit["value"].(string)
		if seenKeys[key] {
			return nil, wsgate.ErrInvalidParameter.WithDebugf("The key '%s' can only be sent once", key)
		}
		seenKeys[key] = true
		m, ok := criterion(key, value)
		if !ok || value == "" {
			warnings = append(warnings, warning(key, 0, "invalidfieldparameter",
				"The search key '"+key+"' is not supported, look at the web service documentation"))
			continue
		}
		matchers = append(matchers, m)
	}
	found := []any{}
	for _, u := range all {
		ok := true
		for _, m := range matchers {
			ok = ok && m(u)
		}
		if ok {
			found = append(found, description(u))
		}
	}
	return map[string]any{"users": found, "warnings": warnings}, nil
}

// criterion builds a matcher for get_users; % is a wildcard in names and email.
func criterion(key, value string) (func(services.User) bool, bool) {
	like := func(get func(services.User) string) func(services.User) bool {
		return func(u services.User) bool { return likeMatch(strings.ToLower(value), strings.ToLower(get(u))) }
	}
	switch key {
	case "id":
		id, err := strconv.ParseInt(value, 10, 64)
		return func(u services.User) bool { return err == nil && u.ID == id }, true
	case "username":
		return func(u services.User) bool { return u.Username == value }, true
	case "auth":
		return func(u services.User) bool { return u.Auth == value }, true
	case "idnumber":
		return func(services.User) bool { return false }, true
	case "firstname":
		return like(func(u services.User) string { return u.FirstName }), true
	case "lastname":
		return like(func(u services.User) string { return u.LastName }), true
	case "email":
		return like(func(u services.User) string { return u.Email }), true
	}
	return nil, false
}

// likeMatch matches s against pattern, where % stands for any run of characters.
func likeMatch(pattern, s string) bool {
	parts := strings.Split(pattern, "%")
	if len(parts) == 1 {
		return pattern == s
	}
	if !strings.HasPrefix(s, parts[0]) {
		return false
	}
	s = s[len(parts[0]):]
	for _, mid := range parts[1 : len(parts)-1] {
		i := strings.Index(s, mid)
		if i < 0 {
			return false
		}
		s = s[i+len(mid):]
	}
	return strings.HasSuffix(s, parts[len(parts)-1])
}
