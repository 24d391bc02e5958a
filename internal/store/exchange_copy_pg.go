package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Copying into PostgreSQL. Three things make a large copy (21 million rows
// for 100,000 accounts) fast, all inside the copy's one transaction so that
// it stays all or nothing:
//
//   - The target's secondary indexes (those that back no constraint) are
//     dropped before the load and built again after it: one sort per index
//     instead of millions of random B-tree inserts through a small buffer
//     cache. Indexes behind primary keys and unique constraints stay, as
//     foreign keys refer to them. maintenance_work_mem is raised for the
//     transaction so that each build sorts in memory.
//   - Each table streams: a goroutine reads the source's rows and converts
//     them while pgx sends the previous ones with COPY (binary format), so
//     reading SQLite and writing PostgreSQL overlap on two cores instead of
//     taking turns batch by batch.
//   - The copied tables are analysed after commit, so the planner knows
//     their sizes from the first query.

// copyChunk is how many rows the reading goroutine hands over at a time.
const copyChunk = 2000

// pgSecondaryIndex is an index the copy drops and builds again.
type pgSecondaryIndex struct{ name, def string }

// dropSecondaryIndexes drops the indexes of the current schema that back no
// constraint and returns their definitions.
func dropSecondaryIndexes(ctx context.Context, tx *sql.Tx) ([]pgSecondaryIndex, error) {
	rows, err := tx.QueryContext(ctx, `SELECT i.indexname, i.indexdef FROM pg_indexes i
		WHERE i.schemaname = current_schema()
		  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)
		ORDER BY i.indexname`)
	if err != nil {
		return nil, fmt.Errorf("list the target's indexes: %w", err)
	}
	var out []pgSecondaryIndex
	for rows.Next() {
		var ix pgSecondaryIndex
		if err := rows.Scan(&ix.name, &ix.def); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, ix)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, ix := range out {
		if _, err := tx.ExecContext(ctx, `DROP INDEX `+quoteIdent(ix.name)); err != nil {
			return nil, fmt.Errorf("drop index %s for the copy: %w", ix.name, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `SET LOCAL maintenance_work_mem = '256MB'`); err != nil {
		return nil, err
	}
	return out, nil
}

// buildIndexes builds the dropped indexes again.
func buildIndexes(ctx context.Context, tx *sql.Tx, ixs []pgSecondaryIndex) error {
	for _, ix := range ixs {
		if _, err := tx.ExecContext(ctx, ix.def); err != nil {
			return fmt.Errorf("build index %s after the copy: %w", ix.name, err)
		}
	}
	return nil
}

// analyzeTables refreshes the planner's statistics after a copy (outside
// its transaction; a failure costs only speed, so it is not reported).
func (db *DB) analyzeTables(ctx context.Context, tables []TableCount) {
	for _, tc := range tables {
		if tc.Rows > 0 {
			_, _ = db.w.ExecContext(ctx, `ANALYZE `+quoteIdent(tc.Table))
		}
	}
}

// copyRowsPG streams rows into table through COPY, reading and converting
// them on a goroutine of their own.
func copyRowsPG(ctx context.Context, rows *sql.Rows, wconn *sql.Conn, table string, names []string,
	conv []func(any) any, progress func(string, int64)) (int64, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	src := &copyStream{chunks: make(chan [][]any, 4), errc: make(chan error, 1), progress: progress, table: table}
	go func() {
		defer close(src.chunks)
		vals := make([]any, len(names))
		ptrs := make([]any, len(names))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		// One backing array per chunk: fewer, larger allocations.
		var back []any
		chunk := make([][]any, 0, copyChunk)
		send := func() bool {
			select {
			case src.chunks <- chunk:
				chunk = make([][]any, 0, copyChunk)
				return true
			case <-ctx.Done():
				return false
			}
		}
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil {
				src.errc <- err
				return
			}
			if len(back) < len(vals) {
				back = make([]any, len(vals)*copyChunk)
			}
			row := back[:len(vals):len(vals)]
			back = back[len(vals):]
			for i, v := range vals {
				row[i] = conv[i](v)
			}
			chunk = append(chunk, row)
			if len(chunk) == copyChunk && !send() {
				return
			}
		}
		if err := rows.Err(); err != nil {
			src.errc <- err
			return
		}
		if len(chunk) > 0 {
			send()
		}
	}()
	var n int64
	err := wconn.Raw(func(dc any) error {
		var err error
		n, err = dc.(*stdlib.Conn).Conn().CopyFrom(ctx, pgx.Identifier{table}, names, src)
		return err
	})
	cancel()
	for range src.chunks { // wait for the goroutine: rows are the caller's again
	}
	if err == nil {
		err = src.Err()
	}
	return n, err
}

// copyStream is pgx's CopyFromSource over the reading goroutine's chunks.
type copyStream struct {
	chunks   chan [][]any
	errc     chan error
	cur      [][]any
	i        int
	total    int64
	err      error
	table    string
	progress func(string, int64)
}

func (s *copyStream) Next() bool {
	s.i++
	if s.i < len(s.cur) {
		return true
	}
	c, ok := <-s.chunks
	if !ok {
		select {
		case s.err = <-s.errc:
		default:
		}
		return false
	}
	if s.cur != nil {
		s.total += int64(len(s.cur))
		if s.progress != nil {
			s.progress(s.table, s.total)
		}
	}
	s.cur, s.i = c, 0
	return len(c) > 0
}

func (s *copyStream) Values() ([]any, error) { return s.cur[s.i], nil }

func (s *copyStream) Err() error { return s.err }
