// Package bus carries the gateway's change events: written to the outbox table
// in the same transaction as the change, then relayed in order to RabbitMQ (a
// durable headers exchange, as wazo-bus does) or to the log.
package bus

import (
	"context"
	"encoding/json"
	"time"

	"wsgate/internal/db"
)

// Event is one change, named as wazo-bus names events (service_created,
// service_function_associated, ...), with a small stable body that never
// carries a secret.
type Event struct {
	Name       string         // the event name, also sent as the "name" header
	RoutingKey string         // e.g. config.services.created, config.services.functions.associated
	Body       map[string]any // ids and key fields
	// Time is when the change happened; zero means now. The relay sets it
	// from the outbox row, so a message delayed by an outage keeps its time.
	Time time.Time
}

// Write appends ev to the outbox through q, the caller's transaction, so the
// event exists if and only if the change is committed. Call the relay's
// Notify after the commit so it is published at once.
func Write(ctx context.Context, q db.Querier, ev Event) error {
	body, err := json.Marshal(ev.Body)
	if err != nil {
		return err
	}
	at := ev.Time
	if at.IsZero() {
		at = time.Now()
	}
	_, err = q.ExecContext(ctx, `INSERT INTO outbox (name, routing_key, body, timecreated) VALUES ($1, $2, $3, $4)`,
		ev.Name, ev.RoutingKey, string(body), at.Unix())
	return db.Translate(err)
}
