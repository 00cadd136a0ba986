package users

import (
	"context"
	"net/url"
	"slices"
	"testing"

	"wsgate/admin/crud"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// seed adds n users in one statement (one body of SQL for both dialects):
// first names of mixed case that tie case-insensitively, every seventh
// user suspended, every third nologin.
func seed(tb testing.TB, d *db.DB, n int) {
	tb.Helper()
	_, err := d.ExecContext(context.Background(), `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < $1)
		INSERT INTO users (username, firstname, lastname, email, auth, suspended, deleted, timecreated, timemodified)
		SELECT 'user' || i,
			CASE i % 5 WHEN 0 THEN 'alice' WHEN 1 THEN 'Bob' WHEN 2 THEN 'carol' WHEN 3 THEN 'Alice' ELSE 'eve_x' END,
			'Last' || (i % 97), 'u' || i || '@example.org', CASE WHEN i % 3 = 0 THEN 'nologin' ELSE 'manual' END,
			i % 7 = 0, FALSE, 1000 + i % 11, 2000 + i
		FROM seq`, n)
	if err != nil {
		tb.Fatal(err)
	}
}

// inMemory is the page the list conventions define, computed over every
// user loaded: what the SQL list must answer.
func inMemory(t *testing.T, st *services.Store, p crud.ListParams) crud.Page[user] {
	t.Helper()
	list, err := st.ListUsers(context.Background(), services.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	all := make([]user, len(list))
	for i, u := range list {
		all[i] = user{User: u}
	}
	page, err := columns.Page(all, p)
	if err != nil {
		t.Fatal(err)
	}
	return page
}

func ids(items []user) []int64 {
	out := make([]int64, len(items))
	for i, u := range items {
		out[i] = u.ID
	}
	return out
}

// TestListPagesInSQL lists 10,000 users: each page is the one the list
// conventions define (the in-memory reference over every user) and the dao
// reads only the page's rows from the database.
func TestListPagesInSQL(t *testing.T) {
	const n = 10000
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		seed(t, d, n)
		st := services.NewStore(d)
		dao := NewDao(st)
		for _, query := range []string{
			"limit=20",
			"limit=20&offset=5000",
			"order=username&direction=desc&limit=15&offset=100",
			"order=firstname&limit=30&offset=1990",
			"order=firstname&direction=desc&limit=30",
			"search=ALICE&limit=10&offset=10",
			"search=_x&limit=5",
			"search=%25&limit=5",
			"search=_&limit=5",
			"suspended=true&order=lastname&limit=25&offset=3",
			"auth=nologin&search=last1&order=timecreated&direction=desc&limit=20",
			"id=5000",
			"username=user77&limit=1",
			"offset=9995&limit=10",
			"offset=20000&limit=10",
		} {
			t.Run(query, func(t *testing.T) {
				q, _ := url.ParseQuery(query)
				p, err := crud.ParseList(q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := dao.List(context.Background(), p)
				if err != nil {
					t.Fatal(err)
				}
				want := inMemory(t, st, p)
				if !slices.Equal(ids(got.Items), ids(want.Items)) || got.Total != want.Total ||
					got.Filtered != want.Filtered {
					t.Errorf("page = %v (%d, %d), want %v (%d, %d)", ids(got.Items), got.Total, got.Filtered,
						ids(want.Items), want.Total, want.Filtered)
				}
				if got.Total != n || got.Scanned != len(got.Items) || p.Limit > 0 && got.Scanned > p.Limit {
					t.Errorf("total %d, scanned %d rows for a page of %d (limit %d); want %d and the page's rows only",
						got.Total, got.Scanned, len(got.Items), p.Limit, n)
				}
			})
		}
		// The list conventions' refusals are unchanged.
		for _, query := range []string{"order=password", "colour=red", "suspended=maybe", "id=one"} {
			q, _ := url.ParseQuery(query)
			p, _ := crud.ParseList(q)
			if _, err := dao.List(context.Background(), p); crud.IsNotFound(err) || err == nil {
				t.Errorf("%s: err = %v, want an invalid field", query, err)
			}
		}
	})
}

// BenchmarkList is the latency of one page of the users' list at 100,000
// users (make bench), on each dialect the tests reach.
func BenchmarkList(b *testing.B) {
	for _, dialect := range dbtest.Dialects() {
		b.Run(string(dialect), func(b *testing.B) {
			d := dbtest.Open(b, dialect, true)
			seed(b, d, 100000)
			dao := NewDao(services.NewStore(d))
			for _, query := range []string{"limit=50&offset=50000", "search=alice&order=lastname&limit=50", "order=lastname&limit=50",
				"suspended=true&order=username&direction=desc&limit=50&offset=1000"} {
				q, _ := url.ParseQuery(query)
				p, _ := crud.ParseList(q)
				b.Run(query, func(b *testing.B) {
					for b.Loop() {
						if _, err := dao.List(context.Background(), p); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		})
	}
}
