package files_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// uploadOne stores content as /name in a new draft item of u and returns the item.
func (e *env) uploadOne(u user, name, content string) int64 {
	e.t.Helper()
	ct, b := body(file("f", name, content))
	_, list, errObj := e.post("token="+u.token, ct, b)
	if errObj != nil || len(list) != 1 {
		e.t.Fatalf("upload: %v %v", list, errObj)
	}
	return int64(list[0]["itemid"].(float64))
}

func TestDownloadServesWithHTTPSemantics(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		u := e.newUser("ann", true, true)
		item := e.uploadOne(u, "notes.txt", "0123456789")
		base := fmt.Sprintf("/webservice/pluginfile.php/%d/user/draft/%d/notes.txt?token=%s", u.id, item, u.token)
		resp, got := e.get("GET", base)
		etag := resp.Header.Get("ETag")
		if resp.StatusCode != 200 || got != "0123456789" || etag == "" || resp.Header.Get("Last-Modified") == "" ||
			!strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
			t.Fatalf("GET: %d %q %v", resp.StatusCode, got, resp.Header)
		}
		cases := []struct {
			name, method, path string
			header             []string
			status             int
			body               string
			check              func(h http.Header) bool
		}{
			{name: "range", method: "GET", path: base, header: []string{"Range", "bytes=2-4"}, status: 206, body: "234",
				check: func(h http.Header) bool { return h.Get("Content-Range") == "bytes 2-4/10" }},
			{name: "range past the end", method: "GET", path: base, header: []string{"Range", "bytes=20-30"}, status: 416},
			{name: "head", method: "HEAD", path: base, status: 200, body: "",
				check: func(h http.Header) bool { return h.Get("Content-Length") == "10" }},
			{name: "if-none-match", method: "GET", path: base, header: []string{"If-None-Match", etag}, status: 304},
			{name: "forcedownload", method: "GET", path: base + "&forcedownload=1", status: 200, body: "0123456789",
				check: func(h http.Header) bool { return h.Get("Content-Disposition") == `attachment; filename=notes.txt` }},
			{name: "file= argument", method: "GET", status: 200, body: "0123456789",
				path: fmt.Sprintf("/webservice/pluginfile.php?token=%s&file=/%d/user/draft/%d/notes.txt", u.token, u.id, item)},
			{name: "draftfile.php", method: "GET", status: 200, body: "0123456789",
				path: fmt.Sprintf("/webservice/draftfile.php/%d/user/draft/%d/notes.txt?token=%s", u.id, item, u.token)},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp, got := e.get(tc.method, tc.path, tc.header...)
				if resp.StatusCode != tc.status || (tc.body != "" && got != tc.body) || (tc.check != nil && !tc.check(resp.Header)) {
					t.Fatalf("%d %q %v", resp.StatusCode, got, resp.Header)
				}
			})
		}
	})
}

// TestDownloadRefusals: who may not read, and paths that try to get out.
func TestDownloadRefusals(t *testing.T) {
	eachDB(t, func(t *testing.T, e *env) {
		u := e.newUser("ann", true, true)
		other := e.newUser("bob", true, true)
		noDownload := e.newUser("cid", true, false)
		item := e.uploadOne(u, "a.txt", "secret")
		path := func(tok string) string {
			return fmt.Sprintf("/webservice/pluginfile.php/%d/user/draft/%d/a.txt?token=%s", u.id, item, tok)
		}
		cases := []struct {
			name, path string
			status     int
			code       string
		}{
			{"no token", path(""), 401, "invalidtoken"},
			{"downloadfiles 0", path(noDownload.token), 403, "accessexception"},
			{"another user's draft", path(other.token), 404, "filenotfound"},
			{"another user's draft through draftfile.php", strings.Replace(path(other.token), "pluginfile", "draftfile", 1), 404, "filenotfound"},
			{"no such file", strings.Replace(path(u.token), "a.txt", "b.txt", 1), 404, "filenotfound"},
			{"too short", "/webservice/pluginfile.php/1/user?token=" + u.token, 404, "filenotfound"},
		}
		for _, trav := range []string{"..", "%2e%2e", "%252e%252e", "a%00b", "a%5cb", "."} {
			cases = append(cases, struct {
				name, path string
				status     int
				code       string
			}{"slash argument " + trav, fmt.Sprintf("/webservice/pluginfile.php/%d/user/draft/%d/%s/a.txt?token=%s", u.id, item, trav, u.token), 400, "invalidparameter"})
			cases = append(cases, struct {
				name, path string
				status     int
				code       string
			}{"file= " + trav, fmt.Sprintf("/webservice/pluginfile.php?token=%s&file=/%d/user/draft/%d/%s/a.txt", u.token, u.id, item, trav), 400, "invalidparameter"})
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				resp, got := e.get("GET", tc.path)
				if resp.StatusCode != tc.status || !strings.Contains(got, `"errorcode":"`+tc.code+`"`) || strings.Contains(got, "secret") {
					t.Fatalf("%d %s", resp.StatusCode, got)
				}
			})
		}
	})
}
