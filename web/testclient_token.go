package web

import (
	"context"
	"strconv"
	"strings"
	"time"

	"wsgate"
	"wsgate/admin/tokens"
	"wsgate/services"
)

// testToken is a token the test client calls with: one made for the
// session, or one of the administrator's own whose value they entered. It
// lives in the session (in memory) and is never logged.
type testToken struct {
	ID    int64
	Name  string
	Value string
}

// The token choices of the form besides tok:<id> (an own token whose value
// is entered in tc.tokenvalue).
const (
	tokenNew     = "new"     // make a token for this session
	tokenSession = "session" // the session's token for the service
	tokenOwnPfx  = "tok:"
)

// tokenChoice is an option of the token select.
type tokenChoice struct {
	Value, Label string
}

// rememberTestToken keeps t as session id's token for serviceID.
func (st *sessionStore) rememberTestToken(id string, serviceID int64, t testToken) {
	st.mu.Lock()
	defer st.mu.Unlock()
	if s, ok := st.m[id]; ok {
		if s.testTokens == nil {
			s.testTokens = map[int64]testToken{}
		}
		s.testTokens[serviceID] = t
	}
}

// testTokenOf returns session id's token for serviceID.
func (st *sessionStore) testTokenOf(id string, serviceID int64) (testToken, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	s, ok := st.m[id]
	if !ok {
		return testToken{}, false
	}
	t, ok := s.testTokens[serviceID]
	return t, ok
}

// tokenChoices are the options for service sv: the session's token if it
// has one, else making one; then the administrator's own tokens of sv
// (never another user's), by name.
func (s *site) tokenChoices(ctx context.Context, c *reqCtx, sv services.Service) ([]tokenChoice, error) {
	var out []tokenChoice
	if t, ok := s.sessions.testTokenOf(c.sess.id, sv.ID); ok {
		out = append(out, tokenChoice{tokenSession, "This session's token “" + t.Name + "”"})
	}
	out = append(out, tokenChoice{tokenNew, "Make a new token of mine for this session"})
	toks, err := s.store.TokensForUser(ctx, c.user.ID)
	if err != nil {
		return nil, err
	}
	for _, t := range toks {
		if t.ServiceID == sv.ID {
			out = append(out, tokenChoice{tokenOwnPfx + itoa(t.ID), "My token “" + t.Name + "” (enter its value)"})
		}
	}
	return out, nil
}

// errTokenValue refuses an entered value that is not the chosen token's.
var errTokenValue = &formError{Message: "That is not the value of the chosen token: enter the value of one of " +
	"your own tokens of this service, or make a new one for this session."}

// testTokenFor returns the token to call sv with for choice (with value,
// the entered value of an own token), and keeps it as the session's.
func (s *site) testTokenFor(ctx context.Context, c *reqCtx, sv services.Service, choice, value string) (testToken, error) {
	switch {
	case choice == tokenSession:
		if t, ok := s.sessions.testTokenOf(c.sess.id, sv.ID); ok {
			return t, nil
		}
		return testToken{}, &formError{Message: "This session has no token for the service any more: choose another."}
	case choice == tokenNew:
		t, err := s.newTestToken(ctx, c, sv)
		if err != nil {
			return testToken{}, err
		}
		s.sessions.rememberTestToken(c.sess.id, sv.ID, t)
		return t, nil
	case strings.HasPrefix(choice, tokenOwnPfx):
		id, err := strconv.ParseInt(strings.TrimPrefix(choice, tokenOwnPfx), 10, 64)
		value = strings.TrimSpace(value)
		if err != nil || value == "" {
			return testToken{}, errTokenValue
		}
		tok, err := s.store.TokenByValue(ctx, value)
		if wsgate.KindOf(err) == wsgate.NotFound ||
			err == nil && (tok.ID != id || tok.UserID != c.user.ID || tok.ServiceID != sv.ID) {
			return testToken{}, errTokenValue
		}
		if err != nil {
			return testToken{}, err
		}
		t := testToken{ID: tok.ID, Name: tok.Name, Value: value}
		s.sessions.rememberTestToken(c.sess.id, sv.ID, t)
		return t, nil
	}
	return testToken{}, &formError{Message: "Choose a token."}
}

// newTestToken makes a token of the administrator for sv, valid as long as
// an idle session lives, through the admin API (validated, with its event).
// It is the one place the test client creates tokens.
func (s *site) newTestToken(ctx context.Context, c *reqCtx, sv services.Service) (testToken, error) {
	now := s.now()
	name := "Test client " + now.UTC().Format("2006-01-02 15:04") + " UTC"
	tok, value, err := s.api.Tokens.Create(ctx, c.caller, tokens.Input{UserID: c.user.ID, ServiceID: sv.ID,
		Name: name, ValidUntil: now.Add(sessionIdle).Add(time.Minute).Unix()})
	if err != nil {
		return testToken{}, err
	}
	s.log.InfoContext(ctx, "admin pages: test client token created", "user", c.user.Username,
		"service", sv.Shortname, "token_id", tok.ID)
	return testToken{ID: tok.ID, Name: tok.Name, Value: value}, nil
}
