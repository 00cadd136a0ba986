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
