package functions

import (
	"bytes"
	"encoding/json"
	"reflect"
	"testing"
)

// fuzzBytes feeds builders from fuzz input; past the end it yields zeros.
type fuzzBytes struct {
	b []byte
	i int
}

func (r *fuzzBytes) next() byte {
	if r.i >= len(r.b) {
		return 0
	}
	c := r.b[r.i]
	r.i++
	return c
}

var fuzzKeys = []string{"a", "b", "c", "0", "1", "id", "name", ""}

var fuzzStrings = []string{"", "0", "1", "-5", "012", "true", "abc", "Bob", " x ", "<b>x</b>", "a@b.com",
	"http://x.org/", "mod_forum", "a__b", "1.5", "1e3", "Europe/London", "moodle/user:create", "é", "\xff",
	"<lang lang=\"en\">a</lang>", "x\n", "A/b", "aGVsbG8="}

// fuzzDesc builds an arbitrary description.
func fuzzDesc(r *fuzzBytes, depth int) *Description {
	c, flags := r.next(), r.next()
	d := &Description{Presence: Presence(flags % 3), AllowNull: flags&4 != 0}
	switch {
	case depth >= 4 || c%4 < 2:
		d.Shape, d.Type = ValueShape, ParamType(r.next()%31+1)
	case c%4 == 2:
		d.Shape = SingleShape
		seen := map[string]bool{}
		for n := r.next() % 5; n > 0; n-- {
			name := fuzzKeys[r.next()%uint8(len(fuzzKeys)-1)]
			if seen[name] {
				continue
			}
			seen[name] = true
			d.Keys = append(d.Keys, Key{Name: name, Desc: fuzzDesc(r, depth+1)})
		}
	default:
		d.Shape, d.Content = MultipleShape, fuzzDesc(r, depth+1)
	}
	if d.Presence == Default {
		d.DefaultVal = fuzzTree(r, depth+1)
	}
	return d
}

// fuzzTree builds an arbitrary input tree with the leaf types decoders make.
func fuzzTree(r *fuzzBytes, depth int) any {
	c := r.next()
	if depth > 5 {
		c %= 9
	}
	switch c % 12 {
	case 0:
		return nil
	case 1:
		return c&16 != 0
	case 2:
		return int64(int8(r.next()))
	case 3:
		return float64(int8(r.next())) / 4
	case 4, 5:
		return fuzzStrings[r.next()%uint8(len(fuzzStrings))]
	case 6, 7:
		n := int(r.next() % 12)
		b := make([]byte, 0, n)
		for ; n > 0; n-- {
			b = append(b, r.next())
		}
		return string(b)
	case 8:
		return json.Number([]string{"5", "5.0", "1e2", "-0", "12345678901234567890", "0.5"}[r.next()%6])
	case 9:
		var l []any
		for n := r.next() % 4; n > 0; n-- {
			l = append(l, fuzzTree(r, depth+1))
		}
		return l
	case 10:
		m := map[string]any{}
		for n := r.next() % 5; n > 0; n-- {
			m[fuzzKeys[r.next()%uint8(len(fuzzKeys))]] = fuzzTree(r, depth+1)
		}
		return m
	}
	return int(int8(r.next()))
}

func FuzzValidate(f *testing.F) {
	f.Add([]byte{2, 0, 3, 0, 0, 0, 0, 7}, []byte{10, 1, 0, 4, 3})
	f.Add([]byte{3, 4, 2, 0, 2, 0, 1, 2, 9}, []byte{9, 3, 10, 2, 5, 4, 1, 6, 4, 2})
	f.Add([]byte{2, 2, 2, 1, 0, 2, 5}, []byte{10, 1, 1, 2, 7})
	f.Fuzz(func(t *testing.T, descBytes, treeBytes []byte) {
		d := fuzzDesc(&fuzzBytes{b: descBytes}, 0)
		x := fuzzTree(&fuzzBytes{b: treeBytes}, 0)
		out, err := Validate(d, x)
		if err == nil {
			again, err := Validate(d, out)
			if err != nil {
				t.Fatalf("the cleaned tree %#v does not validate: %v", out, err)
			}
			if !reflect.DeepEqual(again, out) {
				t.Fatalf("validating the cleaned tree changed it:\n%#v\n%#v", out, again)
			}
			back, err := CleanReturn(d, out)
			if err != nil || !reflect.DeepEqual(back, out) {
				t.Fatalf("CleanReturn of a cleaned tree: %#v, %v; want %#v", back, err, out)
			}
		}
		ret, err := CleanReturn(d, x)
		ref, refErr := CleanReturn(d, retyped(x)) // the reflection path copies everything
		if (err == nil) != (refErr == nil) || !reflect.DeepEqual(ret, ref) {
			t.Fatalf("CleanReturn %#v, %v; by the copying path %#v, %v", ret, err, ref, refErr)
		}
		if err == nil {
			again, err := CleanReturn(d, ret)
			if err != nil || !reflect.DeepEqual(again, ret) {
				t.Fatalf("CleanReturn is not stable: %#v then %#v, %v", ret, again, err)
			}
		}
	})
}

func FuzzClean(f *testing.F) {
	for _, c := range cleanCases {
		f.Add(uint8(c.t), c.in)
	}
	f.Fuzz(func(t *testing.T, typ uint8, s string) {
		pt := ParamType(typ%31 + 1)
		once := Clean(pt, s)
		if twice := Clean(pt, once); twice != once {
			t.Fatalf("Clean(%s) not idempotent: %q -> %q -> %q", pt, s, once, twice)
		}
		_, err := Validate(value(pt), s)
		switch pt {
		case ParamInt, ParamFloat, ParamBool, ParamPermission:
		default:
			if (err == nil) != (once == s) {
				t.Fatalf("Validate(%s, %q) error %v but Clean gives %q", pt, s, err, once)
			}
		}
	})
}

func FuzzParseYAML(f *testing.F) {
	f.Add([]byte(manifestSample))
	f.Add([]byte("type: single\nkeys:\n  a: {type: INT, default: 5}\n  b: [x]\n"))
	f.Add([]byte("type: multiple\ncontent: {type: FLOAT, default: '1e3', allownull: false}\n"))
	f.Add([]byte("&a {type: multiple, content: *a}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		d, err := ParseYAML(src)
		if err != nil || d == nil {
			return
		}
		b1, err := json.Marshal(d)
		if err != nil {
			t.Fatalf("a parsed description does not marshal: %v", err)
		}
		var back Description
		if err := json.Unmarshal(b1, &back); err != nil {
			t.Fatalf("%s does not unmarshal: %v", b1, err)
		}
		if b2, _ := json.Marshal(&back); !bytes.Equal(b1, b2) {
			t.Fatalf("JSON round trip changed\n%s\n%s", b1, b2)
		}
	})
}
