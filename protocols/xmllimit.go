package protocols

import (
	"bytes"
	"io"
	"strconv"

	"wsgate"
)

// MaxTagBytes bounds one start or end tag of an XML request, attributes
// included. encoding/xml holds all the attributes of a tag at once, about
// 40 bytes of memory per 6 bytes of input, so one huge tag would cost
// memory out of proportion to the body; SOAP and XML-RPC tags are a few
// hundred bytes at most (namespace declarations).
const MaxTagBytes = 4096

// errTagTooLong is the error of a tag over MaxTagBytes.
var errTagTooLong = wsgate.ErrRequestTooLarge.Messagef("holds a tag longer than " + strconv.Itoa(MaxTagBytes) + " bytes")

// XMLLimiter passes an XML document through to encoding/xml and fails, with
// wsgate.ErrRequestTooLarge, as soon as a tag grows longer than MaxTagBytes
// or the attributes of the tags read so far pass the budget's string bytes:
// before the decoder holds them. It follows just enough of XML's lexical
// structure to know where tags are: comments, CDATA sections and processing
// instructions are not tags (encoding/xml keeps their text in one buffer),
// and after any other <! declaration it stops looking, as the decoders
// refuse declarations.
type XMLLimiter struct {
	r      io.Reader
	budget *Budget
	state  lexState
	n      int     // bytes of the current tag
	attrs  int     // bytes of the current tag after its name
	named  bool    // the current tag's name has ended
	quote  byte    // the quote of an attribute value being read, or 0
	look   [7]byte // bytes after "<!" while telling a comment from CDATA
	nlook  int
	tail   [2]byte // the last two bytes, to find "-->", "]]>" and "?>"
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

// NewXMLLimiter returns a limiter reading r and charging attribute bytes to b.
func NewXMLLimiter(r io.Reader, b *Budget) *XMLLimiter {
	return &XMLLimiter{r: r, budget: b}
}

// Read reads from the document; the bytes before a limit is passed are
// returned with the error.
func (l *XMLLimiter) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	for i := range n {
		if e := l.step(p[i]); e != nil {
			return i, e
		}
	}
	return n, err
}

// step follows one byte.
func (l *XMLLimiter) step(c byte) error {
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
			l.state, l.n, l.attrs, l.named, l.quote = lexTag, 2, 0, false, 0
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
		if l.n++; l.n > MaxTagBytes {
			return errTagTooLong
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
			return l.budget.Bytes(l.attrs)
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			l.named = true
		}
		if l.named {
			l.attrs++
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
	return nil
}

// What follows "<!" in a comment and in a CDATA section.
var commentOpen, cdataOpen = []byte("--"), []byte("[CDATA[")
