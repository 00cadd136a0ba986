package functions

import (
	"context"
	"database/sql"
	"encoding/json"
	"sort"
	"strings"
	"time"

	"wsgate/internal/db"
)

// The external_functions table belongs to this package: every query on it is here.

const functionColumns = `name, classname, methodname, classpath, component, capabilities, services,
	description, type, deprecated, parameters, returns, upstream_url, upstream_timeout_ms, destructive`

// Row is a function as stored in external_functions: the description trees as
// JSON text, lists joined with commas as Moodle stores them.
type Row struct {
	Name, ClassName, MethodName string
	ClassPath                   sql.NullString
	Component                   string
	Capabilities, Services      sql.NullString
	Description, Type           string
	Deprecated, Destructive     bool
	Parameters, Returns         string
	UpstreamURL                 sql.NullString
	UpstreamTimeoutMS           int64
}

// ToRow encodes f for storage. Services are sorted, as Moodle stores them.
func (f *Function) ToRow() (Row, error) {
	r := Row{Name: f.Name, ClassName: f.ClassName, MethodName: f.MethodName, Component: f.Component,
		Description: f.Description, Type: f.Type, Deprecated: f.Deprecated, Destructive: f.Destructive}
	if r.MethodName == "" {
		r.MethodName = "execute"
	}
	r.ClassPath = nullIfEmpty(f.ClassPath)
	r.Capabilities = nullIfEmpty(strings.Join(f.Capabilities, ","))
	svcs := append([]string(nil), f.Services...)
	sort.Strings(svcs)
	r.Services = nullIfEmpty(strings.Join(svcs, ","))
	params := f.Params
	if params == nil {
		params = &Description{Shape: SingleShape}
	}
	b, err := json.Marshal(params)
	if err != nil {
		return r, err
	}
	r.Parameters = string(b)
	if f.Returns != nil {
		if b, err = json.Marshal(f.Returns); err != nil {
			return r, err
		}
		r.Returns = string(b)
	}
	if f.Upstream != nil {
		r.UpstreamURL = nullIfEmpty(f.Upstream.URL)
		r.UpstreamTimeoutMS = f.Upstream.Timeout.Milliseconds()
	}
	return r, nil
}

// Function decodes a stored row.
func (r Row) Function() (*Function, error) {
	f := &Function{Name: r.Name, ClassName: r.ClassName, MethodName: r.MethodName, ClassPath: r.ClassPath.String,
		Component: r.Component, Description: r.Description, Type: r.Type, Deprecated: r.Deprecated, Destructive: r.Destructive,
		Capabilities: splitList(r.Capabilities.String), Services: splitList(r.Services.String)}
	f.Params = &Description{}
	if err := json.Unmarshal([]byte(r.Parameters), f.Params); err != nil {
		return nil, err
	}
	if r.Returns != "" {
		f.Returns = &Description{}
		if err := json.Unmarshal([]byte(r.Returns), f.Returns); err != nil {
			return nil, err
		}
	}
	if r.UpstreamURL.Valid {
		f.Upstream = &Upstream{URL: r.UpstreamURL.String, Timeout: time.Duration(r.UpstreamTimeoutMS) * time.Millisecond}
	}
	return f, nil
}

func (r *Row) args() []any {
	return []any{r.Name, r.ClassName, r.MethodName, r.ClassPath, r.Component, r.Capabilities, r.Services,
		r.Description, r.Type, r.Deprecated, r.Parameters, r.Returns, r.UpstreamURL, r.UpstreamTimeoutMS, r.Destructive}
}

func nullIfEmpty(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}

// ListRows returns every stored function, ordered by name.
func ListRows(ctx context.Context, q db.Querier) ([]Row, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+functionColumns+` FROM external_functions ORDER BY name`)
	if err != nil {
		return nil, db.Translate(err)
	}
	defer rows.Close()
	var out []Row
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.Name, &r.ClassName, &r.MethodName, &r.ClassPath, &r.Component, &r.Capabilities,
			&r.Services, &r.Description, &r.Type, &r.Deprecated, &r.Parameters, &r.Returns, &r.UpstreamURL,
			&r.UpstreamTimeoutMS, &r.Destructive); err != nil {
			return nil, db.Translate(err)
		}
		out = append(out, r)
	}
	return out, db.Translate(rows.Err())
}

// List returns every stored function, decoded, ordered by name.
func List(ctx context.Context, q db.Querier) ([]*Function, error) {
	rows, err := ListRows(ctx, q)
	if err != nil {
		return nil, err
	}
	out := make([]*Function, 0, len(rows))
	for _, r := range rows {
		f, err := r.Function()
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, nil
}

// InsertRows stores new functions.
func InsertRows(ctx context.Context, q db.Querier, rows []Row) error {
	return execEach(ctx, q, `INSERT INTO external_functions (`+functionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`, rows, (*Row).args)
}

// UpdateRows rewrites stored functions, matched by name.
func UpdateRows(ctx context.Context, q db.Querier, rows []Row) error {
	return execEach(ctx, q, `UPDATE external_functions SET classname = $2, methodname = $3, classpath = $4,
		component = $5, capabilities = $6, services = $7, description = $8, type = $9, deprecated = $10,
		parameters = $11, returns = $12, upstream_url = $13, upstream_timeout_ms = $14, destructive = $15 WHERE name = $1`, rows, (*Row).args)
}

// DeleteByName removes functions; their links to services go with them.
func DeleteByName(ctx context.Context, q db.Querier, names []string) error {
	return execEach(ctx, q, `DELETE FROM external_functions WHERE name = $1`, names,
		func(n *string) []any { return []any{*n} })
}

// execEach runs one statement per item; inside a transaction it is prepared once.
func execEach[T any](ctx context.Context, q db.Querier, query string, items []T, args func(*T) []any) error {
	if len(items) == 0 {
		return nil
	}
	if p, ok := q.(interface {
		PrepareContext(context.Context, string) (*sql.Stmt, error)
	}); ok {
		stmt, err := p.PrepareContext(ctx, query)
		if err != nil {
			return db.Translate(err)
		}
		defer stmt.Close()
		for i := range items {
			if _, err := stmt.ExecContext(ctx, args(&items[i])...); err != nil {
				return db.Translate(err)
			}
		}
		return nil
	}
	for i := range items {
		if _, err := q.ExecContext(ctx, query, args(&items[i])...); err != nil {
			return db.Translate(err)
		}
	}
	return nil
}
