package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"wsgate/services"
)

// TestSiteAdminPages is finding 1 of issue 12 on the pages: a manager
// (wsgate/site:config, not a site administrator) changes nothing of the
// site administrator's account and does not make itself one; the last site
// administrator keeps the admin role, is not suspended and is not deleted.
func TestSiteAdminPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	adminUser := f.users["admin"]
	adminRole, err := f.store.RoleByShortname(ctx, services.AdminRole)
	if err != nil {
		t.Fatal(err)
	}
	page := "/admin/users/" + itoa(adminUser.ID)
	unchanged := func() {
		t.Helper()
		if got, err := f.store.UserByID(ctx, adminUser.ID); err != nil || got != adminUser {
			t.Errorf("admin = %+v, %v; want unchanged", got, err)
		}
		if is, err := f.store.IsSiteAdmin(ctx, adminUser.ID); err != nil || !is {
			t.Errorf("admin lost the admin role (%v)", err)
		}
		if is, err := f.store.IsSiteAdmin(ctx, f.users["manager"].ID); err != nil || is {
			t.Errorf("manager became a site admin (%v)", err)
		}
		f.client().mustLogin("admin", adminPassword)
	}

	m := f.client()
	m.mustLogin("manager", adminPassword)
	r := m.submit(page, page, url.Values{"username": {"admin"}, "auth": {"manual"}, "password": {"taken-over"}})
	r.want(http.StatusForbidden).contains("Cannot update admin accounts")
	unchanged()
	r = m.submit(page, page, url.Values{"username": {"admin"}, "auth": {"manual"}, "suspended": {"1"}})
	r.want(http.StatusForbidden).contains("Cannot update admin accounts")
	unchanged()
	m.follow(m.submit(page, page+"/delete", nil)).contains("Admin accounts can not be deleted")
	unchanged()
	m.follow(m.submit(page, page+"/roles/remove", url.Values{"role_id": {itoa(adminRole.ID)}})).
		contains("Cannot update admin accounts")
	unchanged()
	own := "/admin/users/" + itoa(f.users["manager"].ID)
	m.follow(m.submit(own, own+"/roles", url.Values{"role_id": {itoa(adminRole.ID)}})).
		contains("only a site administrator may give the admin role")
	unchanged()

	// The site administrator is the last one.
	a := f.client()
	a.mustLogin("admin", adminPassword)
	a.follow(a.submit(page, page+"/roles/remove", url.Values{"role_id": {itoa(adminRole.ID)}})).
		contains("The last site administrator")
	r = a.submit(page, page, url.Values{"username": {"admin"}, "firstname": {adminUser.FirstName},
		"lastname": {adminUser.LastName}, "email": {adminUser.Email}, "auth": {"manual"}, "suspended": {"1"}})
	r.want(http.StatusForbidden).contains("The last site administrator")
	unchanged()
}

// TestPasswordChangeEndsSessions is finding 3 of issue 12 on the pages: a
// password change ends the user's other sessions and tokens; the session
// that changed its own password goes on.
func TestPasswordChangeEndsSessions(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	manager := f.users["manager"]
	f.token("manager", "wsgate_admin")

	m := f.client()
	m.mustLogin("manager", adminPassword)
	m.get("/admin/").want(http.StatusOK)
	a, other := f.client(), f.client()
	a.mustLogin("admin", adminPassword)
	other.mustLogin("admin", adminPassword)

	// The administrator sets the manager's password: the manager's session and token end.
	page := "/admin/users/" + itoa(manager.ID)
	a.submit(page, page, url.Values{"username": {"manager"}, "auth": {"manual"}, "password": {"new-manager-pw"}}).
		wantRedirect(page)
	m.get("/admin/").want(http.StatusForbidden).contains("The password of this account was changed")
	m.get("/admin/").wantRedirect("/admin/login*")
	if toks, err := f.store.TokensForUser(ctx, manager.ID); err != nil || len(toks) != 0 {
		t.Errorf("manager's tokens = %v, %v; want none", toks, err)
	}
	f.client().mustLogin("manager", "new-manager-pw")

	// The administrator changes its own password: this session goes on, the other ends.
	self := "/admin/users/" + itoa(f.users["admin"].ID)
	r := a.submit(self, self, url.Values{"username": {"admin"}, "auth": {"manual"}, "password": {"new-admin-pw"}})
	r.wantRedirect(self)
	a.follow(r).want(http.StatusOK).contains("User admin saved.")
	a.get("/admin/").want(http.StatusOK)
	other.get("/admin/").want(http.StatusForbidden).contains("The password of this account was changed")
}
