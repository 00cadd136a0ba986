package rest

import (
	"encoding/json"
	"math"
	"testing"
)

func TestJSONFloat(t *testing.T) {
	// json_encode() with serialize_precision = -1 and no JSON_PRESERVE_ZERO_FRACTION.
	tests := []struct {
		f    float64
		want string
	}{
		{1.0, "1"}, {10.0, "10"}, {0.1, "0.1"}, {1.0 / 3, "0.3333333333333333"}, {10.0 / 3, "3.3333333333333335"},
		{-1.5, "-1.5"}, {1e22, "1.0e+22"}, {1e17, "1.0e+17"}, {1e16, "10000000000000000"},
		{123456789012345678, "1.2345678901234568e+17"}, {0.0001, "0.0001"}, {0.00001, "1.0e-5"},
		{1e-10, "1.0e-10"}, {5e-324, "5.0e-324"}, {math.MaxFloat64, "1.7976931348623157e+308"},
		{math.Copysign(0, -1), "-0"}, {0, "0"}, {math.Inf(1), "0"}, {math.NaN(), "0"},
	}
	for _, tt := range tests {
		got := appendJSONFloat(nil, tt.f)
		if string(got) != tt.want {
			t.Errorf("json_encode(%v) = %q, want %q", tt.f, got, tt.want)
		}
		var back float64
		if err := json.Unmarshal(got, &back); err != nil {
			t.Errorf("%q is not JSON: %v", got, err)
		} else if !math.IsInf(tt.f, 0) && !math.IsNaN(tt.f) && back != tt.f {
			t.Errorf("%q reads back as %v, not %v", got, back, tt.f)
		}
	}
}

func TestJSONString(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"plain", `"plain"`},
		{"a/b", `"a\/b"`},
		{`q"b\`, `"q\"b\\"`},
		{"<&>'", `"<&>'"`},
		{"\b\f\n\r\t\x00\x1f\x7f", `"\b\f\n\r\t\u0000\u001f` + "\x7f" + `"`},
		{"é€", `"\u00e9\u20ac"`},
		{"😀", `"\ud83d\ude00"`},
		{"\u2028\u2029", `"\u2028\u2029"`},
		{"a\xffb\xc3", `"a\ufffdb\ufffd"`},
	}
	for _, tt := range tests {
		if got := string(appendJSONString(nil, tt.in)); got != tt.want {
			t.Errorf("json_encode(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestHTMLSpecialChars(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", ""},
		{`<a href="x">&amp;'</a>`, "&lt;a href=&quot;x&quot;&gt;&amp;amp;'&lt;/a&gt;"},
		{"é 😀", "é 😀"},
		{"bad \xff", ""}, // PHP returns "" for invalid UTF-8 without ENT_SUBSTITUTE
		{"\xed\xa0\x80", ""},
	}
	for _, tt := range tests {
		if got := string(appendHTMLSpecialChars(nil, tt.in)); got != tt.want {
			t.Errorf("htmlspecialchars(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPHPIntKey(t *testing.T) {
	for k, want := range map[string]bool{
		"0": true, "12": true, "-3": true, "9223372036854775807": true, "-9223372036854775808": true,
		"": false, "-0": false, "01": false, "+1": false, " 1": false, "1 ": false, "9223372036854775808": false,
		"1e3": false, "-": false, "a": false,
	} {
		if _, got := phpIntKey(k); got != want {
			t.Errorf("phpIntKey(%q) = %v, want %v", k, got, want)
		}
	}
}
