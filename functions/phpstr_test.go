package functions

import (
	"math"
	"testing"
)

func TestPHPFloatString(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{0.1, "0.1"}, {1, "1"}, {-1.5, "-1.5"}, {math.Copysign(0, -1), "-0"}, {0, "0"},
		{1e14, "1.0E+14"}, {1e13, "10000000000000"}, {123456789012345, "1.2345678901234E+14"},
		{0.0001, "0.0001"}, {0.00001, "1.0E-5"}, {0.1 + 0.2, "0.3"}, {1.0 / 3, "0.33333333333333"},
		{123456789012345678, "1.2345678901235E+17"}, {-1.5e-7, "-1.5E-7"}, {2.5e-5, "2.5E-5"},
		{math.Inf(1), "INF"}, {math.Inf(-1), "-INF"}, {math.NaN(), "NAN"}, {99.5, "99.5"},
	}
	for _, c := range cases {
		if got := phpFloatString(c.f); got != c.want {
			t.Errorf("phpFloatString(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}

func TestPHPCasts(t *testing.T) {
	ints := map[string]int64{
		"12": 12, " 12": 12, "\n12": 12, "+12": 12, "012": 12, "12abc": 12, "1e3": 1000, "1.9": 1,
		"-1.9": -1, "0x1A": 0, "abc": 0, "": 0, "-": 0, ".5": 0, "9e99": math.MaxInt64,
		"-9e99": math.MinInt64, "99999999999999999999": math.MaxInt64,
	}
	for s, want := range ints {
		if got := phpToInt(s); got != want {
			t.Errorf("(int)%q = %d, want %d", s, got, want)
		}
	}
	floats := map[string]float64{"1.5": 1.5, " 1.5x": 1.5, ".5": 0.5, "5.": 5, "1e3": 1000, "1e": 1, "abc": 0, "-.5e1": -5}
	for s, want := range floats {
		if got := phpToFloat(s); got != want {
			t.Errorf("(float)%q = %v, want %v", s, got, want)
		}
	}
	for s, want := range map[string]bool{"1": true, "-1.5": true, ".5": true, "5.": true, "1e5": true,
		"+.1e-3": true, ".": false, "e5": false, "1e": false, "": false, " 1": false, "1 ": false, "0x1": false, "1,5": false} {
		if got := isMoodleFloat(s); got != want {
			t.Errorf("isMoodleFloat(%q) = %v", s, got)
		}
	}
}
