package crud

import (
	"context"
	"database/sql"
	"math"
	"slices"
	"strconv"
	"strings"

	"wsgate/internal/db"
)

// Table is where a dao pages a list in SQL: one body of SQL for SQLite and
// PostgreSQL ($n placeholders, LOWER, LIKE ... ESCAPE, LIMIT and OFFSET).
type Table struct {
	// Select lists the columns scan reads; From is the table.
	Select, From string
	// Where is the condition of the rows listed at all ("" for every
	// row), e.g. deleted = FALSE; it takes no argument.
	Where string
	// Key orders the rows that tie on the order column: the primary key.
	Key string
}

// ListSQL returns the page of t that p selects: the search (a
// case-insensitive substring of any search column), the exact filters, the
// order (strings case-insensitively, then by case; ties by Key, ascending)
// and the page all run in the database, which returns only the page's
// rows, each read by scan. Columns listed this way need their SQL
// expression (Column.SQL). Errors of p are those of Columns.Check.
func ListSQL[T any](ctx context.Context, q db.Querier, t Table, cols Columns[T], p ListParams,
	scan func(*sql.Rows) (T, error)) (Page[T], error) {
	lq, err := cols.Check(p)
	if err != nil {
		return Page[T]{}, err
	}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var conds []string
	if p.Search != "" {
		like := arg("%" + strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(strings.ToLower(p.Search)) + "%")
		var ors []string
		for _, name := range cols.Search {
			ors = append(ors, "LOWER("+cols.Columns[name].sql+`) LIKE `+like+` ESCAPE '\'`)
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	for _, name := range sortedKeys(lq.Filters) {
		conds = append(conds, cols.Columns[name].sql+" = "+arg(lq.Filters[name]))
	}
	base, cond := t.Where, strings.Join(conds, " AND ")
	if base == "" {
		base = "TRUE"
	}
	if cond == "" {
		cond = "TRUE"
	}
	page := Page[T]{Items: []T{}}
	filtered := `COUNT(*)`
	if len(conds) > 0 {
		filtered = `COUNT(CASE WHEN ` + cond + ` THEN 1 END)`
	}
	err = q.QueryRowContext(ctx, `SELECT COUNT(*), `+filtered+` FROM `+t.From+` WHERE `+base, args...).
		Scan(&page.Total, &page.Filtered)
	if err != nil {
		return Page[T]{}, db.Translate(err)
	}
	query := `SELECT ` + t.Select + ` FROM ` + t.From + ` WHERE ` + base + ` AND ` + cond +
		` ORDER BY ` + orderBy(cols.Columns[lq.Order], p.Desc) + t.Key + ` LIMIT `
	limit := p.Limit
	if limit <= 0 {
		limit = math.MaxInt32 // no limit; OFFSET needs a LIMIT on SQLite
	}
	query += arg(limit) + ` OFFSET ` + arg(p.Offset)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return Page[T]{}, db.Translate(err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return Page[T]{}, db.Translate(err)
		}
		page.Items = append(page.Items, m)
		page.Scanned++
	}
	return page, db.Translate(rows.Err())
}

// orderBy is the ORDER BY terms of c before the key: a string column
// case-insensitively, then by case (byte order, as PostgreSQL's C
// collation and SQLite's BINARY compare).
func orderBy[T any](c Column[T], desc bool) string {
	dir := " ASC, "
	if desc {
		dir = " DESC, "
	}
	if c.kind == stringColumn {
		return "LOWER(" + c.sql + ")" + dir + c.sql + dir
	}
	return c.sql + dir
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
