package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"wsgate/services"
)

// TestRateLimitPages: the services page shows a service's default limit;
// the tokens page shows the limit that applies to each token, where it
// comes from, and what its calls used of it.
func TestRateLimitPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	svc := f.service("wsgate_admin")
	token, tok, err := f.store.CreateToken(ctx, services.TokenSpec{UserID: f.users["admin"].ID, ServiceID: svc.ID, Name: "limited"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.CreateToken(ctx, services.TokenSpec{UserID: f.users["manager"].ID, ServiceID: svc.ID, Name: "bydefault"}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetRateLimit(ctx, services.RateLimit{Scope: services.LimitService, TargetID: svc.ID, PerMinute: 100, PerDay: 1000}); err != nil {
		t.Fatal(err)
	}
	if err := f.store.SetRateLimit(ctx, services.RateLimit{Scope: services.LimitToken, TargetID: tok.ID, PerMinute: 5}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		resp, err := http.Get(f.srv.URL + "/webservice/rest/server.php?" + url.Values{"wstoken": {token},
			"wsfunction": {"core_webservice_get_site_info"}, "moodlewsrestformat": {"json"}}.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-RateLimit-Limit-Minute") != "5" {
			t.Fatalf("call under the token's limit: headers %v", resp.Header)
		}
	}
	c := f.client()
	c.mustLogin("admin", adminPassword)
	c.get("/admin/services").want(http.StatusOK).contains("100/minute, 1000/day per token")
	c.get("/admin/tokens").want(http.StatusOK).
		contains("2 of 5/minute used (token&#39;s own)").
		contains("0 of 100/minute, 0 of 1000/day used (the service&#39;s)")
}
