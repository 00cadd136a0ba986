package crud

import (
	"context"
	"log/slog"
	"time"

	"wsgate"
	"wsgate/admin/render"
	"wsgate/functions"
	"wsgate/internal/bus"
	"wsgate/services"
	"wsgate/services/calllog"
)

// Env is what every plugin is built from.
type Env struct {
	Store   *services.Store    // the services store, outside any transaction
	Catalog *functions.Catalog // the installed functions
	Changes *Changes           // runs each change in its own transaction
	Render  *render.Renderer   // writes answers
	Now     func() time.Time   // the clock of the rules that look at time (validuntil)
	Calls   *calllog.Store     // the call log; nil: the one in Store's database
}

// Tx is one change in progress: the services store bound to its
// transaction, and the events it emits, written to the outbox in it.
type Tx struct {
	*services.Store
	events []bus.Event
}

// Emit writes ev to the outbox in the transaction: it is relayed if and only
// if the change commits.
func (tx *Tx) Emit(ctx context.Context, ev bus.Event) error {
	if err := bus.Write(ctx, tx.Querier(), ev); err != nil {
		return err
	}
	tx.events = append(tx.events, ev)
	return nil
}

// Changes runs changes, one transaction each.
type Changes struct {
	Store *services.Store
	// AfterCommit, when not nil, is called after each commit that wrote
	// events, to wake the relay that publishes them.
	AfterCommit func()
	Log         *slog.Logger
}

// Do runs fn in a new transaction, committed when fn returns nil. The
// store announces what changed (the authorizer drops it from its cache)
// after the commit; then AfterCommit is called if fn emitted events, and
// each event is logged with the caller who made the change.
func (c *Changes) Do(ctx context.Context, fn func(tx *Tx) error) error {
	var events []bus.Event
	err := c.Store.Transact(ctx, func(st *services.Store) error {
		tx := &Tx{Store: st}
		if err := fn(tx); err != nil {
			return err
		}
		events = tx.events
		return nil
	})
	if err != nil || len(events) == 0 {
		return err
	}
	if c.AfterCommit != nil {
		c.AfterCommit()
	}
	if c.Log != nil {
		who := ""
		if caller := wsgate.CallerFrom(ctx); caller != nil {
			who = caller.Username
		}
		for _, ev := range events {
			attrs := append([]slog.Attr{slog.String("event", ev.Name), slog.String("by", who)}, ev.BodyAttrs()...)
			c.Log.LogAttrs(ctx, slog.LevelInfo, "admin change", attrs...)
		}
	}
	return nil
}
