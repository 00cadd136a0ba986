package services_test

import (
	"slices"
	"testing"
	"time"

	"wsgate/services"
)

func TestTokenExpiry(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	day := int64(24 * 3600)
	toks := []services.Token{{ID: 1}, {ID: 2, ValidUntil: now.Unix() + 8*day}, {ID: 3, ValidUntil: now.Unix() + 7*day},
		{ID: 4, ValidUntil: now.Unix() - 1}, {ID: 5, ValidUntil: now.Unix() + 7*day}}
	services.SortByExpiry(toks)
	var ids []int64
	for _, tk := range toks {
		ids = append(ids, tk.ID)
	}
	if want := []int64{4, 3, 5, 2, 1}; !slices.Equal(ids, want) {
		t.Errorf("order = %v, want %v", ids, want)
	}
	for _, tt := range []struct {
		id   int64
		want bool
	}{{1, false}, {2, false}, {3, true}, {4, true}} {
		for _, tk := range toks {
			if tk.ID == tt.id && tk.ExpiresWithin(now, 7*24*time.Hour) != tt.want {
				t.Errorf("token %d: ExpiresWithin 7 days = %v", tt.id, !tt.want)
			}
		}
	}
}
