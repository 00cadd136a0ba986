// Package calls is the admin plugin of the call log, on /calls (a page of
// calls, filtered), /calls/{id} and /calls/summary (the overview's
// figures). It only reads: calls are recorded by the pipeline and pruned
// by the call log's own task.
package calls

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"slices"
	"strconv"
	"time"

	"wsgate"
	"wsgate/admin/crud"
	"wsgate/services/calllog"
)

// Name is the plugin's name in enabled_plugins.
const Name = "calls"

var noun = crud.Noun{One: "call", Many: "calls"}

// Plugin is the calls plugin.
type Plugin struct{ env *crud.Env }

// New returns the plugin over env.
func New(env *crud.Env) *Plugin { return &Plugin{env: env} }

// Name returns "calls".
func (p *Plugin) Name() string { return Name }

// service reads the call log of the plugin's store.
type service struct{ env *crud.Env }

func (s service) store() *calllog.Store {
	if s.env.Calls != nil {
		return s.env.Calls
	}
	return calllog.NewStore(s.env.Store.DB())
}

// List returns the page of calls p selects.
func (s service) List(ctx context.Context, _ *wsgate.Caller, p crud.ListParams) (crud.Page[calllog.Entry], error) {
	q, err := ParseQuery(p)
	if err != nil {
		return crud.Page[calllog.Entry]{}, err
	}
	page, err := s.store().List(ctx, q.Filter, q.Order, q.Asc, q.Limit, q.Offset)
	return crud.Page[calllog.Entry]{Total: page.Total, Filtered: page.Filtered, Items: page.Items,
		Scanned: len(page.Items)}, err
}

// Get returns the call with id.
func (s service) Get(ctx context.Context, _ *wsgate.Caller, id string) (calllog.Entry, error) {
	return crud.GetByID(id, "Call", "id", func(n int64) (calllog.Entry, error) {
		e, err := s.store().Get(ctx, n)
		if errors.Is(err, sql.ErrNoRows) {
			err = wsgate.ErrNotFound
		}
		return e, err
	})
}

// Query is a list of calls as asked: the filter, the order and the page.
type Query struct {
	Filter calllog.Filter
	Order  string
	Asc    bool
	Limit  int
	Offset int
}

// ParseQuery reads the list parameters of /calls: the list conventions
// (search, order, direction, limit, offset; descending unless
// direction=asc, so newest first by default) and
// the filters function, user, user_id, service, token (a token id),
// outcome (ok, error or an errorcode), since and until (Unix seconds).
// Anything else is an Invalid error naming the parameter.
func ParseQuery(p crud.ListParams) (Query, error) {
	q := Query{Filter: calllog.Filter{Search: p.Search}, Order: p.Order, Limit: p.Limit, Offset: p.Offset}
	bad := crud.Fields{}
	if q.Order != "" && !slices.Contains(calllog.Orders, q.Order) {
		bad["order"] = "column '" + q.Order + "' was not found"
	}
	q.Asc = p.Direction == "asc" // newest (or largest) first unless asked
	integer := func(name, v string) int64 {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			bad[name] = "must be an integer"
		}
		return n
	}
	for name, v := range p.Filters {
		switch name {
		case "function":
			q.Filter.Function = v
		case "user":
			q.Filter.Username = v
		case "user_id":
			q.Filter.UserID = integer(name, v)
		case "service":
			q.Filter.Service = v
		case "token":
			q.Filter.TokenID = integer(name, v)
		case "outcome":
			q.Filter.Outcome = v
		case "since":
			q.Filter.Since = time.Unix(integer(name, v), 0)
		case "until":
			q.Filter.Until = time.Unix(integer(name, v), 0)
		default:
			bad[name] = "is not a query parameter of this list"
		}
	}
	if len(bad) > 0 {
		return Query{}, crud.Invalid(bad)
	}
	return q, nil
}

// Values is q as the query string ParseQuery reads (for links between pages).
func (q Query) Values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("function", q.Filter.Function)
	set("user", q.Filter.Username)
	set("service", q.Filter.Service)
	set("outcome", q.Filter.Outcome)
	set("search", q.Filter.Search)
	if q.Filter.UserID != 0 {
		v.Set("user_id", strconv.FormatInt(q.Filter.UserID, 10))
	}
	if q.Filter.TokenID != 0 {
		v.Set("token", strconv.FormatInt(q.Filter.TokenID, 10))
	}
	if !q.Filter.Since.IsZero() {
		v.Set("since", strconv.FormatInt(q.Filter.Since.Unix(), 10))
	}
	if !q.Filter.Until.IsZero() {
		v.Set("until", strconv.FormatInt(q.Filter.Until.Unix(), 10))
	}
	return v
}
