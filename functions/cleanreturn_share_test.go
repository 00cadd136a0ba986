package functions

import (
	"reflect"
	"testing"

	"wsgate"
)

// otherMap and otherList hold the same trees as map[string]any and []any but
// go through CleanReturn's reflection path, which always builds a copy:
// the reference the shared path must agree with.
type (
	otherMap  map[string]any
	otherList []any
)

// retyped returns x with every map[string]any and []any turned into
// otherMap and otherList.
func retyped(x any) any {
	switch v := x.(type) {
	case map[string]any:
		if v == nil {
			return otherMap(nil)
		}
		m := make(otherMap, len(v))
		for k, e := range v {
			m[k] = retyped(e)
		}
		return m
	case []any:
		if v == nil {
			return otherList(nil)
		}
		l := make(otherList, len(v))
		for i, e := range v {
			l[i] = retyped(e)
		}
		return l
	}
	return x
}

// sameRef reports whether a and b are the same map or slice (not equal copies).
func sameRef(a, b any) bool {
	ra, rb := reflect.ValueOf(a), reflect.ValueOf(b)
	if ra.Kind() != rb.Kind() || (ra.Kind() != reflect.Map && ra.Kind() != reflect.Slice) {
		return false
	}
	return ra.Pointer() == rb.Pointer() && ra.Len() == rb.Len()
}

func siteInfoLike() *Description {
	return single(
		key("sitename", value(ParamRaw)),
		key("username", value(ParamRaw)),
		key("userid", value(ParamInt)),
		key("admin", value(ParamBool)),
		key("score", optional(value(ParamFloat))),
		key("lang", withDefault(value(ParamSafedir), "en")),
		key("functions", multiple(single(
			key("name", value(ParamRaw)),
			key("version", value(ParamText)),
		))),
	)
}

func conformingSiteInfo() map[string]any {
	return map[string]any{
		"sitename": "Site", "username": "admin", "userid": int64(2), "admin": true, "lang": "en",
		"functions": []any{
			map[string]any{"name": "core_a", "version": "1.0"},
			map[string]any{"name": "core_b", "version": "1.0"},
		},
	}
}

func TestCleanReturnShares(t *testing.T) {
	d := siteInfoLike()
	cases := []struct {
		name   string
		edit   func(m map[string]any) // applied to a conforming answer
		shared bool                   // the answer itself comes back
		fns    bool                   // its functions list comes back
		fn0    bool                   // its first function comes back
	}{
		{"conforming", func(map[string]any) {}, true, true, true},
		{"optional present", func(m map[string]any) { m["score"] = 1.5 }, true, true, true},
		{"null allowed", func(m map[string]any) { m["score"] = nil }, true, true, true},
		{"extra key dropped", func(m map[string]any) { m["secret"] = "x" }, false, true, true},
		{"int to convert", func(m map[string]any) { m["userid"] = "2" }, false, true, true},
		{"go int to convert", func(m map[string]any) { m["userid"] = 2 }, false, true, true},
		{"bool from int", func(m map[string]any) { m["admin"] = int64(1) }, false, true, true},
		{"float from int", func(m map[string]any) { m["score"] = int64(1) }, false, true, true},
		{"default to insert", func(m map[string]any) { delete(m, "lang") }, false, true, true},
		{"raw keeps int64", func(m map[string]any) { m["sitename"] = int64(7) }, true, true, true},
		{"raw from go int", func(m map[string]any) { m["sitename"] = 7 }, false, true, true},
		{"second item converts", func(m map[string]any) {
			m["functions"].([]any)[1].(map[string]any)["version"] = int64(1)
		}, false, false, true},
		{"first item extra key", func(m map[string]any) {
			m["functions"].([]any)[0].(map[string]any)["x"] = 1
		}, false, false, false},
		{"nil list", func(m map[string]any) { m["functions"] = []any(nil) }, false, false, false},
		{"typed nil for null", func(m map[string]any) { m["score"] = (*float64)(nil) }, false, true, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := conformingSiteInfo()
			c.edit(in)
			before := retyped(in)
			got, err := CleanReturn(d, in)
			if err != nil {
				t.Fatal(err)
			}
			want, err := CleanReturn(d, retyped(in))
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("got  %#v\nwant %#v", got, want)
			}
			if !reflect.DeepEqual(retyped(in), before) {
				t.Fatalf("the input changed: %#v", in)
			}
			out := got.(map[string]any)
			if sameRef(out, in) != c.shared {
				t.Errorf("answer shared = %v, want %v", !c.shared, c.shared)
			}
			if sameRef(out["functions"], in["functions"]) != c.fns {
				t.Errorf("functions shared = %v, want %v", !c.fns, c.fns)
			}
			if l := out["functions"].([]any); len(l) > 0 && sameRef(l[0], in["functions"].([]any)[0]) != c.fn0 {
				t.Errorf("first function shared = %v, want %v", !c.fn0, c.fn0)
			}
			if _, ok := out["secret"]; ok {
				t.Error("the undeclared key is in the answer")
			}
		})
	}
}

func TestCleanReturnSharedStillFails(t *testing.T) {
	const r = "Invalid response value detected"
	d := siteInfoLike()
	cases := []struct {
		name  string
		edit  func(m map[string]any)
		debug string
	}{
		{"bad int", func(m map[string]any) { m["userid"] = "x" },
			`userid => ` + r + `: Invalid external api response: the value is "x" of PHP type "string", the server was expecting "int" type`},
		{"missing required", func(m map[string]any) { delete(m, "username") },
			`Error in response - Missing following required key in a single structure: username`},
		{"bad item past shared ones", func(m map[string]any) {
			m["functions"].([]any)[1].(map[string]any)["name"] = []any{}
		}, `functions => ` + r + `: name => ` + r + `: Scalar type expected, array or object received.`},
		{"map for list", func(m map[string]any) { m["functions"] = "x" },
			`functions => ` + r + `: Only arrays accepted. The bad value is: 'x'`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := conformingSiteInfo()
			c.edit(in)
			_, err := CleanReturn(d, in)
			wantDebug(t, err, wsgate.ErrInvalidResponse, c.debug)
		})
	}
}

func TestCleanReturnConformingAllocatesNothing(t *testing.T) {
	d, in := siteInfoLike(), conformingSiteInfo()
	if n := testing.AllocsPerRun(100, func() {
		if _, err := CleanReturn(d, in); err != nil {
			t.Fatal(err)
		}
	}); n != 0 {
		t.Errorf("%v allocations for an answer that needs no cleaning", n)
	}
}
