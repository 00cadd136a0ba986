package paramclean

import (
	"regexp"
	"strings"
	"unicode/utf8"
)

// ucpSpace is PCRE's \s under PHP's /u modifier, as a character class body.
const ucpSpace = `\t\n\v\f\r \x{85}\x{a0}\x{1680}\x{180e}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}`

var (
	langOpenRe = regexp.MustCompile(`^<lang lang="[a-zA-Z0-9_-]+"[` + ucpSpace + `]*>$`)
	spanOpenRe = regexp.MustCompile(`^<span(?:[` + ucpSpace + `]+lang="[a-zA-Z0-9_-]+"|[` + ucpSpace +
		`]+class="multilang"){2}[` + ucpSpace + `]*>$`)
)

// Text is clean_param(PARAM_TEXT): well-formed multilang markup
// (<lang lang="xx">…</lang>, or <span lang="xx" class="multilang">…</span>)
// survives, any other tag is stripped.
func Text(s string) string {
	s = FixUTF8(s)
	switch {
	case strings.Contains(s, "</lang>"):
		t := StripTags(s, "<lang>")
		if multilangOK(t, "</lang>", langOpenRe) {
			return t
		}
		return StripTags(t, "")
	case strings.Contains(s, "</span>"):
		t := StripTags(s, "<span>")
		if multilangOK(t, "</span>", spanOpenRe) {
			return t
		}
		return StripTags(t, "")
	}
	return StripTags(s, "")
}

// multilangOK walks the tags of s (preg_match_all('/<.*>/suU')): each must be
// an opening tag matching open or the closing tag, closes must follow
// opens, and nothing may stay open.
func multilangOK(s, closing string, open *regexp.Regexp) bool {
	found, isOpen := false, false
	for {
		i := strings.IndexByte(s, '<')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '>')
		if j < 0 {
			break
		}
		tag := s[i : i+j+1]
		s = s[i+j+1:]
		found = true
		if tag == closing {
			if !isOpen {
				return false
			}
			isOpen = false
			continue
		}
		if !open.MatchString(tag) {
			return false
		}
		isOpen = true
	}
	return found && !isOpen
}

// Notags is clean_param(PARAM_NOTAGS).
func Notags(s string) string {
	return StripTags(FixUTF8(s), "")
}

// Tag is clean_param(PARAM_TAG): controls, '<', '>' and '`' removed,
// whitespace runs collapsed, trimmed and cut to 50 characters.
func Tag(s string) string {
	s = FixUTF8(s)
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case isUCPCntrl(r) || r == '<' || r == '>' || r == '`':
			continue
		case isUCPSpace(r):
			if !space {
				b.WriteByte(' ')
			}
			space = true
			continue
		}
		space = false
		b.WriteRune(r)
	}
	t := Trim(b.String())
	if utf8.RuneCountInString(t) > tagMaxLength {
		n := 0
		for i := range t {
			if n == tagMaxLength {
				t = t[:i]
				break
			}
			n++
		}
	}
	return t
}

// tagMaxLength is Moodle's TAG_MAX_LENGTH.
const tagMaxLength = 50

// Taglist is clean_param(PARAM_TAGLIST): comma-separated tags, each
// cleaned as a tag, empty ones dropped.
func Taglist(s string) string {
	parts := strings.Split(FixUTF8(s), ",")
	out := parts[:0]
	for _, p := range parts {
		if t := Tag(p); t != "" {
			out = append(out, t)
		}
	}
	return strings.Join(out, ",")
}
