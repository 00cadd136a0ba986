package calllog

import (
	"context"
	"database/sql"
	"math"
	"strconv"
	"strings"
	"time"

	"wsgate/internal/db"
)

// Filter selects calls; zero fields select everything.
type Filter struct {
	Function string
	Username string
	UserID   int64
	Service  string // the service's shortname
	TokenID  int64
	// Outcome is "ok", "error" (any failure) or one errorcode.
	Outcome string
	Since   time.Time // calls at or after
	Until   time.Time // calls before
	// Search is a case-insensitive substring of the function, the username
	// or the service.
	Search string
}

// OutcomeError selects every failed call in a Filter.
const OutcomeError = "error"

// Orders are the columns a list can be ordered by; the first is the default.
var Orders = []string{"time", "duration", "function", "username", "service", "outcome"}

var orderColumns = map[string]string{"time": "timecreated", "duration": "durationus", "function": "functionname",
	"username": "username", "service": "service", "outcome": "outcome"}

// Page is one page of calls: Total counts every row, Filtered those the
// filter selects.
type Page struct {
	Total, Filtered int
	Items           []Entry
}

// where builds the filter's WHERE clause with $n placeholders from 1.
func (f Filter) where() (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		conds = append(conds, strings.ReplaceAll(cond, "?", "$"+strconv.Itoa(len(args))))
	}
	if f.Function != "" {
		add("functionname = ?", f.Function)
	}
	if f.Username != "" {
		add("username = ?", f.Username)
	}
	if f.UserID != 0 {
		add("userid = ?", f.UserID)
	}
	if f.Service != "" {
		add("service = ?", f.Service)
	}
	if f.TokenID != 0 {
		add("tokenid = ?", f.TokenID)
	}
	switch f.Outcome {
	case "":
	case OutcomeError:
		add("outcome <> ?", OutcomeOK)
	default:
		add("outcome = ?", f.Outcome)
	}
	if !f.Since.IsZero() {
		add("timecreated >= ?", f.Since.Unix())
	}
	if !f.Until.IsZero() {
		add("timecreated < ?", f.Until.Unix())
	}
	if f.Search != "" {
		like := "%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(f.Search)) + "%"
		add(`(lower(functionname) LIKE ? ESCAPE '\' OR lower(username) LIKE ? ESCAPE '\' OR lower(service) LIKE ? ESCAPE '\')`, like)
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// List returns the page of calls f selects, ordered by order (one of
// Orders; "" for time) newest or largest first unless asc, limit rows (0:
// all) from offset. It reads through the read pool directly, so its many
// shapes of query stay out of the statement cache the call path uses.
func (s *Store) List(ctx context.Context, f Filter, order string, asc bool, limit, offset int) (Page, error) {
	col, ok := orderColumns[order]
	if !ok {
		col = orderColumns[Orders[0]]
	}
	dir := " DESC"
	if asc {
		dir = " ASC"
	}
	var p Page
	if err := s.d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_calls`).Scan(&p.Total); err != nil {
		return Page{}, db.Translate(err)
	}
	where, args := f.where()
	if err := s.d.Read.QueryRowContext(ctx, `SELECT COUNT(*) FROM external_calls`+where, args...).Scan(&p.Filtered); err != nil {
		return Page{}, db.Translate(err)
	}
	q := `SELECT id, ` + columns + ` FROM external_calls` + where + ` ORDER BY ` + col + dir
	q += ", id" + dir
	if limit <= 0 && offset > 0 {
		limit = math.MaxInt32 // OFFSET needs a LIMIT on SQLite
	}
	if limit > 0 {
		args = append(args, limit)
		q += " LIMIT $" + strconv.Itoa(len(args))
	}
	if offset > 0 {
		args = append(args, offset)
		q += " OFFSET $" + strconv.Itoa(len(args))
	}
	rows, err := s.d.Read.QueryContext(ctx, q, args...)
	if err != nil {
		return Page{}, db.Translate(err)
	}
	p.Items, err = scanEntries(rows)
	return p, err
}

// Get returns the call with id; sql.ErrNoRows when there is none.
func (s *Store) Get(ctx context.Context, id int64) (Entry, error) {
	rows, err := s.d.Read.QueryContext(ctx, `SELECT id, `+columns+` FROM external_calls WHERE id = $1`, id)
	if err != nil {
		return Entry{}, db.Translate(err)
	}
	list, err := scanEntries(rows)
	if err != nil {
		return Entry{}, err
	}
	if len(list) == 0 {
		return Entry{}, sql.ErrNoRows
	}
	return list[0], nil
}
