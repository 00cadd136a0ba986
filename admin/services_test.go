package admin_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

func TestServices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		test, adminSvc := e.service("test"), e.service("wsgate_admin")

		r := e.do(http.MethodGet, "/1.0/services", "")
		wantStatus(t, r, http.StatusOK)
		if items := r.items(t); len(items) != 2 || items[0]["shortname"] != "test" || items[1]["component"] != "local_test" {
			t.Fatalf("services = %s", r.body)
		}

		// Create a custom service.
		woken := e.woken.Load()
		r = e.do(http.MethodPost, "/1.0/services", `{"name": " My service ", "shortname": "my_svc", "enabled": true,
			"requiredcapability": "local_test/thing:view", "restrictedusers": true, "downloadfiles": true}`)
		wantStatus(t, r, http.StatusCreated)
		id := idOf(t, r)
		if loc := r.header.Get("Location"); loc != "/1.0/services/"+id {
			t.Errorf("Location = %q", loc)
		}
		want := fmt.Sprintf(`{"id": %s, "name": "My service", "shortname": "my_svc", "enabled": true,
			"requiredcapability": "local_test/thing:view", "restrictedusers": true, "component": "",
			"downloadfiles": true, "uploadfiles": false, "timecreated": %d, "timemodified": 0, "protocols": null}`, id, start.Unix())
		if !sameJSON(string(r.body), want) {
			t.Errorf("created %s, want %s", r.body, want)
		}
		e.wantEvents(event{"service_created", "config.services.created",
			`{"id": ` + id + `, "name": "My service", "shortname": "my_svc", "enabled": true, "component": ""}`})
		if e.woken.Load() != woken+1 {
			t.Errorf("the relay was woken %d times, want once", e.woken.Load()-woken)
		}
		r = e.do(http.MethodGet, "/1.0/services/"+id, "")
		wantStatus(t, r, http.StatusOK)
		if !sameJSON(string(r.body), want) {
			t.Errorf("got %s, want %s", r.body, want)
		}

		// Edit it: a partial update.
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+id, `{"enabled": false, "name": "Renamed"}`), http.StatusNoContent)
		e.wantEvents(event{"service_edited", "config.services.edited",
			`{"id": ` + id + `, "name": "Renamed", "shortname": "my_svc", "enabled": false, "component": ""}`})
		got := e.do(http.MethodGet, "/1.0/services/"+id, "").object(t)
		if got["name"] != "Renamed" || got["enabled"] != false || got["shortname"] != "my_svc" ||
			got["restrictedusers"] != true || got["timemodified"] != float64(start.Unix()) {
			t.Errorf("after edit: %v", got)
		}
		// The same values again change nothing, send nothing, wake nothing.
		woken = e.woken.Load()
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+id, `{"enabled": false, "name": "Renamed"}`), http.StatusNoContent)
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+id, `{}`), http.StatusNoContent)
		e.wantEvents()
		if e.woken.Load() != woken {
			t.Errorf("a change that changed nothing woke the relay")
		}

		// A component service: only enabled, downloadfiles and uploadfiles.
		tid := fmt.Sprint(test.ID)
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+tid, `{"uploadfiles": true, "name": "Test"}`), http.StatusNoContent)
		e.wantEvents(event{"service_edited", "config.services.edited",
			`{"id": ` + tid + `, "name": "Test", "shortname": "test", "enabled": true, "component": "local_test"}`})

		// Delete the custom service.
		wantStatus(t, e.do(http.MethodDelete, "/1.0/services/"+id, ""), http.StatusNoContent)
		e.wantEvents(event{"service_deleted", "config.services.deleted",
			`{"id": ` + id + `, "name": "Renamed", "shortname": "my_svc", "enabled": false, "component": ""}`})
		wantError(t, e.do(http.MethodGet, "/1.0/services/"+id, ""), http.StatusNotFound, "not-found", "id")
		wantError(t, e.do(http.MethodDelete, "/1.0/services/"+id, ""), http.StatusNotFound, "not-found", "id")
		wantError(t, e.do(http.MethodPut, "/1.0/services/"+id, `{}`), http.StatusNotFound, "not-found", "id")
		wantError(t, e.do(http.MethodGet, "/1.0/services/abc", ""), http.StatusNotFound, "not-found", "id")
		e.wantEvents()

		// The rules, each refusal with its status and fields; none writes an event.
		custom := idOf(t, e.do(http.MethodPost, "/1.0/services", `{"name": "Custom", "shortname": "custom"}`))
		e.events()
		aid := fmt.Sprint(adminSvc.ID)
		tests := []struct {
			name, method, path, body string
			code                     int
			errorID                  string
			fields                   []string
		}{
			{"name required", "POST", "/1.0/services", `{"shortname": "x"}`, 400, "invalid-data", []string{"name"}},
			{"blank name", "POST", "/1.0/services", `{"name": "  "}`, 400, "invalid-data", []string{"name"}},
			{"name too long", "POST", "/1.0/services", `{"name": "` + strings.Repeat("n", 201) + `"}`, 400, "invalid-data", []string{"name"}},
			{"shortname characters", "POST", "/1.0/services", `{"name": "x", "shortname": "a b"}`, 400, "invalid-data", []string{"shortname"}},
			{"shortname too long", "POST", "/1.0/services", `{"name": "x", "shortname": "` + strings.Repeat("s", 256) + `"}`, 400, "invalid-data", []string{"shortname"}},
			{"unknown capability", "POST", "/1.0/services", `{"name": "x", "requiredcapability": "local_test/nope"}`, 400, "invalid-data", []string{"requiredcapability"}},
			{"capability too long", "POST", "/1.0/services", `{"name": "x", "requiredcapability": "` + strings.Repeat("c", 256) + `"}`, 400, "invalid-data", []string{"requiredcapability"}},
			{"fields merged", "POST", "/1.0/services", `{"name": "", "shortname": "a b"}`, 400, "invalid-data", []string{"name", "shortname"}},
			{"read-only field", "POST", "/1.0/services", `{"name": "x", "component": "local_test"}`, 400, "invalid-data", []string{"component"}},
			{"unknown field", "POST", "/1.0/services", `{"name": "x", "colour": "red"}`, 400, "invalid-data", []string{"colour"}},
			{"wrong type", "POST", "/1.0/services", `{"name": 5}`, 400, "invalid-data", []string{"name"}},
			{"wrong boolean", "POST", "/1.0/services", `{"name": "x", "enabled": "yes"}`, 400, "invalid-data", []string{"enabled"}},
			{"not an object", "POST", "/1.0/services", `["x"]`, 400, "invalid-data", []string{"body"}},
			{"not JSON", "POST", "/1.0/services", `name=x`, 400, "invalid-data", []string{"body"}},
			{"empty body", "POST", "/1.0/services", ``, 400, "invalid-data", []string{"body"}},
			{"two objects", "POST", "/1.0/services", `{"name": "a"} {"name": "b"}`, 400, "invalid-data", []string{"body"}},
			{"name taken", "POST", "/1.0/services", `{"name": "Test"}`, 409, "resource-exists", []string{"name"}},
			{"shortname taken", "POST", "/1.0/services", `{"name": "x", "shortname": "custom"}`, 409, "resource-exists", []string{"shortname"}},
			{"invalid before taken", "POST", "/1.0/services", `{"name": "Test", "shortname": "a b"}`, 400, "invalid-data", []string{"shortname"}},
			{"edit: blank name", "PUT", "/1.0/services/" + custom, `{"name": ""}`, 400, "invalid-data", []string{"name"}},
			{"edit: name taken", "PUT", "/1.0/services/" + custom, `{"name": "Test"}`, 409, "resource-exists", []string{"name"}},
			{"edit: read-only id", "PUT", "/1.0/services/" + custom, `{"id": 7}`, 400, "invalid-data", []string{"id"}},
			{"component: name", "PUT", "/1.0/services/" + tid, `{"name": "Other"}`, 409, "not-permitted", []string{"name"}},
			{"component: four fields", "PUT", "/1.0/services/" + tid,
				`{"enabled": false, "shortname": "t2", "requiredcapability": "local_test/thing:view", "restrictedusers": true}`,
				409, "not-permitted", []string{"shortname", "requiredcapability", "restrictedusers"}},
			{"component: delete", "DELETE", "/1.0/services/" + tid, ``, 409, "not-permitted", []string{"component"}},
			{"wsgate_admin stays enabled", "PUT", "/1.0/services/" + aid, `{"enabled": false}`, 409, "not-permitted", []string{"enabled"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.do(tt.method, tt.path, tt.body)
				wantError(t, r, tt.code, tt.errorID, tt.fields...)
				if res := r.object(t)["resource"]; res != "services" {
					t.Errorf("resource = %v", res)
				}
				e.wantEvents()
			})
		}
		if s := e.service("test"); !s.Enabled || s.Name != "Test" {
			t.Errorf("component service after refused edits: %+v", s)
		}
		// The wsgate_admin service's other flags change.
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+aid, `{"downloadfiles": true}`), http.StatusNoContent)
		e.wantEvents(event{"service_edited", "config.services.edited",
			`{"id": ` + aid + `, "name": "wsgate administration", "shortname": "wsgate_admin", "enabled": true, "component": "local_test"}`})
	})
}
