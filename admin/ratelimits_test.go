package admin_test

import (
	"errors"
	"fmt"
	"net/http"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/internal/ratelimit"
	"wsgate/protocols"
	"wsgate/services"
)

// TestRateLimits: rules and weights through the admin API, checked against
// the served OpenAPI document, with their events; each change reaches the
// call path at once.
func TestRateLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		e.pipe.Limits = &protocols.RateLimits{Rules: e.auth, Counter: ratelimit.NewLocal(nil)}
		alice := e.newUser("alice")
		token := e.newToken(alice.ID, "test", services.TokenSpec{})
		tok, err := e.store.TokenByValue(e.ctx, token)
		e.must(err)
		test := e.service("test")
		if _, err := e.pipe.Dispatch(e.ctx, echoCall(token)); err != nil {
			t.Fatalf("before any rule: %v", err)
		}

		r := e.do(http.MethodPost, "/1.0/ratelimits", fmt.Sprintf(`{"scope": "token", "target_id": %d, "perminute": 2}`, tok.ID))
		wantStatus(t, r, http.StatusCreated)
		id := idOf(t, r)
		want := fmt.Sprintf(`{"id": %s, "scope": "token", "target_id": %d, "persecond": 0, "perminute": 2, "perhour": 0,
			"perday": 0, "timemodified": %d}`, id, tok.ID, start.Unix())
		if !sameJSON(string(r.body), want) || r.header.Get("Location") != "/1.0/ratelimits/"+id {
			t.Fatalf("created %s, want %s", r.body, want)
		}
		e.wantEvents(event{"ratelimit_created", "config.ratelimits.created", fmt.Sprintf(
			`{"id": %s, "scope": "token", "target_id": %d, "persecond": 0, "perminute": 2, "perhour": 0, "perday": 0}`, id, tok.ID)})
		for i := range 3 {
			_, err := e.pipe.Dispatch(e.ctx, echoCall(token))
			if (i < 2) != (err == nil) || i == 2 && !errors.Is(err, wsgate.ErrRateLimited) {
				t.Fatalf("call %d under a limit of 2 a minute: %v", i+1, err)
			}
		}

		// Refused: a second rule for the target, a bad scope or target, no window, a negative one.
		wantError(t, e.do(http.MethodPost, "/1.0/ratelimits", fmt.Sprintf(`{"scope": "token", "target_id": %d, "perday": 9}`, tok.ID)),
			http.StatusConflict, "resource-exists", "target_id")
		wantError(t, e.do(http.MethodPost, "/1.0/ratelimits", `{"scope": "group", "target_id": 1, "perday": 9}`),
			http.StatusBadRequest, "invalid-data", "scope")
		wantError(t, e.do(http.MethodPost, "/1.0/ratelimits", `{"scope": "user", "target_id": 99999, "perday": 9}`),
			http.StatusBadRequest, "invalid-data", "target_id")
		wantError(t, e.do(http.MethodPost, "/1.0/ratelimits", fmt.Sprintf(`{"scope": "service", "target_id": %d}`, test.ID)),
			http.StatusBadRequest, "invalid-data", "perminute")
		wantError(t, e.do(http.MethodPut, "/1.0/ratelimits/"+id, `{"perhour": -1}`),
			http.StatusBadRequest, "invalid-data", "perhour")
		wantError(t, e.do(http.MethodPut, "/1.0/ratelimits/"+id, fmt.Sprintf(`{"target_id": %d}`, tok.ID+1000)),
			http.StatusBadRequest, "invalid-data", "target_id")
		e.wantEvents()

		// A partial edit keeps the other windows and lifts the refusal.
		wantStatus(t, e.do(http.MethodPut, "/1.0/ratelimits/"+id, `{"perhour": 100}`), http.StatusNoContent)
		wantStatus(t, e.do(http.MethodPut, "/1.0/ratelimits/"+id, `{"perminute": 10}`), http.StatusNoContent)
		if r := e.do(http.MethodGet, "/1.0/ratelimits/"+id, ""); r.object(t)["perhour"] != 100.0 || r.object(t)["perminute"] != 10.0 {
			t.Errorf("after the edits: %s", r.body)
		}
		call := echoCall(token)
		if _, err := e.pipe.Dispatch(e.ctx, call); err != nil || call.RateLimit.Windows[ratelimit.Minute].Remaining != 7 {
			t.Fatalf("after raising the limit to 10: %v, %+v", err, call.RateLimit.Windows[ratelimit.Minute])
		}

		// A weight: each call now spends 3.
		r = e.do(http.MethodPost, "/1.0/ratelimit_weights", `{"function": "local_test_echo", "weight": 3}`)
		wantStatus(t, r, http.StatusCreated)
		if r.header.Get("Location") != "/1.0/ratelimit_weights/local_test_echo" {
			t.Errorf("weight Location %q", r.header.Get("Location"))
		}
		wantError(t, e.do(http.MethodPost, "/1.0/ratelimit_weights", `{"function": "nope", "weight": 3}`),
			http.StatusBadRequest, "invalid-data", "function")
		wantError(t, e.do(http.MethodPut, "/1.0/ratelimit_weights/local_test_echo", `{"weight": 0}`),
			http.StatusBadRequest, "invalid-data", "weight")
		call = echoCall(token)
		if _, err := e.pipe.Dispatch(e.ctx, call); err != nil || call.RateLimit.Windows[ratelimit.Minute].Remaining != 4 {
			t.Fatalf("a call of weight 3: %v, %+v", err, call.RateLimit.Windows[ratelimit.Minute])
		}
		if r := e.do(http.MethodGet, "/1.0/ratelimit_weights?search=echo", ""); len(r.items(t)) != 1 {
			t.Errorf("weights list: %s", r.body)
		}
		wantStatus(t, e.do(http.MethodDelete, "/1.0/ratelimit_weights/local_test_echo", ""), http.StatusNoContent)
		wantStatus(t, e.do(http.MethodDelete, "/1.0/ratelimits/"+id, ""), http.StatusNoContent)
		wantError(t, e.do(http.MethodGet, "/1.0/ratelimits/"+id, ""), http.StatusNotFound, "not-found")
		evs := e.events()
		var names []string
		for _, ev := range evs {
			names = append(names, ev.name)
		}
		if fmt.Sprint(names) != "[ratelimit_edited ratelimit_edited ratelimit_weight_created ratelimit_weight_deleted ratelimit_deleted]" {
			t.Errorf("events %v", names)
		}
		call = echoCall(token)
		if _, err := e.pipe.Dispatch(e.ctx, call); err != nil || call.RateLimit.Windows[ratelimit.Minute].Limit != 0 {
			t.Errorf("after deleting the rule: %v, %+v", err, call.RateLimit)
		}
	})
}
