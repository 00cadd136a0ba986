package calllog_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"testing"
	"time"

	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services/calllog"
)

var t0 = time.Date(2026, 3, 4, 10, 30, 15, 0, time.UTC)

func entry(at time.Time, function, user, outcome string) calllog.Entry {
	return calllog.Entry{Time: at, Function: function, Protocol: "rest", UserID: int64(len(user)), Username: user,
		ServiceID: 3, Service: "svc", TokenID: 9, Outcome: outcome, Duration: 1500 * time.Microsecond,
		RemoteIP: "192.0.2.1", Size: 42}
}

func TestRecordAndList(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := calllog.NewStore(d)
		r := calllog.NewRecorder(st, calllog.Options{BatchSize: 2})
		r.Record(entry(t0, "core_a", "ann", "ok"))
		r.Record(entry(t0.Add(time.Second), "core_b", "bob", "invalidtoken"))
		r.Record(entry(t0.Add(2*time.Second), "core_a", "bob", "ok"))
		if err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		if r.Written() != 3 || r.Dropped() != 0 {
			t.Fatalf("written %d, dropped %d", r.Written(), r.Dropped())
		}
		page, err := st.List(ctx, calllog.Filter{}, "", false, 0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if page.Total != 3 || len(page.Items) != 3 {
			t.Fatalf("page = %+v", page)
		}
		got := page.Items[2] // oldest last
		want := entry(t0, "core_a", "ann", "ok")
		want.ID = got.ID
		want.Time = t0.Truncate(time.Second).Local()
		if got.ID == 0 || !got.Time.Equal(want.Time) {
			t.Errorf("stored %+v", got)
		}
		got.Time = want.Time
		if got != want {
			t.Errorf("stored %+v\nwant %+v", got, want)
		}

		tests := []struct {
			name   string
			f      calllog.Filter
			order  string
			asc    bool
			limit  int
			offset int
			want   []string // function/user of each row
		}{
			{"all newest first", calllog.Filter{}, "", false, 0, 0, []string{"core_a/bob", "core_b/bob", "core_a/ann"}},
			{"oldest first", calllog.Filter{}, "time", true, 0, 0, []string{"core_a/ann", "core_b/bob", "core_a/bob"}},
			{"function", calllog.Filter{Function: "core_a"}, "", false, 0, 0, []string{"core_a/bob", "core_a/ann"}},
			{"user", calllog.Filter{Username: "bob"}, "", false, 0, 0, []string{"core_a/bob", "core_b/bob"}},
			{"errors", calllog.Filter{Outcome: "error"}, "", false, 0, 0, []string{"core_b/bob"}},
			{"ok", calllog.Filter{Outcome: "ok"}, "", false, 0, 0, []string{"core_a/bob", "core_a/ann"}},
			{"errorcode", calllog.Filter{Outcome: "invalidtoken"}, "", false, 0, 0, []string{"core_b/bob"}},
			{"token", calllog.Filter{TokenID: 8}, "", false, 0, 0, nil},
			{"service", calllog.Filter{Service: "svc"}, "", false, 1, 1, []string{"core_b/bob"}},
			{"since", calllog.Filter{Since: t0.Add(time.Second)}, "", false, 0, 0, []string{"core_a/bob", "core_b/bob"}},
			{"until", calllog.Filter{Until: t0.Add(time.Second)}, "", false, 0, 0, []string{"core_a/ann"}},
			{"search", calllog.Filter{Search: "B_"}, "", false, 0, 0, nil}, // _ is no wildcard
			{"search", calllog.Filter{Search: "E_B"}, "", false, 0, 0, []string{"core_b/bob"}},
			{"offset without limit", calllog.Filter{}, "", false, 0, 2, []string{"core_a/ann"}},
			{"by function", calllog.Filter{}, "function", true, 0, 0, []string{"core_a/ann", "core_a/bob", "core_b/bob"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page, err := st.List(ctx, tt.f, tt.order, tt.asc, tt.limit, tt.offset)
				if err != nil {
					t.Fatal(err)
				}
				var got []string
				for _, e := range page.Items {
					got = append(got, e.Function+"/"+e.Username)
				}
				if !slices.Equal(got, tt.want) || page.Total != 3 {
					t.Errorf("got %v (total %d), want %v", got, page.Total, tt.want)
				}
			})
		}
	})
}

// A full buffer drops and counts; Record never blocks.
func TestRecordDropsWhenFull(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		st := calllog.NewStore(d)
		r := calllog.NewRecorder(st, calllog.Options{Buffer: 2})
		for i := range 5 {
			r.Record(entry(t0, fmt.Sprint("f", i), "u", "ok"))
		}
		if r.Dropped() != 3 {
			t.Errorf("dropped %d, want 3", r.Dropped())
		}
		if err := r.Flush(context.Background()); err != nil {
			t.Fatal(err)
		}
		if n, _ := st.Count(context.Background()); n != 2 {
			t.Errorf("%d rows, want 2", n)
		}
		var off *calllog.Recorder // call logging off
		off.Record(entry(t0, "f", "u", "ok"))
	})
}

func TestPrune(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := calllog.NewStore(d)
		now := t0
		r := calllog.NewRecorder(st, calllog.Options{Retention: 24 * time.Hour, MaxRows: 3, Now: func() time.Time { return now },
			Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
		for i := 5; i >= 0; i-- { // one call an hour, f5 five hours before t0, f0 at t0
			r.Record(entry(t0.Add(-time.Duration(i)*time.Hour), fmt.Sprint("f", i), "u", "ok"))
		}
		if err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		functions := func() []string {
			page, err := st.List(ctx, calllog.Filter{}, "time", true, 0, 0)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, e := range page.Items {
				out = append(out, e.Function)
			}
			return out
		}
		r.Prune(ctx) // all within a day: the bound by count keeps the newest three
		if got := functions(); !slices.Equal(got, []string{"f2", "f1", "f0"}) {
			t.Errorf("after the bound by count: %v", got)
		}
		now = t0.Add(22*time.Hour + time.Second) // f2 is now more than a day old
		r.Prune(ctx)
		if got := functions(); !slices.Equal(got, []string{"f1", "f0"}) {
			t.Errorf("after the age bound: %v", got)
		}
	})
}

func TestSummary(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := calllog.NewStore(d)
		r := calllog.NewRecorder(st, calllog.Options{})
		r.Record(entry(t0, "core_a", "u", "ok"))
		r.Record(entry(t0, "core_a", "u", "accessexception"))
		r.Record(entry(t0.Add(-time.Minute), "core_b", "u", "ok"))
		r.Record(entry(t0.Add(-2*time.Hour), "core_b", "u", "ok"))
		r.Record(entry(t0.Add(-2*time.Hour), "core_b", "u", "ok"))
		r.Record(entry(t0.Add(-48*time.Hour), "core_c", "u", "invalidtoken"))
		if err := r.Flush(ctx); err != nil {
			t.Fatal(err)
		}
		s, err := st.Summary(ctx, t0)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.PerMinute) != 60 || len(s.PerHour) != 24 {
			t.Fatalf("%d minutes, %d hours", len(s.PerMinute), len(s.PerHour))
		}
		if b := s.PerMinute[59]; !b.Start.Equal(t0.Truncate(time.Minute)) || b.OK != 1 || b.Errors != 1 {
			t.Errorf("this minute: %+v", b)
		}
		if b := s.PerMinute[58]; b.OK != 1 || b.Errors != 0 {
			t.Errorf("the minute before: %+v", b)
		}
		if b := s.PerHour[23]; b.OK != 2 || b.Errors != 1 {
			t.Errorf("this hour: %+v", b)
		}
		if b := s.PerHour[21]; b.OK != 2 {
			t.Errorf("two hours ago: %+v", b)
		}
		want := []calllog.FunctionCount{{"core_b", 3, 0}, {"core_a", 2, 1}}
		if !slices.Equal(s.Busiest, want) {
			t.Errorf("busiest = %+v, want %+v", s.Busiest, want)
		}
		if len(s.Errors) != 2 || s.Errors[0].Outcome != "accessexception" || s.Errors[1].Outcome != "invalidtoken" {
			t.Errorf("errors = %+v", s.Errors)
		}
	})
}
