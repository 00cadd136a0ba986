package admin_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services/calllog"
)

// TestCallLogAPI lists recorded calls with the list conventions and the
// call log's filters, and answers the summary; every answer is checked
// against the OpenAPI document.
func TestCallLogAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		rec := calllog.NewRecorder(calllog.NewStore(d), calllog.Options{})
		at := start.Add(-30 * time.Minute)
		for i, c := range []struct{ function, user, outcome string }{
			{"core_a", "ann", "ok"}, {"core_b", "bob", "invalidtoken"}, {"core_a", "bob", "ok"}, {"core_a", "ann", "accessexception"},
		} {
			rec.Record(calllog.Entry{Time: at.Add(time.Duration(i) * time.Minute), Function: c.function, Protocol: "rest",
				UserID: int64(len(c.user)), Username: c.user, ServiceID: 1, Service: "svc", TokenID: int64(10 + i),
				Outcome: c.outcome, Duration: 2 * time.Millisecond, RemoteIP: "192.0.2.7", Size: 100})
		}
		e.must(rec.Flush(e.ctx))
		since := at.Add(2 * time.Minute).Unix()
		tests := []struct {
			query           string
			total, filtered int
			want            string // function/user/outcome, in order
		}{
			{"", 4, 4, "core_a/ann/accessexception,core_a/bob/ok,core_b/bob/invalidtoken,core_a/ann/ok"},
			{"direction=asc&limit=2", 4, 4, "core_a/ann/ok,core_b/bob/invalidtoken"},
			{"function=core_a&user=ann", 4, 2, "core_a/ann/accessexception,core_a/ann/ok"},
			{"outcome=error", 4, 2, "core_a/ann/accessexception,core_b/bob/invalidtoken"},
			{"outcome=ok&service=svc", 4, 2, "core_a/bob/ok,core_a/ann/ok"},
			{"token=11", 4, 1, "core_b/bob/invalidtoken"},
			{fmt.Sprintf("since=%d", since), 4, 2, "core_a/ann/accessexception,core_a/bob/ok"},
			{fmt.Sprintf("until=%d", since), 4, 2, "core_b/bob/invalidtoken,core_a/ann/ok"},
			{"search=CORE_B", 4, 1, "core_b/bob/invalidtoken"},
			{"order=function&direction=asc&offset=3", 4, 4, "core_b/bob/invalidtoken"},
		}
		for _, tt := range tests {
			t.Run(tt.query, func(t *testing.T) {
				r := e.do("GET", "/1.0/calls?"+tt.query, "")
				if r.code != http.StatusOK {
					t.Fatalf("status %d: %s", r.code, r.body)
				}
				var got []string
				for _, it := range r.items(t) {
					got = append(got, fmt.Sprintf("%s/%s/%s", it["function"], it["username"], it["outcome"]))
				}
				var l struct{ Total, Filtered int }
				e.must(json.Unmarshal(r.body, &l))
				if strings.Join(got, ",") != tt.want || l.Total != tt.total || l.Filtered != tt.filtered {
					t.Errorf("got %v (%d/%d), want %s (%d/%d)", got, l.Filtered, l.Total, tt.want, tt.filtered, tt.total)
				}
			})
		}
		for _, q := range []string{"token=x", "since=yesterday", "order=token", "colour=red"} {
			if r := e.do("GET", "/1.0/calls?"+q, ""); r.code != http.StatusBadRequest {
				t.Errorf("%s: status %d", q, r.code)
			}
		}
		first := e.do("GET", "/1.0/calls?limit=1", "").items(t)[0]
		one := e.do("GET", fmt.Sprintf("/1.0/calls/%v", first["id"]), "").object(t)
		if one["token_id"] != float64(13) || one["remote_addr"] != "192.0.2.7" || one["duration_ms"] != float64(2) || one["request_size"] != float64(100) {
			t.Errorf("call = %v", one)
		}
		if r := e.do("GET", "/1.0/calls/999999", ""); r.code != http.StatusNotFound {
			t.Errorf("unknown call: status %d", r.code)
		}

		sum := e.do("GET", "/1.0/calls/summary", "").object(t)
		perMinute := sum["per_minute"].([]any)
		busiest := sum["busiest"].([]any)
		if len(perMinute) != 60 || len(sum["per_hour"].([]any)) != 24 || len(sum["errors"].([]any)) != 2 {
			t.Fatalf("summary = %v", sum)
		}
		if b := busiest[0].(map[string]any); b["function"] != "core_a" || b["calls"] != float64(3) || b["errors"] != float64(1) {
			t.Errorf("busiest = %v", busiest)
		}
		calls := 0
		for _, b := range perMinute {
			m := b.(map[string]any)
			calls += int(m["ok"].(float64) + m["errors"].(float64))
		}
		if calls != 4 {
			t.Errorf("%d calls in the last hour's buckets, want 4", calls)
		}
	})
}
