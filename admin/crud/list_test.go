package crud_test

import (
	"errors"
	"net/url"
	"slices"
	"testing"

	"wsgate"
	"wsgate/admin/crud"
)

type thing struct {
	id   int64
	name string
	on   bool
}

var things = crud.Columns[thing]{
	Columns: map[string]crud.Column[thing]{
		"id":   crud.Int(func(t *thing) int64 { return t.id }),
		"name": crud.String(func(t *thing) string { return t.name }),
		"on":   crud.Bool(func(t *thing) bool { return t.on }),
	},
	Search:  []string{"name"},
	Default: "id",
}

func TestPage(t *testing.T) {
	all := []thing{{1, "beta", true}, {2, "Alpha", false}, {3, "gamma", true}, {10, "alpha", true}}
	tests := []struct {
		query           string
		want            []int64
		total, filtered int
	}{
		{"", []int64{1, 2, 3, 10}, 4, 4},
		{"order=name", []int64{2, 10, 1, 3}, 4, 4}, // case-insensitive, then by case
		{"order=name&direction=desc", []int64{3, 1, 10, 2}, 4, 4},
		{"order=on", []int64{2, 1, 3, 10}, 4, 4}, // false first, stable
		{"order=on&direction=desc", []int64{1, 3, 10, 2}, 4, 4},
		{"order=id&direction=desc", []int64{10, 3, 2, 1}, 4, 4}, // numbers, not text
		{"search=ALPHA", []int64{2, 10}, 4, 2},
		{"search=a&on=true&limit=1&offset=1", []int64{3}, 4, 3},
		{"id=10", []int64{10}, 4, 1},
		{"on=0", []int64{2}, 4, 1},
		{"name=alpha", []int64{10}, 4, 1},
		{"offset=4", []int64{}, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, _ := url.ParseQuery(tt.query)
			p, err := crud.ParseList(q)
			if err != nil {
				t.Fatal(err)
			}
			page, err := things.Page(all, p)
			if err != nil {
				t.Fatal(err)
			}
			var ids []int64
			for _, it := range page.Items {
				ids = append(ids, it.id)
			}
			if !slices.Equal(ids, tt.want) || page.Items == nil || page.Total != tt.total || page.Filtered != tt.filtered {
				t.Errorf("page = %v (%d, %d), want %v (%d, %d)", ids, page.Total, page.Filtered, tt.want, tt.total, tt.filtered)
			}
		})
	}
}

func TestPageRefusals(t *testing.T) {
	for _, query := range []string{"order=nope", "direction=sideways", "limit=0", "offset=-1", "limit=1&limit=2",
		"colour=red", "id=one", "on=maybe"} {
		t.Run(query, func(t *testing.T) {
			q, _ := url.ParseQuery(query)
			p, err := crud.ParseList(q)
			if err == nil {
				_, err = things.Page(nil, p)
			}
			var pr *crud.Problem
			if !errors.As(err, &pr) || wsgate.KindOf(err) != wsgate.Invalid || len(pr.ErrorDetails()) != 1 {
				t.Errorf("err = %v, want one invalid field", err)
			}
		})
	}
}
