package calllog

import (
	"context"
	"time"

	"wsgate/internal/db"
)

// Bucket is the calls of one span of time, split by outcome.
type Bucket struct {
	Start  time.Time
	OK     int
	Errors int
}

// FunctionCount is how often one function was called.
type FunctionCount struct {
	Function string
	Calls    int
	Errors   int
}

// Summary is the recent activity the overview draws.
type Summary struct {
	Now       time.Time
	PerMinute []Bucket        // the last 60 minutes, oldest first
	PerHour   []Bucket        // the last 24 hours, oldest first
	Busiest   []FunctionCount // the ten most called functions of the last 24 hours
	Errors    []Entry         // the last 20 failed calls, newest first
}

// Summary counts the calls around now. Buckets are aligned on whole minutes
// and hours (UTC); the current one is partial.
func (s *Store) Summary(ctx context.Context, now time.Time) (Summary, error) {
	sum := Summary{Now: now}
	var err error
	if sum.PerMinute, err = s.buckets(ctx, now, time.Minute, 60); err != nil {
		return Summary{}, err
	}
	if sum.PerHour, err = s.buckets(ctx, now, time.Hour, 24); err != nil {
		return Summary{}, err
	}
	if sum.Busiest, err = s.busiest(ctx, now.Add(-24*time.Hour), 10); err != nil {
		return Summary{}, err
	}
	page, err := s.List(ctx, Filter{Outcome: OutcomeError}, "time", false, 20, 0)
	if err != nil {
		return Summary{}, err
	}
	sum.Errors = page.Items
	return sum, nil
}

// buckets returns n buckets of width ending with the one holding now.
func (s *Store) buckets(ctx context.Context, now time.Time, width time.Duration, n int) ([]Bucket, error) {
	w := int64(width / time.Second)
	last := now.Unix() / w
	first := last - int64(n) + 1
	out := make([]Bucket, n)
	for i := range out {
		out[i].Start = time.Unix((first+int64(i))*w, 0).UTC()
	}
	rows, err := s.d.Read.QueryContext(ctx, `SELECT timecreated / $1 AS b,
		SUM(CASE WHEN outcome = 'ok' THEN 1 ELSE 0 END), COUNT(*)
		FROM external_calls WHERE timecreated >= $2 AND timecreated < $3 GROUP BY b`, w, first*w, (last+1)*w)
	if err != nil {
		return nil, db.Translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b, ok, all int64
		if err := rows.Scan(&b, &ok, &all); err != nil {
			return nil, db.Translate(err)
		}
		if i := b - first; i >= 0 && i < int64(n) {
			out[i].OK, out[i].Errors = int(ok), int(all-ok)
		}
	}
	return out, db.Translate(rows.Err())
}

// busiest returns the n functions called most since, most first.
func (s *Store) busiest(ctx context.Context, since time.Time, n int) ([]FunctionCount, error) {
	rows, err := s.d.Read.QueryContext(ctx, `SELECT functionname, COUNT(*) AS calls,
		SUM(CASE WHEN outcome = 'ok' THEN 0 ELSE 1 END)
		FROM external_calls WHERE timecreated >= $1 GROUP BY functionname
		ORDER BY calls DESC, functionname LIMIT $2`, since.Unix(), n)
	if err != nil {
		return nil, db.Translate(err)
	}
	defer rows.Close()
	out := []FunctionCount{}
	for rows.Next() {
		var f FunctionCount
		if err := rows.Scan(&f.Function, &f.Calls, &f.Errors); err != nil {
			return nil, db.Translate(err)
		}
		out = append(out, f)
	}
	return out, db.Translate(rows.Err())
}
