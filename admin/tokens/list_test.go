package tokens

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"testing"

	"wsgate/admin/crud"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/services"
)

// TestListPagesInSQL: each page of tokens paged in SQL (NULL columns
// included) is the one the list conventions define over every token.
func TestListPagesInSQL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		st := services.NewStore(d, services.WithBcryptCost(4))
		svc, err := st.CreateService(ctx, services.Service{Name: "S", Shortname: "s", Enabled: true})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 30 {
			u, err := st.CreateUser(ctx, services.User{Username: fmt.Sprint("u", i)}, "")
			if err != nil {
				t.Fatal(err)
			}
			spec := services.TokenSpec{UserID: u.ID, ServiceID: svc.ID, Name: []string{"CI", "ci", "Phone", ""}[i%4],
				ReadOnly: i%3 == 0}
			if i%5 == 0 {
				spec.IPRestriction, spec.ValidUntil = "10.0.0.0/8", 4_000_000_000+int64(i)
			}
			if _, _, err := st.CreateToken(ctx, spec); err != nil {
				t.Fatal(err)
			}
		}
		list, err := st.ListTokens(ctx)
		if err != nil {
			t.Fatal(err)
		}
		all := make([]token, len(list))
		for i, tk := range list {
			all[i] = token{Token: tk}
		}
		dao := NewDao(st)
		for _, query := range []string{"", "order=name&limit=7&offset=3", "order=name&direction=desc",
			"order=iprestriction", "validuntil=0&order=user_id&direction=desc&limit=5", "readonly=true",
			"search=10.0&order=validuntil", "search=ci&limit=4", "iprestriction=&limit=3", "creator_id=0&limit=2"} {
			t.Run(query, func(t *testing.T) {
				q, _ := url.ParseQuery(query)
				p, err := crud.ParseList(q)
				if err != nil {
					t.Fatal(err)
				}
				got, err := dao.List(ctx, p)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := columns.Page(all, p)
				ids := func(ts []token) (out []int64) {
					for _, tk := range ts {
						out = append(out, tk.ID)
					}
					return out
				}
				if !slices.Equal(ids(got.Items), ids(want.Items)) || got.Total != want.Total ||
					got.Filtered != want.Filtered || got.Scanned != len(got.Items) {
					t.Errorf("page = %v (%d, %d), want %v (%d, %d)", ids(got.Items), got.Total, got.Filtered,
						ids(want.Items), want.Total, want.Filtered)
				}
				for i := range got.Items {
					if got.Items[i] != want.Items[i] {
						t.Errorf("token %d = %+v, want %+v", i, got.Items[i], want.Items[i])
					}
				}
			})
		}
	})
}
