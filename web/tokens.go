package web

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"time"

	"wsgate/admin/tokens"
	"wsgate/services"
)

// tokenRow is a token in the list.
type tokenRow struct {
	services.Token
	User, Service, Creator string
	// Missing are the capabilities the user lacks for the service's
	// functions (the authorizer's rules, every protocol).
	Missing []string
	// Expiring: the token expires within expiringSoon (or has expired).
	Expiring bool
	Limit    string // the rate limit that applies and its use
}

// expiringSoon is how near an expiry the token report marks.
const expiringSoon = 7 * 24 * time.Hour

// reportProtocols are the protocols whose capability the report checks
// when the authorizer requires one.
var reportProtocols = []string{"rest", "xmlrpc", "soap"}

// tokenForm holds the values of the form that creates a token.
type tokenForm struct {
	UserID, ServiceID          int64
	Name, IPRestriction, Until string
	ReadOnly                   bool
}

// tokensBody is the data of the tokens page.
type tokensBody struct {
	Tokens                    []tokenRow
	Users                     []services.User
	Services                  []services.Service
	FilterUser, FilterService int64
	FilterName                string // a case-insensitive substring of the name
	FilterDays                string // expiring within this many days ("" for any)
	FilterUnused              string // not used for this many days, or never ("" for any)
	Form                      tokenForm
	Err                       *formError
}

// tokenLabels name the fields of a token in messages.
var tokenLabels = map[string]string{"user_id": "User", "service_id": "Service", "name": "Name",
	"iprestriction": "IP restriction", "validuntil": "Valid until", "readonly": "Read-only"}

// Labels returns the labels of the form's fields.
func (tokensBody) Labels() map[string]string { return tokenLabels }

// tokensList is the token report (filtered by ?user=, ?service=, ?name=,
// ?expiring=<days> and ?unused=<days>, ordered by expiry, soonest first), never the
// values, with the form that creates a token.
func (s *site) tokensList(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q := r.URL.Query()
	b := tokensBody{FilterName: strings.TrimSpace(q.Get("name")), FilterDays: strings.TrimSpace(q.Get("expiring")),
		FilterUnused: strings.TrimSpace(q.Get("unused"))}
	b.FilterUser, _ = strconv.ParseInt(q.Get("user"), 10, 64)
	b.FilterService, _ = strconv.ParseInt(q.Get("service"), 10, 64)
	b.Form.UserID, b.Form.ServiceID = b.FilterUser, b.FilterService
	s.renderTokens(w, r, c, http.StatusOK, b)
}

func (s *site) renderTokens(w http.ResponseWriter, r *http.Request, c *reqCtx, status int, b tokensBody) {
	ctx := r.Context()
	toks, err := s.store.ListTokens(ctx)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	if b.Users, err = s.store.ListUsers(ctx, services.UserFilter{}); err != nil {
		s.internalError(w, r, err)
		return
	}
	if b.Services, err = s.store.ListServices(ctx); err != nil {
		s.internalError(w, r, err)
		return
	}
	users := map[int64]string{}
	for _, u := range b.Users {
		users[u.ID] = u.Username
	}
	svcs := map[int64]string{}
	for _, sv := range b.Services {
		svcs[sv.ID] = sv.Name
	}
	services.SortByExpiry(toks)
	days, daysErr := strconv.Atoi(b.FilterDays)
	unused, unusedErr := strconv.Atoi(b.FilterUnused)
	now := s.now()
	for _, t := range toks {
		if b.FilterUser != 0 && t.UserID != b.FilterUser || b.FilterService != 0 && t.ServiceID != b.FilterService ||
			b.FilterName != "" && !strings.Contains(strings.ToLower(t.Name), strings.ToLower(b.FilterName)) ||
			daysErr == nil && !t.ExpiresWithin(now, time.Duration(days)*24*time.Hour) ||
			unusedErr == nil && !t.UnusedFor(now, time.Duration(unused)*24*time.Hour) {
			continue
		}
		missing, err := s.auth.MissingCapabilities(ctx, t.UserID, t.ServiceID, reportProtocols...)
		if err != nil {
			s.internalError(w, r, err)
			return
		}
		b.Tokens = append(b.Tokens, tokenRow{Token: t, User: users[t.UserID], Service: svcs[t.ServiceID],
			Creator: users[t.CreatorID], Missing: missing, Expiring: t.ExpiresWithin(now, expiringSoon),
			Limit: s.tokenLimit(ctx, t)})
	}
	s.render(w, r, c, status, "tokens", "Tokens", "tokens", b)
}

// tokenCreatedBody is the data of the page that shows a new token, once.
type tokenCreatedBody struct {
	Value, Name, User, Service string
	ServiceID                  int64
	Warnings                   []string
}

// tokenCreate creates a token and shows its value, this once.
func (s *site) tokenCreate(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	f := tokenForm{Name: strings.TrimSpace(r.PostFormValue("name")),
		IPRestriction: strings.TrimSpace(r.PostFormValue("iprestriction")),
		Until:         strings.TrimSpace(r.PostFormValue("validuntil")), ReadOnly: r.PostFormValue("readonly") == "1"}
	f.UserID, _ = strconv.ParseInt(r.PostFormValue("user_id"), 10, 64)
	f.ServiceID, _ = strconv.ParseInt(r.PostFormValue("service_id"), 10, 64)
	var err error
	until, ok := parseValidUntil(f.Until)
	if !ok {
		err = &formError{Message: "Please correct the fields marked below.",
			Fields: map[string]string{"validuntil": "must be a date (YYYY-MM-DD)"}}
	}
	var tok services.Token
	var value string
	if err == nil {
		tok, value, err = s.api.Tokens.Create(r.Context(), c.caller, tokens.Input{UserID: f.UserID,
			ServiceID: f.ServiceID, Name: f.Name, IPRestriction: f.IPRestriction, ValidUntil: until,
			ReadOnly: f.ReadOnly})
	}
	if err != nil {
		s.formFailed(w, r, c, err, func(status int, fe *formError) {
			s.renderTokens(w, r, c, status, tokensBody{Form: f, Err: fe})
		})
		return
	}
	// The token exists now and its value is nowhere else: whatever happens
	// next, the page shows it.
	b := tokenCreatedBody{Value: value, Name: tok.Name, ServiceID: f.ServiceID,
		User: "user " + itoa(f.UserID), Service: "service " + itoa(f.ServiceID)}
	ctx := r.Context()
	if err := s.tokenWarnings(ctx, &b, f.UserID, f.ServiceID); err != nil {
		s.log.ErrorContext(ctx, "admin pages: describe a new token", "err", err)
	}
	s.log.InfoContext(ctx, "admin pages: token created", "user", b.User, "service", b.Service,
		"by", c.user.Username)
	s.render(w, r, c, http.StatusOK, "token_created", "Token created", "tokens", b)
}

// tokenWarnings names the user and service of a new token in b and warns
// when calls with it will be refused: a disabled service, or a restricted
// one the user is not authorised for.
func (s *site) tokenWarnings(ctx context.Context, b *tokenCreatedBody, userID, serviceID int64) error {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return err
	}
	sv, err := s.store.ServiceByID(ctx, serviceID)
	if err != nil {
		return err
	}
	b.User, b.Service = u.Username, sv.Name
	if !sv.Enabled {
		b.Warnings = append(b.Warnings, "The service "+sv.Name+" is disabled: calls with this token are refused until it is enabled.")
	}
	if !sv.RestrictedUsers {
		return nil
	}
	sus, err := s.store.ServiceUsers(ctx, sv.ID)
	if err != nil {
		return err
	}
	for _, su := range sus {
		if su.UserID == u.ID {
			return nil
		}
	}
	b.Warnings = append(b.Warnings, "The service "+sv.Name+" is for authorised users only and "+u.Username+
		" is not one: calls with this token are refused until the user is authorised.")
	return nil
}

// tokenDelete revokes a token at once.
func (s *site) tokenDelete(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		s.notFound(w, r)
		return
	}
	back := safeNext(r.PostFormValue("back"))
	if back == AdminPrefix {
		back = "/admin/tokens"
	}
	err = s.api.Tokens.Delete(r.Context(), c.caller, id)
	if s.actionFailed(w, r, c, err, back) {
		return
	}
	s.flashOK(c, "Token revoked.")
	seeOther(w, r, back)
}
