package rest_test

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"strings"
	"testing"

	"wsgate"
	"wsgate/protocols"
	"wsgate/protocols/rest"
)

type tree = map[string]any

func TestParseQuery(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  tree
	}{
		{"plain", "a=1&b=two", tree{"a": "1", "b": "two"}},
		{"empty", "", tree{}},
		{"no value", "a&b=", tree{"a": "", "b": ""}},
		{"empty pairs", "&&a=1&&", tree{"a": "1"}},
		{"moodle create users", "users[0][username]=jdoe&users[0][email]=jdoe%40example.com" +
			"&users[0][preferences][0][type]=auth_forcepasswordchange&users[0][preferences][0][value]=1",
			tree{"users": tree{"0": tree{"username": "jdoe", "email": "jdoe@example.com",
				"preferences": tree{"0": tree{"type": "auth_forcepasswordchange", "value": "1"}}}}}},
		{"append", "a[]=1&a[]=2", tree{"a": tree{"0": "1", "1": "2"}}},
		{"append after index", "a[5]=x&a[]=y", tree{"a": tree{"5": "x", "6": "y"}}},
		{"append after negative index (PHP 8.3)", "a[-5]=x&a[]=y", tree{"a": tree{"-5": "x", "-4": "y"}}},
		{"append after string key", "a[x]=1&a[]=2", tree{"a": tree{"x": "1", "0": "2"}}},
		{"append non-canonical keys are strings", "a[01]=x&a[]=y", tree{"a": tree{"01": "x", "0": "y"}}},
		{"append nested", "a[][x]=1&a[][x]=2", tree{"a": tree{"0": tree{"x": "1"}, "1": tree{"x": "2"}}}},
		{"append deep", "a[b][]=1&a[b][]=2&a[c]=3", tree{"a": tree{"b": tree{"0": "1", "1": "2"}, "c": "3"}}},
		{"empty leaf", "a[b][c]=", tree{"a": tree{"b": tree{"c": ""}}}},
		{"mixed", "a=1&b[]=2&c[d][e]=3&c[d][f]=4&c[g]=5",
			tree{"a": "1", "b": tree{"0": "2"}, "c": tree{"d": tree{"e": "3", "f": "4"}, "g": "5"}}},
		{"dot in name", "a.b=1", tree{"a_b": "1"}},
		{"space in name", "a+b=1&c%20d=2", tree{"a_b": "1", "c_d": "2"}},
		{"dots inside brackets kept", "a.b[c.d]=1", tree{"a_b": tree{"c.d": "1"}}},
		{"leading spaces dropped", "++a=1", tree{"a": "1"}},
		{"unterminated bracket", "a[b=1", tree{"a_b": "1"}},
		{"unterminated bracket mangles", "a[b.c d[=1", tree{"a_b_c_d_": "1"}},
		{"unterminated empty", "a[=1", tree{"a_": "1"}},
		{"unterminated second level", "a[b][c=1", tree{"a": tree{"b": "1"}}},
		{"unterminated after append", "a[][c=1", tree{"a": tree{"0": "1"}}},
		{"text after bracket ignored", "a[b]c=1", tree{"a": tree{"b": "1"}}},
		{"one leading space in index", "a[ ]=1&a[ ]=2&a[ x]=3&a[  ]=4",
			tree{"a": tree{"0": "1", "1": "2", " x": "3", "  ": "4"}}},
		{"duplicate scalar last wins", "a=1&a=2", tree{"a": "2"}},
		{"duplicate nested last wins", "a[b]=1&a[b]=2", tree{"a": tree{"b": "2"}}},
		{"array replaces scalar", "a=1&a[b]=2", tree{"a": tree{"b": "2"}}},
		{"scalar replaces array", "a[b]=2&a=1", tree{"a": "1"}},
		{"index replaces append", "a[]=x&a[0]=y", tree{"a": tree{"0": "y"}}},
		{"empty name dropped", "=1&[a]=2&+=3", tree{}},
		{"NUL ends a name", "a%00b=1&c[d%00e]=2", tree{"a": "1", "c_d": "2"}},
		{"values are binary safe", "a=x%00y", tree{"a": "x\x00y"}},
		{"PHP URL decoding", "a=%zz%4&b=1+2%2B3&c=%E2%82%AC", tree{"a": "%zz%4", "b": "1 2+3", "c": "€"}},
		{"semicolon is no separator", "a=1;b=2", tree{"a": "1;b=2"}},
		{"__Host- by mangling dropped", "..Host-x=1&__Host-y=2", tree{"__Host-y": "2"}},
		{"index keys stay distinct strings", "a[0]=x&a[00]=y&a[-0]=z", tree{"a": tree{"0": "x", "00": "y", "-0": "z"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := rest.ParseQuery(tt.query)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.query, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseQuery(%q)\n got %#v\nwant %#v", tt.query, got, tt.want)
			}
		})
	}
}

func TestParseQueryLimits(t *testing.T) {
	deep := func(n int) string { return "a" + strings.Repeat("[x]", n) + "=1" }
	if _, err := rest.ParseQuery(deep(protocols.DefaultMaxDepth)); err != nil {
		t.Errorf("depth %d: %v", protocols.DefaultMaxDepth, err)
	}
	many := func(n int) string {
		var b strings.Builder
		for i := range n {
			fmt.Fprintf(&b, "a[]=%d&", i)
		}
		return b.String()
	}
	got, err := rest.ParseQuery(many(rest.MaxFormVars))
	if err != nil {
		t.Fatalf("%d vars: %v", rest.MaxFormVars, err)
	}
	if n := len(got["a"].(tree)); n != rest.MaxFormVars {
		t.Errorf("%d vars kept, want all %d", n, rest.MaxFormVars)
	}

	for name, q := range map[string]string{
		"too deep":                           deep(protocols.DefaultMaxDepth + 1),
		"too deep (unterminated last level)": deep(protocols.DefaultMaxDepth) + "&a" + strings.Repeat("[x]", protocols.DefaultMaxDepth) + "[y=1",
		"too many":                           many(rest.MaxFormVars + 1),
	} {
		t.Run(name, func(t *testing.T) {
			_, err := rest.ParseQuery(q)
			if !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Fatalf("err = %v, want invalid_parameter", err)
			}
			if e := wsgate.AsError(err); e.DebugInfo == "" && e.Message == wsgate.ErrInvalidParameter.Message {
				t.Error("the error does not say what was exceeded")
			}
		})
	}
}

func TestParseForm(t *testing.T) {
	got, err := rest.ParseForm(url.Values{
		"a[]":        {"1", "2"},
		"b.c":        {"x"},
		"u[0][name]": {"n"},
		"u[0][id]":   {"7"},
		"d":          {"1", "2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := tree{"a": tree{"0": "1", "1": "2"}, "b_c": "x", "u": tree{"0": tree{"name": "n", "id": "7"}}, "d": "2"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
	// Names are applied in sorted order: "a" before "a[b]", so the array wins.
	got, err = rest.ParseForm(url.Values{"a[b]": {"2"}, "a": {"1"}})
	if err != nil {
		t.Fatal(err)
	}
	if want := (tree{"a": tree{"b": "2"}}); !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v, want %#v", got, want)
	}
}

// FuzzParseForm checks that no query string makes the parser panic and that
// every result is a tree of maps and strings within the limits.
func FuzzParseForm(f *testing.F) {
	for _, s := range []string{
		"a=1", "a[]=1&a[]=2", "users[0][username]=x", "a[b", "a[b][c", "a[ ]=1", "a.b c=1",
		"a[9223372036854775807]=x&a[]=y&a[]=z", "%zz=%", "a[][][]=1&a[][]=2", "..Host-a=1", "a%00[b]=1",
		"a" + strings.Repeat("[", 70) + "=1", "a" + strings.Repeat("[]", 70) + "=1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		got, err := rest.ParseQuery(q)
		if err != nil {
			if !errors.Is(err, wsgate.ErrInvalidParameter) {
				t.Fatalf("unexpected error kind: %v", err)
			}
			return
		}
		checkTree(t, got, 0)
	})
}

func checkTree(t *testing.T, m tree, depth int) {
	t.Helper()
	if depth > protocols.DefaultMaxDepth {
		t.Fatalf("tree deeper than %d", protocols.DefaultMaxDepth)
	}
	for k, v := range m {
		switch x := v.(type) {
		case string:
		case tree:
			checkTree(t, x, depth+1)
		default:
			t.Fatalf("key %q holds %T", k, v)
		}
	}
}
