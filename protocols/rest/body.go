package rest

import (
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"wsgate"
	"wsgate/protocols"
)

// body is a request body PHP would parse ($_POST), read whole before any
// decoding: its media type, Content-Type header and bytes.
type body struct {
	kind, contentType string
	data              *protocols.Body
}

// readBody reads the body of the request when PHP would parse it: POST
// requests only, of the form and multipart types (and JSON, our addition);
// nil otherwise (the body is not read).
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) (*body, error) {
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
	data, err := protocols.ReadBody(w, r, limit)
	if err != nil {
		return nil, bodyError(err, limit)
	}
	return &body{kind: kind, contentType: ct, data: data}, nil
}

// len is the body's size in bytes; 0 for no body.
func (b *body) len() int {
	if b == nil {
		return 0
	}
	return b.data.Len()
}

// parse decodes the body into its parameters within budget; nil for no body.
func (b *body) parse(budget *protocols.Budget) (map[string]any, error) {
	switch {
	case b == nil:
		return nil, nil
	case b.kind == "multipart/form-data":
		return parseMultipart(b.data.Reader(), b.contentType, budget)
	case b.kind == "application/json":
		return parseJSONBody(b.data, budget)
	}
	return parseQuery(b.data.String(), budget)
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
func parseMultipart(body io.Reader, ct string, budget *protocols.Budget) (map[string]any, error) {
	_, mp, err := mime.ParseMediaType(ct)
	if err != nil || mp["boundary"] == "" {
		return nil, wsgate.ErrInvalidParameter.WithDebug("Malformed multipart/form-data body: no boundary")
	}
	mr := multipart.NewReader(body, mp["boundary"])
	b := newFormBuilder(budget)
	for {
		part, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, multipartError(err)
		}
		disp, dp, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
		_, isFile := dp["filename"]
		if err != nil || disp != "form-data" || dp["name"] == "" || isFile {
			if _, err := io.Copy(io.Discard, part); err != nil {
				return nil, multipartError(err)
			}
			continue
		}
		value, err := io.ReadAll(part)
		if err != nil {
			return nil, multipartError(err)
		}
		if err := b.add(dp["name"], string(value)); err != nil {
			return nil, err
		}
	}
	return b.tree(), nil
}

func multipartError(err error) error {
	return wsgate.ErrInvalidParameter.WithDebug("Malformed multipart/form-data body").Wrap(err)
}
