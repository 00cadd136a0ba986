package discovery_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"wsgate/discovery"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// manifests are the files of a fake component tree, by component name.
type manifests map[string]string

func (m manifests) catalog(t *testing.T) *discovery.Catalog {
	t.Helper()
	fsys := fstest.MapFS{}
	for comp, body := range m {
		fsys[comp+"/db/services.yaml"] = &fstest.MapFile{Data: []byte(body)}
	}
	cat, err := discovery.Load([]discovery.Source{{Name: "test", FS: fsys}}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

const localA = `
capabilities:
  local_ab/thing:view: {description: See things}
functions:
  local_ab_one:
    classname: a
    services: [mobile]
    parameters: {id: INT}
    returns: {type: single, keys: {id: INT}}
  local_ab_two:
    classname: a
    methodname: two
services:
  Service A:
    shortname: svc_a
    functions: [local_ab_one, local_ab_two]
    enabled: 1
    restrictedusers: 0
  Mobile:
    shortname: mobile
    functions: []
`

type fixture struct {
	t     *testing.T
	d     *db.DB
	store *services.Store
	sync  *discovery.Syncer
}

func newFixture(t *testing.T, d *db.DB) *fixture {
	st := services.NewStore(d)
	return &fixture{t: t, d: d, store: st, sync: &discovery.Syncer{DB: d, Tables: discovery.ServicesTables(st)}}
}

func (f *fixture) run(m manifests, dryRun bool) *discovery.Diff {
	f.t.Helper()
	diff, err := f.sync.Sync(context.Background(), m.catalog(f.t), dryRun)
	if err != nil {
		f.t.Fatal(err)
	}
	return diff
}

func (f *fixture) service(shortname string) services.Service {
	f.t.Helper()
	s, err := f.store.ServiceByShortname(context.Background(), shortname)
	if err != nil {
		f.t.Fatalf("service %s: %v", shortname, err)
	}
	return s
}

func (f *fixture) functionsOf(shortname string) string {
	f.t.Helper()
	names, err := f.store.ServiceFunctionNames(context.Background(), f.service(shortname).ID)
	if err != nil {
		f.t.Fatal(err)
	}
	return strings.Join(names, ",")
}

// snapshot is every row of the synced tables, to prove a run wrote nothing.
func (f *fixture) snapshot() string {
	f.t.Helper()
	var b strings.Builder
	for _, q := range []string{
		`SELECT name || '|' || classname || '|' || methodname || '|' || COALESCE(services, '') || '|' || parameters FROM external_functions ORDER BY name`,
		`SELECT name || '|' || COALESCE(shortname, '') || '|' || CAST(timecreated AS TEXT) || '|' || CAST(COALESCE(timemodified, 0) AS TEXT) FROM external_services ORDER BY name`,
		`SELECT CAST(externalserviceid AS TEXT) || '|' || functionname FROM external_services_functions ORDER BY 1`,
		`SELECT name FROM capabilities ORDER BY name`,
	} {
		rows, err := f.d.Query(q)
		if err != nil {
			f.t.Fatal(err)
		}
		for rows.Next() {
			var s string
			_ = rows.Scan(&s)
			b.WriteString(s + "\n")
		}
		rows.Close()
	}
	return b.String()
}

func TestSyncInstallAndNoop(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		dry := f.run(manifests{"local_ab": localA}, true)
		if strings.Join(dry.FunctionsAdded, ",") != "local_ab_one,local_ab_two" || len(dry.ServicesAdded) != 2 {
			t.Fatalf("dry run diff = %+v", dry)
		}
		if f.snapshot() != "" {
			t.Fatalf("dry run wrote:\n%s", f.snapshot())
		}
		diff := f.run(manifests{"local_ab": localA}, false)
		if strings.Join(diff.ServicesAdded, ",") != "Mobile,Service A" || len(diff.LinksAdded) != 3 ||
			strings.Join(diff.CapabilitiesAdded, ",") != "local_ab/thing:view" {
			t.Fatalf("install diff = %+v", diff)
		}
		if got := f.functionsOf("svc_a"); got != "local_ab_one,local_ab_two" {
			t.Errorf("svc_a functions = %s", got)
		}
		if got := f.functionsOf("mobile"); got != "local_ab_one" {
			t.Errorf("injected functions = %q, want local_ab_one", got)
		}
		if s := f.service("svc_a"); !s.Enabled || s.RestrictedUsers || s.Component != "local_ab" {
			t.Errorf("svc_a = %+v", s)
		}
		if s := f.service("mobile"); s.Enabled || !s.RestrictedUsers {
			t.Errorf("mobile defaults = %+v", s)
		}
		before := f.snapshot()
		if again := f.run(manifests{"local_ab": localA}, false); !again.Empty() {
			t.Fatalf("second run diff = %+v", again)
		}
		if after := f.snapshot(); after != before {
			t.Errorf("second run changed the tables:\n%s\nvs\n%s", before, after)
		}
	})
}

func TestSyncChanges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		f.run(manifests{"local_ab": localA}, false)

		// An administrator's choices and objects.
		if err := f.store.SetServiceEnabled(ctx, f.service("svc_a").ID, false); err != nil {
			t.Fatal(err)
		}
		svcA := f.service("svc_a")
		svcA.Protocols = []string{"mcp"}
		if _, err := f.store.UpdateService(ctx, svcA); err != nil {
			t.Fatal(err)
		}
		if err := f.store.SetServiceEnabled(ctx, f.service("mobile").ID, true); err != nil {
			t.Fatal(err)
		}
		custom, err := f.store.CreateService(ctx, services.Service{Name: "Custom", Shortname: "custom", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		for _, fn := range []string{"local_ab_one", "local_ab_two"} {
			if err := f.store.AddServiceFunction(ctx, custom.ID, fn); err != nil {
				t.Fatal(err)
			}
		}
		u, err := f.store.CreateUser(ctx, services.User{Username: "bob", Auth: services.AuthManual}, "pw")
		if err != nil {
			t.Fatal(err)
		}
		if err := f.store.AuthoriseUser(ctx, f.service("mobile").ID, u.ID, "", 0); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: f.service("mobile").ID}); err != nil {
			t.Fatal(err)
		}

		// local_ab_one changes its parameters and stops injecting itself into mobile;
		// local_ab_two disappears; the Mobile service disappears; a new service appears.
		changed := strings.NewReplacer(
			"parameters: {id: INT}", "parameters: {id: INT, name: {type: RAW, required: false}}",
			"    services: [mobile]\n", "",
			"  local_ab_two:\n    classname: a\n    methodname: two\n", "",
			"functions: [local_ab_one, local_ab_two]", "functions: [local_ab_one]\n    downloadfiles: 1",
			"  Mobile:\n    shortname: mobile\n    functions: []\n", "  Other:\n    shortname: other\n    functions: [local_ab_one]\n    enabled: 1\n",
		).Replace(localA)
		diff := f.run(manifests{"local_ab": changed}, false)
		want := map[string]string{
			"changed":  strings.Join(diff.FunctionsChanged, ","),
			"removed":  strings.Join(diff.FunctionsRemoved, ","),
			"svc add":  strings.Join(diff.ServicesAdded, ","),
			"svc gone": strings.Join(diff.ServicesRemoved, ","),
		}
		for k, v := range map[string]string{"changed": "local_ab_one", "removed": "local_ab_two", "svc add": "Other", "svc gone": "Mobile"} {
			if want[k] != v {
				t.Errorf("%s = %q, want %q (diff %+v)", k, want[k], v, diff)
			}
		}
		if len(diff.CustomLinksRemoved) != 1 || diff.CustomLinksRemoved[0] != (discovery.Link{Service: "Custom", Function: "local_ab_two"}) {
			t.Errorf("custom links removed = %+v", diff.CustomLinksRemoved)
		}
		if got := f.functionsOf("custom"); got != "local_ab_one" {
			t.Errorf("custom service functions = %q: the removed function must be gone", got)
		}
		if got := f.functionsOf("svc_a"); got != "local_ab_one" {
			t.Errorf("svc_a functions = %q", got)
		}
		if s := f.service("svc_a"); s.Enabled {
			t.Error("the administrator disabled svc_a; the upgrade re-enabled it")
		}
		if s := f.service("svc_a"); len(s.Protocols) != 1 || s.Protocols[0] != "mcp" {
			t.Errorf("the administrator limited svc_a to mcp; after the upgrade its protocols are %v", s.Protocols)
		}
		if _, err := f.store.ServiceByShortname(ctx, "mobile"); err == nil {
			t.Error("removed service still present")
		}
		var n int
		if err := d.QueryRow(`SELECT (SELECT COUNT(*) FROM external_tokens) + (SELECT COUNT(*) FROM external_services_users)`).Scan(&n); err != nil || n != 0 {
			t.Errorf("tokens and authorised users of the removed service left: %d %v", n, err)
		}
		var b strings.Builder
		diff.Print(&b)
		for _, w := range []string{"~ local_ab_one", "- local_ab_two", "+ Other", "- Mobile", "custom services affected", "Custom: local_ab_two"} {
			if !strings.Contains(b.String(), w) {
				t.Errorf("printed diff lacks %q:\n%s", w, b.String())
			}
		}
	})
}

func TestSyncRefusesCustomServiceClash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		if _, err := f.store.CreateService(ctx, services.Service{Name: "Mine", Shortname: "svc_a"}); err != nil {
			t.Fatal(err)
		}
		before := f.snapshot()
		_, err := f.sync.Sync(ctx, manifests{"local_ab": localA}.catalog(t), false)
		if err == nil || !strings.Contains(err.Error(), `shortname "svc_a" is already used by the custom service "Mine"`) {
			t.Fatalf("err = %v", err)
		}
		if f.snapshot() != before {
			t.Error("a refused upgrade wrote to the tables")
		}
	})
}

func TestConcurrentSyncs(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d)
		cat := manifests{"local_ab": localA}.catalog(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		for i := range errs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, errs[i] = f.sync.Sync(context.Background(), cat, false)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				t.Fatalf("concurrent upgrade: %v", err)
			}
		}
		if got := f.functionsOf("svc_a"); got != "local_ab_one,local_ab_two" {
			t.Errorf("svc_a functions = %q", got)
		}
		if again := f.run(manifests{"local_ab": localA}, false); !again.Empty() {
			t.Errorf("after concurrent upgrades, a further run still changes %+v", again)
		}
	})
}
