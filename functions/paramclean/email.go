package paramclean

import (
	"regexp"
	"strings"
)

// Email is PARAM_EMAIL: the value when Moodle's validate_email()
// accepts it (PHPMailer's default validator, i.e. PHP's
// FILTER_VALIDATE_EMAIL, and no '<' or '>'), else "".
func Email(s string) string {
	s = FixUTF8(s)
	if s == "" || !isEmail(s) {
		return ""
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '<' || c == '>' || c == '\r' || c == '\n' {
			return ""
		}
	}
	return s
}

var (
	emailIPv4 = `(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])(?:\.(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])){3}`
	emailHex  = `[a-f0-9]{1,4}`
	// IPv6 address literal bodies after "IPv6:": full, compressed, or with a
	// trailing IPv4 (the group limits of PHP's lookaheads are checked in code).
	emailIPv6FullRe  = regexp.MustCompile(`(?i)^` + emailHex + `(?::` + emailHex + `){7}$`)
	emailIPv6CompRe  = regexp.MustCompile(`(?i)^(?:` + emailHex + `(?::` + emailHex + `){0,5})?::(?:` + emailHex + `(?::` + emailHex + `){0,5})?$`)
	emailIPv6V4Re    = regexp.MustCompile(`(?i)^` + emailHex + `(?::` + emailHex + `){5}:` + emailIPv4 + `$`)
	emailIPv6CompV4  = regexp.MustCompile(`(?i)^(?:` + emailHex + `(?::` + emailHex + `){0,3})?::(?:` + emailHex + `(?::` + emailHex + `){0,3}:)?` + emailIPv4 + `$`)
	emailIPv4Re      = regexp.MustCompile(`^` + emailIPv4 + `$`)
	emailHexColonRe  = regexp.MustCompile(`(?i)[a-f0-9][:\]]`)
	emailHexColon2Re = regexp.MustCompile(`(?i)[a-f0-9]:`)
)

// isEmail ports PHP's FILTER_VALIDATE_EMAIL (without Unicode): at most 320
// bytes, at most 254 characters and 64 before the '@', a dot-atom or quoted
// local part, and a dotted host name or a bracketed IP literal.
func isEmail(s string) bool {
	if len(s) > 320 {
		return false
	}
	at := strings.LastIndexByte(s, '@')
	if at <= 0 {
		return false
	}
	local, domain := s[:at], s[at+1:]
	if !isEmailLocal(local) || !emailLengthsOK(local, domain) {
		return false
	}
	if strings.HasPrefix(domain, "[") && strings.HasSuffix(domain, "]") {
		return isEmailIPLiteral(domain)
	}
	return isEmailHost(domain)
}

// isEmailLocal checks dot-separated atoms or quoted strings.
func isEmailLocal(s string) bool {
	for i := 0; ; {
		if i < len(s) && s[i] == '"' {
			i++
			for i < len(s) && s[i] != '"' {
				c := s[i]
				switch {
				case c == '\\' && i+1 < len(s) && s[i+1] <= 0x7F:
					i += 2
				case c == 0 || c == '\t' || c == '\n' || c == '\r' || c == ' ' || c == '\\' || c > 0x7F:
					return false
				default:
					i++
				}
			}
			if i >= len(s) {
				return false
			}
			i++ // closing quote
		} else {
			start := i
			for i < len(s) && isAtext(s[i]) {
				i++
			}
			if i == start {
				return false
			}
		}
		if i == len(s) {
			return true
		}
		if s[i] != '.' {
			return false
		}
		i++
	}
}

// isAtext is the local part's atom characters: printable ASCII but
// space and "(),.:;<>@[\].
func isAtext(c byte) bool { return atext[c] }

var atext = func() (t [256]bool) {
	for c := '!'; c < 0x7F; c++ {
		t[c] = !strings.ContainsRune(`"(),.:;<>@[\]`, c)
	}
	return t
}()

// isEmailHost checks a host name of at least two labels of letters, digits
// and inner hyphens, under 64 characters each, the last starting with a
// letter.
func isEmailHost(s string) bool {
	labels := 0
	for len(s) > 0 {
		label := s
		if i := strings.IndexByte(s, '.'); i >= 0 {
			label, s = s[:i], s[i+1:]
			if s == "" {
				return false // a trailing dot
			}
		} else {
			s = ""
		}
		labels++
		if label == "" || len(label) >= 64 || !IsAlphanum(label[0]) || !IsAlphanum(label[len(label)-1]) {
			return false
		}
		for j := 0; j < len(label); j++ {
			if !IsAlphanum(label[j]) && label[j] != '-' {
				return false
			}
		}
		if s == "" && !IsAlpha(label[0]) {
			return false
		}
	}
	return labels >= 2
}

// emailLengthsOK approximates PHP's lookaheads, where quotes and escaping
// backslashes do not count as characters: at most 254 characters in all
// and 64 before the '@'.
func emailLengthsOK(local, domain string) bool {
	n := 0
	for i := 0; i < len(local); i++ {
		switch local[i] {
		case '"':
			continue
		case '\\':
			i++
		}
		n++
	}
	return n <= 64 && n+1+len(domain) <= 254
}

// isEmailIPLiteral checks "[1.2.3.4]" or "[IPv6:...]".
func isEmailIPLiteral(d string) bool {
	body := d[1 : len(d)-1]
	if emailIPv4Re.MatchString(body) {
		return true
	}
	if len(body) < 5 || !strings.EqualFold(body[:5], "IPv6:") {
		return false
	}
	v6 := body[5:]
	switch {
	case emailIPv6FullRe.MatchString(v6), emailIPv6V4Re.MatchString(v6):
		return true
	case emailIPv6CompRe.MatchString(v6):
		return len(emailHexColonRe.FindAllStringIndex(v6+"]", -1)) < 7
	case emailIPv6CompV4.MatchString(v6):
		return len(emailHexColon2Re.FindAllStringIndex(v6, -1)) < 5
	}
	return false
}
