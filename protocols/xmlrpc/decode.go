package xmlrpc

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"

	"wsgate"
	"wsgate/protocols"
)

// MethodCall is a decoded XML-RPC request.
type MethodCall struct {
	Method string // the methodName, surrounding whitespace removed
	Params []any  // the values of the params in order; never nil
}

// DecodeCall reads one methodCall document from r within the default
// parse budget (DecodeCallWithin).
func DecodeCall(r io.Reader) (*MethodCall, error) {
	return DecodeCallWithin(r, protocols.NewBudget(protocols.Limits{}))
}

// DecodeCallWithin reads one methodCall document from r, taking every value
// (at its depth: the arrays and structs around it), every byte of text and
// every byte of attributes from b, and every tag within
// protocols.MaxTagBytes. Errors are *wsgate.Error values
// (invalid_parameter_exception) whose debuginfo says what is wrong and
// where; a body cut by http.MaxBytesReader says so.
func DecodeCallWithin(r io.Reader, b *protocols.Budget) (*MethodCall, error) {
	p := newParser(r, b)
	call, err := p.methodCall()
	if err != nil {
		return nil, p.fail(err)
	}
	return call, nil
}

// parser is a recursive-descent parser of the XML-RPC grammar over the
// tokens of an encoding/xml Decoder. RawToken is used for speed; the
// grammar checks every end tag itself.
type parser struct {
	budget *protocols.Budget
	d      *xml.Decoder
	r      *readErr
	text   []byte // text of the current scalar, reused
}

func newParser(r io.Reader, b *protocols.Budget) *parser {
	p := &parser{budget: b, r: &readErr{r: r}}
	p.d = xml.NewDecoder(protocols.NewXMLLimiter(p.r, b))
	p.d.Strict = true // the five predefined entities and character references only
	p.d.CharsetReader = charsetReader
	return p
}

// errSyntax is an error in the request's grammar, reported with a position.
type errSyntax struct{ msg string }

func (e *errSyntax) Error() string { return e.msg }

func syntaxf(format string, args ...any) error {
	return &errSyntax{msg: fmt.Sprintf(format, args...)}
}

// errDoctype refuses document type declarations (entity definitions).
var errDoctype = errors.New("DOCTYPE and other <!...> declarations are not allowed")

// fail turns a parse error into the fault the caller sees.
func (p *parser) fail(err error) error {
	if p.r.err != nil { // the body, not the document, failed
		if mbe := (*http.MaxBytesError)(nil); errors.As(p.r.err, &mbe) {
			return errTooLarge(mbe.Limit)
		}
		return wsgate.ErrInvalidParameter.WithDebug("The request body could not be read").Wrap(p.r.err)
	}
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se):
		return errBadRequest(fmt.Sprintf("malformed XML at line %d: %s", se.Line, se.Msg))
	case errors.Is(err, io.EOF):
		return errBadRequest("the document ends before the methodCall is complete")
	}
	line, _ := p.d.InputPos()
	if e := (*wsgate.Error)(nil); errors.As(err, &e) { // over the budget
		return e.WithDebugf("at line %d", line)
	}
	var gr *errSyntax
	if errors.As(err, &gr) || errors.Is(err, errDoctype) {
		return errBadRequest(fmt.Sprintf("%s (line %d)", err.Error(), line))
	}
	// encoding/xml reports a few problems, such as a charset it cannot
	// read, as plain errors.
	return errBadRequest("malformed XML: " + err.Error())
}

// readErr remembers the first error of the body other than io.EOF, to tell
// a failing body from a malformed document.
type readErr struct {
	r   io.Reader
	err error
}

func (r *readErr) Read(b []byte) (int, error) {
	n, err := r.r.Read(b)
	if err != nil && err != io.EOF && r.err == nil { //nolint:errorlint // io.EOF is returned unwrapped by contract
		r.err = err
	}
	return n, err
}

// errBadRequest is the fault of a request that is not a valid methodCall.
func errBadRequest(why string) error {
	return wsgate.ErrInvalidParameter.WithDebug("Invalid XML-RPC request: " + why)
}

// errTooLarge is the fault of a body over the limit.
func errTooLarge(limit int64) error {
	return wsgate.ErrInvalidParameter.WithDebugf("The request body exceeds the limit of %d bytes", limit)
}

// next returns the next token that matters in element-only content:
// comments and processing instructions are skipped, text must be
// whitespace, and declarations (DOCTYPE) are refused.
func (p *parser) next() (xml.Token, error) {
	for {
		tok, err := p.d.RawToken()
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement, xml.EndElement:
			return t, nil
		case xml.CharData:
			if !isSpace(t) {
				return nil, syntaxf("unexpected text %q", clip(t))
			}
		case xml.Directive:
			return nil, errDoctype
		}
	}
}

// start reads the next token, which must open an element.
func (p *parser) start() (xml.StartElement, error) {
	tok, err := p.next()
	if err != nil {
		return xml.StartElement{}, err
	}
	se, ok := tok.(xml.StartElement)
	if !ok {
		return se, syntaxf("unexpected </%s>", tok.(xml.EndElement).Name.Local)
	}
	return se, nil
}

// end reads the next token, which must close the element name.
func (p *parser) end(name string) error {
	tok, err := p.next()
	if err != nil {
		return err
	}
	ee, ok := tok.(xml.EndElement)
	if !ok {
		return syntaxf("unexpected <%s> in <%s>", qname(tok.(xml.StartElement).Name), name)
	}
	if ee.Name.Space != "" || ee.Name.Local != name {
		return syntaxf("</%s> closes <%s>", qname(ee.Name), name)
	}
	return nil
}

// methodCall parses the whole document: prolog, root, epilogue.
func (p *parser) methodCall() (*MethodCall, error) {
	root, err := p.prolog()
	if err != nil {
		return nil, err
	}
	if !is(root.Name, "methodCall") {
		return nil, syntaxf("the root element is <%s>, not <methodCall>", qname(root.Name))
	}
	call := &MethodCall{Params: []any{}}
	se, err := p.start()
	if err != nil {
		return nil, err
	}
	if !is(se.Name, "methodName") {
		return nil, syntaxf("<methodCall> starts with <%s>, not <methodName>", qname(se.Name))
	}
	if call.Method, err = p.scalarText(se.Name); err != nil {
		return nil, err
	}
	call.Method = trimSpace(call.Method)
	tok, err := p.next()
	if err != nil {
		return nil, err
	}
	if se, ok := tok.(xml.StartElement); ok {
		if !is(se.Name, "params") {
			return nil, syntaxf("unexpected <%s> in <methodCall>", qname(se.Name))
		}
		if call.Params, err = p.params(); err != nil {
			return nil, err
		}
		if err := p.end("methodCall"); err != nil {
			return nil, err
		}
	} else if ee := tok.(xml.EndElement); !is(ee.Name, "methodCall") {
		return nil, syntaxf("</%s> closes <methodCall>", qname(ee.Name))
	}
	return call, p.epilogue()
}

// prolog skips the XML declaration, comments and whitespace (and a byte
// order mark) and returns the root element.
func (p *parser) prolog() (xml.StartElement, error) {
	for {
		tok, err := p.d.RawToken()
		if errors.Is(err, io.EOF) {
			return xml.StartElement{}, syntaxf("the body is empty")
		}
		if err != nil {
			return xml.StartElement{}, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return t, nil
		case xml.EndElement:
			return xml.StartElement{}, syntaxf("unexpected </%s>", qname(t.Name))
		case xml.CharData:
			if !isSpace(trimBOM(t)) {
				return xml.StartElement{}, syntaxf("text before the root element")
			}
		case xml.Directive:
			return xml.StartElement{}, errDoctype
		}
	}
}

// epilogue accepts only whitespace, comments and processing instructions
// after the root element.
func (p *parser) epilogue() error {
	for {
		tok, err := p.d.RawToken()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			return syntaxf("<%s> after the root element", qname(t.Name))
		case xml.EndElement:
			return syntaxf("</%s> after the root element", qname(t.Name))
		case xml.CharData:
			if !isSpace(t) {
				return syntaxf("text after the root element")
			}
		case xml.Directive:
			return errDoctype
		}
	}
}

// params parses the content of <params>: <param><value>…</value></param>*.
func (p *parser) params() ([]any, error) {
	out := []any{}
	for {
		tok, err := p.next()
		if err != nil {
			return nil, err
		}
		if ee, ok := tok.(xml.EndElement); ok {
			if !is(ee.Name, "params") {
				return nil, syntaxf("</%s> closes <params>", qname(ee.Name))
			}
			return out, nil
		}
		if se := tok.(xml.StartElement); !is(se.Name, "param") {
			return nil, syntaxf("unexpected <%s> in <params>", qname(se.Name))
		}
		if err := p.open("value", "param"); err != nil {
			return nil, err
		}
		v, err := p.value(0)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		if err := p.end("param"); err != nil {
			return nil, err
		}
	}
}

// open reads the next token, which must open the element name inside parent.
func (p *parser) open(name, parent string) error {
	se, err := p.start()
	if err != nil {
		return err
	}
	if !is(se.Name, name) {
		return syntaxf("<%s> holds <%s>, not <%s>", parent, qname(se.Name), name)
	}
	return nil
}
