package paramclean

import "strings"

// StripTags is PHP 8's strip_tags(s, allow): a port of php_strip_tags_ex,
// the byte state machine that drops HTML and PHP tags and comments. allow
// lists the tags to keep in lower case, e.g. "<lang>".
//
// States: 0 text, 1 inside a tag, 2 inside <? ... ?>, 3 inside <! ... >,
// 4 inside <!-- ... -->.
func StripTags(s, allow string) string {
	if strings.IndexByte(s, '<') < 0 && strings.IndexByte(s, 0) < 0 {
		return s // nothing can change: '>' in text is kept while depth is 0
	}
	buf := s
	end := len(buf)
	at := func(i int) byte { // C reads the terminating NUL past the end
		if i >= 0 && i < end {
			return buf[i]
		}
		return 0
	}
	out := make([]byte, 0, len(s))
	var tbuf []byte // the current tag, kept only when allow is set
	var inQ, lc byte
	state, depth, br := 0, 0, 0
	isXML := false
	keep := func(c byte) {
		if allow != "" {
			tbuf = append(tbuf, c)
		}
	}
	for p := 0; p < end; p++ {
		c := buf[p]
		switch state {
		case 0:
			switch c {
			case 0:
			case '<':
				if inQ != 0 {
					break
				}
				if IsCSpace(at(p + 1)) {
					out = append(out, c)
					break
				}
				lc = '<'
				state = 1
				keep('<')
			case '>':
				if depth > 0 {
					depth--
					break
				}
				if inQ != 0 {
					break
				}
				out = append(out, c)
			default:
				out = append(out, c)
			}
		case 1:
			switch c {
			case 0:
			case '<':
				if inQ != 0 {
					break
				}
				if IsCSpace(at(p + 1)) {
					keep(c)
					break
				}
				depth++
			case '>':
				if depth > 0 {
					depth--
					break
				}
				if inQ != 0 {
					break
				}
				lc = '>'
				if isXML && at(p-1) == '-' {
					break
				}
				inQ, state, isXML = 0, 0, false
				if allow != "" {
					tbuf = append(tbuf, '>')
					if tagFind(tbuf, allow) {
						out = append(out, tbuf...)
					}
					tbuf = tbuf[:0]
				}
			case '"', '\'':
				if p != 0 && (inQ == 0 || c == inQ) {
					if inQ != 0 {
						inQ = 0
					} else {
						inQ = c
					}
				}
				keep(c)
			case '!':
				if at(p-1) == '<' && p >= 1 {
					state = 3
					lc = c
					break
				}
				keep(c)
			case '?':
				if at(p-1) == '<' && p >= 1 {
					br = 0
					state = 2
					break
				}
				keep(c)
			default:
				keep(c)
			}
		case 2:
			switch c {
			case '(':
				if lc != '"' && lc != '\'' {
					lc = '('
					br++
				}
			case ')':
				if lc != '"' && lc != '\'' {
					lc = ')'
					br--
				}
			case '>':
				if depth > 0 {
					depth--
					break
				}
				if inQ != 0 {
					break
				}
				if br == 0 && p >= 1 && lc != '"' && buf[p-1] == '?' {
					inQ, state = 0, 0
					tbuf = tbuf[:0]
				}
			case '"', '\'':
				if p >= 1 && buf[p-1] != '\\' {
					if lc == c {
						lc = 0
					} else if lc != '\\' {
						lc = c
					}
					if p != 0 && (inQ == 0 || c == inQ) {
						if inQ != 0 {
							inQ = 0
						} else {
							inQ = c
						}
					}
				}
			case 'l', 'L':
				if p > 4 && (buf[p-1] == 'm' || buf[p-1] == 'M') && (buf[p-2] == 'x' || buf[p-2] == 'X') &&
					buf[p-3] == '?' && buf[p-4] == '<' {
					state = 1
					isXML = true
				}
			}
		case 3:
			switch c {
			case '>':
				if depth > 0 {
					depth--
					break
				}
				if inQ != 0 {
					break
				}
				inQ, state = 0, 0
				tbuf = tbuf[:0]
			case '"', '\'':
				if p != 0 && buf[p-1] != '\\' && (inQ == 0 || c == inQ) {
					if inQ != 0 {
						inQ = 0
					} else {
						inQ = c
					}
				}
			case '-':
				if p >= 2 && buf[p-1] == '-' && buf[p-2] == '!' {
					state = 4
				}
			case 'E', 'e':
				if p > 6 && lowerASCII(buf[p-1]) == 'p' && lowerASCII(buf[p-2]) == 'y' && lowerASCII(buf[p-3]) == 't' &&
					lowerASCII(buf[p-4]) == 'c' && lowerASCII(buf[p-5]) == 'o' && lowerASCII(buf[p-6]) == 'd' {
					state = 1
				}
			}
		case 4:
			if c == '>' && inQ == 0 && p >= 2 && buf[p-1] == '-' && buf[p-2] == '-' {
				inQ, state = 0, 0
				tbuf = tbuf[:0]
			}
		}
	}
	return string(out)
}

// tagFind is php_tag_find: it normalises a tag ("<A href=x>" becomes "<a>",
// "</a>" becomes "<a>") and reports whether allow contains it.
func tagFind(tag []byte, allow string) bool {
	if len(tag) == 0 {
		return false
	}
	at := func(i int) byte {
		if i >= 0 && i < len(tag) {
			return tag[i]
		}
		return 0
	}
	norm := make([]byte, 0, len(tag)+1)
	seen := false
	for t := 0; ; t++ {
		c := lowerASCII(at(t))
		if c == '>' || (c == 0 && t >= len(tag)) {
			break
		}
		if c == '<' {
			norm = append(norm, c)
			continue
		}
		if IsCSpace(c) {
			if seen {
				break
			}
			continue
		}
		seen = true
		if c != '/' || (at(t-1) != '<' && at(t+1) != '>') {
			norm = append(norm, c)
		}
	}
	norm = append(norm, '>')
	return strings.Contains(allow, string(norm))
}

func lowerASCII(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
