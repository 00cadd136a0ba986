package functions

import (
	"errors"
	"reflect"
	"testing"

	"wsgate"
)

func TestKept(t *testing.T) {
	d := single(key("userid", value(ParamInt)), key("lang", withDefault(value(ParamSafedir), "en")))
	// otherMap goes through the reflection path, which builds a new map on
	// every cleaning: a second answer that is the same map shows it was not
	// cleaned again.
	k := Keep(otherMap{"userid": "42", "extra": "dropped"})
	first, err := CleanReturn(d, k)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"userid": int64(42), "lang": "en"}
	if !reflect.DeepEqual(first, want) {
		t.Fatalf("first = %#v, want %#v", first, want)
	}
	direct, err := CleanReturn(d, k.Value())
	if err != nil || !reflect.DeepEqual(direct, first) || sameRef(direct, first) {
		t.Fatalf("cleaning the value itself = %#v, %v: want an equal copy", direct, err)
	}
	again, err := CleanReturn(d, k)
	if err != nil || !sameRef(again, first) {
		t.Fatalf("second cleaning = %#v, %v: want the first outcome itself", again, err)
	}

	// Another description is cleaned anew, then kept for that one.
	d2 := single(key("userid", value(ParamRaw)))
	other, err := CleanReturn(d2, k)
	if err != nil || !reflect.DeepEqual(other, map[string]any{"userid": "42"}) {
		t.Fatalf("against another description = %#v, %v", other, err)
	}

	// A value that fails fails every time, with Moodle's error.
	bad := Keep(otherMap{"userid": "forty-two"})
	for range 2 {
		if _, err := CleanReturn(d, bad); !errors.Is(err, wsgate.ErrInvalidResponse) {
			t.Fatalf("bad kept value: %v, want invalidresponse", err)
		}
	}
}

func TestCleanReturnKeptEncodings(t *testing.T) {
	d := single(key("userid", value(ParamInt)))
	k := Keep(map[string]any{"userid": "42"})
	_, enc, err := CleanReturnKept(d, k)
	if err != nil || enc == nil {
		t.Fatalf("kept answer: encodings %v, %v; want some", enc, err)
	}
	if _, again, _ := CleanReturnKept(d, k); again != enc {
		t.Error("a second call got other encodings: what was encoded would not be kept")
	}
	if _, other, _ := CleanReturnKept(single(key("userid", value(ParamRaw))), k); other == nil || other == enc {
		t.Error("another description must get encodings of its own")
	}
	if _, plain, _ := CleanReturnKept(d, map[string]any{"userid": "42"}); plain != nil {
		t.Error("an answer that is not kept got encodings")
	}
	if _, failed, err := CleanReturnKept(d, Keep(map[string]any{"userid": "x"})); failed != nil || err == nil {
		t.Errorf("a kept answer that fails: encodings %v, %v; want none and the error", failed, err)
	}
}

func TestEncodings(t *testing.T) {
	var e Encodings
	builds := 0
	build := func(s string) func() []byte {
		return func() []byte { builds++; return []byte(s) }
	}
	if got := e.Bytes("json", build("{}")); string(got) != "{}" || builds != 1 {
		t.Fatalf("first = %q after %d builds", got, builds)
	}
	if got := e.Bytes("json", build("other")); string(got) != "{}" || builds != 1 {
		t.Fatalf("kept = %q after %d builds, want the first form unbuilt", got, builds)
	}
	if got := e.Bytes("xml", build("<x/>")); string(got) != "<x/>" || builds != 2 {
		t.Fatalf("another key = %q after %d builds", got, builds)
	}

	// Past the bound, forms are built on every call and not kept.
	for i := range maxEncodings {
		e.Bytes(i, build("n"))
	}
	builds = 0
	for range 2 {
		if got := e.Bytes("late", build("late")); string(got) != "late" {
			t.Fatalf("past the bound = %q", got)
		}
	}
	if builds != 2 || len(e.forms) != maxEncodings {
		t.Errorf("past the bound: %d builds, %d forms kept; want 2 builds, %d forms", builds, len(e.forms), maxEncodings)
	}
	if got := e.Bytes("json", build("other")); string(got) != "{}" {
		t.Errorf("a form kept before the bound = %q", got)
	}

	var none *Encodings
	builds = 0
	none.Bytes("json", build("a"))
	none.Bytes("json", build("a"))
	if builds != 2 {
		t.Errorf("nil Encodings: %d builds, want 2", builds)
	}
}
