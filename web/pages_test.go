package web_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/services"
)

// Each page answers 200 with its heading, its important elements, and the
// markup every page must have (labels, headings in order, CSRF tokens).
func TestPages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.mustLogin("admin", adminPassword)
	mobile := f.service("moodle_mobile_app")
	id := itoa(mobile.ID)
	f.token("caller", "moodle_mobile_app")
	for _, tt := range []struct {
		path, h1 string
		ids      []string
		contains []string
	}{
		{"/admin/", "Overview", []string{"count-services", "count-functions", "count-users", "count-tokens", "logout"},
			[]string{"/webservice/rest/server.php", "/webservice/xmlrpc/server.php", "/webservice/soap/server.php",
				"/webservice/rest/openapi.json", "Calls per minute, last hour", "No recent errors"}},
		{"/admin/services", "Services", []string{"add-service", "service-" + id, "toggle-" + id},
			[]string{"Built-in services", "Custom services", "Moodle mobile web service", "wsgate administration",
				"/admin/services/" + id + "/docs"}},
		{"/admin/services/new", "Add a custom service", []string{"name", "shortname", "enabled",
			"restrictedusers", "downloadfiles", "uploadfiles", "requiredcapability", "save"},
			[]string{"wsgate/site:config", "No required capability"}},
		{"/admin/services/" + id + "/edit", "Edit service Moodle mobile web service", []string{"enabled", "save"},
			[]string{"set by its manifest"}},
		{"/admin/services/" + id + "/functions", "Functions of Moodle mobile web service",
			[]string{"service-functions", "linked-core_webservice_get_site_info"},
			[]string{"come from its component's manifest"}},
		{"/admin/services/" + id + "/users", "Authorised users of Moodle mobile web service",
			[]string{"open-service", "user_id", "iprestriction", "validuntil", "authorise-user"}, nil},
		{"/admin/services/" + id + "/docs", "API documentation: Moodle mobile web service",
			[]string{"fn-core_webservice_get_site_info", "openapi-link"},
			[]string{"values[0]", "wsdl=1", "&lt;RESPONSE&gt;", "methodCall", "soap"}},
		{"/admin/tokens", "Tokens", []string{"user_id", "service_id", "name", "iprestriction", "validuntil",
			"create-token", "tokens", "filter-user", "filter-service"}, []string{"never used"}},
		{"/admin/users", "Users", []string{"users", "username", "firstname", "lastname", "email", "auth", "password",
			"create-user", "user-" + itoa(f.users["caller"].ID)}, nil},
		{"/admin/users/" + itoa(f.users["manager"].ID), "User manager", []string{"username", "suspended", "password",
			"save-user", "delete-user"}, []string{"Gateway manager", "0 tokens"}},
		{"/admin/roles", "Roles", []string{"roles", "shortname", "name", "description", "create-role"},
			[]string{"every capability"}},
		{"/admin/functions", "Functions", []string{"component", "q", "comp-core_user", "comp-core_webservice"},
			[]string{"core_user_create_users"}},
		{"/admin/functions/core_user_create_users", "core_user_create_users", nil,
			[]string{"Parameters", "Returns", "users[0][username]", "moodle/user:create", "required",
				"default “manual”", "&lt;KEY name=&#34;username&#34;&gt;", "core_user_external::create_users"}},
	} {
		t.Run(tt.path, func(t *testing.T) {
			r := c.get(tt.path).want(http.StatusOK).checkPage(true)
			if got := r.h1(); got != tt.h1 {
				t.Errorf("h1 %q, want %q", got, tt.h1)
			}
			r.has(tt.ids...).contains(tt.contains...)
			if r.header.Get("Cache-Control") != "no-store" || !strings.Contains(r.header.Get("Content-Security-Policy"),
				"default-src 'none'") {
				t.Errorf("headers %v", r.header)
			}
		})
	}
	t.Run("role", func(t *testing.T) {
		ro, err := f.store.RoleByShortname(context.Background(), "manager")
		if err != nil {
			t.Fatal(err)
		}
		r := c.get("/admin/roles/" + itoa(ro.ID)).want(http.StatusOK).checkPage(true)
		r.has("cap-wsgate/site:config", "save-role", "delete-role")
		if n := r.byID("cap-wsgate/site:config"); !hasAttr(n, "checked") {
			t.Error("held capability not checked")
		}
	})
	t.Run("not found", func(t *testing.T) {
		for _, p := range []string{"/admin/services/999/edit", "/admin/services/x/functions", "/admin/users/999",
			"/admin/roles/999", "/admin/functions/nope", "/admin/docs/nope", "/admin/nothing"} {
			c.get(p).want(http.StatusNotFound).checkPage(false)
		}
	})
	t.Run("static", func(t *testing.T) {
		ov := c.get("/admin/")
		var href string
		for n := range ov.all("link") {
			href = attr(n, "href")
		}
		r := c.get(href).want(http.StatusOK)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
			t.Errorf("content type %q", ct)
		}
		if !strings.Contains(r.body, "@media") {
			t.Error("no responsive rules")
		}
	})
}

// A custom service from creation to deletion, through the pages.
func TestCustomService(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.mustLogin("admin", adminPassword)
	events := f.outbox()

	// Validation errors are shown on the form, by field.
	r := c.submit("/admin/services/new", "/admin/services/new", url.Values{"shortname": {"bad short name"}})
	r.want(http.StatusBadRequest).checkPage(true).contains("Please correct the fields marked below.",
		"Name: is required", "may contain only letters, digits, _ and -")
	if v := attrOfName(r, "shortname"); v != "bad short name" {
		t.Errorf("the form lost its value: %q", v)
	}
	r = c.submit("/admin/services/new", "/admin/services/new", url.Values{"name": {"Moodle mobile web service"}})
	r.want(http.StatusConflict).contains("Service already exists (name: Moodle mobile web service)")
	if f.outbox() != events {
		t.Fatal("a refused change wrote events")
	}

	// Created: it goes to its functions.
	r = c.submit("/admin/services/new", "/admin/services/new", url.Values{"name": {"Reporting"},
		"shortname": {"reporting"}, "enabled": {"1"}, "restrictedusers": {"1"}})
	sv := f.service("reporting")
	r.wantRedirect("/admin/services/" + itoa(sv.ID) + "/functions")
	if !sv.Enabled || !sv.RestrictedUsers || sv.Component != "" {
		t.Errorf("created %+v", sv)
	}
	if f.outbox() != events+1 || f.wakes.Load() == 0 {
		t.Errorf("creation: %d events, %d wakes", f.outbox()-events, f.wakes.Load())
	}
	fnPage := "/admin/services/" + itoa(sv.ID) + "/functions"
	c.follow(r).want(http.StatusOK).contains("Service Reporting created.").has("no-functions", "component", "q")

	// Search by component, then by name; deprecated and linked ones are left out.
	r = c.get(fnPage + "?component=core_user&q=").want(http.StatusOK).checkPage(true)
	r.has("fn-core_user_get_users", "fn-core_user_create_users").lacks("fn-core_webservice_get_site_info")
	r = c.get(fnPage + "?component=&q=SITE_INFO").want(http.StatusOK)
	r.has("fn-core_webservice_get_site_info").lacks("fn-core_user_get_users\"")
	r = c.submit(fnPage, fnPage+"/add", url.Values{"function": {"core_webservice_get_site_info",
		"core_user_get_users_by_field"}})
	r.wantRedirect(fnPage)
	c.follow(r).contains("Added core_webservice_get_site_info, core_user_get_users_by_field.").
		has("linked-core_webservice_get_site_info", "linked-core_user_get_users_by_field",
			"remove-core_user_get_users_by_field")
	c.get(fnPage + "?q=get_site_info").has("no-results")
	r = c.submit(fnPage, fnPage+"/add", nil)
	c.follow(r).contains("Select at least one function")
	r = c.submit(fnPage, fnPage+"/add", url.Values{"function": {"core_nope"}})
	c.follow(r).contains("Function was not found")
	r = c.submit(fnPage, fnPage+"/remove", url.Values{"function": {"core_user_get_users_by_field"}})
	c.follow(r).contains("Removed core_user_get_users_by_field.").lacks("linked-core_user_get_users_by_field")
	names, _ := f.store.ServiceFunctionNames(context.Background(), sv.ID)
	if !slices.Equal(names, []string{"core_webservice_get_site_info"}) {
		t.Errorf("functions %v", names)
	}

	// Authorised users: field errors, then one user with limits.
	usersPage := "/admin/services/" + itoa(sv.ID) + "/users"
	caller := f.users["caller"]
	r = c.submit(usersPage, usersPage, url.Values{"user_id": {itoa(caller.ID)}, "iprestriction": {"not an ip"}})
	r.want(http.StatusBadRequest).checkPage(true).contains("IP restriction: is not a list of IP addresses")
	r = c.submit(usersPage, usersPage, url.Values{"user_id": {itoa(caller.ID)}, "validuntil": {"2001-01-01"}})
	r.want(http.StatusBadRequest).contains("must be 0 or a time in the future")
	r = c.submit(usersPage, usersPage, url.Values{"user_id": {""}, "validuntil": {"tomorrow"}})
	r.want(http.StatusBadRequest).contains("User: choose a user", "Valid until: must be a date")
	r = c.submit(usersPage, usersPage, url.Values{"user_id": {itoa(caller.ID)}, "iprestriction": {"127.0.0.1"},
		"validuntil": {"2099-12-31"}})
	r.wantRedirect(usersPage)
	page := c.follow(r).want(http.StatusOK).checkPage(true).has("authorised-" + itoa(caller.ID))
	page.contains("User caller is authorised for Reporting.", "127.0.0.1", "2100-01-01")
	sus, _ := f.store.ServiceUsers(context.Background(), sv.ID)
	if len(sus) != 1 || sus[0].UserID != caller.ID || sus[0].IPRestriction != "127.0.0.1" || sus[0].ValidUntil == 0 {
		t.Errorf("service users %+v", sus)
	}

	// A token, shown once.
	r = c.submit("/admin/tokens", "/admin/tokens", url.Values{"user_id": {itoa(caller.ID)},
		"service_id": {itoa(sv.ID)}, "name": {"reporting tool"}})
	r.want(http.StatusOK).checkPage(true).contains("Copy the token now.")
	token := r.text("token-value")
	if !regexp.MustCompile(`^[0-9a-f]{32}$`).MatchString(token) {
		t.Fatalf("token %q", token)
	}
	list := c.get("/admin/tokens").want(http.StatusOK).contains("reporting tool").lacks(token)
	toks, _ := f.store.ListTokens(context.Background())
	var tok services.Token
	for _, tk := range toks {
		if tk.Name == "reporting tool" {
			tok = tk
		}
	}
	if tok.UserID != caller.ID || tok.CreatorID != f.users["admin"].ID {
		t.Errorf("token %+v", tok)
	}
	list.has("revoke-" + itoa(tok.ID))
	c.get("/admin/tokens?service=" + itoa(sv.ID)).has("token-" + itoa(tok.ID))
	c.get("/admin/tokens?user=" + itoa(f.users["admin"].ID)).lacks("token-" + itoa(tok.ID) + "\"")
	r = c.submit("/admin/tokens", "/admin/tokens", url.Values{"user_id": {""}, "service_id": {itoa(sv.ID)}})
	r.want(http.StatusBadRequest).contains("User: is required")

	// The call works; disabled, it is refused; enabled again, it works.
	call := func() string {
		resp, err := http.Get(f.srv.URL + "/webservice/rest/server.php?moodlewsrestformat=json&" +
			"wsfunction=core_webservice_get_site_info&wstoken=" + token)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	if got := call(); !strings.Contains(got, `"sitename":"Test site"`) {
		t.Fatalf("call: %s", got)
	}
	r = c.submit("/admin/services", "/admin/services/"+itoa(sv.ID)+"/enabled", url.Values{"enabled": {"0"}})
	r.wantRedirect("/admin/services")
	c.follow(r).contains("Service Reporting disabled").has("toggle-" + itoa(sv.ID))
	if got := call(); !strings.Contains(got, `"exception"`) || strings.Contains(got, `"sitename"`) {
		t.Fatalf("call to a disabled service: %s", got)
	}
	c.submit("/admin/services", "/admin/services/"+itoa(sv.ID)+"/enabled", url.Values{"enabled": {"1"}})
	if got := call(); !strings.Contains(got, `"sitename"`) {
		t.Fatalf("call after enabling: %s", got)
	}

	// Edit.
	edit := "/admin/services/" + itoa(sv.ID) + "/edit"
	r = c.submit(edit, edit, url.Values{"name": {""}, "shortname": {"reporting"}})
	r.want(http.StatusBadRequest).contains("Name: is required")
	r = c.submit(edit, edit, url.Values{"name": {"Reporting v2"}, "shortname": {"reporting"}, "enabled": {"1"},
		"requiredcapability": {"moodle/user:viewdetails"}})
	r.wantRedirect("/admin/services")
	if got := f.service("reporting"); got.Name != "Reporting v2" || got.RestrictedUsers ||
		got.RequiredCapability != "moodle/user:viewdetails" || got.Protocols != nil {
		t.Errorf("edited %+v", got)
	}
	// Its protocols: the checked ones, then every protocol again.
	c.get(edit).want(http.StatusOK).has("protocols-all", "protocol-mcp", "protocol-rest")
	r = c.submit(edit, edit, url.Values{"name": {"Reporting v2"}, "shortname": {"reporting"}, "enabled": {"1"},
		"protocols": {"rest", "mcp"}})
	r.wantRedirect("/admin/services")
	if got := f.service("reporting"); strings.Join(got.Protocols, ",") != "rest,mcp" {
		t.Errorf("protocols after checking rest and mcp: %v", got.Protocols)
	}
	r = c.submit(edit, edit, url.Values{"name": {"Reporting v2"}, "shortname": {"reporting"}, "enabled": {"1"},
		"requiredcapability": {"moodle/user:viewdetails"}, "protocols_all": {"1"}, "protocols": {"rest"}})
	r.wantRedirect("/admin/services")
	if got := f.service("reporting"); got.Protocols != nil {
		t.Errorf("protocols after checking every protocol: %v", got.Protocols)
	}

	// Revoke the token, withdraw the user, delete the service.
	r = c.submit("/admin/tokens", "/admin/tokens/"+itoa(tok.ID)+"/delete", nil)
	c.follow(r).contains("Token revoked.").lacks("reporting tool")
	if got := call(); !strings.Contains(got, `"errorcode":"invalidtoken"`) {
		t.Fatalf("call with a revoked token: %s", got)
	}
	r = c.submit(usersPage, usersPage+"/remove", url.Values{"user_id": {itoa(caller.ID)}})
	c.follow(r).contains("Authorisation withdrawn.").has("no-users")
	del := "/admin/services/" + itoa(sv.ID) + "/delete"
	c.get(del).want(http.StatusOK).checkPage(true).contains("1 function link,", "0 tokens").has("confirm-delete")
	r = c.submit(del, del, nil)
	c.follow(r).contains("Service Reporting v2 deleted.")
	if _, err := f.store.ServiceByShortname(context.Background(), "reporting"); err == nil {
		t.Error("service still there")
	}
	// Every change above emitted its event.
	if n := f.outbox() - events; n < 10 {
		t.Errorf("%d events for the changes", n)
	}
}

// Built-in services keep what their manifest sets; the admin service
// cannot be disabled (the admin API's rule, shown as a message).
func TestBuiltinService(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.mustLogin("admin", adminPassword)
	mobile := f.service("moodle_mobile_app")
	edit := "/admin/services/" + itoa(mobile.ID) + "/edit"
	form := c.get(edit).want(http.StatusOK)
	for _, id := range []string{"name", "shortname", "restrictedusers", "requiredcapability"} {
		if !hasAttr(form.byID(id), "disabled") {
			t.Errorf("#%s is not disabled", id)
		}
	}
	r := c.submit(edit, edit, url.Values{"name": {"Hacked"}, "enabled": {"1"}, "downloadfiles": {"1"}})
	r.wantRedirect("/admin/services")
	got := f.service("moodle_mobile_app")
	if got.Name != mobile.Name || !got.Enabled || !got.DownloadFiles || got.UploadFiles {
		t.Errorf("edited %+v", got)
	}
	fns := c.get("/admin/services/" + itoa(mobile.ID) + "/functions").want(http.StatusOK)
	fns.lacks("remove-core_webservice_get_site_info", "add-functions")

	adm := f.service("wsgate_admin")
	r = c.submit("/admin/services", "/admin/services/"+itoa(adm.ID)+"/enabled", url.Values{"enabled": {"0"}})
	r.wantRedirect("/admin/services")
	c.follow(r).contains("cannot be disabled")
	if !f.service("wsgate_admin").Enabled {
		t.Error("wsgate_admin disabled")
	}
	c.get("/admin/services").lacks("/admin/services/" + itoa(mobile.ID) + "/delete")
	r = c.submit("/admin/services", "/admin/services/"+itoa(mobile.ID)+"/delete", nil)
	c.follow(r).contains("A component service cannot be deleted")
}

// Functions of a service that are not installed are flagged.
func TestMissingFunctionWarning(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(o *options) {
		// The pages see a catalog loaded before anything was installed.
		o.catalog = func(f *fixture) *functions.Catalog { return functions.NewCatalog(f.db, nil) }
	})
	ctx := context.Background()
	sv, err := f.store.CreateService(ctx, services.Service{Name: "Old", Shortname: "old", Enabled: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := f.store.AddServiceFunction(ctx, sv.ID, "core_user_get_users"); err != nil {
		t.Fatal(err)
	}
	c := f.client()
	c.mustLogin("admin", adminPassword)
	c.get("/admin/services/"+itoa(sv.ID)+"/functions").want(http.StatusOK).checkPage(true).
		has("missing-warning", "linked-core_user_get_users").contains("no longer exists")
	c.get("/admin/services").contains("1 missing")
	c.get("/admin/services/" + itoa(sv.ID) + "/docs").want(http.StatusOK).checkPage(true).
		contains("Not installed any more, so not documented: core_user_get_users.")
}

func TestUsersAndRoles(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.mustLogin("admin", adminPassword)

	r := c.submit("/admin/users", "/admin/users", url.Values{"username": {"Bad Name"}, "email": {"nope"},
		"auth": {"manual"}})
	r.want(http.StatusBadRequest).checkPage(true).contains("Username: may contain only", "Email: is not an email address")
	r = c.submit("/admin/users", "/admin/users", url.Values{"username": {"caller"}, "auth": {"manual"}})
	r.want(http.StatusConflict).contains("User already exists (username: caller)")
	r = c.submit("/admin/users", "/admin/users", url.Values{"username": {"ops"}, "firstname": {"Op"},
		"lastname": {"Erator"}, "email": {"ops@example.org"}, "auth": {"manual"}, "password": {"ops-secret"}})
	ops, err := f.store.UserByUsername(context.Background(), "ops")
	if err != nil {
		t.Fatal(err)
	}
	page := "/admin/users/" + itoa(ops.ID)
	r.wantRedirect(page)
	c.follow(r).want(http.StatusOK).contains("User ops created.").has("role_id", "assign-role")

	// Without a role, ops may not log in to the pages; with manager, it may.
	f.client().login("ops", "ops-secret").want(http.StatusForbidden)
	manager, _ := f.store.RoleByShortname(context.Background(), "manager")
	r = c.submit(page, page+"/roles", url.Values{"role_id": {itoa(manager.ID)}})
	c.follow(r).contains("Role assigned.").has("unassign-" + itoa(manager.ID))
	f.client().mustLogin("ops", "ops-secret")

	// Edit; an empty password keeps the old one.
	r = c.submit(page, page, url.Values{"username": {"ops"}, "firstname": {"Ops"}, "lastname": {"Team"},
		"email": {"ops@example.org"}, "auth": {"manual"}})
	r.wantRedirect(page)
	f.client().mustLogin("ops", "ops-secret")
	r = c.submit(page, page, url.Values{"username": {"ops"}, "auth": {"manual"}, "password": {"new-secret"}})
	r.wantRedirect(page)
	f.client().mustLogin("ops", "new-secret")

	r = c.submit(page, page+"/roles/remove", url.Values{"role_id": {itoa(manager.ID)}})
	c.follow(r).contains("Role unassigned.")

	// Roles: create, give capabilities, delete.
	r = c.submit("/admin/roles", "/admin/roles", url.Values{"shortname": {"bad name"}})
	r.want(http.StatusBadRequest).checkPage(true).contains("Short name: may contain only")
	r = c.submit("/admin/roles", "/admin/roles", url.Values{"shortname": {"auditor"}, "name": {"Auditor"}})
	ro, err := f.store.RoleByShortname(context.Background(), "auditor")
	if err != nil {
		t.Fatal(err)
	}
	rolePage := "/admin/roles/" + itoa(ro.ID)
	r.wantRedirect(rolePage)
	r = c.submit(rolePage, rolePage, url.Values{"shortname": {"auditor"}, "name": {"Auditor"},
		"capability": {"wsgate/site:config", "moodle/user:viewdetails"}})
	r.wantRedirect(rolePage)
	ro, _ = f.store.RoleByID(context.Background(), ro.ID)
	if !slices.Equal(ro.Capabilities, []string{"moodle/user:viewdetails", "wsgate/site:config"}) {
		t.Errorf("capabilities %v", ro.Capabilities)
	}
	r = c.submit(rolePage, rolePage, url.Values{"shortname": {"auditor"}, "capability": {"no/such:cap"}})
	r.want(http.StatusBadRequest).contains("no/such:cap is not a registered capability")
	adminRole, _ := f.store.RoleByShortname(context.Background(), services.AdminRole)
	c.get("/admin/roles/" + itoa(adminRole.ID)).want(http.StatusOK).checkPage(true).
		contains("holds every capability").lacks("delete-role")
	r = c.submit(rolePage, rolePage+"/delete", nil)
	c.follow(r).contains("Role auditor deleted.")

	// Users: nobody deletes themselves; others go with their tokens.
	self := "/admin/users/" + itoa(f.users["admin"].ID)
	c.get(self).lacks("delete-user")
	r = c.submit(self, self+"/delete", nil)
	c.follow(r).contains("You cannot delete your own account")
	if _, _, err := f.store.CreateToken(context.Background(), services.TokenSpec{UserID: ops.ID,
		ServiceID: f.service("moodle_mobile_app").ID}); err != nil {
		t.Fatal(err)
	}
	r = c.submit(page, page+"/delete", nil)
	c.follow(r).contains("User ops deleted.")
	if toks, _ := f.store.TokensForUser(context.Background(), ops.ID); len(toks) != 0 {
		t.Errorf("tokens of a deleted user: %v", toks)
	}
}

func TestFunctionsBrowser(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.mustLogin("admin", adminPassword)
	r := c.get("/admin/functions?component=core_webservice").want(http.StatusOK).checkPage(true)
	r.has("comp-core_webservice").lacks("comp-core_user", "core_user_create_users")
	r = c.get("/admin/functions?q=DELETE").want(http.StatusOK)
	r.contains("core_user_delete_users").lacks("core_user_create_users")
	c.get("/admin/functions?q=zzz").has("no-functions")
	// The full description of a function lists the services that hold it.
	r = c.get("/admin/functions/core_webservice_get_site_info").want(http.StatusOK).checkPage(true)
	r.contains("Moodle mobile web service", "wsgate administration", "serviceshortnames", "list",
		"default “Array")
}

// The page of a new token warns when calls with it will be refused.
func TestTokenWarnings(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	c := f.client()
	c.mustLogin("admin", adminPassword)
	ctx := context.Background()
	restricted, err := f.store.CreateService(ctx, services.Service{Name: "Restricted", Shortname: "restricted",
		Enabled: true, RestrictedUsers: true})
	if err != nil {
		t.Fatal(err)
	}
	caller := itoa(f.users["caller"].ID)
	r := c.submit("/admin/tokens", "/admin/tokens", url.Values{"user_id": {caller},
		"service_id": {itoa(f.service("moodle_mobile_app").ID)}})
	r.want(http.StatusOK).contains("The service Moodle mobile web service is disabled").has("token-value")
	r = c.submit("/admin/tokens", "/admin/tokens", url.Values{"user_id": {caller},
		"service_id": {itoa(restricted.ID)}, "validuntil": {"2099-01-01"}})
	r.want(http.StatusOK).contains("caller is not one").lacks("is disabled")
	r = c.submit("/admin/tokens", "/admin/tokens", url.Values{"user_id": {caller},
		"service_id": {itoa(restricted.ID)}, "validuntil": {"01/01/2099"}})
	r.want(http.StatusBadRequest).contains("Valid until: must be a date")
	if v := attrOfName(r, "validuntil"); v != "01/01/2099" {
		t.Errorf("the form lost its value: %q", v)
	}
}
