package files_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

func TestUploadStoresEveryFileOfTheBody(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		u := e.newUser("ann", true, true)
		ct, b := body(field("filepath", "/docs/"), file("file_1", "a.txt", "hello"), file("anything", "b.png", "PNG"))
		status, list, errObj := e.post("token="+u.token, ct, b)
		if status != 200 || errObj != nil || len(list) != 2 {
			t.Fatalf("status %d, list %v, error %v", status, list, errObj)
		}
		item := list[0]["itemid"].(float64)
		for i, name := range []string{"a.txt", "b.png"} {
			r := list[i]
			if r["filename"] != name || r["filepath"] != "/docs/" || r["component"] != "user" || r["filearea"] != "draft" ||
				r["itemid"] != item || r["contextid"] != float64(u.id) || r["userid"] != float64(u.id) || r["author"] != "Ann ann" {
				t.Fatalf("record %d: %v", i, r)
			}
		}
		if item <= 0 {
			t.Fatalf("itemid 0 made no new draft item: %v", item)
		}
		path := fmt.Sprintf("/webservice/pluginfile.php/%d/user/draft/%d/docs/a.txt?token=%s", u.id, int64(item), u.token)
		resp, got := e.get("GET", path)
		if resp.StatusCode != 200 || got != "hello" || resp.Header.Get("Content-Type") != "text/plain" {
			t.Fatalf("download: %d %q %s", resp.StatusCode, got, resp.Header.Get("Content-Type"))
		}
		// The same item again: a name already there is refused, the others stored.
		ct, b = body(file("f", "a.txt", "again"), file("g", "c.txt", "new"))
		_, list, _ = e.post(fmt.Sprintf("token=%s&itemid=%d&filepath=/docs/", u.token, int64(item)), ct, b)
		if len(list) != 2 || list[0]["errortype"] != "filenameexist" || list[1]["filename"] != "c.txt" || list[1]["itemid"] != item {
			t.Fatalf("second upload: %v", list)
		}
		if s := e.state(); strings.Count(s, "draft:") != 3 || strings.Count(s, "content:") != 3 {
			t.Fatalf("state %s", s)
		}
	})
}

func TestUploadTakesTheTokenFromTheBody(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		u := e.newUser("ann", true, false)
		ct, b := body(field("token", u.token), field("itemid", "77"), file("f", "a.txt", "x"))
		_, list, errObj := e.post("", ct, b)
		if errObj != nil || len(list) != 1 || list[0]["itemid"] != float64(77) {
			t.Fatalf("list %v error %v", list, errObj)
		}
		// A token after the first file is too late: the file is not read for nobody.
		ct, b = body(file("f", "b.txt", "x"), field("token", u.token))
		_, _, errObj = e.post("", ct, b)
		if errObj["errorcode"] != "invalidtoken" {
			t.Fatalf("error %v", errObj)
		}
	})
}

func TestUploadOversizedFileIsNeverWritten(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		u := e.newUser("ann", true, false)
		e.upload.MaxBytes = 10
		ct, b := body(file("f", "big.bin", strings.Repeat("x", 11)), file("g", "ok.txt", "0123456789"))
		_, list, errObj := e.post("token="+u.token, ct, b)
		if errObj != nil || len(list) != 2 || list[0]["errortype"] != "fileoversized" || list[0]["filename"] != "big.bin" ||
			list[1]["filename"] != "ok.txt" {
			t.Fatalf("list %v error %v", list, errObj)
		}
		if s := e.state(); strings.Contains(s, "big.bin") || strings.Count(s, "content:") != 1 {
			t.Fatalf("state %s", s)
		}
	})
}

// TestUploadBadInputChangesNothing: every refusal answers Moodle's error
// form and leaves the table and the store as they were.
func TestUploadBadInputChangesNothing(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		u := e.newUser("ann", true, false)
		noUpload := e.newUser("bob", false, true)
		e.upload.Quota = 100
		ct, b := body(file("f", "seed.txt", "seed"))
		if _, _, errObj := e.post("token="+u.token, ct, b); errObj != nil {
			t.Fatal(errObj)
		}
		before := e.state()
		many := make([]part, 1000)
		for i := range many {
			many[i] = file(fmt.Sprintf("f%d", i), fmt.Sprintf("n%d.txt", i), "x")
		}
		manyCT, manyBody := body(many...)
		quotaCT, quota := body(file("f", "q.txt", strings.Repeat("q", 97)))
		cutCT, cut := body(file("f", "a.txt", strings.Repeat("y", 5000)), file("g", "b.txt", "z"))
		cut = cut[:len(cut)-100]
		cases := []struct {
			name, query, ctype string
			body               []byte
			code               string
		}{
			{"no token", "", ct, b, "invalidtoken"},
			{"uploadfiles 0", "token=" + noUpload.token, ct, b, "accessexception"},
			{"not multipart", "token=" + u.token, "application/x-www-form-urlencoded", []byte("a=b"), "invalidparameter"},
			{"quota", "token=" + u.token, quotaCT, quota, "userquotalimit"},
			{"1000 files", "token=" + u.token, manyCT, manyBody, "invalidparameter"},
			{"cut in the middle", "token=" + u.token, cutCT, cut, "invalidparameter"},
			{"bad itemid", "token=" + u.token + "&itemid=x", ct, b, "invalidparameter"},
		}
		for _, name := range []string{"..", ".", "../../etc/passwd", "a\\b", "a\x00b", "..\\..\\x", "c:x", ""} {
			cases = append(cases, struct {
				name, query, ctype string
				body               []byte
				code               string
			}{"filename " + name, "token=" + u.token, nameCT, nameBody(name), "invalidparameter"})
		}
		for _, p := range []string{"..", "/..", "/../", "/a/../../", "/%2e%2e/", "/a\\b/", "/a\x00/", "docs/", "/./"} {
			cases = append(cases, struct {
				name, query, ctype string
				body               []byte
				code               string
			}{"filepath " + p, "token=" + u.token + "&filepath=" + url.QueryEscape(p), ct, b, "invalidparameter"})
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				status, list, errObj := e.post(tc.query, tc.ctype, tc.body)
				if status != 200 || list != nil || errObj["errorcode"] != tc.code || errObj["error"] == "" {
					t.Fatalf("status %d list %v error %v, want %s", status, list, errObj, tc.code)
				}
				if _, ok := errObj["debuginfo"]; !ok {
					t.Fatalf("not Moodle's AJAX error form: %v", errObj)
				}
				if s := e.state(); s != before {
					t.Fatalf("store changed:\nbefore %s\nafter  %s", before, s)
				}
			})
		}
	})
}

// nameCT is the content type of nameBody's bodies.
var nameCT, _ = body()

// nameBody is a body of one file named name, with nameCT's boundary.
func nameBody(name string) []byte {
	_, b := bodyWith(strings.TrimPrefix(nameCT, "multipart/form-data; boundary="), file("f", name, "t"))
	return b
}
