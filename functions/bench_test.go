package functions

import (
	"strconv"
	"testing"
)

// benchParams is a create-users call with 8 fields per user, in the manner
// of Moodle's core_user_create_users.
func benchParams() *Description {
	return single(key("users", multiple(single(
		key("username", value(ParamUsername)),
		key("password", optional(value(ParamRaw))),
		key("firstname", value(ParamNotags)),
		key("lastname", value(ParamNotags)),
		key("email", value(ParamEmail)),
		key("auth", notNull(withDefault(value(ParamPlugin), "manual"))),
		key("city", optional(value(ParamText))),
		key("maildisplay", optional(value(ParamInt))),
	))))
}

// benchUsers builds n users as a form-encoded REST request decodes them,
// every leaf a string; every other user leaves auth to its default.
func benchUsers(n int) map[string]any {
	users := make([]any, n)
	for i := range users {
		s := strconv.Itoa(i)
		u := map[string]any{
			"username": "user" + s, "password": "Secret-" + s, "firstname": "First " + s,
			"lastname": "Last " + s, "email": "user" + s + "@example.com",
			"city": "Paris", "maildisplay": "1",
		}
		if i%2 == 0 {
			u["auth"] = "ldap"
		}
		users[i] = u
	}
	return map[string]any{"users": users}
}

func benchmarkValidate(b *testing.B, n int) {
	d, in := benchParams(), benchUsers(n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Validate(d, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidate20Users(b *testing.B)  { benchmarkValidate(b, 20) }
func BenchmarkValidate200Users(b *testing.B) { benchmarkValidate(b, 200) }

func benchReturns() *Description {
	return multiple(single(
		key("id", value(ParamInt)),
		key("username", value(ParamUsername)),
		key("fullname", value(ParamNotags)),
		key("email", value(ParamEmail)),
		key("timecreated", value(ParamInt)),
		key("suspended", value(ParamBool)),
		key("description", optional(value(ParamRaw))),
		key("lang", withDefault(value(ParamSafedir), "en")),
	))
}

func benchRecords(n int) []any {
	recs := make([]any, n)
	for i := range recs {
		s := strconv.Itoa(i)
		recs[i] = map[string]any{
			"id": int64(i + 1000), "username": "user" + s, "fullname": "User " + s,
			"email": "user" + s + "@example.com", "timecreated": int64(1700000000 + i),
			"suspended": i%7 == 0, "description": "<p>Hello</p>", "password": "dropped",
		}
	}
	return recs
}

func benchmarkCleanReturn(b *testing.B, n int) {
	d, in := benchReturns(), benchRecords(n)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CleanReturn(d, in); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCleanReturn100(b *testing.B)  { benchmarkCleanReturn(b, 100) }
func BenchmarkCleanReturn1000(b *testing.B) { benchmarkCleanReturn(b, 1000) }

type benchRecord struct {
	ID          int64  `json:"id"`
	Username    string `json:"username"`
	Fullname    string `json:"fullname"`
	Email       string `json:"email"`
	TimeCreated int64  `json:"timecreated"`
	Suspended   bool   `json:"suspended"`
	Description string `json:"description"`
	Password    string `json:"-"`
}

// BenchmarkCleanReturn100Structs is the same result as Go structs.
func BenchmarkCleanReturn100Structs(b *testing.B) {
	d := benchReturns()
	recs := make([]benchRecord, 100)
	for i := range recs {
		s := strconv.Itoa(i)
		recs[i] = benchRecord{int64(i + 1000), "user" + s, "User " + s, "user" + s + "@example.com",
			int64(1700000000 + i), i%7 == 0, "<p>Hello</p>", "x"}
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CleanReturn(d, recs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCleanReturn100Conforming is a result that needs no cleaning: no
// undeclared key, no default to insert, every leaf of its declared type.
func BenchmarkCleanReturn100Conforming(b *testing.B) {
	d, in := benchReturns(), benchRecords(100)
	for _, r := range in {
		m := r.(map[string]any)
		delete(m, "password")
		m["lang"] = "en"
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := CleanReturn(d, in); err != nil {
			b.Fatal(err)
		}
	}
}
