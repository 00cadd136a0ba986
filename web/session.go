package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"

	"wsgate/internal/proxy"
)

// The session cookie: HttpOnly, SameSite=Strict, Path=/admin, Secure over
// TLS, also when it ends at a trusted proxy (or when the site URL is https).
const (
	cookieName = "wsgate_session"
	cookiePath = "/admin"
	csrfField  = "csrf_token"
)

// How long a session lives without a request: a logged-in one, and the
// anonymous one that carries the login form's CSRF token.
const (
	sessionIdle   = 8 * time.Hour
	anonymousIdle = 30 * time.Minute
	maxSessions   = 50000
)

// flash is a one-time message shown on the next page.
type flash struct {
	Kind string // "ok" or "error"
	Text string
}

// session is one browser's session; userID 0 is an anonymous session, made
// for the login form. loginGen is the user's services.User.LoginGen when the
// session was made: a password change moves it on and so ends the session.
type session struct {
	id       string
	userID   int64
	loginGen int64
	csrf     string
	seen     time.Time
	flash    []flash
	// testTokens are the test client's tokens of the session, by service
	// id (testclient_token.go); read and written under the store's lock.
	testTokens map[int64]testToken
}

// sessionStore keeps sessions in memory: a restart logs everyone out.
type sessionStore struct {
	mu  sync.Mutex
	m   map[string]*session
	now func() time.Time
}

func newSessionStore(now func() time.Time) *sessionStore {
	return &sessionStore{m: map[string]*session{}, now: now}
}

// randomToken returns 32 random bytes, base64url encoded.
func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func (s *session) idle() time.Duration {
	if s.userID == 0 {
		return anonymousIdle
	}
	return sessionIdle
}

// create starts a session for userID (0: anonymous) at its loginGen with a
// new id and CSRF token. When the store is full, expired sessions are
// dropped first and, if that is not enough, the oldest anonymous ones.
func (st *sessionStore) create(userID, loginGen int64) session {
	st.mu.Lock()
	defer st.mu.Unlock()
	now := st.now()
	if len(st.m) >= maxSessions {
		st.sweep(now)
	}
	s := &session{id: randomToken(), userID: userID, loginGen: loginGen, csrf: randomToken(), seen: now}
	st.m[s.id] = s
	return *s
}

// sweep drops expired sessions, and anonymous ones if the store is still full.
func (st *sessionStore) sweep(now time.Time) {
	for id, s := range st.m {
		if now.Sub(s.seen) > s.idle() {
			delete(st.m, id)
		}
	}
	if len(st.m) < maxSessions {
		return
	}
	for id, s := range st.m {
		if s.userID == 0 {
			delete(st.m, id)
		}
	}
}

// get returns the live session id and marks it used.
func (st *sessionStore) get(id string) (session, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.m[id]
	if !ok {
		return session{}, false
	}
	now := st.now()
	if now.Sub(s.seen) > s.idle() {
		delete(st.m, id)
		return session{}, false
	}
	s.seen = now
	return *s, true
}

// destroy ends session id.
func (st *sessionStore) destroy(id string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.m, id)
}

// addFlash queues a message for the next page of session id.
func (st *sessionStore) addFlash(id string, f flash) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.m[id]; ok && len(s.flash) < 10 {
		s.flash = append(s.flash, f)
	}
}

// takeFlash returns and forgets the queued messages of session id.
func (st *sessionStore) takeFlash(id string) []flash {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.m[id]
	if !ok {
		return nil
	}
	f := s.flash
	s.flash = nil
	return f
}

// renewSession replaces the session of c by a new one of the same user at
// loginGen, handed to the browser: the session in which the user changed
// their own password goes on when the change ends the others.
func (s *site) renewSession(w http.ResponseWriter, r *http.Request, c *reqCtx, loginGen int64) {
	s.sessions.destroy(c.sess.id)
	c.sess = s.sessions.create(c.user.ID, loginGen)
	s.setCookie(w, r, c.sess.id)
}

// sessionOf returns the live session of the request's cookie.
func (s *site) sessionOf(r *http.Request) (session, bool) {
	c, err := r.Cookie(cookieName)
	if err != nil || c.Value == "" {
		return session{}, false
	}
	return s.sessions.get(c.Value)
}

// secure reports whether the session cookie must be Secure.
func (s *site) secure(r *http.Request) bool {
	return proxy.HTTPS(r) || strings.HasPrefix(s.siteURL(), "https://")
}

// setCookie hands the browser session id.
func (s *site) setCookie(w http.ResponseWriter, r *http.Request, id string) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: id, Path: cookiePath, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
}

// clearCookie makes the browser forget its session.
func (s *site) clearCookie(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: "", Path: cookiePath, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: s.secure(r)})
}

// validCSRF reports whether the form of r carries the CSRF token of sess.
func validCSRF(r *http.Request, sess session) bool {
	got := r.PostFormValue(csrfField)
	return got != "" && sess.csrf != "" && subtle.ConstantTimeCompare([]byte(got), []byte(sess.csrf)) == 1
}
