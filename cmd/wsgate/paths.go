package main

import (
	"net/http"
	"strings"
)

// cleanPaths serves requests whose paths carry redundant slashes as Apache
// serves Moodle: runs of "/" collapse to one ("//webservice/rest/server.php",
// the path npm moodle-client builds from a wwwroot with a trailing slash), and
// a trailing "/" after a ".php" script is dropped (the script with an empty
// PATH_INFO). The request is rewritten in place, never redirected, so a POST
// keeps its body. Paths already clean pass through without allocating.
func cleanPaths(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p, changed := cleanPath(r.URL.Path); changed {
			r.URL.Path = p
			r.URL.RawPath = ""
		}
		next.ServeHTTP(w, r)
	})
}

// cleanPath collapses runs of "/" in p and drops a "/" that follows ".php" at
// its end; changed says whether p was rewritten.
func cleanPath(p string) (string, bool) {
	dirty := strings.Contains(p, "//")
	trailing := len(p) > 5 && strings.HasSuffix(p, ".php/")
	if !dirty && !trailing {
		return p, false
	}
	var b strings.Builder
	b.Grow(len(p))
	for i := 0; i < len(p); i++ {
		if p[i] == '/' && i > 0 && p[i-1] == '/' {
			continue
		}
		b.WriteByte(p[i])
	}
	out := b.String()
	if strings.HasSuffix(out, ".php/") {
		out = out[:len(out)-1]
	}
	return out, out != p
}
