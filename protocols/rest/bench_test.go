package rest_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"wsgate/functions"
	"wsgate/protocols"
	"wsgate/protocols/rest"
)

// usersDesc and users are a 100-record return value, core_user_get_users style.
var usersDesc = multiple(single(
	"id", val(functions.ParamInt),
	"username", val(functions.ParamUsername),
	"fullname", val(functions.ParamNotags),
	"email", val(functions.ParamRaw),
	"suspended", val(functions.ParamBool),
	"grade", val(functions.ParamFloat),
	"profileurl", val(functions.ParamURL),
	"description", opt(val(functions.ParamRaw)),
	"roles", multiple(single("roleid", val(functions.ParamInt), "shortname", val(functions.ParamAlphanumext))),
))

var users = func() []any {
	out := make([]any, 100)
	for i := range out {
		out[i] = map[string]any{
			"id": int64(1000 + i), "username": fmt.Sprintf("user%03d", i), "fullname": fmt.Sprintf("Zoë Üser %d", i),
			"email": fmt.Sprintf("user%03d@example.org", i), "suspended": i%7 == 0, "grade": float64(i) / 3,
			"profileurl": fmt.Sprintf("https://lms.example.org/user/profile.php?id=%d", 1000+i),
			"roles":      []any{map[string]any{"roleid": int64(5), "shortname": "student"}},
		}
	}
	return out
}()

func BenchmarkEncodeJSON100(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = rest.EncodeJSON(usersDesc, users)
	}
}

func BenchmarkEncodeXML100(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		_ = rest.EncodeXML(usersDesc, users)
	}
}

// benchServer serves a small call through a dispatcher that does nothing: the
// protocol layer's own cost.
func benchServer(b *testing.B, method, target, contentType, body string) {
	res := &protocols.Result{Function: echoFunction, Value: map[string]any{"id": int64(7), "name": "x"}}
	s := &rest.Server{Dispatcher: protocols.DispatcherFunc(func(context.Context, *protocols.Call) (*protocols.Result, error) {
		return res, nil
	})}
	b.ReportAllocs()
	for b.Loop() {
		var r *http.Request
		if body != "" {
			r = httptest.NewRequest(method, target, strings.NewReader(body))
			r.Header.Set("Content-Type", contentType)
		} else {
			r = httptest.NewRequest(method, target, nil)
		}
		w := httptest.NewRecorder()
		s.ServeHTTP(w, r)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code)
		}
	}
}

func BenchmarkServeHTTPGetJSON(b *testing.B) {
	benchServer(b, "GET", rest.Path+"?wstoken=2f0c8f1e7a1b4c3d9e8f7a6b5c4d3e2f&wsfunction=local_echo&moodlewsrestformat=json&id=7&name=x", "", "")
}

func BenchmarkServeHTTPPostFormXML(b *testing.B) {
	benchServer(b, "POST", rest.Path, "application/x-www-form-urlencoded",
		"wstoken=2f0c8f1e7a1b4c3d9e8f7a6b5c4d3e2f&wsfunction=local_echo&users[0][username]=jdoe&users[0][email]=jdoe%40example.com")
}

func BenchmarkServeHTTPPostJSON(b *testing.B) {
	benchServer(b, "POST", rest.Path+"?moodlewsrestformat=json", "application/json",
		`{"wstoken":"2f0c8f1e7a1b4c3d9e8f7a6b5c4d3e2f","wsfunction":"local_echo","users":[{"username":"jdoe","email":"jdoe@example.com"}]}`)
}

// BenchmarkRecorderOnly is the cost of httptest itself, to subtract.
func BenchmarkRecorderOnly(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("GET", rest.Path+"?wstoken=x&wsfunction=local_echo&moodlewsrestformat=json&id=7&name=x", nil)
		w := httptest.NewRecorder()
		w.WriteHeader(200)
		_ = r
	}
}
