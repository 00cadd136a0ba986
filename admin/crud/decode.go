package crud

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
)

// maxBody bounds a request body.
const maxBody = 1 << 20

// readBody reads the request body and returns a decoder of it. With
// required, the body must hold a JSON object; otherwise an empty body
// decodes as {}.
func readBody(c *gin.Context, required bool) (func(v any) error, error) {
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, maxBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, InvalidField("body", "is larger than 1 MiB")
		}
		return nil, InvalidField("body", "could not be read")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		if required {
			return nil, InvalidField("body", "must be a JSON object")
		}
		body = []byte("{}")
	}
	return func(v any) error { return decodeJSON(body, v) }, nil
}

// decodeJSON decodes one JSON object into v, refusing unknown fields,
// values of the wrong type and trailing data, with a field map.
func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	var typeErr *json.UnmarshalTypeError
	err := dec.Decode(v)
	switch {
	case err == nil:
		if _, err := dec.Token(); err != io.EOF {
			return InvalidField("body", "must hold one JSON object")
		}
		return nil
	case errors.As(err, &typeErr):
		if typeErr.Field == "" {
			return InvalidField("body", "must be a JSON object")
		}
		return InvalidField(typeErr.Field, "must be "+typeName(typeErr.Type))
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return InvalidField(name, "is not a field of this resource, or cannot be changed")
	default:
		return InvalidField("body", "is not valid JSON")
	}
}

func typeName(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "of another type"
}
