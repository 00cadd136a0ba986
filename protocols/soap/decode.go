package soap

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode/utf8"

	"wsgate"
	"wsgate/protocols"
)

// node is one element of the operation's subtree.
type node struct {
	name  string  // local name
	typ   string  // local part of xsi:type, "" when absent
	null  bool    // xsi:nil="true"
	array bool    // a SOAP-ENC array (arrayType attribute or xsi:type Array)
	text  []byte  // character data, kept while the element has no children
	kids  []*node // child elements in document order
	id    string  // SOAP encoding's id attribute: the target of hrefs
	href  string  // SOAP encoding's href attribute: "#id" of the value this element stands for
}

// envelope is what a request holds for the gateway: the operation element
// (nil when the Body is empty), and what tells an rpc/encoded request from a
// document/literal one.
type envelope struct {
	op      *node
	opSpace string  // the namespace of the operation element
	encoded bool    // SOAP encoding's encodingStyle on the Envelope, the Body or the operation
	refs    []*node // later Body children with an id: multi-reference values
}

// requestError is a request the server refuses before dispatch, with the
// SOAP fault code and HTTP status to answer it with.
type requestError struct {
	faultcode string // "" derives Client or Server from the error's kind
	status    int    // 0 means 500
	err       *wsgate.Error
}

func (e *requestError) Error() string { return e.err.Error() }
func (e *requestError) Unwrap() error { return e.err }

// badRequest is a Client fault with debuginfo.
func badRequest(format string, args ...any) *requestError {
	return &requestError{err: wsgate.ErrInvalidParameter.WithDebugf(format, args...)}
}

// partDepth is the element depth of the parameters (parts): Envelope, Body,
// the operation, the part. Deeper elements are inside depth-partDepth
// arrays or structures.
const partDepth = 4

// readEnvelope parses a SOAP 1.1 envelope from r and returns the first child
// of its Body as a tree. It refuses DTDs and processing instructions, SOAP
// 1.2 envelopes (VersionMismatch) and header blocks marked mustUnderstand
// for this node (MustUnderstand). Every element (at its depth below the
// parts), every byte of names, text and attributes is taken from b, and every
// tag is bounded by protocols.MaxTagBytes, before the decoder holds it.
// Later children of the Body are checked for well-formedness and limits,
// then ignored, except those with an id (multi-reference values an href
// may name).
func readEnvelope(r io.Reader, b *protocols.Budget) (*envelope, error) {
	d := xml.NewDecoder(protocols.NewXMLLimiter(r, b))
	d.CharsetReader = charsetReader
	var (
		env      envelope
		depth    int     // open elements
		stack    []*node // open elements of the operation subtree
		inBody   bool    // the Body element is open
		inHeader bool    // the Header element is open
		started  bool    // the root element was seen
	)
	for {
		tok, err := d.Token()
		if err != nil {
			if errors.Is(err, io.EOF) {
				err = io.ErrUnexpectedEOF
			}
			return nil, malformed(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			depth++
			if err := b.Node(max(depth-partDepth, 0)); err != nil {
				return nil, &requestError{err: wsgate.AsError(err)}
			}
			if err := b.Bytes(len(t.Name.Local)); err != nil { // names become keys
				return nil, &requestError{err: wsgate.AsError(err)}
			}
			switch {
			case depth == 1:
				started = true
				if err := checkRoot(t.Name); err != nil {
					return nil, err
				}
				env.encoded = soapEncoded(t.Attr)
			case depth == 2:
				inHeader = t.Name.Space == nsEnvelope && t.Name.Local == "Header"
				inBody = t.Name.Space == nsEnvelope && t.Name.Local == "Body"
				env.encoded = env.encoded || inBody && soapEncoded(t.Attr)
			case depth == 3 && inHeader:
				if mustUnderstand(t.Attr) {
					return nil, &requestError{faultcode: "soap:MustUnderstand",
						err: wsgate.ErrInvalidParameter.WithDebugf("Header block %s is not understood", t.Name.Local)}
				}
			case depth == 3 && inBody && env.op == nil:
				env.op = newNode(t)
				env.opSpace = t.Name.Space
				env.encoded = env.encoded || soapEncoded(t.Attr)
				stack = append(stack, env.op)
			case depth == 3 && inBody:
				if n := newNode(t); n.id != "" { // a multi-reference value, kept for hrefs
					env.refs = append(env.refs, n)
					stack = append(stack, n)
				}
			case len(stack) > 0:
				n := newNode(t)
				parent := stack[len(stack)-1]
				parent.kids = append(parent.kids, n)
				parent.text = nil
				stack = append(stack, n)
			}
		case xml.EndElement:
			depth--
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
			switch depth {
			case 0:
				return &env, nil
			case 1:
				inHeader, inBody = false, false
			}
		case xml.CharData:
			if err := b.Bytes(len(t)); err != nil {
				return nil, &requestError{err: wsgate.AsError(err)}
			}
			if len(stack) > 0 {
				if n := stack[len(stack)-1]; n.kids == nil {
					n.text = append(n.text, t...)
				}
			}
		case xml.Directive:
			return nil, badRequest("A SOAP message must not contain a DOCTYPE or other declaration")
		case xml.ProcInst:
			if t.Target != "xml" || started {
				return nil, badRequest("A SOAP message must not contain processing instructions")
			}
		}
	}
}

// checkRoot accepts a SOAP 1.1 Envelope only.
func checkRoot(name xml.Name) error {
	switch {
	case name.Local == "Envelope" && name.Space == nsEnvelope:
		return nil
	case name.Local == "Envelope" && name.Space == nsEnvelope12:
		return &requestError{faultcode: "soap:VersionMismatch",
			err: wsgate.ErrInvalidParameter.WithDebug("Only SOAP 1.1 envelopes (" + nsEnvelope + ") are served")}
	case name.Local == "Envelope":
		return &requestError{faultcode: "soap:VersionMismatch",
			err: wsgate.ErrInvalidParameter.WithDebugf("Unknown envelope namespace %q", name.Space)}
	}
	return badRequest("The request is not a SOAP envelope (root element %s)", name.Local)
}

// mustUnderstand reports whether a header block demands processing by this
// node: soap:mustUnderstand="1" and no actor, or the "next" actor.
func mustUnderstand(attrs []xml.Attr) bool {
	must, actor := false, ""
	for _, a := range attrs {
		if a.Name.Space != nsEnvelope {
			continue
		}
		switch a.Name.Local {
		case "mustUnderstand":
			v := strings.TrimSpace(a.Value)
			must = v == "1" || v == "true"
		case "actor":
			actor = strings.TrimSpace(a.Value)
		}
	}
	return must && (actor == "" || actor == actorNext)
}

// newNode reads the attributes the decoder uses from an element.
func newNode(t xml.StartElement) *node {
	n := &node{name: t.Name.Local}
	for _, a := range t.Attr {
		switch {
		case a.Name.Local == "nil" && isXSI(a.Name.Space):
			v := strings.TrimSpace(a.Value)
			n.null = v == "true" || v == "1"
		case a.Name.Local == "type" && isXSI(a.Name.Space):
			v := strings.TrimSpace(a.Value)
			if i := strings.LastIndexByte(v, ':'); i >= 0 {
				v = v[i+1:]
			}
			n.typ = v
			if v == "Array" {
				n.array = true
			}
		case a.Name.Local == "arrayType":
			n.array = true
		case a.Name.Local == "id" && a.Name.Space == "":
			n.id = a.Value
		case a.Name.Local == "href" && a.Name.Space == "":
			n.href = a.Value
		}
	}
	return n
}

// soapEncoded reports whether attrs set SOAP 1.1 encoding as the
// encodingStyle (the first of its space-separated URIs).
func soapEncoded(attrs []xml.Attr) bool {
	for _, a := range attrs {
		if a.Name.Local == "encodingStyle" && a.Name.Space == nsEnvelope {
			uris := strings.Fields(a.Value)
			return len(uris) > 0 && strings.HasPrefix(uris[0], nsEncoding)
		}
	}
	return false
}

// isXSI accepts the XML Schema instance namespace of 2001 and its older
// drafts, and an undeclared "xsi" prefix.
func isXSI(space string) bool {
	return space == nsXSI || space == "xsi" || strings.HasSuffix(space, "/XMLSchema-instance")
}

// malformed is the Client fault for XML the decoder cannot read, or for a
// tag the limiter refused.
func malformed(err error) *requestError {
	if e := (*wsgate.Error)(nil); errors.As(err, &e) {
		return &requestError{err: e}
	}
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return &requestError{status: http.StatusRequestEntityTooLarge,
			err: wsgate.ErrInvalidParameter.WithDebugf("The request body is larger than %d bytes", tooLarge.Limit)}
	}
	return badRequest("Malformed SOAP envelope: %v", err)
}

// charsetReader lets the decoder read ISO-8859-1 (PHP SoapClient's
// "encoding" option) and US-ASCII besides UTF-8.
func charsetReader(charset string, input io.Reader) (io.Reader, error) {
	switch strings.ToLower(strings.TrimSpace(charset)) {
	case "iso-8859-1", "iso8859-1", "latin1", "latin-1", "l1", "us-ascii", "ascii":
		return &latin1Reader{r: bufio.NewReader(input)}, nil
	}
	return nil, fmt.Errorf("unsupported charset %q", charset)
}

// latin1Reader converts ISO-8859-1 bytes to UTF-8.
type latin1Reader struct {
	r   *bufio.Reader
	buf [utf8.UTFMax]byte
	n   int // pending bytes in buf
	off int
}

func (l *latin1Reader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if l.off < l.n {
			p[n] = l.buf[l.off]
			l.off++
			n++
			continue
		}
		if n > 0 && l.r.Buffered() == 0 {
			return n, nil
		}
		c, err := l.r.ReadByte()
		if err != nil {
			return n, err
		}
		if c < utf8.RuneSelf {
			p[n] = c
			n++
			continue
		}
		l.n = utf8.EncodeRune(l.buf[:], rune(c))
		l.off = 0
	}
	return n, nil
}
