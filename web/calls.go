package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"wsgate/admin/calls"
	"wsgate/admin/crud"
	"wsgate/services/calllog"
)

// callStore is the call log the pages read.
func (s *site) callStore() *calllog.Store {
	if s.d.Admin.Calls != nil {
		return s.d.Admin.Calls
	}
	return calllog.NewStore(s.store.DB())
}

// activity is the overview's picture of recent calls.
type activity struct {
	PerMinute, PerHour chart
	Busiest            []calllog.FunctionCount
	Errors             []callRow
}

// callRow is a call as the pages show it, with links to the log filtered
// on its function and its outcome.
type callRow struct {
	calllog.Entry
	When, Duration          string
	FunctionURL, OutcomeURL string
}

func newCallRow(e calllog.Entry) callRow {
	return callRow{Entry: e, When: e.Time.UTC().Format("2006-01-02 15:04:05"),
		Duration:    strconv.FormatFloat(float64(e.Duration.Microseconds())/1000, 'f', 1, 64) + " ms",
		FunctionURL: "/admin/calls?" + url.Values{"function": {e.Function}}.Encode(),
		OutcomeURL:  "/admin/calls?" + url.Values{"function": {e.Function}, "outcome": {e.Outcome}}.Encode()}
}

// activity reads the summary the overview draws.
func (s *site) activity(r *http.Request) (activity, error) {
	sum, err := s.callStore().Summary(r.Context(), s.now())
	if err != nil {
		return activity{}, err
	}
	return newActivity(&sum), nil
}

func newActivity(sum *calllog.Summary) activity {
	a := activity{
		PerMinute: newChart("per-minute", "Calls per minute, last hour", "minute (UTC)", sum.PerMinute,
			func(t time.Time) string { return t.UTC().Format("15:04") }),
		PerHour: newChart("per-hour", "Calls per hour, last day", "hour (UTC)", sum.PerHour,
			func(t time.Time) string { return t.UTC().Format("15h") }),
		Busiest: sum.Busiest,
	}
	for _, e := range sum.Errors {
		a.Errors = append(a.Errors, newCallRow(e))
	}
	return a
}

// callsBody is the call log page.
type callsBody struct {
	Query            calls.Query
	Since, Until     string // the form's values
	Problem          string // why the filters were refused
	Rows             []callRow
	Total, Filtered  int
	From, To         int
	PrevURL, NextURL string
}

// callsPageSize is how many calls a page of the log shows.
const callsPageSize = 50

// callsList shows the call log with the filters of GET /1.0/calls; since
// and until are also taken as dates and times from the form.
func (s *site) callsList(w http.ResponseWriter, r *http.Request, c *reqCtx) {
	q := r.URL.Query()
	b := callsBody{Since: q.Get("since"), Until: q.Get("until")}
	for _, k := range []string{"since", "until"} {
		if v := q.Get(k); v != "" {
			if t, err := time.Parse("2006-01-02T15:04", v); err == nil {
				q.Set(k, strconv.FormatInt(t.Unix(), 10))
			}
		}
		if q.Get(k) == "" {
			q.Del(k)
		}
	}
	for _, k := range []string{"function", "user", "service", "token", "outcome", "search"} {
		if q.Get(k) == "" {
			q.Del(k)
		}
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	q.Del("offset")
	p, err := crud.ParseList(q)
	var query calls.Query
	if err == nil {
		query, err = calls.ParseQuery(p)
	}
	if err != nil {
		b.Problem = "These filters cannot be used: " + problemText(err)
		s.render(w, r, c, http.StatusBadRequest, "calls", "Call log", "calls", b)
		return
	}
	query.Limit, query.Offset = callsPageSize, max(offset, 0)
	b.Query = query
	page, err := s.callStore().List(r.Context(), query.Filter, query.Order, query.Asc, query.Limit, query.Offset)
	if err != nil {
		s.internalError(w, r, err)
		return
	}
	b.Total, b.Filtered = page.Total, page.Filtered
	for _, e := range page.Items {
		b.Rows = append(b.Rows, newCallRow(e))
	}
	b.From, b.To = query.Offset+1, query.Offset+len(page.Items)
	link := func(off int) string {
		v := query.Values()
		if off > 0 {
			v.Set("offset", strconv.Itoa(off))
		}
		return "/admin/calls?" + v.Encode()
	}
	if query.Offset > 0 {
		b.PrevURL = link(max(query.Offset-callsPageSize, 0))
	}
	if b.To < b.Filtered {
		b.NextURL = link(query.Offset + callsPageSize)
	}
	s.render(w, r, c, http.StatusOK, "calls", "Call log", "calls", b)
}

// problemText is a refused filter as one sentence: each parameter and what
// is wrong with it, in name order.
func problemText(err error) string {
	var p *crud.Problem
	if !errors.As(err, &p) {
		return "the filters are not valid."
	}
	names := make([]string, 0, len(p.ErrorDetails()))
	for k := range p.ErrorDetails() {
		names = append(names, k)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, k := range names {
		parts[i] = fmt.Sprintf("%s %v", k, p.ErrorDetails()[k])
	}
	return strings.Join(parts, "; ") + "."
}
