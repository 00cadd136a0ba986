package web_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"wsgate/services"
)

// TestTokenReport is Moodle 4.5's token report: missing capabilities
// against a role without one capability, the last access address, tokens
// that expire within 7 days marked, soonest first, and the filters.
func TestTokenReport(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	mk := func(user, name string, until time.Duration) services.Token {
		spec := services.TokenSpec{UserID: f.users[user].ID, ServiceID: f.service("moodle_mobile_app").ID, Name: name}
		if until != 0 {
			spec.ValidUntil = time.Now().Add(until).Unix()
		}
		_, tok, err := f.store.CreateToken(ctx, spec)
		if err != nil {
			t.Fatal(err)
		}
		return tok
	}
	caller := mk("caller", "caller-later", 30*24*time.Hour)
	reader := mk("reader", "reader-soon", 3*24*time.Hour)
	forever := mk("reader", "reader-forever", 0)
	if err := f.store.TouchTokens(ctx, map[int64]services.TokenAccess{reader.ID: {Time: time.Now().Unix(), IP: "203.0.113.9"}}); err != nil {
		t.Fatal(err)
	}
	c := f.client()
	c.mustLogin("admin", adminPassword)
	r := c.get("/admin/tokens").want(http.StatusOK).checkPage(true).has("expiring-"+itoa(reader.ID), "missing-"+itoa(caller.ID))
	if got := r.text("missing-" + itoa(caller.ID)); !strings.Contains(got, "moodle/user:viewdetails") {
		t.Errorf("caller's missing capabilities: %q", got)
	}
	if got := r.text("missing-" + itoa(reader.ID)); strings.Contains(got, "moodle/user:viewdetails") {
		t.Errorf("reader holds moodle/user:viewdetails, the report says missing: %q", got)
	}
	if r.byID("expiring-"+itoa(caller.ID)) != nil || r.byID("expiring-"+itoa(forever.ID)) != nil {
		t.Error("a token expiring in 30 days, or never, is marked")
	}
	r.contains("203.0.113.9")
	body := string(r.body)
	if i, j, k := strings.Index(body, `id="token-`+itoa(reader.ID)), strings.Index(body, `id="token-`+itoa(caller.ID)),
		strings.Index(body, `id="token-`+itoa(forever.ID)); i < 0 || !(i < j && j < k) {
		t.Errorf("not soonest expiry first: %d, %d, %d", i, j, k)
	}
	soon := c.get("/admin/tokens?expiring=7").want(http.StatusOK)
	soon.has("token-" + itoa(reader.ID))
	if soon.byID("token-"+itoa(caller.ID)) != nil || soon.byID("token-"+itoa(forever.ID)) != nil {
		t.Error("?expiring=7 shows tokens that do not expire within 7 days")
	}
	// reader-soon was used just now; the other two never were.
	idle := c.get("/admin/tokens?unused=30").want(http.StatusOK)
	if idle.byID("token-"+itoa(reader.ID)) != nil || idle.byID("token-"+itoa(caller.ID)) == nil ||
		idle.byID("token-"+itoa(forever.ID)) == nil {
		t.Error("?unused=30 does not show exactly the tokens not used for 30 days")
	}
	named := c.get("/admin/tokens?name=FOREVER").want(http.StatusOK)
	if named.byID("token-"+itoa(forever.ID)) == nil || named.byID("token-"+itoa(reader.ID)) != nil {
		t.Error("?name= does not filter by name")
	}
}
