package paramclean

import (
	"math"
	"testing"
)

func TestPHPCasts(t *testing.T) {
	ints := map[string]int64{
		"12": 12, " 12": 12, "\n12": 12, "+12": 12, "012": 12, "12abc": 12, "1e3": 1000, "1.9": 1,
		"-1.9": -1, "0x1A": 0, "abc": 0, "": 0, "-": 0, ".5": 0, "9e99": math.MaxInt64,
		"-9e99": math.MinInt64, "99999999999999999999": math.MaxInt64,
	}
	for s, want := range ints {
		if got := ToInt(s); got != want {
			t.Errorf("(int)%q = %d, want %d", s, got, want)
		}
	}
	floats := map[string]float64{"1.5": 1.5, " 1.5x": 1.5, ".5": 0.5, "5.": 5, "1e3": 1000, "1e": 1, "abc": 0, "-.5e1": -5}
	for s, want := range floats {
		if got := ToFloat(s); got != want {
			t.Errorf("(float)%q = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"1": true, "-1.5": true, ".5": true, "5.": true, "1e5": true,
		"+.1e-3": true, ".": false, "e5": false, "1e": false, "": false, " 1": false, "1 ": false, "0x1": false, "1,5": false} {
		if got := IsMoodleFloat(s); got != want {
			t.Errorf("isMoodleFloat(%q) = %v", s, got)
		}
	}
}
