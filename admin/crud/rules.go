package crud

import (
	"strconv"
	"unicode/utf8"
)

// Err returns Invalid(f), or nil when f is empty.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return Invalid(f)
}

// Text checks a text field into f: present when required, at most max
// characters, and made only of characters ok accepts (nil accepts any).
func (f Fields) Text(field, v string, required bool, max int, ok func(rune) bool, what string) {
	switch {
	case v == "" && required:
		f[field] = "is required"
	case utf8.RuneCountInString(v) > max:
		f[field] = "is longer than " + strconv.Itoa(max) + " characters"
	case ok != nil:
		for _, r := range v {
			if !ok(r) {
				f[field] = "may contain only " + what
				return
			}
		}
	}
}

// AlphaNumExt accepts Moodle's PARAM_ALPHANUMEXT characters: ASCII letters,
// digits, _ and -.
func AlphaNumExt(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-'
}
