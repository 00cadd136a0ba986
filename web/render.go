package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"wsgate/services"
	"wsgate/web/apidoc"
)

//go:embed templates/*.html static/*
var files embed.FS

// cssURL is the style sheet's URL, versioned by its content so that a
// browser never keeps an old one.
var cssURL = func() string {
	b, _ := files.ReadFile("static/style.css")
	sum := sha256.Sum256(b)
	return "/admin/static/style.css?v=" + hex.EncodeToString(sum[:6])
}()

// page is what the layout shows around a page's body.
type page struct {
	Title string
	Site  string
	User  string // the administrator's username; "" when no one is logged in
	CSRF  string
	Nav   string // the menu entry to mark current
	Flash []flash
	CSS   string
	Body  any
}

// funcs are the helpers the templates call.
var funcs = template.FuncMap{
	"when":      when,
	"dateValue": dateValue,
	"join":      strings.Join,
	"itoa":      itoa,
	"list":      func(c ...chart) []chart { return c },
	"fullname":  fullname,
	"rows":      func(csrf string, rows any) tableData { return tableData{CSRF: csrf, Rows: rows} },
	"userform":  func(u services.User, e *formError) userFields { return userFields{Form: u, Err: e} },
	"roleform":  func(r services.Role, e *formError) roleFields { return roleFields{Form: r, Err: e} },
	"nodes":     func(n []apidoc.Node, unnamed string) treeList { return treeList{Nodes: n, Unnamed: unnamed} },
}

// treeList hands the tree template a level of nodes and the label of the
// unnamed ones (the value itself at the top, each item of a list below).
type treeList struct {
	Nodes   []apidoc.Node
	Unnamed string
}

// userFields and roleFields hand the shared fields of a form their values
// and errors.
type (
	userFields struct {
		Form services.User
		Err  *formError
	}
	roleFields struct {
		Form services.Role
		Err  *formError
	}
)

// tableData hands a shared table template its rows and the CSRF token of
// the forms in them.
type tableData struct {
	CSRF string
	Rows any
}

// parsePages parses each page with the layout and the shared partials.
func parsePages() (map[string]*template.Template, error) {
	base, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html",
		"templates/partials.html")
	if err != nil {
		return nil, fmt.Errorf("web: templates: %w", err)
	}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, n := range names {
		name := strings.TrimSuffix(path.Base(n), ".html")
		if name == "layout" || name == "partials" {
			continue
		}
		t, err := template.Must(base.Clone()).ParseFS(files, n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", n, err)
		}
		pages[name] = t
	}
	return pages, nil
}

// write executes page name into a buffer, then answers it with status; a
// template failure is logged and answered 500 without a half-written page.
func (s *site) write(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	t, ok := s.pages[name]
	if !ok {
		s.log.ErrorContext(r.Context(), "web: no such page template", "page", name)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	p.Site, p.CSS = s.name, cssURL
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.log.ErrorContext(r.Context(), "web: render page", "page", name, "err", err)
		http.Error(w, "Internal server error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// render answers an admin page: the layout with the menu, the session's
// CSRF token and its queued messages, around body.
func (s *site) render(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, name, title, nav string, body any) {
	s.write(w, r, status, name, page{Title: title, User: c.user.Username, CSRF: c.sess.csrf, Nav: nav,
		Flash: s.sessions.takeFlash(c.sess.id), Body: body})
}

// renderLogin answers the login page.
func (s *site) renderLogin(w http.ResponseWriter, r *http.Request, status int, sess session, body loginBody) {
	s.write(w, r, status, "login", page{Title: "Log in", CSRF: sess.csrf, Body: body})
}

// messageBody is the body of a page that only says something.
type messageBody struct {
	Message string
	Back    string
}

// refuse answers status with a page that explains it.
func (s *site) refuse(w http.ResponseWriter, r *http.Request, status int, title, message string) {
	back := "/admin/"
	if sess, ok := s.sessionOf(r); !ok || sess.userID == 0 {
		back = "/admin/login"
	}
	s.write(w, r, status, "message", page{Title: title, Body: messageBody{Message: message, Back: back}})
}

// internalError logs err and answers 500 without its details.
func (s *site) internalError(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "admin pages", "method", r.Method, "path", r.URL.Path, "err", err)
	s.refuse(w, r, http.StatusInternalServerError, "Something went wrong",
		"The gateway could not complete this request; the error is in its log. Try again later.")
}

// notFound answers 404.
func (s *site) notFound(w http.ResponseWriter, r *http.Request) {
	s.refuse(w, r, http.StatusNotFound, "Page not found", "There is no page at this address.")
}

// static serves the embedded style sheet.
func (s *site) static(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("file")
	b, err := files.ReadFile("static/" + name)
	if err != nil || strings.Contains(name, "/") {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "application/octet-stream")
	}
	w.Header().Set("Cache-Control", "public, max-age=86400")
	_, _ = w.Write(b)
}

// flashOK queues a success message for the next page.
func (s *site) flashOK(c *reqCtx, text string) {
	s.sessions.addFlash(c.sess.id, flash{Kind: "ok", Text: text})
}

// flashError queues an error message for the next page.
func (s *site) flashError(c *reqCtx, text string) {
	s.sessions.addFlash(c.sess.id, flash{Kind: "error", Text: text})
}

// seeOther redirects after a change (post/redirect/get).
func seeOther(w http.ResponseWriter, r *http.Request, to string) {
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// when shows a unix time in the server's zone, or zero for 0.
func when(unix int64, zero string) string {
	if unix == 0 {
		return zero
	}
	return time.Unix(unix, 0).Format("2006-01-02 15:04 MST")
}

// dateValue is the value of a date input for a valid-until time: the
// last day it covers; "" for 0.
func dateValue(unix int64) string {
	if unix == 0 {
		return ""
	}
	return time.Unix(unix-1, 0).Format(time.DateOnly)
}

// parseValidUntil reads a date input: valid until the end of that day, in
// the server's zone, as unix seconds; "" is 0, for ever.
func parseValidUntil(v string) (int64, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, true
	}
	d, err := time.ParseInLocation(time.DateOnly, v, time.Local)
	if err != nil {
		return 0, false
	}
	return d.AddDate(0, 0, 1).Unix(), true
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// fullname is "First Last", or "" when the user has no names.
func fullname(first, last string) string { return strings.TrimSpace(first + " " + last) }
