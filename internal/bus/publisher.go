package bus

import (
	"context"
	"log/slog"
	"time"
)

// Publisher sends one event to the bus. id is the event's outbox id, unique
// and increasing in one store; it becomes the message id. Publish returns nil
// only once the event is safely handed over (for RabbitMQ: confirmed by the
// broker), so the relay may then delete it from the outbox.
type Publisher interface {
	Publish(ctx context.Context, ev Event, id int64) error
}

// DefaultExchange is the exchange events are published to unless configured
// otherwise: a durable headers exchange, like wazo-bus's "wazo-headers".
const DefaultExchange = "wsgate-headers"

// Envelope is the JSON body of every message, as wazo-bus builds it: the
// headers repeated at the top level, for consumers that predate headers
// exchanges, and the event's own fields under "data".
type Envelope struct {
	Name           string         `json:"name"`
	OriginUUID     *string        `json:"origin_uuid"` // null when no origin is configured
	Timestamp      string         `json:"timestamp"`
	RequiredAccess string         `json:"required_access"`
	Data           map[string]any `json:"data"`
}

// TimestampLayout is how the timestamp header and field are written: ISO 8601
// with microseconds and the UTC offset, what Python's isoformat() gives for
// an aware datetime.
const TimestampLayout = "2006-01-02T15:04:05.000000-07:00"

// envelope builds the body and the headers of ev as sent to the bus.
func envelope(ev Event, origin string) (Envelope, map[string]any) {
	at := ev.Time
	if at.IsZero() {
		at = time.Now()
	}
	env := Envelope{
		Name:           ev.Name,
		Timestamp:      at.Format(TimestampLayout),
		RequiredAccess: "event." + ev.Name,
		Data:           ev.Body,
	}
	if env.Data == nil {
		env.Data = map[string]any{}
	}
	headers := map[string]any{
		"name":            env.Name,
		"timestamp":       env.Timestamp,
		"required_access": env.RequiredAccess,
	}
	if origin != "" {
		env.OriginUUID = &origin
		headers["origin_uuid"] = origin
	}
	return env, headers
}

// LogPublisher writes each event as one log line; it is the bus when no
// broker is configured, and never fails.
type LogPublisher struct {
	Log *slog.Logger
}

// NewLogPublisher returns a publisher that logs events to log (slog.Default
// when nil).
func NewLogPublisher(log *slog.Logger) *LogPublisher {
	if log == nil {
		log = slog.Default()
	}
	return &LogPublisher{Log: log}
}

// Publish logs ev at info level.
func (p *LogPublisher) Publish(ctx context.Context, ev Event, id int64) error {
	data := make([]any, 0, len(ev.Body))
	for _, a := range ev.BodyAttrs() {
		data = append(data, a)
	}
	p.Log.LogAttrs(ctx, slog.LevelInfo, "event",
		slog.Int64("id", id),
		slog.String("name", ev.Name),
		slog.String("routing_key", ev.RoutingKey),
		slog.Group("data", data...))
	return nil
}
