package rest

import (
	"encoding/json"
	"errors"
	"io"

	"wsgate"
	"wsgate/protocols"
)

// parseJSONBody decodes a JSON object body token by token
// (json.Decoder.Token), taking every value, key and string from budget
// before it is kept, so a body over a limit is refused before its tree is
// built. Numbers stay json.Number; a repeated key keeps the last value. An
// empty body is no parameters. As for forms, at most MaxFormVars leaves
// (and empty arrays or objects) are accepted.
func parseJSONBody(body *protocols.Body, budget *protocols.Budget) (map[string]any, error) {
	return ParseJSONParams(body.Reader(), budget)
}

// ParseJSONParams decodes a JSON object of parameters within budget, as a
// JSON body is read (numbers as json.Number); nil for only white space.
// Other protocols carrying JSON arguments (MCP's tools/call) use it too.
func ParseJSONParams(r io.Reader, budget *protocols.Budget) (map[string]any, error) {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	tok, err := dec.Token()
	if errors.Is(err, io.EOF) {
		return nil, nil // only white space
	}
	if err != nil {
		return nil, jsonError(err)
	}
	if tok != json.Delim('{') {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Invalid JSON body: an object of parameters is expected")
	}
	j := &jsonReader{dec: dec, budget: budget}
	params, err := j.object(0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Invalid JSON body: unexpected data after the object")
	}
	return params, nil
}

// jsonReader builds the parameter tree of a JSON body within a budget.
type jsonReader struct {
	dec    *json.Decoder
	budget *protocols.Budget
	vars   int // leaves and empty containers, against MaxFormVars
}

// next returns the next token; the end of the body inside a value is an error.
func (j *jsonReader) next() (json.Token, error) {
	tok, err := j.dec.Token()
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	if err != nil {
		return nil, jsonError(err)
	}
	return tok, nil
}

// value reads the value that starts with tok, at depth (the arrays and
// objects around it; a parameter is at depth 0).
func (j *jsonReader) value(tok json.Token, depth int) (any, error) {
	if err := j.budget.Node(depth); err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim: // '{' or '[': the decoder refuses misplaced ends
		if t == '{' {
			return j.object(depth + 1)
		}
		return j.array(depth + 1)
	case string:
		if err := j.budget.Bytes(len(t)); err != nil {
			return nil, err
		}
	case json.Number:
		if err := j.budget.Bytes(len(t)); err != nil {
			return nil, err
		}
	}
	return tok, j.leaf()
}

// object reads the members of an object whose '{' was read; its members
// are at depth.
func (j *jsonReader) object(depth int) (map[string]any, error) {
	m := map[string]any{}
	for j.dec.More() {
		tok, err := j.next()
		if err != nil {
			return nil, err
		}
		key, _ := tok.(string) // the decoder allows only strings here
		if err := j.budget.Bytes(len(key)); err != nil {
			return nil, err
		}
		if tok, err = j.next(); err != nil {
			return nil, err
		}
		v, err := j.value(tok, depth)
		if err != nil {
			return nil, err
		}
		m[key] = v
	}
	if _, err := j.next(); err != nil { // '}'
		return nil, err
	}
	if len(m) == 0 && depth > 0 {
		return m, j.leaf()
	}
	return m, nil
}

// array reads the elements of an array whose '[' was read; its elements
// are at depth.
func (j *jsonReader) array(depth int) ([]any, error) {
	l := []any{}
	for j.dec.More() {
		tok, err := j.next()
		if err != nil {
			return nil, err
		}
		v, err := j.value(tok, depth)
		if err != nil {
			return nil, err
		}
		l = append(l, v)
	}
	if _, err := j.next(); err != nil { // ']'
		return nil, err
	}
	if len(l) == 0 {
		return l, j.leaf()
	}
	return l, nil
}

// leaf counts one leaf (or empty container) against MaxFormVars.
func (j *jsonReader) leaf() error {
	if j.vars++; j.vars > MaxFormVars {
		return errTooManyVars
	}
	return nil
}

// jsonError describes a decoding error without Go's wording.
func jsonError(err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return wsgate.ErrInvalidParameter.WithDebugf("Invalid JSON body: syntax error at byte %d", se.Offset).Wrap(err)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return wsgate.ErrInvalidParameter.WithDebug("Invalid JSON body: unexpected end").Wrap(err)
	}
	return wsgate.ErrInvalidParameter.WithDebug("Invalid JSON body").Wrap(err)
}
