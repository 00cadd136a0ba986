package admin_test

import (
	"net/http"
	"strings"
	"testing"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestLists checks the list conventions (search, exact filters, order,
// direction, limit, offset, total and filtered) on users and services.
func TestLists(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		for _, u := range []services.User{
			{Username: "carol", FirstName: "Carol", LastName: "Zed", Email: "carol@example.org"},
			{Username: "alice", FirstName: "Alice", LastName: "Young", Email: "alice@example.com", Suspended: true},
			{Username: "bob", FirstName: "Bob", LastName: "Xavier", Email: "bob@example.com"},
			{Username: "dave", FirstName: "dave", LastName: "Walker", Email: "dave@example.org", Auth: services.AuthNoLogin},
		} {
			_, err := e.store.CreateUser(e.ctx, u, "")
			e.must(err)
		}
		tests := []struct {
			query           string
			total, filtered int
			want            string // usernames in order
		}{
			{"", 5, 5, "root,carol,alice,bob,dave"},
			{"order=username", 5, 5, "alice,bob,carol,dave,root"},
			{"order=username&direction=desc", 5, 5, "root,dave,carol,bob,alice"},
			{"order=firstname", 5, 5, "root,alice,bob,carol,dave"}, // case-insensitive; root has none
			{"order=suspended&direction=desc", 5, 5, "alice,root,carol,bob,dave"},
			{"search=EXAMPLE.COM", 5, 2, "alice,bob"},
			{"search=example&order=email", 5, 4, "alice,bob,carol,dave"},
			{"search=zed", 5, 1, "carol"},
			{"search=nobody", 5, 0, ""},
			{"suspended=true", 5, 1, "alice"},
			{"suspended=0", 5, 4, "root,carol,bob,dave"},
			{"auth=nologin", 5, 1, "dave"},
			{"firstname=dave", 5, 1, "dave"},
			{"firstname=Dave", 5, 0, ""}, // exact
			{"search=example&suspended=false", 5, 3, "carol,bob,dave"},
			{"order=username&limit=2", 5, 5, "alice,bob"},
			{"order=username&limit=2&offset=2", 5, 5, "carol,dave"},
			{"order=username&offset=4", 5, 5, "root"},
			{"order=username&offset=9", 5, 5, ""},
			{"search=example&order=username&direction=desc&limit=1&offset=1", 5, 4, "carol"},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				r := e.do(http.MethodGet, "/1.0/users?"+tt.query, "")
				wantStatus(t, r, http.StatusOK)
				body := r.object(t)
				if body["total"] != float64(tt.total) || body["filtered"] != float64(tt.filtered) {
					t.Errorf("total %v, filtered %v; want %d, %d", body["total"], body["filtered"], tt.total, tt.filtered)
				}
				if got := strings.Join(names(r.items(t), "username"), ","); got != tt.want {
					t.Errorf("users = %s, want %s", got, tt.want)
				}
			})
		}

		errs := []struct {
			query  string
			fields []string
		}{
			{"order=password", []string{"order"}},
			{"order=deleted", []string{"order"}},
			{"direction=up", []string{"direction"}},
			{"limit=0", []string{"limit"}},
			{"limit=ten", []string{"limit"}},
			{"offset=-1", []string{"offset"}},
			{"limit=-1&offset=x&direction=", []string{"limit", "offset", "direction"}},
			{"colour=red", []string{"colour"}},
			{"suspended=maybe", []string{"suspended"}},
			{"id=abc", []string{"id"}},
			{"search=a&search=b", []string{"search"}},
			{"order=nope&id=x", []string{"order", "id"}},
		}
		for _, tt := range errs {
			t.Run("refused "+tt.query, func(t *testing.T) {
				r := e.do(http.MethodGet, "/1.0/users?"+tt.query, "")
				wantError(t, r, http.StatusBadRequest, "invalid-data", tt.fields...)
				if res := r.object(t)["resource"]; res != "users" {
					t.Errorf("resource = %v", res)
				}
			})
		}

		// The same conventions on another resource.
		r := e.do(http.MethodGet, "/1.0/services?component=&order=name", "")
		wantStatus(t, r, http.StatusOK)
		if body := r.object(t); body["total"] != float64(2) || body["filtered"] != float64(0) {
			t.Errorf("custom services = %s", r.body)
		}
		r = e.do(http.MethodGet, "/1.0/services?enabled=true&order=name&direction=desc", "")
		if got := strings.Join(names(r.items(t), "shortname"), ","); got != "wsgate_admin,test" {
			t.Errorf("enabled services = %s", got)
		}
	})
}
