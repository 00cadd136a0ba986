package services_test

import (
	"fmt"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestProfile: the profile of an authorised caller comes from the cache (no
// query), is loaded again once the TTL passed, and a service deleted since
// the call was authorised is not found.
func TestProfile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d, services.AuthorizerOptions{TTL: time.Minute})
		m := e.make("ada", func(f *fix) {
			f.user.FirstName, f.user.LastName = "Ada", "Lovelace"
			f.svc.UploadFiles = true
		})
		c, err := e.a.Authorize(e.ctx, m.req)
		e.must(err)
		before := e.queries.Load()
		p, err := e.a.Profile(e.ctx, c)
		e.must(err)
		want := services.Profile{UserID: m.user.ID, Username: "ada", FirstName: "Ada", LastName: "Lovelace",
			UploadFiles: true, Functions: []string{"core_a", "core_capped", "core_two"}}
		if fmt.Sprint(p) != fmt.Sprint(want) {
			t.Errorf("profile = %+v, want %+v", p, want)
		}
		if n := e.queries.Load() - before; n != 0 {
			t.Errorf("profile after Authorize ran %d queries, want 0", n)
		}

		// Changed behind the store's back: seen once the cached entries expire.
		e.exec(`UPDATE users SET firstname = 'Augusta' WHERE id = $1`, m.user.ID)
		e.exec(`UPDATE external_services SET downloadfiles = TRUE WHERE id = $1`, m.svc.ID)
		if p, _ := e.a.Profile(e.ctx, c); p.FirstName != "Ada" || p.DownloadFiles {
			t.Errorf("profile within the TTL = %+v, want the cached one", p)
		}
		e.clock.Add(time.Minute + time.Second)
		p, err = e.a.Profile(e.ctx, c)
		e.must(err)
		if p.FirstName != "Augusta" || !p.DownloadFiles {
			t.Errorf("profile after the TTL = %+v", p)
		}

		e.must(e.s.DeleteService(e.ctx, m.svc.ID))
		_, err = e.a.Profile(e.ctx, c)
		wantErr(t, err, "invalidrecord", "Can't find data record in database table external_services.", "")
	})
}
