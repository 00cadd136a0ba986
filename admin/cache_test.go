package admin_test

import (
	"fmt"
	"net/http"
	"testing"

	"wsgate"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
	"wsgate/protocols"
	"wsgate/services"
)

// codeOf is the Moodle errorcode of err, "" for none (wsgate.CodeOf
// wants an error).
func codeOf(err error) string {
	if err == nil {
		return ""
	}
	return wsgate.CodeOf(err)
}

// echoCall is a call of local_test_echo with token.
func echoCall(token string) *protocols.Call {
	return &protocols.Call{Protocol: "rest", Token: token, Function: "local_test_echo",
		Params: map[string]any{"n": "7"}, RemoteIP: "127.0.0.1"}
}

// TestChangesReachTheCallPath checks that a change made through the admin
// API is seen by the next call on the same instance: the authorization
// cache is invalidated after the commit, not after its TTL.
func TestChangesReachTheCallPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		e := newEnv(t, d)
		alice := e.newUser("alice")
		token := e.newToken(alice.ID, "test", services.TokenSpec{})
		call := func(code string) {
			t.Helper()
			_, err := e.pipe.Dispatch(e.ctx, echoCall(token))
			if codeOf(err) != code {
				t.Fatalf("call: %v, want %q", err, code)
			}
		}
		test := fmt.Sprint(e.service("test").ID)
		user := fmt.Sprint(alice.ID)

		call("") // cached from here on
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+test, `{"enabled": false}`), http.StatusNoContent)
		call("accessexception")
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+test, `{"enabled": true}`), http.StatusNoContent)
		call("")

		wantStatus(t, e.do(http.MethodPut, "/1.0/users/"+user, `{"suspended": true}`), http.StatusNoContent)
		call("wsaccessusersuspended")
		wantStatus(t, e.do(http.MethodPut, "/1.0/users/"+user, `{"suspended": false}`), http.StatusNoContent)
		call("")

		// A custom restricted service, its function and its authorised user.
		r := e.do(http.MethodPost, "/1.0/services", `{"name": "Mine", "enabled": true, "restrictedusers": true}`)
		mine := idOf(t, r)
		var id int64
		fmt.Sscan(mine, &id)
		v, _, err := e.store.CreateToken(e.ctx, services.TokenSpec{UserID: alice.ID, ServiceID: id})
		e.must(err)
		token = v
		call("accessexception") // no function yet
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+mine+"/functions/local_test_echo", ""), http.StatusNoContent)
		call("accessexception") // restricted, alice not authorised
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+mine+"/users/"+user, `{"iprestriction": "127.0.0.0/8"}`), http.StatusNoContent)
		call("")
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+mine+"/users/"+user, `{"iprestriction": "10.0.0.0/8"}`), http.StatusNoContent)
		call("accessexception")
		wantStatus(t, e.do(http.MethodDelete, "/1.0/services/"+mine+"/users/"+user, ""), http.StatusNoContent)
		wantStatus(t, e.do(http.MethodPut, "/1.0/services/"+mine, `{"restrictedusers": false, "requiredcapability": "local_test/thing:view"}`),
			http.StatusNoContent)
		call("accessexception") // alice lacks the capability
		r = e.do(http.MethodPost, "/1.0/roles", `{"shortname": "viewer", "capabilities": ["local_test/thing:view"]}`)
		wantStatus(t, e.do(http.MethodPut, "/1.0/users/"+user+"/roles/"+idOf(t, r), ""), http.StatusNoContent)
		call("")
		wantStatus(t, e.do(http.MethodDelete, "/1.0/services/"+mine+"/functions/local_test_echo", ""), http.StatusNoContent)
		call("accessexception")
		wantStatus(t, e.do(http.MethodDelete, "/1.0/services/"+mine, ""), http.StatusNoContent)
		call("invalidtoken") // the service's tokens went with it
	})
}
