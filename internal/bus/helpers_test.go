package bus_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"sync"
	"testing"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"

	"wsgate/internal/bus"
	"wsgate/internal/db"
	"wsgate/internal/tcpproxy"
)

// AMQPEnv names the variable holding the test broker's URL. Unset: the AMQP
// tests skip. Set but unreachable: they fail.
const AMQPEnv = "WSGATE_TEST_AMQP_URL"

func quietLog() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// testLog logs to the test output, so a failure shows what the relay saw.
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// settle is how long a test waits for the relay: long, since CI runs every
// package's databases on the same two cores, and waitFor returns as soon as
// the condition holds.
const settle = 20 * time.Second

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// commit writes evs in one committed transaction.
func commit(t *testing.T, d *db.DB, evs ...bus.Event) {
	t.Helper()
	err := d.Transact(context.Background(), func(tx *sql.Tx) error {
		for _, ev := range evs {
			if err := bus.Write(context.Background(), tx, ev); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// rollback writes evs in a transaction that is rolled back.
func rollback(t *testing.T, d *db.DB, evs ...bus.Event) {
	t.Helper()
	boom := errors.New("changed my mind")
	err := d.Transact(context.Background(), func(tx *sql.Tx) error {
		for _, ev := range evs {
			if err := bus.Write(context.Background(), tx, ev); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("transaction: %v", err)
	}
}

// startRelay runs r until the test ends.
func startRelay(t *testing.T, r *bus.Relay) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.Run(ctx); close(done) }()
	t.Cleanup(func() { cancel(); <-done })
}

func backlog(t *testing.T, r *bus.Relay) int {
	t.Helper()
	n, err := r.Backlog(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// recorder is a Publisher that keeps what it is given, and fails while told to.
type recorder struct {
	mu      sync.Mutex
	got     []recorded
	failing bool
	fails   int
}

type recorded struct {
	id int64
	ev bus.Event
}

func (r *recorder) Publish(_ context.Context, ev bus.Event, id int64) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.failing {
		r.fails++
		return errors.New("broker unreachable")
	}
	r.got = append(r.got, recorded{id, ev})
	return nil
}

func (r *recorder) setFailing(f bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failing = f
}

func (r *recorder) failures() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.fails
}

func (r *recorder) events() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.got...)
}

// amqpURL returns the test broker's URL, skipping the test when none is
// configured and failing it when the broker does not answer.
func amqpURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(AMQPEnv)
	if u == "" {
		t.Skipf("%s is not set", AMQPEnv)
	}
	conn, err := amqp.Dial(u)
	if err != nil {
		t.Fatalf("RabbitMQ at %s is unreachable: %v", AMQPEnv, err)
	}
	conn.Close()
	return u
}

// broker is a test's view of RabbitMQ: its own exchange, deleted at the end,
// and a connection to consume with.
type broker struct {
	url      string
	exchange string
	conn     *amqp.Connection
	ch       *amqp.Channel
}

func newBroker(t *testing.T) *broker {
	t.Helper()
	u := amqpURL(t)
	conn, err := amqp.Dial(u)
	if err != nil {
		t.Fatalf("RabbitMQ at %s is unreachable: %v", AMQPEnv, err)
	}
	ch, err := conn.Channel()
	if err != nil {
		t.Fatal(err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	br := &broker{url: u, exchange: "wsgate-test-" + hex.EncodeToString(b[:]), conn: conn, ch: ch}
	// Declared as the publisher declares it, so that binding works before
	// the publisher has connected.
	if err := ch.ExchangeDeclare(br.exchange, amqp.ExchangeHeaders, true, false, false, false, nil); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := ch.ExchangeDelete(br.exchange, false, false); err != nil {
			t.Errorf("delete exchange %s: %v", br.exchange, err)
		}
		conn.Close()
	})
	return br
}

// subscribe binds a new exclusive queue to the exchange for the given event
// names (x-match any on the name header), as wazo's test accumulators do.
func (b *broker) subscribe(t *testing.T, names ...string) <-chan amqp.Delivery {
	t.Helper()
	q, err := b.ch.QueueDeclare("", false, true, true, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	args := amqp.Table{"x-match": "any"}
	for i, n := range names {
		// A headers binding matches on keys; "name" can appear once per
		// binding, so each further name gets its own binding.
		if i == 0 {
			args["name"] = n
			continue
		}
		if err := b.ch.QueueBind(q.Name, "", b.exchange, false, amqp.Table{"x-match": "any", "name": n}); err != nil {
			t.Fatal(err)
		}
	}
	if err := b.ch.QueueBind(q.Name, "", b.exchange, false, args); err != nil {
		t.Fatal(err)
	}
	d, err := b.ch.Consume(q.Name, "", true, true, false, false, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// publisher returns a publisher to the test's exchange through amqpURL.
func (b *broker) publisher(t *testing.T, amqpURL string) *bus.AMQPPublisher {
	t.Helper()
	p, err := bus.NewAMQPPublisher(bus.AMQPConfig{
		URL:        amqpURL,
		Exchange:   b.exchange,
		OriginUUID: "9f1c1c7e-0000-4000-8000-000000000001",
		MinBackoff: 20 * time.Millisecond,
		MaxBackoff: 200 * time.Millisecond,
		Log:        testLog(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// next returns the next delivery, failing after timeout.
func next(t *testing.T, c <-chan amqp.Delivery, timeout time.Duration) amqp.Delivery {
	t.Helper()
	select {
	case d, ok := <-c:
		if !ok {
			t.Fatal("consumer closed")
		}
		return d
	case <-time.After(timeout):
		t.Fatalf("no message within %s", timeout)
	}
	return amqp.Delivery{}
}

// none checks that nothing arrives for a while.
func none(t *testing.T, c <-chan amqp.Delivery, wait time.Duration) {
	t.Helper()
	select {
	case d := <-c:
		t.Fatalf("unexpected message %s: %s", d.Headers["name"], d.Body)
	case <-time.After(wait):
	}
}

// newProxy starts a proxy to the broker of brokerURL (tcpproxy: Cut is a
// broker outage) and returns it with the URL to reach the broker through it.
func newProxy(t *testing.T, brokerURL string) (*tcpproxy.Proxy, string) {
	t.Helper()
	u, err := url.Parse(brokerURL)
	if err != nil {
		t.Fatal(err)
	}
	target := u.Host
	if u.Port() == "" {
		target = net.JoinHostPort(u.Hostname(), "5672")
	}
	p := tcpproxy.New(t, target)
	u.Host = p.Addr()
	return p, u.String()
}
