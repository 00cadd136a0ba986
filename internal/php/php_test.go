package php

import (
	"encoding/json"
	"math"
	"testing"
)

func TestFloatString(t *testing.T) {
	// The float vectors of php-src Zend/tests/double_to_string.phpt (precision=14).
	tests := []struct {
		f    float64
		want string
	}{
		{290000000000000000, "2.9E+17"},
		{290000000000000, "2.9E+14"},
		{29000000000000, "29000000000000"},
		{29000000000000.123123, "29000000000000"},
		{29000000000000.7123123, "29000000000001"},
		{29000.7123123, "29000.7123123"},
		{239234242.7123123, "239234242.71231"},
		{0.12345678901234567890, "0.12345678901235"},
		{10000000000000, "10000000000000"},
		{100000000000000, "1.0E+14"},
		{1000000000000000001, "1.0E+18"},
		{100000000000001, "1.0E+14"},
		{10000000000, "10000000000"},
		{999999999999999, "1.0E+15"},
		{9999999999999999, "1.0E+16"},
		{0, "0"},
		// And the small end, INF, NAN, -0.
		{1.0, "1"}, {0.5, "0.5"}, {-1.5, "-1.5"}, {0.1 + 0.2, "0.3"}, {0.0001, "0.0001"}, {0.00001, "1.0E-5"},
		{1.5e-7, "1.5E-7"}, {1e100, "1.0E+100"}, {math.Inf(1), "INF"}, {math.Inf(-1), "-INF"},
		{math.NaN(), "NAN"}, {math.Copysign(0, -1), "-0"},
	}
	for _, tt := range tests {
		if got := string(AppendFloatString(nil, tt.f)); got != tt.want {
			t.Errorf("(string)%v = %q, want %q", tt.f, got, tt.want)
		}
	}
}

func TestFloatStringCasts(t *testing.T) {
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
		if got := FloatString(c.f); got != c.want {
			t.Errorf("FloatString(%v) = %q, want %q", c.f, got, c.want)
		}
	}
}

func TestOf(t *testing.T) {
	type myInt int16
	type myFloat float32
	type myBytes []byte
	s := "x"
	tests := []struct {
		in   any
		want Value
	}{
		{nil, Value{Kind: Null}},
		{(*int)(nil), Value{Kind: Null}},
		{&s, Value{Kind: String, Str: "x"}},
		{myInt(-4), Value{Kind: Int, Int: -4}},
		{uint(5), Value{Kind: Int, Int: 5}},
		{uint64(math.MaxUint64), Value{Kind: Float, Float: math.MaxUint64}},
		{float32(0.1), Value{Kind: Float, Float: 0.1}},
		{json.Number("12"), Value{Kind: Int, Int: 12}},
		{json.Number("1.5"), Value{Kind: Float, Float: 1.5}},
		{json.Number("abc"), Value{Kind: String, Str: "abc"}},
		{json.Number(`"1"`), Value{Kind: String, Str: `"1"`}},
		{[]byte("b"), Value{Kind: String, Str: "b"}},
		{struct{}{}, Value{Kind: Object}},
		{map[string]any{}, Value{Kind: Array}},
		{func() {}, Value{Kind: Object}},
		{[]int{1}, Value{Kind: Array}},
		{myFloat(0.1), Value{Kind: Float, Float: 0.1}},
		{myBytes("b"), Value{Kind: String, Str: "b"}},
		{json.Number("1e400"), Value{Kind: Float, Float: math.Inf(1)}},
		{json.Number("-0"), Value{Kind: Int}},
		{json.Number("1 "), Value{Kind: String, Str: "1 "}},
		{json.Number("NaN"), Value{Kind: String, Str: "NaN"}},
		{json.Number(".5"), Value{Kind: String, Str: ".5"}},
	}
	for _, tt := range tests {
		if got := Of(tt.in); got != tt.want {
			t.Errorf("Of(%#v) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
