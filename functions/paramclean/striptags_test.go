package paramclean

import "testing"

func TestStripTags(t *testing.T) {
	cases := []struct{ in, allow, want string }{
		{"<p>Hello</p>", "", "Hello"},
		{"<p>Hello</p><b>b</b>", "<b>", "Hello<b>b</b>"},
		{`<B CLASS="x">b</B>`, "<b>", `<B CLASS="x">b</B>`},
		{"a <b", "", "a "},
		{"<<b>>x", "", "x"},
		{`<a title="1 > 0">x</a>`, "", "x"},
		{"<!DOCTYPE html><p>x</p>", "", "x"},
		{"<?xml version=\"1.0\"?><a>x</a>", "", "x"},
		{"x<!-- <b> -->y", "", "xy"},
		{"x\x00y", "", "xy"},
	}
	for _, c := range cases {
		if got := StripTags(c.in, c.allow); got != c.want {
			t.Errorf("stripTags(%q, %q) = %q, want %q", c.in, c.allow, got, c.want)
		}
	}
}
