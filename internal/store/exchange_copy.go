package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// Moving a whole installation. CopyAll copies every table of one samwise
// database into another, empty one of either dialect, at the same schema
// version: it reads one consistent snapshot of the source (a read-only
// REPEATABLE READ transaction on PostgreSQL; a read transaction under WAL
// on SQLite, so serve keeps running) and writes in one transaction, so the
// target gets all of it or nothing. Tables go parents first; while copying,
// the target's foreign-key checks and triggers are off (the rows already
// satisfied them in the source; triggers would derive rows, such as
// cadence_checkins, that are copied as they are), and on PostgreSQL the
// identity sequences are moved past the copied ids. At the end every
// table's row count in the target is compared with the source's.
//
// Backups use the same path: a SQLite database is backed up with VACUUM
// INTO; a PostgreSQL one is copied into a new SQLite file — a portable
// logical dump that sqlite3 opens, that restore reads back into either
// dialect, and whose tables are samwise's own.

// CopyStats says what a copy moved.
type CopyStats struct {
	Tables []TableCount
	Rows   int64
}

// TableCount is one table's row count.
type TableCount struct {
	Table string `json:"table"`
	Rows  int64  `json:"rows"`
}

// copyMaxParams bounds the parameters of one multi-row INSERT (SQLite
// target); a PostgreSQL target streams through COPY (exchange_copy_pg.go).
const copyMaxParams = 4000

// tables lists samwise's tables (not goose's bookkeeping), parents first.
func (db *DB) tables(ctx context.Context, q queryer) ([]string, error) {
	var names []string
	var deps [][2]string
	var rows *sql.Rows
	var err error
	if db.dialect == SQLite {
		rows, err = q.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> 'goose_db_version'`)
	} else {
		rows, err = q.QueryContext(ctx, `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()
			AND table_type = 'BASE TABLE' AND table_name <> 'goose_db_version'`)
	}
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, err
		}
		names = append(names, n)
	}
	rows.Close()
	sort.Strings(names)
	for _, t := range names {
		var rs *sql.Rows
		if db.dialect == SQLite {
			rs, err = q.QueryContext(ctx, `SELECT DISTINCT "table" FROM pragma_foreign_key_list($1)`, t)
		} else {
			rs, err = q.QueryContext(ctx, `SELECT DISTINCT confrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND conrelid = $1::regclass`, t)
		}
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var p string
			if err := rs.Scan(&p); err != nil {
				rs.Close()
				return nil, err
			}
			if p != t {
				deps = append(deps, [2]string{t, p})
			}
		}
		rs.Close()
	}
	// Topological order; ties alphabetical for a stable order.
	var out []string
	done := map[string]bool{}
	for len(out) < len(names) {
		progress := false
		for _, t := range names {
			if done[t] {
				continue
			}
			ready := true
			for _, d := range deps {
				if d[0] == t && !done[d[1]] && slices.Contains(names, d[1]) {
					ready = false
					break
				}
			}
			if ready {
				out = append(out, t)
				done[t] = true
				progress = true
			}
		}
		if !progress {
			for _, t := range names {
				if !done[t] {
					out = append(out, t)
					done[t] = true
				}
			}
		}
	}
	return out, nil
}

type queryer interface {
	QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error)
}

type column struct {
	name string
	typ  string // the target's declared type, lower case
}

func (db *DB) columns(ctx context.Context, q queryer, table string) ([]column, error) {
	var rows *sql.Rows
	var err error
	if db.dialect == SQLite {
		rows, err = q.QueryContext(ctx, `SELECT name, LOWER(type) FROM pragma_table_info($1) ORDER BY cid`, table)
	} else {
		rows, err = q.QueryContext(ctx, `SELECT column_name, LOWER(data_type) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	}
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []column
	for rows.Next() {
		var c column
		if err := rows.Scan(&c.name, &c.typ); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// versions lists the applied migrations.
func (db *DB) versions(ctx context.Context) ([]int64, error) {
	st, err := db.MigrationStatuses(ctx)
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, s := range st {
		if s.Applied {
			out = append(out, s.Version)
		}
	}
	return out, nil
}

// IsEmpty reports whether the database holds no organisation.
func (db *DB) IsEmpty(ctx context.Context) (bool, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM orgs`).Scan(&n)
	return n == 0, err
}

// CopyAll copies every table of src into db, which must be migrated to the
// same version and empty. progress, if not nil, hears each table as it
// starts and every batch of rows.
func (db *DB) CopyAll(ctx context.Context, src *DB, progress func(table string, rows int64)) (CopyStats, error) {
	var stats CopyStats
	sv, err := src.versions(ctx)
	if err != nil {
		return stats, fmt.Errorf("read the source's schema version: %w", err)
	}
	dv, err := db.versions(ctx)
	if err != nil {
		return stats, fmt.Errorf("read the target's schema version: %w", err)
	}
	if !slices.Equal(sv, dv) {
		return stats, account.Errorf(account.ECONFLICT, "The source has migrations %v and the target %v: run the same samwise version's migrate on both first.", sv, dv)
	}
	if empty, err := db.IsEmpty(ctx); err != nil {
		return stats, err
	} else if !empty {
		return stats, account.Errorf(account.ECONFLICT, "The target database is not empty: copy and restore only write into a new, empty database.")
	}

	// The source's snapshot.
	rconn, err := src.r.Conn(ctx)
	if err != nil {
		return stats, err
	}
	defer rconn.Close()
	ropts := &sql.TxOptions{ReadOnly: true, Isolation: sql.LevelRepeatableRead}
	if src.dialect == SQLite {
		ropts = nil
	}
	rtx, err := rconn.BeginTx(ctx, ropts)
	if err != nil {
		return stats, err
	}
	defer rtx.Rollback()
	tables, err := src.tables(ctx, rtx)
	if err != nil {
		return stats, fmt.Errorf("list the source's tables: %w", err)
	}

	// The target's transaction, on one connection.
	wconn, err := db.w.Conn(ctx)
	if err != nil {
		return stats, err
	}
	defer wconn.Close()
	if db.dialect == SQLite {
		if _, err := wconn.ExecContext(ctx, `PRAGMA foreign_keys = OFF`); err != nil {
			return stats, err
		}
		defer func() {
			if _, err := wconn.ExecContext(context.WithoutCancel(ctx), `PRAGMA foreign_keys = ON`); err != nil {
				_ = wconn.Raw(func(any) error { return driver.ErrBadConn })
			}
		}()
	}
	wtx, err := wconn.BeginTx(ctx, nil)
	if err != nil {
		return stats, err
	}
	defer wtx.Rollback()
	dtables, err := db.tables(ctx, wtx)
	if err != nil {
		return stats, err
	}
	var triggers []string
	if db.dialect == SQLite {
		rows, err := wtx.QueryContext(ctx, `SELECT name, sql FROM sqlite_master WHERE type = 'trigger'`)
		if err != nil {
			return stats, err
		}
		var names []string
		for rows.Next() {
			var n, s string
			if err := rows.Scan(&n, &s); err != nil {
				rows.Close()
				return stats, err
			}
			names, triggers = append(names, n), append(triggers, s)
		}
		rows.Close()
		for _, n := range names {
			if _, err := wtx.ExecContext(ctx, `DROP TRIGGER "`+n+`"`); err != nil {
				return stats, err
			}
		}
	} else {
		if _, err := wtx.ExecContext(ctx, `SET LOCAL session_replication_role = replica`); err != nil {
			return stats, fmt.Errorf("the copy into PostgreSQL turns off foreign-key checks and triggers for its transaction, which needs a superuser or the database owner with replication rights: %w", err)
		}
	}
	var dropped []pgSecondaryIndex
	if db.dialect == Postgres {
		if dropped, err = dropSecondaryIndexes(ctx, wtx); err != nil {
			return stats, err
		}
	}
	// Tables the target has that were filled by migrations (e.g. default
	// rows) are emptied first: the source's rows replace them.
	for _, t := range dtables {
		if slices.Contains(tables, t) {
			if _, err := wtx.ExecContext(ctx, `DELETE FROM `+quoteIdent(t)); err != nil {
				return stats, fmt.Errorf("empty %s: %w", t, err)
			}
		}
	}
	for _, t := range tables {
		if !slices.Contains(dtables, t) {
			return stats, fmt.Errorf("the target has no table %s", t)
		}
		if progress != nil {
			progress(t, 0)
		}
		n, err := db.copyTable(ctx, src, rtx, wconn, wtx, t, progress)
		if err != nil {
			return stats, fmt.Errorf("copy %s: %w", t, err)
		}
		stats.Tables = append(stats.Tables, TableCount{t, n})
		stats.Rows += n
	}
	for _, s := range triggers {
		if _, err := wtx.ExecContext(ctx, s); err != nil {
			return stats, fmt.Errorf("recreate trigger: %w", err)
		}
	}
	if err := buildIndexes(ctx, wtx, dropped); err != nil {
		return stats, err
	}
	// Sequences and counts.
	for _, tc := range stats.Tables {
		var srcN, dstN int64
		if err := rtx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(tc.Table)).Scan(&srcN); err != nil {
			return stats, err
		}
		if err := wtx.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(tc.Table)).Scan(&dstN); err != nil {
			return stats, err
		}
		if srcN != dstN || dstN != tc.Rows {
			return stats, fmt.Errorf("count check failed for %s: source %d, copied %d, target %d", tc.Table, srcN, tc.Rows, dstN)
		}
		if db.dialect == Postgres {
			cols, err := db.columns(ctx, wtx, tc.Table)
			if err != nil {
				return stats, err
			}
			if !slices.ContainsFunc(cols, func(c column) bool { return c.name == "id" }) {
				continue
			}
			var seq sql.NullString
			if err := wtx.QueryRowContext(ctx, `SELECT pg_get_serial_sequence($1, 'id')`, tc.Table).Scan(&seq); err != nil {
				return stats, err
			}
			if seq.Valid {
				if _, err := wtx.ExecContext(ctx, `SELECT setval($1, COALESCE((SELECT MAX(id) FROM `+quoteIdent(tc.Table)+`), 0) + 1, false)`, seq.String); err != nil {
					return stats, fmt.Errorf("reset the id sequence of %s: %w", tc.Table, err)
				}
			}
		}
	}
	if db.dialect == SQLite {
		rows, err := wtx.QueryContext(ctx, `PRAGMA foreign_key_check`)
		if err != nil {
			return stats, err
		}
		bad := rows.Next()
		rows.Close()
		if bad {
			return stats, errors.New("the copied rows break a foreign key (is the source consistent?)")
		}
	}
	if err := wtx.Commit(); err != nil {
		return stats, err
	}
	if db.dialect == Postgres {
		db.analyzeTables(ctx, stats.Tables)
	}
	return stats, nil
}

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func (db *DB) copyTable(ctx context.Context, src *DB, rtx *sql.Tx, wconn *sql.Conn, wtx *sql.Tx, table string, progress func(string, int64)) (int64, error) {
	scols, err := src.columns(ctx, rtx, table)
	if err != nil {
		return 0, err
	}
	dcols, err := db.columns(ctx, wtx, table)
	if err != nil {
		return 0, err
	}
	dtype := map[string]string{}
	for _, c := range dcols {
		dtype[c.name] = c.typ
	}
	var names []string
	for _, c := range scols {
		if _, ok := dtype[c.name]; !ok {
			return 0, fmt.Errorf("the target's %s has no column %s", table, c.name)
		}
		names = append(names, c.name)
	}
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = quoteIdent(n)
	}
	order := ""
	if slices.Contains(names, "id") {
		order = " ORDER BY id"
	}
	rows, err := rtx.QueryContext(ctx, `SELECT `+strings.Join(quoted, ", ")+` FROM `+quoteIdent(table)+order)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	conv := make([]func(any) any, len(names))
	for i, n := range names {
		conv[i] = converter(db.dialect, dtype[n])
	}
	if db.dialect == Postgres {
		return copyRowsPG(ctx, rows, wconn, table, names, conv, progress)
	}
	per := max(1, copyMaxParams/len(names))
	buf := make([][]any, 0, per)
	var total int64
	flush := func() error {
		if len(buf) == 0 {
			return nil
		}
		args := make([]any, 0, len(buf)*len(names))
		for _, r := range buf {
			args = append(args, r...)
		}
		if _, err := wtx.ExecContext(ctx, db.insertSQL(quoteIdent(table), quoted, len(buf)), args...); err != nil {
			return err
		}
		total += int64(len(buf))
		buf = buf[:0]
		if progress != nil {
			progress(table, total)
		}
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return total, err
		}
		row := make([]any, len(vals))
		for i, v := range vals {
			row[i] = conv[i](v)
		}
		buf = append(buf, row)
		if len(buf) == per {
			if err := flush(); err != nil {
				return total, err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return total, err
	}
	return total, flush()
}

// converter turns a value read from the source into what the target's
// column takes: SQLite keeps booleans as integers and may hand back text as
// bytes; PostgreSQL types its columns.
func converter(target Dialect, typ string) func(any) any {
	if target == SQLite {
		return func(v any) any {
			switch x := v.(type) {
			case bool:
				if x {
					return int64(1)
				}
				return int64(0)
			}
			return v
		}
	}
	switch {
	case typ == "boolean":
		return func(v any) any {
			switch x := v.(type) {
			case int64:
				return x != 0
			case float64:
				return x != 0
			case string:
				return x == "1" || strings.EqualFold(x, "true")
			}
			return v
		}
	case typ == "text" || strings.HasPrefix(typ, "character"):
		return func(v any) any {
			if b, ok := v.([]byte); ok {
				return string(b)
			}
			return v
		}
	case typ == "double precision" || typ == "real" || typ == "numeric":
		return func(v any) any {
			if i, ok := v.(int64); ok {
				return float64(i)
			}
			return v
		}
	case typ == "bigint" || typ == "integer" || typ == "smallint":
		return func(v any) any {
			switch x := v.(type) {
			case float64:
				return int64(x)
			case bool:
				if x {
					return int64(1)
				}
				return int64(0)
			}
			return v
		}
	}
	return func(v any) any { return v }
}

// Backup writes a consistent snapshot of the database to path, which must
// not exist: VACUUM INTO for SQLite (readers and writers carry on), a copy
// into a new SQLite file for PostgreSQL (see CopyAll).
func (db *DB) Backup(ctx context.Context, path string) (CopyStats, error) {
	if _, err := os.Stat(path); err == nil {
		return CopyStats{}, account.Errorf(account.ECONFLICT, "%s exists: choose a new file name.", path)
	}
	if db.dialect == SQLite {
		if _, err := db.w.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
			return CopyStats{}, fmt.Errorf("back up: %w", err)
		}
		b, err := Open(ctx, path)
		if err != nil {
			return CopyStats{}, err
		}
		defer b.Close()
		return b.Counts(ctx)
	}
	dst, err := Open(ctx, path)
	if err != nil {
		return CopyStats{}, err
	}
	defer dst.Close()
	if err := dst.Migrate(ctx); err != nil {
		os.Remove(path)
		return CopyStats{}, err
	}
	st, err := dst.CopyAll(ctx, db, nil)
	if err != nil {
		dst.Close()
		os.Remove(path)
		os.Remove(path + "-wal")
		os.Remove(path + "-shm")
		return st, err
	}
	// Fold the write-ahead log into the file: a backup is one file.
	if _, err := dst.w.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		return st, err
	}
	return st, nil
}

// Counts returns every table's row count.
func (db *DB) Counts(ctx context.Context) (CopyStats, error) {
	var st CopyStats
	ts, err := db.tables(ctx, db.r)
	if err != nil {
		return st, err
	}
	for _, t := range ts {
		var n int64
		if err := db.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+quoteIdent(t)).Scan(&n); err != nil {
			return st, err
		}
		st.Tables = append(st.Tables, TableCount{t, n})
		st.Rows += n
	}
	return st, nil
}

// TableRows returns every row of a table as text, ordered by every column,
// for comparing two databases in tests and checks.
func (db *DB) TableRows(ctx context.Context, table string) ([]string, error) {
	cols, err := db.columns(ctx, db.r, table)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, c := range cols {
		names = append(names, quoteIdent(c.name))
	}
	order := make([]string, len(names))
	for i := range names {
		order[i] = itoa(i + 1)
	}
	rows, err := db.r.QueryContext(ctx, `SELECT `+strings.Join(names, ", ")+` FROM `+quoteIdent(table)+` ORDER BY `+strings.Join(order, ", "))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	vals := make([]any, len(names))
	ptrs := make([]any, len(names))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	var out []string
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return nil, err
		}
		parts := make([]string, len(vals))
		for i, v := range vals {
			switch x := v.(type) {
			case bool:
				if x {
					v = int64(1)
				} else {
					v = int64(0)
				}
			case []byte:
				v = string(x)
			case float64:
				if x == float64(int64(x)) {
					v = int64(x)
				}
			}
			parts[i] = fmt.Sprint(v)
		}
		out = append(out, strings.Join(parts, "|"))
	}
	return out, rows.Err()
}
