package rest

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"wsgate"
)

// parseBody returns the parameters of the request body ($_POST), or nil
// when PHP would not parse it (then it is not read): PHP reads bodies of POST
// requests only, of the form and multipart types (and JSON, our addition).
func (s *Server) parseBody(w http.ResponseWriter, r *http.Request) (map[string]any, error) {
	if r.Method != http.MethodPost || r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	ct := r.Header.Get("Content-Type")
	kind := mediaType(ct)
	switch kind {
	case "application/x-www-form-urlencoded", "multipart/form-data", "application/json":
	default:
		return nil, nil
	}
	limit := s.MaxBodyBytes
	if limit <= 0 {
		limit = DefaultMaxBodyBytes
	}
	if r.ContentLength > limit {
		return nil, errTooLarge(limit)
	}
	body := http.MaxBytesReader(w, r.Body, limit)
	switch kind {
	case "multipart/form-data":
		return parseMultipart(body, ct, limit)
	case "application/json":
		data, err := readBody(body, limit)
		if err != nil {
			return nil, err
		}
		return parseJSONBody(data)
	}
	data, err := readBody(body, limit)
	if err != nil {
		return nil, err
	}
	return ParseQuery(string(data))
}

// mediaType returns the lower-case media type of a Content-Type header, cut
// at the first ';', ',' or space as PHP's SAPI does.
func mediaType(ct string) string {
	ct = strings.TrimLeft(ct, " \t")
	if i := strings.IndexAny(ct, "; ,"); i >= 0 {
		ct = ct[:i]
	}
	return strings.ToLower(ct)
}

// readBody reads the whole (limited) body.
func readBody(body io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, bodyError(err, limit)
	}
	return data, nil
}

// bodyError turns a read error into invalid_parameter.
func bodyError(err error, limit int64) error {
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return errTooLarge(limit)
	}
	return wsgate.ErrInvalidParameter.WithDebug("The request body could not be read").Wrap(err)
}

func errTooLarge(limit int64) error {
	return wsgate.ErrInvalidParameter.WithDebugf("The request body exceeds the limit of %d bytes", limit)
}

// parseMultipart reads a multipart/form-data body in order: fields become
// parameters as in a form; file parts ($_FILES in PHP, unused by REST calls)
// are skipped.
func parseMultipart(body io.Reader, ct string, limit int64) (map[string]any, error) {
	_, mp, err := mime.ParseMediaType(ct)
	if err != nil || mp["boundary"] == "" {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Malformed multipart/form-data body: no boundary")
	}
	mr := multipart.NewReader(body, mp["boundary"])
	b := newFormBuilder()
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, multipartError(err, limit)
		}
		disp, dp, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		_, isFile := dp["filename"]
		if err != nil || disp != "form-data" || dp["name"] == "" || isFile {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, multipartError(err, limit)
			}
			continue
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return nil, multipartError(err, limit)
		}
		if err := b.add(dp["name"], string(value)); err != nil {
			return nil, err
		}
	}
	return b.tree(), nil
}

func multipartError(err error, limit int64) error {
	if mbe := (*http.MaxBytesError)(nil); errors.As(err, &mbe) {
		return errTooLarge(limit)
	}
	return wsgate.ErrInvalidParameter.WithDebug("Malformed multipart/form-data body").Wrap(err)
}

// parseJSONBody decodes a JSON object body; numbers stay json.Number. An
// empty body is no parameters. The same limits as forms apply.
func parseJSONBody(data []byte) (map[string]any, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Invalid JSON body: unexpected data after the object")
	}
	m, ok := v.(map[string]any)
	if !ok {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Invalid JSON body: an object of parameters is expected")
	}
	vars := 0
	for k, x := range m {
		if err := checkJSONLimits(k, x, 0, &vars); err != nil {
			return nil, err
		}
	}
	return m, nil
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

// checkJSONLimits applies MaxFormDepth (a container under a top-level member
// is level 1, as in a[b]) and MaxFormVars (leaves and empty containers).
func checkJSONLimits(top string, v any, level int, vars *int) error {
	if level > MaxFormDepth {
		return wsgate.ErrInvalidParameter.WithDebugf(
			"Input variable nesting level exceeded %d in parameter %q", MaxFormDepth, top)
	}
	n := 0
	switch x := v.(type) {
	case map[string]any:
		for _, c := range x {
			if err := checkJSONLimits(top, c, level+1, vars); err != nil {
				return err
			}
		}
		n = len(x)
	case []any:
		for _, c := range x {
			if err := checkJSONLimits(top, c, level+1, vars); err != nil {
				return err
			}
		}
		n = len(x)
	}
	if n == 0 {
		if *vars++; *vars > MaxFormVars {
			return wsgate.ErrInvalidParameter.WithDebugf(
				"Input variables exceeded %d: split the call into smaller batches", MaxFormVars)
		}
	}
	return nil
}
