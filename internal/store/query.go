package store

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// rowScanner is what *sql.Row and *sql.Rows have in common.
type rowScanner interface{ Scan(dest ...any) error }

// scanAll runs a query and scans each row with scan (scanContract,
// scanTouch...), on top of each.
func scanAll[T any](tx *Tx, scan func(rowScanner) (T, error), q string, args ...any) ([]T, error) {
	var out []T
	err := tx.each(q, args, func(r *sql.Rows) error {
		v, err := scan(r)
		if err == nil {
			out = append(out, v)
		}
		return err
	})
	return out, err
}

// sortKey is one way a list can be ordered: a column and how to read the same
// value off an item, for the next page's cursor.
type sortKey[T any] struct {
	col string
	val func(*T) any
}

// lister builds keyset-paged, filtered list queries for one table. Filters
// are added with where(); placeholders in them are written "?" and numbered
// here, so callers never count arguments.
type lister[T any] struct {
	table   string
	cols    string
	scan    func(rowScanner) (T, error)
	id      func(*T) int64
	sorts   map[string]sortKey[T]
	def     string
	orgID   int64
	clauses []string
	args    []any
}

func (l *lister[T]) where(cond string, args ...any) {
	for _, a := range args {
		l.args = append(l.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(l.args)), 1)
	}
	l.clauses = append(l.clauses, cond)
}

// search adds a case-insensitive substring match of q over the columns. LIKE
// wildcards in q are escaped, so user input is always data.
func (l *lister[T]) search(q string, cols ...string) {
	q = strings.TrimSpace(q)
	if q == "" {
		return
	}
	pat := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(strings.ToLower(q)) + "%"
	parts := make([]string, len(cols))
	for i, c := range cols {
		parts[i] = "lower(" + c + `) LIKE ? ESCAPE '\'`
	}
	args := make([]any, len(cols))
	for i := range args {
		args[i] = pat
	}
	l.where("("+strings.Join(parts, " OR ")+")", args...)
}

// visibleTo confines the list to the accounts person owns or is on the team
// of (need to know). col is the column holding the account id: "id" for
// accounts themselves, "account_id" for their records.
func (l *lister[T]) visibleTo(person int64, col string) {
	if person == 0 {
		return
	}
	l.where(col+" IN (SELECT id FROM accounts WHERE org_id = ? AND owner_id = ?"+
		" UNION SELECT account_id FROM account_team WHERE org_id = ? AND person_id = ?)", l.orgID, person, l.orgID, person)
}

type cursor struct {
	V  json.RawMessage `json:"v"`
	ID int64           `json:"id"`
}

// run executes the list query and returns the page and the next cursor ("" at
// the end).
func (l *lister[T]) run(tx *Tx, p account.Page) ([]T, string, error) {
	limit := p.Limit
	if limit <= 0 {
		limit = account.DefaultLimit
	}
	if limit > account.MaxLimit {
		limit = account.MaxLimit
	}
	name, desc := strings.CutPrefix(p.Sort, "-")
	if name == "" {
		name, desc = strings.CutPrefix(l.def, "-")
	}
	key, ok := l.sorts[name]
	if !ok {
		keys := make([]string, 0, len(l.sorts))
		for k := range l.sorts {
			keys = append(keys, k)
		}
		return nil, "", account.Invalid("sort", "must be one of %s (prefix - for descending)", strings.Join(slices.Sorted(slices.Values(keys)), ", "))
	}
	if p.Cursor != "" {
		raw, err := base64.RawURLEncoding.DecodeString(p.Cursor)
		var c cursor
		if err == nil {
			err = json.Unmarshal(raw, &c)
		}
		if err != nil || c.V == nil {
			return nil, "", account.Invalid("cursor", "is not a cursor this list returned")
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(string(c.V)))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, "", account.Invalid("cursor", "is not a cursor this list returned")
		}
		if n, ok := v.(json.Number); ok {
			i, err := n.Int64()
			if err != nil {
				return nil, "", account.Invalid("cursor", "is not a cursor this list returned")
			}
			v = i
		}
		op := ">"
		if desc {
			op = "<"
		}
		l.where(fmt.Sprintf("(%s, id) %s (?, ?)", key.col, op), v, c.ID)
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "SELECT %s FROM %s WHERE org_id = %d", l.cols, l.table, l.orgID)
	for _, c := range l.clauses {
		sb.WriteString(" AND ")
		sb.WriteString(c)
	}
	fmt.Fprintf(&sb, " ORDER BY %s %s, id %s LIMIT %d", key.col, dir, dir, limit+1)
	rows, err := tx.Query(sb.String(), l.args...)
	if err != nil {
		return nil, "", err
	}
	defer rows.Close()
	items := make([]T, 0, limit)
	for rows.Next() {
		it, err := l.scan(rows)
		if err != nil {
			return nil, "", err
		}
		items = append(items, it)
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	next := ""
	if len(items) > limit {
		items = items[:limit]
		last := &items[limit-1]
		v, _ := json.Marshal(key.val(last))
		b, _ := json.Marshal(cursor{V: v, ID: l.id(last)})
		next = base64.RawURLEncoding.EncodeToString(b)
	}
	return items, next, nil
}
