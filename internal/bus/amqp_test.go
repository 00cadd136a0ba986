package bus_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"wsgate/internal/bus"
	"wsgate/internal/db"
	"wsgate/internal/db/dbtest"
)

const origin = "9f1c1c7e-0000-4000-8000-000000000001"

// checkMessage checks the wire format of one delivery against the event.
func checkMessage(t *testing.T, d amqp.Delivery, name, routingKey string, seq int) {
	t.Helper()
	if d.Headers["name"] != name {
		t.Errorf("name header = %v, want %s", d.Headers["name"], name)
	}
	if d.RoutingKey != routingKey {
		t.Errorf("routing key = %q, want %q", d.RoutingKey, routingKey)
	}
	if d.Headers["origin_uuid"] != origin || d.Headers["required_access"] != "event."+name {
		t.Errorf("headers = %v", d.Headers)
	}
	ts, _ := d.Headers["timestamp"].(string)
	if at, err := time.Parse(bus.TimestampLayout, ts); err != nil || time.Since(at) > time.Minute {
		t.Errorf("timestamp header %q: %v", ts, err)
	}
	if d.ContentType != "application/json" || d.DeliveryMode != amqp.Persistent {
		t.Errorf("content type %q, delivery mode %d", d.ContentType, d.DeliveryMode)
	}
	var env bus.Envelope
	if err := json.Unmarshal(d.Body, &env); err != nil {
		t.Fatalf("body %s: %v", d.Body, err)
	}
	if env.Name != name || env.OriginUUID == nil || *env.OriginUUID != origin || env.Timestamp != ts ||
		env.RequiredAccess != "event."+name {
		t.Errorf("body = %s", d.Body)
	}
	if env.Data["seq"] != float64(seq) || env.Data["shortname"] != fmt.Sprint("s", seq) || len(env.Data) != 2 {
		t.Errorf("body data = %v, want seq %d", env.Data, seq)
	}
}

func TestAMQPRelayDeliversCommittedEventsInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newBroker(t)
		msgs := b.subscribe(t, "service_created", "service_edited", "service_deleted", "sentinel")
		other := b.subscribe(t, "service_deleted")
		r := bus.NewRelay(d, b.publisher(t, b.url), testLog(t), bus.RelayOptions{PollInterval: time.Hour})
		startRelay(t, r)

		commit(t, d, ev("service_created", 1), ev("service_edited", 2))
		r.Notify()
		rollback(t, d, ev("service_deleted", 99))
		r.Notify()
		commit(t, d, ev("unbound_event", 3), ev("service_deleted", 4))
		r.Notify()
		commit(t, d, ev("sentinel", 5))
		r.Notify()

		checkMessage(t, next(t, msgs, 10*time.Second), "service_created", "config.test.service_created", 1)
		checkMessage(t, next(t, msgs, 10*time.Second), "service_edited", "config.test.service_edited", 2)
		checkMessage(t, next(t, msgs, 10*time.Second), "service_deleted", "config.test.service_deleted", 4)
		checkMessage(t, next(t, msgs, 10*time.Second), "sentinel", "config.test.sentinel", 5)
		// The rolled-back event never comes; the binding on name filters.
		checkMessage(t, next(t, other, 10*time.Second), "service_deleted", "config.test.service_deleted", 4)
		none(t, other, 300*time.Millisecond)
		none(t, msgs, 100*time.Millisecond)
		// The round's deletions commit after its last publish.
		waitFor(t, "an empty backlog", settle, func() bool { return backlog(t, r) == 0 })
		if err := r.Check(context.Background()); err != nil {
			t.Errorf("relay check = %v", err)
		}
	})
}

// An event written while the broker is unreachable is delivered when it is
// back, and nothing is lost or repeated across outages.
func TestAMQPRelaySurvivesBrokerOutage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		b := newBroker(t)
		msgs := b.subscribe(t, "e")
		px, viaProxy := newProxy(t, b.url)
		px.Cut() // down from the start
		pub := b.publisher(t, viaProxy)
		r := bus.NewRelay(d, pub, testLog(t), bus.RelayOptions{PollInterval: time.Hour, MinBackoff: 20 * time.Millisecond, MaxBackoff: 200 * time.Millisecond})
		startRelay(t, r)

		commit(t, d, ev("e", 1))
		r.Notify()
		waitFor(t, "the relay to report the outage", 10*time.Second, func() bool { return r.Check(context.Background()) != nil })
		if err := pub.Check(context.Background()); !errors.Is(err, bus.ErrNotConnected) {
			t.Errorf("publisher check = %v, want ErrNotConnected", err)
		}
		if n := backlog(t, r); n != 1 {
			t.Errorf("backlog during outage = %d, want 1", n)
		}
		none(t, msgs, 100*time.Millisecond)

		px.Restore()
		checkMessage(t, next(t, msgs, 15*time.Second), "e", "config.test.e", 1)
		waitFor(t, "a healthy relay", 10*time.Second, func() bool { return r.Check(context.Background()) == nil })

		// Cut the established connection, then write while it is down.
		px.Cut()
		waitFor(t, "the publisher to notice", 10*time.Second, func() bool { return pub.Check(context.Background()) != nil })
		commit(t, d, ev("e", 2))
		commit(t, d, ev("e", 3))
		r.Notify()
		waitFor(t, "the relay to report the outage", 10*time.Second, func() bool { return r.Check(context.Background()) != nil })
		px.Restore()
		checkMessage(t, next(t, msgs, 15*time.Second), "e", "config.test.e", 2)
		checkMessage(t, next(t, msgs, 15*time.Second), "e", "config.test.e", 3)
		none(t, msgs, 300*time.Millisecond)
		waitFor(t, "an empty outbox", settle, func() bool { return backlog(t, r) == 0 })
	})
}

// Two gateway instances sharing one PostgreSQL database, each with its own
// relay and broker connection, deliver each event once, in order.
func TestAMQPTwoRelaysOnePostgres(t *testing.T) {
	b := newBroker(t)
	if !hasPostgres() {
		t.Skipf("%s is not set", dbtest.PostgresEnv)
	}
	d1 := dbtest.Open(t, db.Postgres, true)
	d2, err := db.Open(context.Background(), d1.URL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	msgs := b.subscribe(t, "e")
	opts := bus.RelayOptions{BatchSize: 5, PollInterval: 50 * time.Millisecond}
	r1 := bus.NewRelay(d1, b.publisher(t, b.url), testLog(t), opts)
	r2 := bus.NewRelay(d2, b.publisher(t, b.url), testLog(t), opts)
	startRelay(t, r1)
	startRelay(t, r2)

	const n = 120
	for i := 1; i <= n; i++ {
		d, r := d1, r1
		if i%3 == 0 {
			d, r = d2, r2
		}
		commit(t, d, ev("e", i))
		r.Notify()
	}
	for i := 1; i <= n; i++ {
		m := next(t, msgs, 15*time.Second)
		var env bus.Envelope
		if err := json.Unmarshal(m.Body, &env); err != nil {
			t.Fatal(err)
		}
		if env.Data["seq"] != float64(i) {
			t.Fatalf("message %d has seq %v: order broken or duplicate", i, env.Data["seq"])
		}
	}
	none(t, msgs, 500*time.Millisecond)
}

func TestAMQPPublisherConfig(t *testing.T) {
	if _, err := bus.NewAMQPPublisher(bus.AMQPConfig{URL: "http://nope"}); err == nil {
		t.Error("a non-AMQP URL was accepted")
	}
	p, err := bus.NewAMQPPublisher(bus.AMQPConfig{URL: "amqp://guest:guest@127.0.0.1:1/", Log: quietLog(), MinBackoff: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if p.Exchange() != bus.DefaultExchange {
		t.Errorf("exchange = %q", p.Exchange())
	}
	// A closed port: Publish fails, it does not hang.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := p.Publish(ctx, ev("e", 1), 1); !errors.Is(err, bus.ErrNotConnected) {
		t.Errorf("publish to a closed port = %v", err)
	}
	if err := p.Close(); err != nil {
		t.Error(err)
	}
}
