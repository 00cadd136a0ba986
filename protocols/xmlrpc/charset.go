package xmlrpc

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"
)

// charsetReader lets requests declare ISO-8859-1 (what PHP's ext/xmlrpc
// wrote by default) or US-ASCII besides UTF-8; other charsets are refused.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "iso-8859-1", "iso8859-1", "latin1", "l1", "us-ascii", "ascii":
		return &latin1Reader{r: bufio.NewReader(input)}, nil
	}
	return nil, fmt.Errorf("charset %q is not supported (use UTF-8)", charset)
}

// latin1Reader converts ISO-8859-1 (of which US-ASCII is a subset) to UTF-8.
type latin1Reader struct {
	r   *bufio.Reader
	buf [utf8.UTFMax]byte
	n   int   // bytes of buf not yet returned
	err error // the error that ended the input
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	i := 0
	for i < len(p) {
		if l.n > 0 {
			c := copy(p[i:], l.buf[:l.n])
			copy(l.buf[:], l.buf[c:l.n])
			l.n -= c
			i += c
			continue
		}
		if l.err != nil {
			break
		}
		b, err := l.r.ReadByte()
		if err != nil {
			l.err = err
			break
		}
		if b < utf8.RuneSelf {
			p[i] = b
			i++
			continue
		}
		l.n = utf8.EncodeRune(l.buf[:], rune(b))
	}
	if i == 0 && l.err != nil {
		return 0, l.err
	}
	return i, nil
}
