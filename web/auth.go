package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"wsgate"
	"wsgate/admin"
	"wsgate/internal/loginlimit"
	"wsgate/services"
)

// maxForm bounds the body of a form.
const maxForm = 1 << 20

// loginPath is the login page, as logged.
const loginPath = AdminPrefix + "login"

// reqCtx is what an admin page knows about its request: the session and
// the administrator, as a caller for the admin services.
type reqCtx struct {
	sess   session
	user   services.User
	caller *wsgate.Caller
}

// pageFunc is an admin page's handler.
type pageFunc func(w http.ResponseWriter, r *http.Request, c *reqCtx)

// errNotAdmin refuses a login or a session whose user may not administer.
var errNotAdmin = &wsgate.Error{Kind: wsgate.Forbidden, Code: "nopermissions",
	Message: "This account may not administer the gateway (it needs the capability " + admin.AdminCapability + ")"}

// errLoginsEnded ends a session made before its user's password changed.
var errLoginsEnded = &wsgate.Error{Kind: wsgate.Forbidden, Code: "nopermissions",
	Message: "The password of this account was changed: log in again"}

// admin wraps a page: it needs a session of a user who may still
// administer (checked at every request, so a suspended user, a removed
// role or a password change ends the session), and a POST needs the
// session's CSRF token.
func (s *site) admin(h pageFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, ok := s.sessionOf(r)
		if !ok || sess.userID == 0 {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				s.refuse(w, r, http.StatusForbidden, "Your session has ended",
					"Log in again, then repeat what you were doing.")
				return
			}
			next := r.URL.Path
			if r.URL.RawQuery != "" {
				next += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, "/admin/login?next="+url.QueryEscape(next), http.StatusSeeOther)
			return
		}
		user, caller, err := s.adminUser(r.Context(), sess.userID, remoteIP(r))
		if err == nil && user.LoginGen != sess.loginGen {
			err = errLoginsEnded
		}
		if err != nil {
			if wsgate.KindOf(err) == wsgate.Forbidden {
				s.sessions.destroy(sess.id)
				s.clearCookie(w, r)
				s.refuse(w, r, http.StatusForbidden, "Access ended", err.Error())
				return
			}
			s.internalError(w, r, err)
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, maxForm)
			if err := r.ParseForm(); err != nil {
				s.refuse(w, r, http.StatusBadRequest, "The form could not be read", "Go back and try again.")
				return
			}
			if !validCSRF(r, sess) {
				s.csrfRefused(w, r)
				return
			}
		}
		h(w, r, &reqCtx{sess: sess, user: user, caller: caller})
	}
}

// csrfRefused answers a form without the session's CSRF token.
func (s *site) csrfRefused(w http.ResponseWriter, r *http.Request) {
	s.refuse(w, r, http.StatusForbidden, "Form refused",
		"This form did not carry a valid security token: it is older than your session or came from "+
			"another site. Nothing was changed. Go back, reload the page and try again.")
}

// adminUser loads user id and checks that it may administer: not deleted,
// suspended or nologin, and holding wsgate/site:config (site
// administrators hold every capability). Else it returns errNotAdmin.
func (s *site) adminUser(ctx context.Context, id int64, ip string) (services.User, *wsgate.Caller, error) {
	u, err := s.store.UserByID(ctx, id)
	if wsgate.KindOf(err) == wsgate.NotFound {
		return u, nil, errNotAdmin
	}
	if err != nil {
		return u, nil, err
	}
	if u.Deleted || u.Suspended || u.Auth == services.AuthNoLogin {
		return u, nil, errNotAdmin
	}
	isAdmin, err := s.store.IsSiteAdmin(ctx, id)
	if err != nil {
		return u, nil, err
	}
	caps, err := s.store.UserCapabilities(ctx, id)
	if err != nil {
		return u, nil, err
	}
	c := &wsgate.Caller{UserID: u.ID, Username: u.Username, Protocol: "web", RemoteIP: ip, Capabilities: caps,
		IsSiteAdmin: isAdmin}
	if !c.Can(admin.AdminCapability) {
		return u, nil, errNotAdmin
	}
	return u, c, nil
}

// loginBody is the login page's data.
type loginBody struct {
	Username string
	Next     string
	Error    string
	Notice   string
}

// loginForm shows the login form, in an anonymous session that carries its
// CSRF token; a logged-in administrator goes on to the overview.
func (s *site) loginForm(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"))
	sess, ok := s.sessionOf(r)
	if ok && sess.userID != 0 {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	if !ok {
		sess = s.sessions.create(0, 0)
		s.setCookie(w, r, sess.id)
	}
	body := loginBody{Next: next}
	if r.URL.Query().Get("loggedout") != "" {
		body.Notice = "You are logged out."
	}
	s.renderLogin(w, r, http.StatusOK, sess, body)
}

// login checks the username and password, and that the user may
// administer; then it starts a new session (a new id, so one fixed
// before login is worthless) and goes on to next.
func (s *site) login(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		s.refuse(w, r, http.StatusBadRequest, "The form could not be read", "Go back and try again.")
		return
	}
	sess, ok := s.sessionOf(r)
	if !ok || !validCSRF(r, sess) {
		s.refuse(w, r, http.StatusForbidden, "Form refused",
			"The login form has expired or did not come from this site. Open the login page again.")
		return
	}
	body := loginBody{Username: strings.TrimSpace(r.PostFormValue("username")),
		Next: safeNext(r.PostFormValue("next"))}
	ip := remoteIP(r)
	refused := func(code string, locked bool) {
		s.refusals.Log(r.Context(), loginlimit.Refusal{Endpoint: loginPath, Username: body.Username, Remote: ip,
			ErrorCode: code, Locked: locked})
	}
	res, err := s.logins.Reserve(r.Context(), body.Username, ip)
	var locked *loginlimit.LockedError
	if errors.As(err, &locked) {
		refused(services.ErrInvalidLogin.Code, true)
		body.Error = "Too many failed logins. Try again in " + minutes(locked.RetryAfter) + "."
		s.renderLogin(w, r, http.StatusTooManyRequests, sess, body)
		return
	}
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	defer res.Cancel() // on a panic; a reservation ends once
	u, err := s.store.CheckPassword(r.Context(), body.Username, r.PostFormValue("password"))
	if errors.Is(err, services.ErrInvalidLogin) {
		res.Failure()
		refused(services.ErrInvalidLogin.Code, false)
		body.Error = "Invalid login, please try again."
		s.renderLogin(w, r, http.StatusUnauthorized, sess, body)
		return
	}
	if err != nil {
		res.Cancel()
		s.internalError(w, r, err)
		return
	}
	res.Success()
	if _, _, err := s.adminUser(r.Context(), u.ID, ip); err != nil {
		if wsgate.KindOf(err) != wsgate.Forbidden {
			s.internalError(w, r, err)
			return
		}
		refused(wsgate.CodeOf(err), false)
		body.Error = err.Error() + "."
		s.renderLogin(w, r, http.StatusForbidden, sess, body)
		return
	}
	s.sessions.destroy(sess.id)
	ns := s.sessions.create(u.ID, u.LoginGen)
	s.setCookie(w, r, ns.id)
	s.log.InfoContext(r.Context(), "admin pages login", "username", loginlimit.Clip(u.Username), "remote", ip)
	http.Redirect(w, r, body.Next, http.StatusSeeOther)
}

// logout ends the session.
func (s *site) logout(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	s.sessions.destroy(c.sess.id)
	s.clearCookie(w, r)
	http.Redirect(w, r, "/admin/login?loggedout=1", http.StatusSeeOther)
}

// safeNext returns next when it is a page of this site under /admin/ (not
// the login page), else the overview.
func safeNext(next string) string {
	if !strings.HasPrefix(next, AdminPrefix) || strings.HasPrefix(next, "/admin/login") ||
		strings.ContainsAny(next, "\\\r\n") || strings.Contains(next, "//") {
		return AdminPrefix
	}
	return next
}

// remoteIP is the address of the client, without the port.
func remoteIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func minutes(d time.Duration) string {
	m := int((d + time.Minute - 1) / time.Minute)
	if m <= 1 {
		return "a minute"
	}
	return itoa(int64(m)) + " minutes"
}
