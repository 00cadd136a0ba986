package db

import (
	"net/url"
	"regexp"
	"strings"
)

// redactedPassword stands in for a password in what the gateway prints.
const redactedPassword = "xxxxx"

// passwordParam matches a password given as a query parameter or a
// keyword/value pair (password=..., as libpq accepts).
var passwordParam = regexp.MustCompile(`(?i)(\bpassword\s*=\s*)('[^']*'|[^&\s]*)`)

// Redact returns rawURL fit for errors and logs: the password of its user
// information and any password= parameter replaced by xxxxx. It works on
// URLs that do not parse as well (a mistyped scheme, a bad port), erring on
// the side of hiding too much.
func Redact(rawURL string) string {
	s := rawURL
	if u, err := url.Parse(s); err == nil && u.Host != "" {
		s = u.Redacted()
	} else {
		s = redactUserinfo(s)
	}
	return passwordParam.ReplaceAllString(s, "${1}"+redactedPassword)
}

// redactUserinfo hides what lies between the first ':' of the user
// information and the last '@' of a URL that did not parse.
func redactUserinfo(s string) string {
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	} else if i := strings.IndexByte(s, ':'); i >= 0 {
		start = i + 1
	}
	rest := s[start:]
	at := strings.LastIndexByte(rest, '@')
	if at < 0 {
		return s
	}
	colon := strings.IndexByte(rest[:at], ':')
	if colon < 0 {
		return s
	}
	return s[:start] + rest[:colon+1] + redactedPassword + rest[at:]
}
