package bus

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	amqp "github.com/rabbitmq/amqp091-go"
)

// AMQPConfig configures an AMQPPublisher. Only URL is required.
type AMQPConfig struct {
	URL      string // amqp://user:password@host:5672/vhost
	Exchange string // DefaultExchange when empty; declared durable, type headers
	// OriginUUID identifies this gateway in the origin_uuid header and body
	// field; without it the header is left out and the field is null.
	OriginUUID     string
	ConnectionName string        // shown in the broker's management UI; "wsgate" when empty
	DialTimeout    time.Duration // TCP and handshake; 5 s when zero
	ConfirmTimeout time.Duration // broker confirm, when the caller's context has no deadline; 10 s when zero
	MinBackoff     time.Duration // first wait before reconnecting; 100 ms when zero
	MaxBackoff     time.Duration // longest wait between reconnect attempts; 10 s when zero
	Log            *slog.Logger  // slog.Default when nil
}

// ErrNotConnected is returned by Publish while the publisher has no usable
// connection to the broker; it wraps the reason.
var ErrNotConnected = errors.New("not connected to the message broker")

// AMQPPublisher publishes events to a RabbitMQ headers exchange with
// publisher confirms. A background goroutine keeps one connection and one
// channel open, declares the exchange on each connect, and reconnects with
// exponential backoff when either drops. Close stops it.
type AMQPPublisher struct {
	cfg AMQPConfig
	log *slog.Logger

	pub sync.Mutex // one publish at a time, so order is kept and confirms are simple

	mu      sync.Mutex
	ch      *amqp.Channel // nil while disconnected
	err     error         // why ch is nil, once a connection was attempted
	changed chan struct{} // closed and replaced whenever ch or err changes

	stop      chan struct{}
	done      chan struct{}
	closeOnce sync.Once
}

// NewAMQPPublisher checks cfg and starts connecting in the background.
func NewAMQPPublisher(cfg AMQPConfig) (*AMQPPublisher, error) {
	if _, err := amqp.ParseURI(cfg.URL); err != nil {
		return nil, fmt.Errorf("bus URL: %w", err)
	}
	if cfg.Exchange == "" {
		cfg.Exchange = DefaultExchange
	}
	if cfg.ConnectionName == "" {
		cfg.ConnectionName = "wsgate"
	}
	if cfg.DialTimeout <= 0 {
		cfg.DialTimeout = 5 * time.Second
	}
	if cfg.ConfirmTimeout <= 0 {
		cfg.ConfirmTimeout = 10 * time.Second
	}
	if cfg.MinBackoff <= 0 {
		cfg.MinBackoff = 100 * time.Millisecond
	}
	if cfg.MaxBackoff < cfg.MinBackoff {
		cfg.MaxBackoff = max(10*time.Second, cfg.MinBackoff)
	}
	log := cfg.Log
	if log == nil {
		log = slog.Default()
	}
	p := &AMQPPublisher{
		cfg:     cfg,
		log:     log.With("exchange", cfg.Exchange),
		changed: make(chan struct{}),
		stop:    make(chan struct{}),
		done:    make(chan struct{}),
	}
	go p.run()
	return p, nil
}

// Exchange is the name of the exchange events go to.
func (p *AMQPPublisher) Exchange() string { return p.cfg.Exchange }

// Check reports the connection: nil while connected (or before the first
// attempt ended), the reason otherwise. Its signature fits health.Check.
func (p *AMQPPublisher) Check(context.Context) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ch == nil && p.err != nil {
		return fmt.Errorf("%w: %w", ErrNotConnected, p.err)
	}
	return nil
}

// Close stops reconnecting and closes the connection. A Publish in progress
// fails.
func (p *AMQPPublisher) Close() error {
	p.closeOnce.Do(func() { close(p.stop) })
	<-p.done
	return nil
}

// Publish sends ev as a persistent message and waits for the broker's
// confirm, within ctx's deadline or the configured confirm timeout. It never
// retries: the caller (the relay) does, with its own backoff. A publish that
// timed out may still reach the broker, so delivery is at least once;
// consumers can spot repeats by the message id.
func (p *AMQPPublisher) Publish(ctx context.Context, ev Event, id int64) error {
	msg, err := p.message(ev, id)
	if err != nil {
		return err
	}
	p.pub.Lock()
	defer p.pub.Unlock()
	ch, err := p.channel(ctx)
	if err != nil {
		return err
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, p.cfg.ConfirmTimeout)
		defer cancel()
	}
	dc, err := ch.PublishWithDeferredConfirmWithContext(ctx, p.cfg.Exchange, ev.RoutingKey, false, false, msg)
	if err != nil {
		p.reset(ch)
		return fmt.Errorf("publish %s: %w", ev.Name, err)
	}
	acked, err := dc.WaitContext(ctx)
	if err != nil {
		// The channel's state is unknown: start afresh rather than match a
		// late confirm to the wrong message.
		p.reset(ch)
		return fmt.Errorf("publish %s: waiting for the broker's confirm: %w", ev.Name, err)
	}
	if !acked {
		return fmt.Errorf("publish %s: the broker did not confirm the message", ev.Name)
	}
	return nil
}

// message builds the AMQP message of ev: wazo-bus headers and body.
func (p *AMQPPublisher) message(ev Event, id int64) (amqp.Publishing, error) {
	env, headers := envelope(ev, p.cfg.OriginUUID)
	body, err := json.Marshal(env)
	if err != nil {
		return amqp.Publishing{}, fmt.Errorf("encode event %s: %w", ev.Name, err)
	}
	at := ev.Time
	if at.IsZero() {
		at = time.Now()
	}
	msgID := strconv.FormatInt(id, 10)
	if p.cfg.OriginUUID != "" {
		msgID = p.cfg.OriginUUID + ":" + msgID
	}
	return amqp.Publishing{
		Headers:      amqp.Table(headers),
		ContentType:  "application/json",
		DeliveryMode: amqp.Persistent,
		MessageId:    msgID,
		Timestamp:    at,
		AppId:        "wsgate",
		Body:         body,
	}, nil
}

// channel returns the open channel, waiting for the first connection attempt
// to end; while disconnected it fails at once with the reason.
func (p *AMQPPublisher) channel(ctx context.Context) (*amqp.Channel, error) {
	for {
		p.mu.Lock()
		ch, err, changed := p.ch, p.err, p.changed
		p.mu.Unlock()
		if ch != nil {
			return ch, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrNotConnected, err)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return nil, fmt.Errorf("%w: %w", ErrNotConnected, ctx.Err())
		}
	}
}

func (p *AMQPPublisher) setState(ch *amqp.Channel, err error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ch, p.err = ch, err
	close(p.changed)
	p.changed = make(chan struct{})
}

// reset closes ch, if it is still the current channel, so the connection
// loop starts a new connection.
func (p *AMQPPublisher) reset(ch *amqp.Channel) {
	p.mu.Lock()
	current := p.ch == ch
	p.mu.Unlock()
	if current {
		_ = ch.Close()
	}
}

// run keeps a connection open until Close.
func (p *AMQPPublisher) run() {
	defer close(p.done)
	backoff := p.cfg.MinBackoff
	failing := false
	for {
		conn, ch, err := p.connect()
		if err != nil {
			p.setState(nil, err)
			if !failing {
				p.log.Warn("cannot connect to the message broker", "error", err, "retry_in", backoff)
			} else {
				p.log.Debug("cannot connect to the message broker", "error", err, "retry_in", backoff)
			}
			failing = true
			if !p.sleep(backoff) {
				p.setState(nil, errors.New("publisher closed"))
				return
			}
			backoff = min(2*backoff, p.cfg.MaxBackoff)
			continue
		}
		connClosed := conn.NotifyClose(make(chan *amqp.Error, 1))
		chClosed := ch.NotifyClose(make(chan *amqp.Error, 1))
		p.setState(ch, nil)
		if failing {
			p.log.Info("connected to the message broker")
		} else {
			p.log.Debug("connected to the message broker")
		}
		failing = false
		up := time.Now()

		var reason error = errors.New("channel closed")
		select {
		case <-p.stop:
			p.setState(nil, errors.New("publisher closed"))
			_ = conn.Close()
			return
		case e := <-connClosed:
			reason = errors.New("connection closed")
			if e != nil {
				reason = e
			}
		case e := <-chClosed:
			if e != nil {
				reason = e
			}
		}
		p.setState(nil, reason)
		_ = conn.Close()
		p.log.Warn("lost the message broker connection", "error", reason)
		failing = true
		if time.Since(up) > p.cfg.MaxBackoff {
			backoff = p.cfg.MinBackoff
		}
		if !p.sleep(backoff) {
			p.setState(nil, errors.New("publisher closed"))
			return
		}
		backoff = min(2*backoff, p.cfg.MaxBackoff)
	}
}

// connect dials the broker, opens a channel in confirm mode and declares the
// exchange.
func (p *AMQPPublisher) connect() (*amqp.Connection, *amqp.Channel, error) {
	props := amqp.NewConnectionProperties()
	props.SetClientConnectionName(p.cfg.ConnectionName)
	conn, err := amqp.DialConfig(p.cfg.URL, amqp.Config{
		Dial:       amqp.DefaultDial(p.cfg.DialTimeout),
		Properties: props,
	})
	if err != nil {
		return nil, nil, err
	}
	ch, err := conn.Channel()
	if err == nil {
		err = ch.Confirm(false)
	}
	if err == nil {
		err = ch.ExchangeDeclare(p.cfg.Exchange, amqp.ExchangeHeaders, true, false, false, false, nil)
	}
	if err != nil {
		_ = conn.Close()
		return nil, nil, fmt.Errorf("exchange %s: %w", p.cfg.Exchange, err)
	}
	return conn, ch, nil
}

// sleep waits d, or returns false at once when the publisher is closed.
func (p *AMQPPublisher) sleep(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-p.stop:
		return false
	}
}
