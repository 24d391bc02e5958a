package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// The touches of an import (a million lines is an ordinary CRM history) are
// not written one INSERT per line: new touches and their attendees queue in
// row buffers and go to the database in multi-row INSERTs, as the bulk
// writer's (same statement text, DB.insertSQL, with anonymous "?" on SQLite:
// numbered placeholders cost O(n²) to bind there). Only new rows queue;
// nothing an import reads back (look-ups of existing touches take ids below
// the batch's first) can miss a queued row, and every update path flushes
// first, so the order of writes the triggers see is that of the lines.
//
// A large import — as many new touches as the table held before, and at
// least importLargeTouches — also, on SQLite, drops the indexes it would
// fill in random key order and builds them again before commit (one sort
// beats a million random B-tree inserts), and suspends the trigger that
// keeps cadence_checkins, computing the same pairs itself (see
// importCheckins). Both are schema changes inside the import's transaction:
// an abort, a dry run or a failure puts everything back, and readers keep
// seeing the old schema until commit. Its touches are written without
// SQLite's CHECK constraints, which repeat the parser's checks (see goLarge).
//
// An import from the CLI (ImportOptions.Sole) that finds the SQLite file
// otherwise unused writes through a rollback journal instead of the
// write-ahead log, so that its pages are written once (see rollbackJournal).

// importLargeTouches is the smallest number of new touches for which an
// import rebuilds indexes instead of maintaining them.
const importLargeTouches = 50_000

// importRebuiltIndexes are the touch indexes a large import rebuilds: a
// file in time order fills touches_account at one point per account, and a
// file in account order fills touches_occurred at random.
var importRebuiltIndexes = []string{"touches_occurred", "touches_account"}

// rowBuffer queues rows of one table for multi-row INSERTs.
type rowBuffer struct {
	table string
	cols  []string // bound per row
	// consts are columns with the same value in every row (the
	// organisation, the import's time), written into the statement as
	// literals rather than bound a million times.
	consts []string
	values []int64
	args   []any
	rows   int
	full   *sql.Stmt // the INSERT of perStatement rows, prepared once
	// autoID says the rows' ids are not bound but left to SQLite (see
	// newImportRows); next is the id the buffer's next row gets.
	autoID bool
	next   int64
}

func (b *rowBuffer) perStatement() int { return max(1, bulkMaxParams/len(b.cols)) }

// importRows are an import's row buffers, parents first.
type importRows struct {
	touches, people, stakeholders rowBuffer
	large                         bool
	indexes                       []string // CREATE INDEX statements to run again at the end
	checkinTrigger                string   // how to put the suspended trigger back
	checkins                      map[int64]*checkin

	// The writing goroutine (see handOff).
	work, free chan *rowJob
	errc       chan error
	done       chan struct{}
	pending    sync.WaitGroup
	err        error
}

// On SQLite a new touch's id is not bound: SQLite gives a row inserted
// without one the largest rowid plus one, which is the id the importer
// assigned (newID counts up from the largest id, and within the import's
// transaction only queueTouch adds touches, in id order). It then appends
// the row without looking up whether the id is taken — a B-tree search
// per row, a sixth of the writing goroutine's time — and binds a value
// fewer. writeRows checks every statement's last id against the ones
// assigned, so a difference fails the import instead of mislinking its
// attendees.
func newImportRows(orgID, now int64, d Dialect) *importRows {
	touchCols := []string{"id", "account_id", "kind", "occurred_at", "summary", "next_step"}
	if d == SQLite {
		touchCols = touchCols[1:]
	}
	return &importRows{
		touches: rowBuffer{table: "touches", cols: touchCols, autoID: d == SQLite,
			consts: []string{"org_id", "created_at", "updated_at"}, values: []int64{orgID, now, now}},
		people: rowBuffer{table: "touch_people", cols: []string{"touch_id", "person_id"},
			consts: []string{"org_id"}, values: []int64{orgID}},
		stakeholders: rowBuffer{table: "touch_stakeholders", cols: []string{"touch_id", "stakeholder_id", "account_id", "occurred_at"},
			consts: []string{"org_id"}, values: []int64{orgID}},
	}
}

// insertSQL is the multi-row INSERT of rows rows of b: DB.insertSQL's
// statement with b's constant columns as literals.
func (b *rowBuffer) insertSQL(db *DB, rows int) string {
	lits := make([]string, len(b.values))
	for i, v := range b.values {
		lits[i] = strconv.FormatInt(v, 10)
	}
	q := db.literalInsertSQL(b.table, b.consts, lits, b.cols, rows)
	if db.dialect == SQLite {
		// OR FAIL: a failing statement fails the whole import, which rolls
		// its transaction back, so SQLite need not keep a statement journal
		// to undo the statement's earlier rows (a copy of every page it
		// touches first; measured, 5 % of the writing goroutine's time).
		q = "INSERT OR FAIL" + strings.TrimPrefix(q, "INSERT")
	}
	return q
}

func (r *importRows) buffers() []*rowBuffer {
	return []*rowBuffer{&r.touches, &r.people, &r.stakeholders}
}

// queue adds one row to b and hands every buffer to the writing goroutine
// once b holds a full statement's worth.
func (im *importer) queue(b *rowBuffer, row ...any) error {
	b.args = append(b.args, row...)
	b.rows++
	b.next++
	if b.rows >= b.perStatement() {
		return im.rows.handOff(im)
	}
	return nil
}

// rowJob is what the buffers held at a hand-off, in buffers() order.
type rowJob struct {
	args  [3][]any
	rows  [3]int
	first [3]int64 // the id of the first row, for buffers with autoID
}

// handOff queues the buffers' rows for the writing goroutine (started on
// the first call) and gives the buffers empty slices. Parsing the next
// lines overlaps with writing these: the import's two halves then run on
// two cores (SQLite; on PostgreSQL, whose server works on its own core
// anyway, the rows are written right away). It reports the goroutine's
// error, if it has failed.
func (r *importRows) handOff(im *importer) error {
	if im.tx.db.dialect != SQLite {
		// pgx cannot run a statement while another's rows are being read on
		// the same connection: write here, in turn with the look-ups.
		for _, b := range r.buffers() {
			if err := im.writeRows(b, b.args, b.rows, b.next-int64(b.rows)); err != nil {
				return fmt.Errorf("write %s: %w", b.table, err)
			}
			clear(b.args)
			b.args, b.rows = b.args[:0], 0
		}
		return nil
	}
	if r.work == nil {
		r.work, r.free, r.errc, r.done = make(chan *rowJob, 1), make(chan *rowJob, 3), make(chan error, 1), make(chan struct{})
		for range 2 {
			r.free <- &rowJob{}
		}
		go r.write(im)
	}
	if err := r.failed(); err != nil {
		return err
	}
	j := <-r.free
	for i, b := range r.buffers() {
		j.args[i], b.args = b.args, j.args[i][:0]
		j.rows[i], b.rows = b.rows, 0
		j.first[i] = b.next - int64(j.rows[i])
	}
	r.pending.Add(1)
	r.work <- j
	return nil
}

func (r *importRows) failed() error {
	if r.err == nil {
		select {
		case r.err = <-r.errc:
		default:
		}
	}
	return r.err
}

// write is the writing goroutine: it writes jobs in order until the first
// error, after which it only hands them back.
func (r *importRows) write(im *importer) {
	defer close(r.done)
	failed := false
	for j := range r.work {
		if !failed {
			for i, b := range r.buffers() {
				if err := im.writeRows(b, j.args[i], j.rows[i], j.first[i]); err != nil {
					failed = true
					r.errc <- fmt.Errorf("write %s: %w", b.table, err)
					break
				}
			}
		}
		for i := range j.args {
			clear(j.args[i]) // let the strings be collected
			j.args[i], j.rows[i] = j.args[i][:0], 0
		}
		r.free <- j
		r.pending.Done()
	}
}

// flushRows writes every queued row, parents first, and waits until they
// are written.
func (im *importer) flushRows() error {
	r := im.rows
	if r == nil {
		return nil
	}
	if r.touches.rows+r.people.rows+r.stakeholders.rows > 0 {
		if err := r.handOff(im); err != nil {
			return err
		}
	}
	r.pending.Wait()
	return r.failed()
}

// writeRows inserts rows rows of b (their values in args; the first has id
// first if b.autoID): full statements through the prepared INSERT, then one
// statement for the remainder.
func (im *importer) writeRows(b *rowBuffer, args []any, rows int, first int64) error {
	per, ncol := b.perStatement(), len(b.cols)
	check := func(res sql.Result, n int) error {
		if !b.autoID {
			return nil
		}
		first += int64(n)
		last, err := res.LastInsertId()
		if err != nil {
			return err
		}
		if last != first-1 {
			return fmt.Errorf("%s: the database gave ids up to %d, the import assigned up to %d", b.table, last, first-1)
		}
		return nil
	}
	for rows >= per {
		if b.full == nil {
			st, err := im.tx.PrepareContext(im.ctx, b.insertSQL(im.tx.db, per))
			if err != nil {
				return err
			}
			b.full = st
		}
		n := per * ncol
		res, err := b.full.ExecContext(im.ctx, args[:n]...)
		if err != nil {
			return err
		}
		if err := check(res, per); err != nil {
			return err
		}
		args, rows = args[n:], rows-per
	}
	if rows > 0 {
		res, err := im.tx.ExecContext(im.ctx, b.insertSQL(im.tx.db, rows), args...)
		if err != nil {
			return err
		}
		return check(res, rows)
	}
	return nil
}

// closeRows stops the writing goroutine (dropping what it has not written:
// the import failed, or it was flushed) and closes the statements.
func (im *importer) closeRows() {
	r := im.rows
	if r == nil {
		return
	}
	if r.work != nil {
		close(r.work)
		<-r.done
		r.work = nil
	}
	for _, b := range r.buffers() {
		if b.full != nil {
			b.full.Close()
			b.full = nil
		}
	}
}

// queueTouch queues a new touch and its attendees.
func (im *importer) queueTouch(t *touchRow) error {
	r := im.rows
	var err error
	if r.touches.autoID {
		if r.touches.rows == 0 {
			r.touches.next = t.id
		}
		if t.id != r.touches.next {
			return fmt.Errorf("touch id %d queued after %d", t.id, r.touches.next-1)
		}
		err = im.queue(&r.touches, t.account, t.kind, t.at, t.summary, t.nextStep)
	} else {
		err = im.queue(&r.touches, t.id, t.account, t.kind, t.at, t.summary, t.nextStep)
	}
	if err != nil {
		return err
	}
	for _, pid := range t.people {
		if err := im.queue(&r.people, t.id, pid); err != nil {
			return err
		}
	}
	for _, sid := range t.stakeholders {
		if r.checkins != nil && t.kind != "business_review" {
			c := r.checkins[sid]
			if c == nil {
				c = &checkin{}
				r.checkins[sid] = c
			}
			c.add(t.at)
		}
		if err := im.queue(&r.stakeholders, t.id, sid, t.account, t.at); err != nil {
			return err
		}
	}
	if !r.large && im.tx.db.dialect == SQLite {
		if created := im.next["touches"] - im.first["touches"]; created >= importLargeTouches && created >= im.first["touches"]-1 {
			return im.goLarge()
		}
	}
	return nil
}

// touchRow is a new touch as queueTouch writes it.
type touchRow struct {
	id, account, at      int64
	kind                 string
	summary, nextStep    string
	people, stakeholders []int64
}

// goLarge switches an import to rebuilding the touch indexes at the end and
// computing cadence check-ins itself (SQLite).
func (im *importer) goLarge() error {
	r := im.rows
	if err := im.flushRows(); err != nil {
		return err
	}
	r.large = true
	// The only CHECK constraints of what a touches import writes are the
	// enumerations (touch kind; an account's lifecycle, a stakeholder's
	// level and role when created as missing), which the parser and the
	// domain's Validate have checked already. SQLite evaluates "kind IN
	// (…)" by building a temporary B-tree of the six kinds for every row:
	// a fifth of the writing goroutine's time. finishRows and the
	// connection's restore switch the checks back on.
	if _, err := im.tx.ExecContext(im.ctx, `PRAGMA ignore_check_constraints = ON`); err != nil {
		return fmt.Errorf("prepare the import: %w", err)
	}
	for _, name := range importRebuiltIndexes {
		var def string
		err := im.tx.QueryRowContext(im.ctx, `SELECT sql FROM sqlite_master WHERE type = 'index' AND name = $1`, name).Scan(&def)
		if isNoRows(err) {
			continue // not in this schema version: nothing to rebuild
		}
		if err != nil {
			return fmt.Errorf("read index %s for the import: %w", name, err)
		}
		if _, err := im.tx.ExecContext(im.ctx, `DROP INDEX `+name); err != nil {
			return fmt.Errorf("drop index %s for the import: %w", name, err)
		}
		r.indexes = append(r.indexes, def)
	}
	// The cadence trigger: suspended as the bulk writer suspends it. From
	// here on queueTouch counts the check-ins; those written before are in
	// cadence_checkins already.
	bw := &BulkWriter{ctx: im.ctx, tx: im.tx}
	if err := bw.suspendCheckins(); err != nil {
		return err
	}
	r.checkinTrigger = bw.checkinTrigger
	r.checkins = map[int64]*checkin{}
	return nil
}

// finishRows writes what is queued and, after a large import, the cadence
// check-ins and the dropped indexes.
func (im *importer) finishRows() error {
	if err := im.flushRows(); err != nil {
		return err
	}
	im.closeRows()
	r := im.rows
	if r == nil || !r.large {
		return nil
	}
	if _, err := im.tx.ExecContext(im.ctx, `PRAGMA ignore_check_constraints = OFF`); err != nil {
		return err
	}
	if err := im.writeImportCheckins(); err != nil {
		return err
	}
	if len(r.indexes) > 0 {
		// As the bulk writer does: sort in temporary files, with helper
		// threads (see BulkWriter.finish). The cache bounds the sorter's
		// memory: each thread sorts runs of up to the cache's size in
		// memory. With 4 MiB the import's peak (1,000,000 touches) is
		// 121 MB instead of 172 MB with 16 MiB, at the same speed; it no
		// longer grows with the file (BENCHMARKS.md, issue 7).
		for _, q := range []string{`PRAGMA temp_store = FILE`, `PRAGMA threads = ` + itoa(min(4, runtime.NumCPU())), `PRAGMA cache_size = -4096`} {
			if _, err := im.tx.ExecContext(im.ctx, q); err != nil {
				return fmt.Errorf("prepare the index rebuild: %w", err)
			}
		}
	}
	for _, def := range r.indexes {
		if _, err := im.tx.ExecContext(im.ctx, def); err != nil {
			return fmt.Errorf("rebuild index after the import: %w", err)
		}
	}
	r.indexes = nil
	return nil
}

// writeImportCheckins merges the check-ins counted since the trigger was
// suspended into cadence_checkins and puts the trigger back. The trigger
// keeps each stakeholder's two latest check-ins — the two largest instants
// of its attendances, whatever their order (see checkin.add) — so merging
// two such pairs takes the two largest of the four: last = max(L, l),
// prev = max(min(L, l), P, p).
func (im *importer) writeImportCheckins() error {
	r := im.rows
	if r == nil || r.checkinTrigger == "" {
		return nil
	}
	cols := []string{"org_id", "stakeholder_id", "last_at", "prev_at"}
	per := bulkMaxParams / len(cols)
	upsert := ` ON CONFLICT (org_id, stakeholder_id) DO UPDATE SET
		last_at = MAX(cadence_checkins.last_at, excluded.last_at),
		prev_at = MAX(MIN(cadence_checkins.last_at, excluded.last_at), cadence_checkins.prev_at, excluded.prev_at)`
	args := make([]any, 0, per*len(cols))
	flush := func() error {
		if len(args) == 0 {
			return nil
		}
		_, err := im.tx.ExecContext(im.ctx, im.tx.db.insertSQL("cadence_checkins", cols, len(args)/len(cols))+upsert, args...)
		args = args[:0]
		return err
	}
	for sid, c := range r.checkins {
		args = append(args, im.sc.OrgID, sid, c.last, c.prev)
		if len(args) == cap(args) {
			if err := flush(); err != nil {
				return fmt.Errorf("write cadence check-ins: %w", err)
			}
		}
	}
	if err := flush(); err != nil {
		return fmt.Errorf("write cadence check-ins: %w", err)
	}
	if _, err := im.tx.ExecContext(im.ctx, r.checkinTrigger); err != nil {
		return fmt.Errorf("restore the cadence trigger after the import: %w", err)
	}
	r.checkinTrigger, r.checkins = "", nil
	return nil
}

// beginImport opens the import's transaction. On SQLite it runs on a
// connection of its own with the bulk writer's pragmas (relaxForBulk:
// foreign keys off — the importer resolves every reference itself — and a
// larger page cache), restored when the returned function is called.
func (db *DB) beginImport(ctx context.Context, sole bool) (*Tx, func(), error) {
	if db.dialect != SQLite {
		tx, err := db.begin(ctx, true)
		if err != nil {
			return nil, nil, err
		}
		return tx, func() { tx.Rollback() }, nil
	}
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, nil, err
	}
	restore, err := db.relaxForBulk(ctx, conn, BulkOptions{})
	if err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("prepare the import: %w", err)
	}
	// A page cache of 16 MiB, not the bulk writer's 256: an import's memory
	// stays small whatever the file's size (pages beyond it spill to the
	// WAL); measured, 256 MiB saved 5 % of the CPU time and cost 200 MB.
	if _, err := conn.ExecContext(ctx, `PRAGMA cache_size = -16384`); err != nil {
		restore()
		conn.Close()
		return nil, nil, err
	}
	journal := func() {}
	if sole {
		journal = db.rollbackJournal(ctx, conn)
	}
	stx, err := conn.BeginTx(ctx, nil) // BEGIN IMMEDIATE, see openSQLite
	if err != nil {
		journal()
		restore()
		conn.Close()
		return nil, nil, err
	}
	return &Tx{Tx: stx, db: db, now: db.Now().UTC()}, func() {
		stx.Rollback()
		journal()
		restore()
		conn.Close()
	}, nil
}

// rollbackJournal switches conn from the write-ahead log to a rollback
// journal when nothing else has the database open — no connection of this
// process's read pool (its idle ones are closed first) and none of another
// process — and returns the function that switches back. Otherwise it leaves
// the log on and returns a no-op: the import runs as in serve, sharing the
// file.
//
// Under the log every page an import writes is written twice, into the log
// and again into the file at the commit's checkpoint; with a rollback
// journal the pages it adds go to the file once and only the few existing
// pages it changes are journaled (BENCHMARKS.md, issue 7: a million touches
// in 3.3 s instead of 4.9). The journal keeps the import all or nothing: a
// killed import leaves a hot journal that the next opening rolls back. The
// price is that while the import runs nobody else can open the file (serve
// started then waits its busy timeout and stops), which is why only a caller
// that expects the file to itself, the CLI, asks for it.
func (db *DB) rollbackJournal(ctx context.Context, conn *sql.Conn) (back func()) {
	db.r.SetMaxIdleConns(0)
	readers := func() { db.r.SetMaxIdleConns(sqliteReaders) }
	ctx = context.WithoutCancel(ctx) // a switch once made is always undone
	var wait int
	if err := conn.QueryRowContext(ctx, `PRAGMA busy_timeout`).Scan(&wait); err != nil {
		readers()
		return func() {}
	}
	// walBack puts the log and its sync level back; if it cannot, the
	// connection is dropped, and the next one opens as openSQLite sets it.
	walBack := func() {
		var mode string
		err := conn.QueryRowContext(ctx, `PRAGMA journal_mode = WAL`).Scan(&mode)
		if err == nil && mode != "wal" {
			err = errors.New("journal mode stays " + mode)
		}
		if _, e := conn.ExecContext(ctx, `PRAGMA synchronous = NORMAL`); e != nil {
			err = errors.Join(err, e)
		}
		if err != nil {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		readers()
	}
	// Another connection's shared lock refuses the switch at once, rather
	// than after the busy timeout.
	var mode string
	_, err := conn.ExecContext(ctx, `PRAGMA busy_timeout = 0`)
	if err == nil {
		err = conn.QueryRowContext(ctx, `PRAGMA journal_mode = DELETE`).Scan(&mode)
	}
	if _, e := conn.ExecContext(ctx, `PRAGMA busy_timeout = `+itoa(wait)); e != nil {
		err = errors.Join(err, e)
	}
	if err == nil && mode == "delete" {
		// NORMAL is safe under the log; with a rollback journal only FULL
		// keeps the file whole through a power cut.
		_, err = conn.ExecContext(ctx, `PRAGMA synchronous = FULL`)
	}
	switch {
	case err == nil && mode == "delete":
		return walBack
	case mode == "delete": // switched, but not all of it: back to the log now
		walBack()
	default:
		readers()
	}
	return func() {}
}

// beforeTouchUpdate writes what is queued before an existing touch is
// rewritten, and ends the suspension of the cadence trigger: the triggers
// that recompute check-ins on a removed attendance read the table, which
// then already holds what was counted.
func (im *importer) beforeTouchUpdate() error {
	if im.rows == nil {
		return nil
	}
	if err := im.flushRows(); err != nil {
		return err
	}
	return im.writeImportCheckins()
}
