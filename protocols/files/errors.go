package files

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"

	"wsgate"
)

// ajaxError is the JSON a Moodle AJAX script answers an exception with.
type ajaxError struct {
	Error            string  `json:"error"`
	ErrorCode        string  `json:"errorcode"`
	StackTrace       *string `json:"stacktrace"`
	DebugInfo        *string `json:"debuginfo"`
	ReproductionLink *string `json:"reproductionlink"`
}

// writeError answers err in Moodle's AJAX error form with status; the
// debuginfo only when debug is set, never a Go error string.
func writeError(w http.ResponseWriter, r *http.Request, log *slog.Logger, status int, err error, debug bool) {
	var e *wsgate.Error
	if !errors.As(err, &e) {
		if log != nil {
			log.Error("file script failed", "path", r.URL.Path, "error", err.Error())
		}
		e = wsgate.ErrInternal
	}
	body := ajaxError{Error: e.Message, ErrorCode: e.Code}
	if debug && e.DebugInfo != "" {
		body.DebugInfo = &e.DebugInfo
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// statusOf is the HTTP status of a refusal of the download scripts (upload.php answers 200, as Moodle).
func statusOf(err error) int {
	switch wsgate.AsError(err).Kind {
	case wsgate.Unauthenticated:
		return http.StatusUnauthorized
	case wsgate.Forbidden:
		return http.StatusForbidden
	case wsgate.NotFound:
		return http.StatusNotFound
	case wsgate.Invalid:
		return http.StatusBadRequest
	case wsgate.Unavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
