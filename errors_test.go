package wsgate

import (
	"context"
	"errors"
	"fmt"
	"testing"
)

func TestErrorIs(t *testing.T) {
	cases := []struct {
		name   string
		err    error
		target *Error
		want   bool
	}{
		{"same sentinel", ErrInvalidToken, ErrInvalidToken, true},
		{"copy with debuginfo", ErrInvalidToken.WithDebug("expired"), ErrInvalidToken, true},
		{"copy with message", ErrNoPermissions.Messagef("moodle/user:update"), ErrNoPermissions, true},
		{"wrapped in a foreign error", fmt.Errorf("load: %w", ErrAccess.Wrap(errors.New("x"))), ErrAccess, true},
		{"other code", ErrInvalidToken, ErrAccess, false},
		{"store row is not an unknown function", ErrNotFound.WithDebug("users"), ErrInvalidRecord, false},
		{"unknown function is not a store row", ErrInvalidRecord, ErrNotFound, false},
		{"store row copy", ErrNotFound.Wrap(errors.New("sql: no rows")), ErrNotFound, true},
		{"request too large is an invalid parameter", ErrRequestTooLarge.Messagef("holds too much"), ErrInvalidParameter, true},
	}
	for _, c := range cases {
		if got := errors.Is(c.err, c.target); got != c.want {
			t.Errorf("%s: errors.Is = %v, want %v", c.name, got, c.want)
		}
	}
}

func TestNotFoundKeepsMoodleWire(t *testing.T) {
	if ErrNotFound.Code != ErrInvalidRecord.Code || ErrNotFound.Exception != ErrInvalidRecord.Exception {
		t.Fatalf("ErrNotFound answers %s/%s, Moodle answers %s/%s for a missing record",
			ErrNotFound.Exception, ErrNotFound.Code, ErrInvalidRecord.Exception, ErrInvalidRecord.Code)
	}
}

func TestAsErrorHidesForeignCause(t *testing.T) {
	cause := errors.New("pq: password authentication failed for user secret")
	e := AsError(cause)
	if e.Code != "generalexceptionmessage" || e.Kind != Internal || e.Message != "Internal server error" {
		t.Fatalf("AsError(foreign) = %+v", e)
	}
	if !errors.Is(e, cause) {
		t.Fatal("the cause is not kept for the log")
	}
	if AsError(nil) != nil || CodeOf(nil) != "" {
		t.Fatal("nil is not an error")
	}
	if KindOf(ErrConflict.WithDebug("x")) != Conflict || CodeOf(ErrTimeout) != "functiontimeout" {
		t.Fatal("KindOf/CodeOf do not read the error")
	}
}

func TestErrorString(t *testing.T) {
	e := ErrAccess.WithDebug("not in service").Wrap(errors.New("cause"))
	if got, want := e.Error(), "accessexception: Access control exception (not in service): cause"; got != want {
		t.Fatalf("Error() = %q, want %q", got, want)
	}
	if Kind(99).String() != "kind(99)" || Forbidden.String() != "forbidden" {
		t.Fatal("Kind.String")
	}
}

func TestCallerContext(t *testing.T) {
	if CallerFrom(context.Background()) != nil {
		t.Fatal("a bare context carries a caller")
	}
	c := &Caller{UserID: 7, Capabilities: map[string]bool{"moodle/user:view": true}}
	got := CallerFrom(WithCaller(context.Background(), c))
	if got != c {
		t.Fatal("the caller is not carried")
	}
	cases := []struct {
		caller *Caller
		cap    string
		want   bool
	}{
		{c, "moodle/user:view", true},
		{c, "moodle/user:update", false},
		{&Caller{IsSiteAdmin: true}, "moodle/user:update", true},
		{nil, "moodle/user:view", false},
	}
	for _, tc := range cases {
		if got := tc.caller.Can(tc.cap); got != tc.want {
			t.Errorf("Can(%q) = %v, want %v", tc.cap, got, tc.want)
		}
	}
}
