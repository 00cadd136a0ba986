package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"wsgate"
	"wsgate/admin/roles"
	"wsgate/admin/users"
	"wsgate/services"
)

// userRow is a user in the list.
type userRow struct {
	services.User
	Roles []string
}

// usersBody is the data of the users page.
type usersBody struct {
	Users []userRow
	Form  services.User
	Err   *formError
}

// userLabels name the fields of a user in messages.
var userLabels = map[string]string{"username": "Username", "firstname": "First name", "lastname": "Last name",
	"email": "Email", "auth": "Authentication", "suspended": "Suspended", "password": "Password"}

// Labels returns the labels of the form's fields.
func (usersBody) Labels() map[string]string { return userLabels }

// usersList lists the users and their roles, with the form that creates one.
func (s *site) usersList(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.renderUsers(w, r, c, http.StatusOK, usersBody{Form: services.User{Auth: services.AuthManual}})
}

func (s *site) renderUsers(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, b usersBody) {
	ctx := r.Context()
	users, err := s.store.ListUsers(ctx, services.UserFilter{})
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	for _, u := range users {
		roles, err := s.store.UserRoles(ctx, u.ID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		row := userRow{User: u}
		for _, ro := range roles {
			row.Roles = append(row.Roles, ro.Shortname)
		}
		b.Users = append(b.Users, row)
	}
	s.render(w, r, c, status, "users", "Users", "users", b)
}

// userFromForm reads the user form.
func userFromForm(r *http.Request) (services.User, users.Input) {
	u := services.User{Username: strings.ToLower(strings.TrimSpace(r.PostFormValue("username"))),
		FirstName: strings.TrimSpace(r.PostFormValue("firstname")),
		LastName:  strings.TrimSpace(r.PostFormValue("lastname")), Email: strings.TrimSpace(r.PostFormValue("email")),
		Auth: r.PostFormValue("auth"), Suspended: r.PostFormValue("suspended") != ""}
	in := users.Input{Username: u.Username, FirstName: u.FirstName, LastName: u.LastName, Email: u.Email,
		Auth: u.Auth, Suspended: u.Suspended}
	if p := r.PostFormValue("password"); p != "" {
		in.Password = &p
	}
	return u, in
}

// userCreate creates a user, then shows it (to give it roles).
func (s *site) userCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	u, in := userFromForm(r)
	out, err := s.api.Users.Create(r.Context(), c.caller, in)
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderUsers(w, r, c, status, usersBody{Form: u, Err: fe})
		})
		return
	}
	s.flashOK(c, "User "+u.Username+" created.")
	seeOther(w, r, "/admin/users/"+itoa(out.ID))
}

// userEditBody is the data of a user's page.
type userEditBody struct {
	User     services.User
	Roles    []services.Role // assigned
	Others   []services.Role // not assigned
	Tokens   int
	Self     bool
	Err      *formError
	Original string // the stored username
	Files    *userFiles
}

// Labels returns the labels of the form's fields.
func (userEditBody) Labels() map[string]string { return userLabels }

// userEdit shows a user: the form, the roles, the tokens.
func (s *site) userEdit(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	u, ok := s.userOf(w, r)
	if !ok {
		return
	}
	s.renderUserEdit(w, r, c, http.StatusOK, userEditBody{User: u, Original: u.Username})
}

func (s *site) renderUserEdit(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, b userEditBody) {
	ctx := r.Context()
	roles, err := s.store.UserRoles(ctx, b.User.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	all, err := s.store.ListRoles(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	toks, err := s.store.TokensForUser(ctx, b.User.ID)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if b.Files, err = s.userFiles(ctx, b.User.ID); err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Roles, b.Tokens, b.Self = roles, len(toks), b.User.ID == c.user.ID
	for _, ro := range all {
		assigned := false
		for _, mine := range roles {
			assigned = assigned || mine.ID == ro.ID
		}
		if !assigned {
			b.Others = append(b.Others, ro)
		}
	}
	s.render(w, r, c, status, "user_edit", "User "+b.Original, "users", b)
}

// userUpdate saves a user; an empty password keeps the current one. A new
// password ends the user's other sessions and tokens (see
// services.Store.SetPassword); one's own session goes on.
func (s *site) userUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	old, ok := s.userOf(w, r)
	if !ok {
		return
	}
	u, in := userFromForm(r)
	u.ID = old.ID
	err := s.api.Users.Edit(r.Context(), c.caller, old.ID, func(cur *users.Input) { *cur = in })
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderUserEdit(w, r, c, status, userEditBody{User: u, Err: fe, Original: old.Username})
		})
		return
	}
	if in.Password != nil && old.ID == c.user.ID {
		saved, err := s.store.UserByID(r.Context(), old.ID)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		if saved.LoginGen != c.sess.loginGen {
			s.renewSession(w, r, c, saved.LoginGen)
		}
	}
	s.flashOK(c, "User "+u.Username+" saved.")
	seeOther(w, r, "/admin/users/"+itoa(old.ID))
}

// userDelete deletes a user with their tokens, authorisations and roles.
func (s *site) userDelete(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	u, ok := s.userOf(w, r)
	if !ok {
		return
	}
	if u.ID == c.user.ID {
		s.flashError(c, "You cannot delete your own account while logged in with it.")
		seeOther(w, r, "/admin/users/"+itoa(u.ID))
		return
	}
	err := s.api.Users.Delete(r.Context(), c.caller, u.ID)
	if s.actionFailed(w, r, c, err, "/admin/users/"+itoa(u.ID)) {
		return
	}
	s.flashOK(c, "User "+u.Username+" deleted.")
	seeOther(w, r, "/admin/users")
}

// userRoleAssign gives a user a role.
func (s *site) userRoleAssign(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.userRoleChange(w, r, c, s.api.UserRoles.Assign, "Role assigned.")
}

// userRoleUnassign takes a role from a user.
func (s *site) userRoleUnassign(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.userRoleChange(w, r, c, s.api.UserRoles.Unassign, "Role unassigned.")
}

func (s *site) userRoleChange(w http.ResponseWriter, r *http.Request, c *reqCtx,
	change func(ctx context.Context, caller *wsgate.Caller, userID, roleID int64) error, done string) {
	u, ok := s.userOf(w, r)
	if !ok {
		return
	}
	back := "/admin/users/" + itoa(u.ID)
	roleID, _ := strconv.ParseInt(r.PostFormValue("role_id"), 10, 64)
	err := change(r.Context(), c.caller, u.ID, roleID)
	if s.actionFailed(w, r, c, err, back) {
		return
	}
	s.flashOK(c, done)
	seeOther(w, r, back)
}

// userOf loads the user of the {id} in the path; else it answers 404 (or
// 500) and returns false.
func (s *site) userOf(w http.ResponseWriter, r *http.Request) (services.User, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return services.User{}, false
	}
	u, err := s.store.UserByID(r.Context(), id)
	if wsgate.KindOf(err) == wsgate.NotFound || err == nil && u.Deleted {
		s.notFound(w, r)
		return u, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return u, false
	}
	return u, true
}

// rolesBody is the data of the roles page.
type rolesBody struct {
	Roles []services.Role
	Form  services.Role
	Err   *formError
}

// roleLabels name the fields of a role in messages.
var roleLabels = map[string]string{"shortname": "Short name", "name": "Name", "description": "Description",
	"capabilities": "Capabilities"}

// Labels returns the labels of the form's fields.
func (rolesBody) Labels() map[string]string { return roleLabels }

// rolesList lists the roles, with the form that creates one.
func (s *site) rolesList(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.renderRoles(w, r, c, http.StatusOK, rolesBody{})
}

func (s *site) renderRoles(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, b rolesBody) {
	roles, err := s.store.ListRoles(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Roles = roles
	s.render(w, r, c, status, "roles", "Roles", "roles", b)
}

// roleCreate creates a role, then shows it (to give it capabilities).
func (s *site) roleCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ro := services.Role{Shortname: strings.TrimSpace(r.PostFormValue("shortname")),
		Name: strings.TrimSpace(r.PostFormValue("name")), Description: r.PostFormValue("description")}
	out, err := s.api.Roles.Create(r.Context(), c.caller,
		roles.Input{Shortname: ro.Shortname, Name: ro.Name, Description: ro.Description})
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderRoles(w, r, c, status, rolesBody{Form: ro, Err: fe})
		})
		return
	}
	s.flashOK(c, "Role "+ro.Shortname+" created. Choose its capabilities.")
	seeOther(w, r, "/admin/roles/"+itoa(out.ID))
}

// roleEditBody is the data of a role's page.
type roleEditBody struct {
	Role         services.Role
	Admin        bool // the built-in admin role
	Capabilities []services.Capability
	Err          *formError
	Original     string
}

// Labels returns the labels of the form's fields.
func (roleEditBody) Labels() map[string]string { return roleLabels }

// Has reports whether the role lists capability name.
func (b roleEditBody) Has(name string) bool {
	for _, c := range b.Role.Capabilities {
		if c == name {
			return true
		}
	}
	return false
}

// roleEdit shows a role's form with its capabilities.
func (s *site) roleEdit(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ro, ok := s.roleOf(w, r)
	if !ok {
		return
	}
	s.renderRoleEdit(w, r, c, http.StatusOK, roleEditBody{Role: ro, Original: ro.Shortname})
}

func (s *site) renderRoleEdit(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, b roleEditBody) {
	caps, err := s.store.ListCapabilities(r.Context())
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Capabilities, b.Admin = caps, b.Original == services.AdminRole
	s.render(w, r, c, status, "role_edit", "Role "+b.Original, "roles", b)
}

// roleUpdate saves a role and its capabilities (the checked ones).
func (s *site) roleUpdate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	old, ok := s.roleOf(w, r)
	if !ok {
		return
	}
	ro := services.Role{ID: old.ID, Shortname: strings.TrimSpace(r.PostFormValue("shortname")),
		Name: strings.TrimSpace(r.PostFormValue("name")), Description: r.PostFormValue("description"),
		Capabilities: r.PostForm["capability"]}
	err := s.api.Roles.Edit(r.Context(), c.caller, old.ID, func(in *roles.Input) {
		in.Shortname, in.Name, in.Description = ro.Shortname, ro.Name, ro.Description
		if old.Shortname != services.AdminRole {
			in.Capabilities = ro.Capabilities
		}
	})
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderRoleEdit(w, r, c, status, roleEditBody{Role: ro, Err: fe, Original: old.Shortname})
		})
		return
	}
	s.flashOK(c, "Role "+ro.Shortname+" saved.")
	seeOther(w, r, "/admin/roles/"+itoa(old.ID))
}

// roleDelete deletes a role and its assignments.
func (s *site) roleDelete(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	ro, ok := s.roleOf(w, r)
	if !ok {
		return
	}
	err := s.api.Roles.Delete(r.Context(), c.caller, ro.ID)
	if s.actionFailed(w, r, c, err, "/admin/roles/"+itoa(ro.ID)) {
		return
	}
	s.flashOK(c, "Role "+ro.Shortname+" deleted.")
	seeOther(w, r, "/admin/roles")
}

// roleOf loads the role of the {id} in the path; else it answers 404 (or
// 500) and returns false.
func (s *site) roleOf(w http.ResponseWriter, r *http.Request) (services.Role, bool) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return services.Role{}, false
	}
	ro, err := s.store.RoleByID(r.Context(), id)
	if wsgate.KindOf(err) == wsgate.NotFound {
		s.notFound(w, r)
		return ro, false
	}
	if err != nil {
		s.internalError(w, r, err)
		return ro, false
	}
	return ro, true
}
