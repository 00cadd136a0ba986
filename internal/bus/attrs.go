package bus

import (
	"encoding/json"
	"log/slog"
	"sort"
)

// BodyAttrs is the event's body as log attributes, one per field in key
// order: scalars as themselves, anything nested as its JSON on one line, so
// a log line never holds a Go map.
func (ev Event) BodyAttrs() []slog.Attr {
	keys := make([]string, 0, len(ev.Body))
	for k := range ev.Body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	attrs := make([]slog.Attr, 0, len(keys))
	for _, k := range keys {
		attrs = append(attrs, bodyAttr(k, ev.Body[k]))
	}
	return attrs
}

func bodyAttr(k string, v any) slog.Attr {
	switch x := v.(type) {
	case nil:
		return slog.String(k, "")
	case string:
		return slog.String(k, x)
	case bool:
		return slog.Bool(k, x)
	case int:
		return slog.Int(k, x)
	case int64:
		return slog.Int64(k, x)
	case float64:
		return slog.Float64(k, x)
	case uint64:
		return slog.Uint64(k, x)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return slog.String(k, "(not representable)")
	}
	return slog.String(k, string(b))
}
