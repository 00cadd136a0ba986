package functions

import (
	"errors"
	"testing"

	"wsgate"
)

// value returns a value description of type t (nulls allowed, as Moodle's default).
func value(t ParamType) *Description {
	return &Description{Shape: ValueShape, Type: t, AllowNull: true}
}

// single returns a single structure of the given keys, in order.
func single(keys ...Key) *Description {
	return &Description{Shape: SingleShape, Keys: keys}
}

// multiple returns a multiple structure of content.
func multiple(content *Description) *Description {
	return &Description{Shape: MultipleShape, Content: content}
}

func key(name string, d *Description) Key { return Key{Name: name, Desc: d} }

func optional(d *Description) *Description {
	d.Presence = Optional
	return d
}

func withDefault(d *Description, v any) *Description {
	d.Presence, d.DefaultVal = Default, v
	return d
}

func notNull(d *Description) *Description {
	d.AllowNull = false
	return d
}

// wantDebug checks that err is sentinel with exactly the given debuginfo.
func wantDebug(t *testing.T, err error, sentinel *wsgate.Error, debug string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %s (%s)", sentinel.Code, debug)
	}
	if !errors.Is(err, sentinel) {
		t.Fatalf("error %v is not %s", err, sentinel.Code)
	}
	if got := wsgate.AsError(err).DebugInfo; got != debug {
		t.Fatalf("debuginfo\n got: %s\nwant: %s", got, debug)
	}
}
