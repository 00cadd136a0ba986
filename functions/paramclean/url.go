package paramclean

import (
	"regexp"
	"strings"
)

// URL syntax of Moodle's validateUrlSyntax(), built the way that function
// builds it from its option string.
const (
	urlUnreserved = `[a-zA-Z0-9_.!~*'()-]`
	urlEscaped    = `(%[0-9a-fA-F]{2})`
	urlReserved   = `[;/?:@&=+$,]`
	urlIPAddress  = `((((2(([0-4][0-9])|(5[0-5])))|([01]?[0-9]?[0-9]))\.){3}((2(([0-4][0-9])|(5[0-5])))|([01]?[0-9]?[0-9])))`
	urlTertiary   = `([a-zA-Z0-9](([a-zA-Z0-9-]{0,62})[a-zA-Z0-9])?\.)*`
	urlTopLevel   = `([a-zA-Z](([a-zA-Z0-9-]*)[a-zA-Z0-9])?)`
	urlPort       = `(:(([0-5]?[0-9]{1,4})|(6[0-4][0-9]{3})|(65[0-4][0-9]{2})|(655[0-2][0-9])|(6553[0-5])))`
	urlPath       = `(/((;)?(` + urlUnreserved + `|` + urlEscaped + `|[:@&=+$,])+(/)?)*)`
	urlQuery      = `(\?(` + urlReserved + `|` + urlUnreserved + `|` + urlEscaped + `)*)`
	urlFragment   = `(#(` + urlReserved + `|` + urlUnreserved + `|` + urlEscaped + `)*)`
)

var (
	// urlRe is validateUrlSyntax($v, 's?H?S?F?E-u-P-a?I?p?f?q?r?'): optional
	// http/https/ftp scheme, no user info, optional IP or domain, optional
	// port, path, query and fragment.
	urlRe = regexp.MustCompile(`(?i)^((http://)|(https://)|(ftp://))?((` + urlIPAddress + `)|(` + urlTertiary + urlTopLevel + `))?` +
		urlPort + `?` + urlPath + `?` + urlQuery + `?` + urlFragment + `?$`)
	// relativeURLRe is validateUrlSyntax($v, 's-u-P-a-p-f+q?r?'): a path with
	// optional query and fragment.
	relativeURLRe = regexp.MustCompile(`(?i)^` + urlPath + urlQuery + `?` + urlFragment + `?$`)
	schemeRe      = regexp.MustCompile(`(?i)^(https?|ftp)://`)
	javascriptRe  = regexp.MustCompile(`(?i)javascript:`)
	domainNameRe  = regexp.MustCompile(`^([a-zA-Z0-9](([a-zA-Z0-9-]{0,61})[a-zA-Z0-9])?\.)*([a-zA-Z](([a-zA-Z0-9-]*)[a-zA-Z0-9])?)$`)
)

// URL is PARAM_URL: the value if validateUrlSyntax accepts it, else "".
func URL(s string) string {
	s = FixUTF8(s)
	if s == "" || s == "0" || !PCREMatch(urlRe.MatchString, s) {
		return ""
	}
	return s
}

// LocalURL is PARAM_LOCALURL with no wwwroot configured: a valid URL
// that is root-relative ("/..."), a syntactically valid relative URL
// without "javascript:", or a full http(s)/ftp URL (any host counts as
// local when the gateway has no wwwroot of its own).
func LocalURL(s string) string {
	s = URL(s)
	switch {
	case s == "" || s == "0":
		return ""
	case strings.HasPrefix(s, "/"), schemeRe.MatchString(s):
		return s
	case PCREMatch(relativeURLRe.MatchString, "/"+s) && !javascriptRe.MatchString(s):
		return s
	}
	return ""
}

// Host is PARAM_HOST (Moodle 4.5+): a domain name (ip_utils::
// is_domain_name) or an IPv4 dotted quad (FILTER_VALIDATE_IP), else "".
func Host(s string) string {
	if (len(s) <= 253 && PCREMatch(domainNameRe.MatchString, s)) || isIPv4(s) {
		return s
	}
	return ""
}

// isIPv4 is PHP's FILTER_VALIDATE_IP with FILTER_FLAG_IPV4: four decimal
// octets up to 255, no leading zeros.
func isIPv4(s string) bool {
	if strings.IndexByte(s, ':') >= 0 || strings.IndexByte(s, '.') < 0 {
		return false
	}
	n, i := 0, 0
	for i < len(s) {
		if !isDigit(s[i]) {
			return false
		}
		leadingZero := s[i] == '0'
		num, m := int(s[i]-'0'), 1
		i++
		for i < len(s) && isDigit(s[i]) {
			num = num*10 + int(s[i]-'0')
			m++
			if num > 255 || m > 3 {
				return false
			}
			i++
		}
		if leadingZero && (num != 0 || m > 1) {
			return false
		}
		n++
		if n == 4 {
			return i == len(s)
		}
		if i >= len(s) || s[i] != '.' {
			return false
		}
		i++
	}
	return false
}
