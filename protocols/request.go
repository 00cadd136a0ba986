package protocols

import (
	"log/slog"
	"net"
	"net/http"
	"strings"
	"wsgate"
)

// BearerToken returns the token of an "Authorization: Bearer <token>" header, or "".
func BearerToken(r *http.Request) string {
	scheme, token, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// RemoteIP returns the address of the request's client: the host part of
// r.RemoteAddr (proxies are not trusted).
func RemoteIP(r *http.Request) string {
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		return host
	}
	return r.RemoteAddr
}

// LogFailure logs a call the protocol answered with err, once: internal errors
// at error level, refusals at debug level; never the token or the parameters.
func LogFailure(r *http.Request, log *slog.Logger, protocol, function string, err error) {
	if log == nil {
		log = slog.Default()
	}
	e := wsgate.AsError(err)
	attrs := []slog.Attr{slog.String("function", function), slog.String("errorcode", e.Code),
		slog.String("remote_ip", RemoteIP(r))}
	if e.Kind == wsgate.Internal {
		log.LogAttrs(r.Context(), slog.LevelError, protocol+": internal error", append(attrs, slog.String("error", e.Error()))...)
	} else if log.Enabled(r.Context(), slog.LevelDebug) {
		log.LogAttrs(r.Context(), slog.LevelDebug, protocol+": call refused", append(attrs, slog.String("debuginfo", e.DebugInfo))...)
	}
}
