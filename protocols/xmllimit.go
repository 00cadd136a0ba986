package xmlrpc

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// MaxTagBytes bounds one start or end tag, attributes included. XML-RPC
// has no attributes but namespace declarations; encoding/xml holds all the
// attributes of a tag at once, about 40 bytes of memory per 6 bytes of
// input, so one huge tag would cost memory out of proportion to the body.
const MaxTagBytes = 4096

// errTagTooLong is the fault of a tag over MaxTagBytes.
var errTagTooLong = fmt.Errorf("a tag is longer than %d bytes", MaxTagBytes)

// tagLimiter passes bytes through and fails when a tag grows longer than
// MaxTagBytes. It follows just enough of XML's lexical structure to know
// where tags are: comments, CDATA sections and processing instructions are
// not tags (encoding/xml keeps their text in one buffer), and after any
// other <! declaration it stops looking, as the parser refuses it.
type tagLimiter struct {
	r     io.Reader
	state lexState
	n     int     // bytes of the current tag
	quote byte    // the quote of an attribute value being read, or 0
	look  [7]byte // bytes after "<!" while telling a comment from CDATA
	nlook int
	tail  [2]byte // the last two bytes, to find "-->", "]]>" and "?>"
}

type lexState uint8

const (
	lexText    lexState = iota
	lexLess             // after '<'
	lexBang             // after "<!"
	lexTag              // in a start or end tag
	lexComment          // in <!-- -->
	lexCDATA            // in <![CDATA[ ]]>
	lexPI               // in <? ?>
	lexFree             // after a declaration: no more checks
)

func (l *tagLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := range n {
		if !l.step(p[i]) {
			return i, errTagTooLong
		}
	}
	return n, err
}

// step follows one byte; false means the current tag is too long.
func (l *tagLimiter) step(c byte) bool {
	switch l.state {
	case lexText:
		if c == '<' {
			l.state = lexLess
		}
	case lexLess:
		switch c {
		case '!':
			l.state, l.nlook = lexBang, 0
		case '?':
			l.state, l.tail = lexPI, [2]byte{}
		default:
			l.state, l.n, l.quote = lexTag, 2, 0
			if c == '>' {
				l.state = lexText
			}
		}
	case lexBang:
		l.look[l.nlook] = c
		l.nlook++
		got := l.look[:l.nlook]
		switch {
		case bytes.Equal(got, commentOpen):
			l.state, l.tail = lexComment, [2]byte{}
		case bytes.Equal(got, cdataOpen):
			l.state, l.tail = lexCDATA, [2]byte{}
		case bytes.HasPrefix(commentOpen, got), bytes.HasPrefix(cdataOpen, got): // not yet decided
		default:
			l.state = lexFree
		}
	case lexTag:
		l.n++
		if l.n > MaxTagBytes {
			return false
		}
		switch {
		case l.quote != 0:
			if c == l.quote {
				l.quote = 0
			}
		case c == '"' || c == '\'':
			l.quote = c
		case c == '>':
			l.state = lexText
		}
	case lexComment, lexCDATA, lexPI:
		end := l.state == lexComment && l.tail == [2]byte{'-', '-'} ||
			l.state == lexCDATA && l.tail == [2]byte{']', ']'} ||
			l.state == lexPI && l.tail[1] == '?'
		if end && c == '>' {
			l.state = lexText
		}
		l.tail = [2]byte{l.tail[1], c}
	}
	return true
}

// What follows "<!" in a comment and in a CDATA section.
var commentOpen, cdataOpen = []byte("--"), []byte("[CDATA[")

// isTagTooLong reports the tag limiter's error.
func isTagTooLong(err error) bool { return errors.Is(err, errTagTooLong) }
