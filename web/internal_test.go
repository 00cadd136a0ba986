package web

import (
	"testing"
	"time"
)

// clock is a settable time.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestSessionExpiry(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	st := newSessionStore(c.now)
	anon := st.create(0, 0)
	user := st.create(42, 0)
	if anon.id == user.id || anon.csrf == user.csrf || len(anon.id) != 43 {
		t.Fatalf("ids %q %q", anon.id, user.id)
	}
	c.t = c.t.Add(anonymousIdle + time.Second)
	if _, ok := st.get(anon.id); ok {
		t.Error("an idle anonymous session lives on")
	}
	if _, ok := st.get(user.id); !ok {
		t.Error("a logged-in session ended early")
	}
	c.t = c.t.Add(sessionIdle - time.Minute) // used just before: idle time restarts
	if _, ok := st.get(user.id); !ok {
		t.Error("a used session ended")
	}
	c.t = c.t.Add(sessionIdle + time.Second)
	if _, ok := st.get(user.id); ok {
		t.Error("an idle session lives on")
	}
	st.addFlash(user.id, flash{Kind: "ok", Text: "x"}) // on an ended session: nothing
	if f := st.takeFlash(user.id); f != nil {
		t.Errorf("flash %v", f)
	}
}

func TestSessionStoreFull(t *testing.T) {
	c := &clock{t: time.Unix(1_700_000_000, 0)}
	st := newSessionStore(c.now)
	user := st.create(7, 0)
	for range maxSessions {
		st.create(0, 0)
	}
	if len(st.m) > maxSessions {
		t.Errorf("%d sessions kept", len(st.m))
	}
	if _, ok := st.get(user.id); !ok {
		t.Error("a logged-in session was dropped to make room for anonymous ones")
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{
		"":                          "/admin/",
		"/admin/tokens?user=3":      "/admin/tokens?user=3",
		"/admin/login":              "/admin/",
		"//evil.example/admin/":     "/admin/",
		"https://evil.example/":     "/admin/",
		"/admin//evil.example":      "/admin/",
		"/admin/\\evil":             "/admin/",
		"/webservice/docs":          "/admin/",
		"/admin/services/1/docs#fn": "/admin/services/1/docs#fn",
	} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValidUntil(t *testing.T) {
	for _, v := range []string{"2099-12-31", "2030-02-28"} {
		unix, ok := parseValidUntil(v)
		if !ok || unix == 0 {
			t.Fatalf("parseValidUntil(%q) = %d, %v", v, unix, ok)
		}
		if back := dateValue(unix); back != v {
			t.Errorf("%s: date value %q", v, back)
		}
		end := time.Unix(unix, 0)
		if end.Hour() != 0 || end.Minute() != 0 {
			t.Errorf("%s: valid until %v, not the end of the day", v, end)
		}
	}
	if unix, ok := parseValidUntil(" "); !ok || unix != 0 {
		t.Errorf("empty: %d %v", unix, ok)
	}
	if _, ok := parseValidUntil("31/12/2099"); ok {
		t.Error("a date in another format was accepted")
	}
	if dateValue(0) != "" || when(0, "never") != "never" {
		t.Error("zero times")
	}
}

// Every page template parses with the layout and the partials.
func TestTemplatesParse(t *testing.T) {
	pages, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"login", "message", "overview", "services", "service_form", "service_delete",
		"service_functions", "service_users", "tokens", "token_created", "users", "user_edit", "roles", "role_edit",
		"functions", "function", "docs", "token_docs"} {
		if pages[name] == nil {
			t.Errorf("no page %s", name)
		}
	}
}
