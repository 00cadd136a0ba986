package protocols_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"wsgate"
	"wsgate/discovery"
	"wsgate/functions"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols"
	"wsgate/services"
)

const manifest = `
capabilities:
  local/test:use:
    description: Use the test functions
functions:
  local_test_cap:
    classname: local_test
    methodname: cap
    parameters: {cap: CAPABILITY}
    returns: {type: single, keys: {cap: RAW}}
  local_test_echo:
    classname: local_test
    methodname: echo
    parameters:
      n: INT
      words: {type: multiple, content: ALPHA, default: []}
    returns: {type: single, keys: {n: INT, words: {type: multiple, content: RAW}}}
  local_test_panic:
    classname: local_test
    methodname: panic
  local_test_slow:
    classname: local_test
    methodname: slow
    returns: {type: single, keys: {ok: BOOL}}
  local_test_remote:
    upstream: {url: "%s/remote", timeout: 300ms}
    parameters: {n: INT}
    returns: {type: single, keys: {double: INT, who: RAW}}
services:
  Test:
    shortname: test
    functions: [local_test_echo, local_test_cap, local_test_panic, local_test_slow, local_test_remote]
    enabled: 1
    restrictedusers: 0
`

type fixture struct {
	pipe    *protocols.Pipeline
	token   string
	queries *atomic.Int64
	store   *services.Store
	auth    *services.Authorizer
	userID  int64
	svcID   int64
	tokenID int64
}

func newFixture(t testing.TB, d *db.DB, upstreamURL string) *fixture {
	t.Helper()
	ctx := context.Background()
	queries := &atomic.Int64{}
	store := services.NewStore(d, services.WithBcryptCost(4),
		services.WithQuerier(dbtest.Counter(queries)))
	reg := functions.NewRegistry()
	reg.Register("local_test", "echo", func(ctx context.Context, p map[string]any) (any, error) {
		return map[string]any{"n": p["n"], "words": p["words"], "dropped": "not declared"}, nil
	})
	reg.Register("local_test", "cap", func(ctx context.Context, p map[string]any) (any, error) {
		return map[string]any{"cap": p["cap"]}, nil
	})
	reg.Register("local_test", "panic", func(context.Context, map[string]any) (any, error) { panic("boom") })
	reg.Register("local_test", "slow", func(ctx context.Context, _ map[string]any) (any, error) {
		<-ctx.Done()
		return nil, ctx.Err()
	})
	fsys := fstest.MapFS{"local_test/db/services.yaml": {Data: []byte(fmt.Sprintf(manifest, upstreamURL))}}
	cat, err := discovery.Load([]discovery.Source{{Name: "test", FS: fsys}}, reg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := (&discovery.Syncer{DB: d, Tables: discovery.ServicesTables(store)}).Sync(ctx, cat, false); err != nil {
		t.Fatal(err)
	}
	catalog := functions.NewCatalog(d, reg)
	if err := catalog.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	u, err := store.CreateUser(ctx, services.User{Username: "caller", Auth: services.AuthManual}, "pw")
	if err != nil {
		t.Fatal(err)
	}
	svc, err := store.ServiceByShortname(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	token, tok, err := store.CreateToken(ctx, services.TokenSpec{UserID: u.ID, ServiceID: svc.ID})
	if err != nil {
		t.Fatal(err)
	}
	auth := services.NewAuthorizer(store, catalog, services.AuthorizerOptions{})
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	// The production wiring (cmd/wsgate/gateway.go): capabilities from the authorizer's memory.
	pipe := &protocols.Pipeline{Auth: auth, Functions: catalog, Validator: &functions.Validator{KnownCapability: auth.KnownCapability},
		Upstream: &protocols.UpstreamClient{}, Timeout: 200 * time.Millisecond, Log: log}
	return &fixture{pipe: pipe, token: token, queries: queries, store: store, auth: auth,
		userID: u.ID, svcID: svc.ID, tokenID: tok.ID}
}

func (f *fixture) call(fn string, params map[string]any) (*protocols.Result, error) {
	return f.pipe.Dispatch(context.Background(), &protocols.Call{Protocol: "rest", Token: f.token, Function: fn,
		Params: params, RemoteIP: "127.0.0.1"})
}

func TestDispatchMakesNoQueryInSteadyState(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		f := newFixture(t, d, "http://127.0.0.1:1")
		params := map[string]any{"n": "7", "words": map[string]any{"3": "b", "1": "a"}}
		res, err := f.call("local_test_echo", params) // warm-up
		if err != nil {
			t.Fatal(err)
		}
		v := res.Value.(map[string]any)
		if v["n"] != int64(7) || fmt.Sprint(v["words"]) != "[a b]" || v["dropped"] != nil {
			t.Fatalf("result = %#v", v)
		}
		capParams := map[string]any{"cap": "local/test:use"}
		if _, err := f.call("local_test_cap", capParams); err != nil {
			t.Fatal(err)
		}
		before := f.queries.Load()
		for i := 0; i < 1000; i++ {
			if _, err := f.call("local_test_echo", params); err != nil {
				t.Fatal(err)
			}
			if _, err := f.call("local_test_cap", capParams); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := f.call("local_test_cap", map[string]any{"cap": "local/test:nosuch"}); wsgate.CodeOf(err) != "invalidparameter" {
			t.Errorf("an unregistered capability: err = %v, want invalidparameter", err)
		}
		if n := f.queries.Load() - before; n != 0 {
			t.Errorf("2,000 calls after warm-up ran %d queries, want 0", n)
		}
	})
}

func TestDispatchErrors(t *testing.T) {
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"double": 84, "who": %q, "extra": 1}`, r.Header.Get(protocols.HeaderUsername))
	}))
	defer upstream.Close()
	d := dbtest.Open(t, db.SQLite, true)
	f := newFixture(t, d, upstream.URL)
	tests := []struct {
		name   string
		fn     string
		params map[string]any
		token  string
		code   string
	}{
		{"unknown token", "local_test_echo", map[string]any{"n": "1"}, "0123456789abcdef0123456789abcdef", "invalidtoken"},
		{"unknown function", "local_test_nope", nil, "", "invalidrecord"},
		{"missing function name", "", nil, "", "invalidparameter"},
		{"invalid parameter", "local_test_echo", map[string]any{"n": "012"}, "", "invalidparameter"},
		{"unexpected key", "local_test_echo", map[string]any{"n": "1", "x": "1"}, "", "invalidparameter"},
		{"panicking function", "local_test_panic", nil, "", "generalexceptionmessage"},
		{"function past its deadline", "local_test_slow", nil, "", "functiontimeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			token := f.token
			if tt.token != "" {
				token = tt.token
			}
			_, err := f.pipe.Dispatch(context.Background(), &protocols.Call{Protocol: "rest", Token: token,
				Function: tt.fn, Params: tt.params, RemoteIP: "127.0.0.1"})
			if wsgate.CodeOf(err) != tt.code {
				t.Fatalf("err = %v, want %s", err, tt.code)
			}
		})
	}
	// The process keeps serving after a panic.
	if _, err := f.call("local_test_echo", map[string]any{"n": "1"}); err != nil {
		t.Fatalf("call after a panic: %v", err)
	}
}

func TestUpstream(t *testing.T) {
	var mode atomic.Value
	mode.Store("ok")
	upstream := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch mode.Load() {
		case "ok":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"double": 84, "who": %q, "extra": 1}`, r.Header.Get(protocols.HeaderUsername))
		case "moodle-error":
			fmt.Fprint(w, `{"exception":"moodle_exception","errorcode":"nosuchthing","message":"No such thing"}`)
		case "500":
			http.Error(w, "database on fire", 500)
		case "garbage":
			fmt.Fprint(w, "<html>")
		case "bad-shape":
			fmt.Fprint(w, `{"double": "many"}`)
		case "slow":
			time.Sleep(time.Second)
		}
	}))
	defer upstream.Close()
	d := dbtest.Open(t, db.SQLite, true)
	f := newFixture(t, d, upstream.URL)
	res, err := f.call("local_test_remote", map[string]any{"n": "42"})
	if err != nil {
		t.Fatal(err)
	}
	if v := res.Value.(map[string]any); v["double"] != int64(84) || v["who"] != "caller" || len(v) != 2 {
		t.Fatalf("upstream result = %#v", v)
	}
	for _, tt := range []struct{ mode, code string }{
		{"moodle-error", "nosuchthing"}, {"500", "upstreamerror"}, {"garbage", "upstreamerror"},
		{"bad-shape", "invalidresponse"}, {"slow", "upstreamerror"},
	} {
		mode.Store(tt.mode)
		start := time.Now()
		_, err := f.call("local_test_remote", map[string]any{"n": "42"})
		if wsgate.CodeOf(err) != tt.code {
			t.Errorf("%s: err = %v, want %s", tt.mode, err, tt.code)
		}
		if e := wsgate.AsError(err); e != nil && errors.Is(err, wsgate.ErrUpstream) && e.DebugInfo == "" {
			t.Errorf("%s: upstream error without a reason", tt.mode)
		}
		if time.Since(start) > 900*time.Millisecond {
			t.Errorf("%s: took %v; the upstream timeout is 300ms", tt.mode, time.Since(start))
		}
	}
	upstream.Close()
	mode.Store("ok")
	if _, err := f.call("local_test_remote", map[string]any{"n": "42"}); wsgate.CodeOf(err) != "upstreamerror" {
		t.Errorf("upstream down: err = %v", err)
	}
}
