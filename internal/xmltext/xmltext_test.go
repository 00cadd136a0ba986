package xmltext

import (
	"encoding/xml"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestAppend(t *testing.T) {
	cases := []struct {
		in, text, attr string
	}{
		{"plain", "plain", "plain"},
		{`a&b<c>d"e`, `a&amp;b&lt;c&gt;d"e`, `a&amp;b&lt;c&gt;d&quot;e`},
		{"l1\r\nl2\tx", "l1&#xD;\nl2\tx", "l1&#xD;&#xA;l2&#x9;x"},
		{"nul\x00bell\x07", "nul\uFFFDbell\uFFFD", "nul\uFFFDbell\uFFFD"},
		{"bad\xffutf8", "bad\uFFFDutf8", "bad\uFFFDutf8"},
		{"nonchar\uFFFE\uFFFF", "nonchar\uFFFD\uFFFD", "nonchar\uFFFD\uFFFD"},
		{"été 😀", "été 😀", "été 😀"},
	}
	for _, c := range cases {
		if got := string(AppendText(nil, c.in)); got != c.text {
			t.Errorf("AppendText(%q) = %q, want %q", c.in, got, c.text)
		}
		if got := string(AppendAttr([]byte("x="), c.in)); got != "x="+c.attr {
			t.Errorf("AppendAttr(%q) = %q, want %q", c.in, got, "x="+c.attr)
		}
	}
}

// FuzzAppend checks that any string comes back unchanged through an XML
// parser when it holds only characters XML can carry, and parses at all otherwise.
func FuzzAppend(f *testing.F) {
	for _, s := range []string{"", "a&b", "\r\n\t", "\x00", "\xff", "\uFFFE", `"quoted"`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		doc := "<a v=\"" + string(AppendAttr(nil, s)) + "\">" + string(AppendText(nil, s)) + "</a>"
		var got struct {
			V    string `xml:"v,attr"`
			Text string `xml:",chardata"`
		}
		if err := xml.Unmarshal([]byte(doc), &got); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		if carried(s) && (got.V != s || got.Text != s) {
			t.Fatalf("%q came back as attr %q, text %q", s, got.V, got.Text)
		}
	})
}

func carried(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	return strings.IndexFunc(s, func(r rune) bool { return !Char(r) }) < 0
}
