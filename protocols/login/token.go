package login

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"wsgate"
	"wsgate/internal/loginlimit"
	"wsgate/protocols"
	"wsgate/services"
)

// MobileService is the shortname of Moodle's mobile app service, for which
// moodle/webservice:createmobiletoken is enough to get a token.
const MobileService = "moodle_mobile_app"

// Endpoint is the path this handler serves, as logged.
const Endpoint = "/login/token.php"

// Options tunes the token endpoint.
type Options struct {
	TokenDuration time.Duration // validity of a new token (Moodle: 12 weeks)
	// Limiter limits password guessing; share it with the other logins
	// (the admin pages). Nil: one of its own with the default limits.
	Limiter loginlimit.Limiter
	// Refusals logs refused requests; share it too. Nil: one of its own.
	Refusals *loginlimit.RefusalLog
	// Secret derives the values of the tokens this endpoint creates, so that a
	// later login can hand the same token out again although only its hash is
	// stored. Without a secret every login gets a new token.
	Secret []byte
	Now    func() time.Time
}

// Handler serves /login/token.php.
type Handler struct {
	store *services.Store
	opts  Options
	log   *slog.Logger
}

// NewHandler returns the token endpoint over store.
func NewHandler(store *services.Store, opts Options, log *slog.Logger) *Handler {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenDuration <= 0 {
		opts.TokenDuration = 12 * 7 * 24 * time.Hour
	}
	if opts.Limiter == nil {
		opts.Limiter = loginlimit.NewMemory(loginlimit.Options{Now: opts.Now})
	}
	if opts.Refusals == nil {
		opts.Refusals = loginlimit.NewRefusalLog(log)
	}
	return &Handler{store: store, opts: opts, log: log}
}

// failure is an answer in token.php's own error form.
type failure struct {
	code, message string
	locked        bool // refused by the limiter, without a password check
}

func (f *failure) Error() string { return f.code }

func fail(code, format string, args ...any) *failure {
	return &failure{code: code, message: fmt.Sprintf(format, args...)}
}

// ServeHTTP reads username, password and service from the query or the form
// and answers {"token": ..., "privatetoken": null} or the error body
// {"error", "errorcode", "stacktrace", "debuginfo", "reproductionlink"}.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
	w.Header().Set("Cache-Control", "no-store")
	if r.Method == http.MethodOptions {
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		h.answer(w, "", fail("invalidparameter", "Invalid parameter value detected"))
		return
	}
	ip := protocols.RemoteIP(r)
	token, err := h.token(r.Context(), r.Form.Get("username"), r.Form.Get("password"), r.Form.Get("service"), ip)
	if err != nil {
		var f *failure
		h.opts.Refusals.Log(r.Context(), loginlimit.Refusal{Endpoint: Endpoint, Username: r.Form.Get("username"),
			Service: r.Form.Get("service"), Remote: ip, ErrorCode: errorCode(err), Locked: errors.As(err, &f) && f.locked})
	}
	h.answer(w, token, err)
}

// success and errorBody are the two answers, fields in Moodle's order.
type success struct {
	Token        string  `json:"token"`
	PrivateToken *string `json:"privatetoken"`
}

type errorBody struct {
	Error            string  `json:"error"`
	ErrorCode        string  `json:"errorcode"`
	Stacktrace       *string `json:"stacktrace"`
	DebugInfo        *string `json:"debuginfo"`
	ReproductionLink *string `json:"reproductionlink"`
}

func errorCode(err error) string {
	var f *failure
	if errors.As(err, &f) {
		return f.code
	}
	return wsgate.CodeOf(err)
}

func (h *Handler) answer(w http.ResponseWriter, token string, err error) {
	if err == nil {
		b, _ := json.Marshal(success{Token: token})
		_, _ = w.Write(b)
		return
	}
	var f *failure
	if !errors.As(err, &f) {
		e := wsgate.AsError(err)
		if e.Kind == wsgate.Internal || e.Kind == wsgate.Unavailable {
			h.log.Error("token request failed", "error", err)
		}
		f = &failure{code: e.Code, message: e.Message}
	}
	b, _ := json.Marshal(errorBody{Error: f.message, ErrorCode: f.code})
	_, _ = w.Write(b)
}

// token runs Moodle's login/token.php steps and returns the token value.
func (h *Handler) token(ctx context.Context, username, password, shortname, ip string) (string, error) {
	for name, v := range map[string]string{"username": username, "password": password, "service": shortname} {
		if v == "" {
			return "", fail("missingparam", "A required parameter (%s) was missing", name)
		}
	}
	user, err := h.checkPassword(ctx, username, password, ip)
	if err != nil {
		return "", err
	}
	now := h.opts.Now()
	svc, err := h.store.ServiceByShortname(ctx, shortname)
	if err != nil || !svc.Enabled {
		if err != nil && wsgate.KindOf(err) != wsgate.NotFound {
			return "", err
		}
		return "", fail("servicenotavailable", "Web service is not available. (It doesn't exist or might be disabled.)")
	}
	caps, err := h.store.UserCapabilities(ctx, user.ID)
	if err != nil {
		return "", err
	}
	admin, err := h.store.IsSiteAdmin(ctx, user.ID)
	if err != nil {
		return "", err
	}
	can := func(c string) bool { return admin || caps[c] }
	if svc.RequiredCapability != "" && !can(svc.RequiredCapability) {
		return "", fail("missingrequiredcapability", "The capability %s is required.", svc.RequiredCapability)
	}
	if err := h.checkAuthorisedUser(ctx, svc, user, ip, now); err != nil {
		return "", err
	}
	if value, ok := h.reusable(ctx, user.ID, svc.ID, ip); ok {
		return value, nil
	}
	if !(svc.Shortname == MobileService && can("moodle/webservice:createmobiletoken")) &&
		!(!admin && can("moodle/webservice:createtoken")) {
		return "", fail("cannotcreatetoken", "No permission to create web service token for the service %s.", svc.Shortname)
	}
	return h.create(ctx, user.ID, svc.ID, now)
}

// checkPassword checks the password within the login limits. A locked out
// login gets Moodle's answer to a locked account: invalidlogin, as a wrong
// password does, so the answer tells nothing about the password.
func (h *Handler) checkPassword(ctx context.Context, username, password, ip string) (services.User, error) {
	res, err := h.opts.Limiter.Reserve(ctx, username, ip)
	var locked *loginlimit.LockedError
	if errors.As(err, &locked) {
		f := invalidLogin()
		f.locked = true
		return services.User{}, f
	}
	if err != nil {
		return services.User{}, err
	}
	defer res.Cancel() // on a panic; a reservation ends once
	user, err := h.store.CheckPassword(ctx, username, password)
	switch {
	case errors.Is(err, services.ErrInvalidLogin):
		res.Failure()
		return user, invalidLogin()
	case err != nil:
		res.Cancel()
		return user, err
	}
	res.Success()
	return user, nil
}

func invalidLogin() *failure { return fail("invalidlogin", "Invalid login, please try again") }

// checkAuthorisedUser applies a restricted service's authorised-user row.
func (h *Handler) checkAuthorisedUser(ctx context.Context, svc services.Service, user services.User, ip string, now time.Time) error {
	if !svc.RestrictedUsers {
		return nil
	}
	members, err := h.store.ServiceUsers(ctx, svc.ID)
	if err != nil {
		return err
	}
	for _, m := range members {
		if m.UserID != user.ID {
			continue
		}
		if m.ValidUntil != 0 && m.ValidUntil < now.Unix() {
			return fail("invalidtimedtoken", "Invalid token - token expired")
		}
		if m.IPRestriction != "" && !services.AddressInSubnet(ip, m.IPRestriction) {
			return fail("invalidiptoken", "Invalid token - your IP is not supported")
		}
		return nil
	}
	return fail("usernotallowed", "The user is not allowed for this service. First you need to allow this user on the %s's allowed users administration page.", svc.Name)
}

// derive computes the value of a token this endpoint makes for user and
// service, expiring at validUntil.
func (h *Handler) derive(userID, serviceID, validUntil int64) string {
	m := hmac.New(sha256.New, h.opts.Secret)
	fmt.Fprintf(m, "wsgate login token:%d:%d:%d", userID, serviceID, validUntil)
	return hex.EncodeToString(m.Sum(nil))[:32]
}

// reusable returns the most recent valid token of user for service that this
// endpoint made (its value can be derived again), as Moodle reuses tokens.
func (h *Handler) reusable(ctx context.Context, userID, serviceID int64, ip string) (string, bool) {
	if len(h.opts.Secret) == 0 {
		return "", false
	}
	t, err := h.store.ValidTokenFor(ctx, userID, serviceID, ip)
	if err != nil {
		return "", false
	}
	value := h.derive(userID, serviceID, t.ValidUntil)
	if found, err := h.store.TokenByValue(ctx, value); err != nil || found.ID != t.ID {
		return "", false // made by someone else (the CLI, the admin API), or under another secret
	}
	return value, true
}

// create makes a token valid for the configured duration.
func (h *Handler) create(ctx context.Context, userID, serviceID int64, now time.Time) (string, error) {
	until := now.Add(h.opts.TokenDuration).Unix()
	spec := services.TokenSpec{UserID: userID, ServiceID: serviceID, CreatorID: userID, ValidUntil: until}
	for attempt := 0; attempt < 5; attempt++ {
		if len(h.opts.Secret) > 0 {
			spec.Value = h.derive(userID, serviceID, spec.ValidUntil)
		}
		value, _, err := h.store.CreateToken(ctx, spec)
		if err == nil {
			return value, nil
		}
		if wsgate.KindOf(err) != wsgate.Conflict {
			return "", err
		}
		spec.ValidUntil++ // two logins in the same second: the next second's value
	}
	return "", fail("tokengenerationfailed", "Unexpected error trying to create a token")
}
