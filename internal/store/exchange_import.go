package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

// Imports write a file's records in ONE transaction: with --on-error abort
// (the default) a file with any rejected line writes nothing, and a dry run
// rolls back whatever it did. Every line is still read to the end, so that
// the report lists every rejected line, not just the first.
//
// Ids of new records are assigned here, counting up from the largest id of
// each table (as the bulk writer does; on PostgreSQL the tables written are
// locked against other writers until commit and the identity sequences moved
// past the new ids). So the records a batch created are exactly the id
// ranges it records in import_created, which lets undo remove them without a
// row per record — a million-line import keeps a handful of rows of
// bookkeeping. Records a batch updated keep their earlier values in
// import_updated, one row each.
//
// The audit trail gets one entry for the batch (kind, file, counts and the
// created id ranges), one per updated record (with the changes), and one
// when the batch is undone.

// ImportOptions tune one import.
type ImportOptions struct {
	FileName      string
	DryRun        bool
	SkipErrors    bool // --on-error skip: good lines land, rejected ones are reported
	CreateMissing bool // create referenced accounts (by name) and people (by e-mail) that do not exist
	// BatchID is a batch made beforehand by StartImport (background jobs
	// show it while the import runs); 0 makes one.
	BatchID int64
	// Sole says the caller expects the database to itself (the CLI). On
	// SQLite, if no other connection has the file open, the import then
	// writes through a rollback journal rather than the write-ahead log,
	// and nobody else can open the file until it ends (see rollbackJournal).
	Sole bool
	// Progress is called now and then with the number of lines read.
	Progress func(lines int64)
	// Reject receives every rejected line with its fields as read (raw is
	// reused after the call returns: copy it to keep it).
	Reject func(raw []string, probs []exchange.Problem)
}

// ImportBatch is one import's history entry.
type ImportBatch struct {
	ID         int64     `json:"id"`
	UserID     int64     `json:"user_id"`
	Actor      string    `json:"actor"`
	Kind       string    `json:"kind"`
	FileName   string    `json:"file_name"`
	Status     string    `json:"status"` // running, done, failed, rejected (aborted for bad lines), dry_run, undone
	OnError    string    `json:"on_error"`
	Lines      int64     `json:"lines"`
	Created    int64     `json:"created"`
	Updated    int64     `json:"updated"`
	Unchanged  int64     `json:"unchanged"`
	Rejected   int64     `json:"rejected"`
	Message    string    `json:"message"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	UndoneAt   time.Time `json:"undone_at"`
}

// Written reports whether the batch's records are in the database.
func (b ImportBatch) Written() bool { return b.Status == "done" }

const importBatchCols = `id, user_id, actor, kind, file_name, status, on_error, lines, created, updated, unchanged, rejected,
	message, started_at, finished_at, undone_at`

func scanImportBatch(r rowScanner) (ImportBatch, error) {
	var b ImportBatch
	var s, f, u int64
	err := r.Scan(&b.ID, &b.UserID, &b.Actor, &b.Kind, &b.FileName, &b.Status, &b.OnError, &b.Lines, &b.Created,
		&b.Updated, &b.Unchanged, &b.Rejected, &b.Message, &s, &f, &u)
	b.StartedAt, b.FinishedAt, b.UndoneAt = fromMS(s), fromMS(f), fromMS(u)
	return b, err
}

// StartImport records a running batch and returns its id.
func (db *DB) StartImport(ctx context.Context, sc account.Scope, kind exchange.Kind, fileName string, skip bool) (int64, error) {
	var id int64
	onError := "abort"
	if skip {
		onError = "skip"
	}
	err := db.write(ctx, func(tx *Tx) error {
		return tx.QueryRow(`INSERT INTO import_batches (org_id, user_id, actor, kind, file_name, status, on_error, started_at)
			VALUES ($1, $2, $3, $4, $5, 'running', $6, $7) RETURNING id`,
			sc.OrgID, sc.UserID, sc.Actor, string(kind), fileName, onError, ms(tx.now)).Scan(&id)
	})
	return id, err
}

// ImportBatch returns one batch.
func (db *DB) ImportBatch(ctx context.Context, sc account.Scope, id int64) (ImportBatch, error) {
	var b ImportBatch
	err := db.read(ctx, func(tx *Tx) (err error) {
		b, err = scanImportBatch(tx.QueryRow(`SELECT `+importBatchCols+` FROM import_batches WHERE org_id = $1 AND id = $2`, sc.OrgID, id))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Import %d not found.", id)
		}
		return err
	})
	return b, err
}

// ImportBatches lists the latest batches, newest first.
func (db *DB) ImportBatches(ctx context.Context, sc account.Scope, limit int) ([]ImportBatch, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var out []ImportBatch
	err := db.read(ctx, func(tx *Tx) error {
		rows, err := tx.Query(`SELECT `+importBatchCols+` FROM import_batches WHERE org_id = $1 ORDER BY started_at DESC, id DESC LIMIT `+itoa(limit), sc.OrgID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			b, err := scanImportBatch(rows)
			if err != nil {
				return err
			}
			out = append(out, b)
		}
		return rows.Err()
	})
	return out, err
}

// FailImport marks a running batch failed (a job that could not start).
func (db *DB) FailImport(ctx context.Context, sc account.Scope, id int64, msg string) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE import_batches SET status = 'failed', message = $3, finished_at = $4 WHERE org_id = $1 AND id = $2 AND status = 'running'`,
			sc.OrgID, id, msg, ms(tx.now))
		return err
	})
}

func (db *DB) finishBatch(ctx context.Context, sc account.Scope, b *ImportBatch) error {
	return db.write(ctx, func(tx *Tx) error {
		b.FinishedAt = tx.now
		return tx.saveBatch(sc, b)
	})
}

func (tx *Tx) saveBatch(sc account.Scope, b *ImportBatch) error {
	_, err := tx.Exec(`UPDATE import_batches SET status = $3, lines = $4, created = $5, updated = $6, unchanged = $7,
		rejected = $8, message = $9, stamp = $10, finished_at = $11 WHERE org_id = $1 AND id = $2`,
		sc.OrgID, b.ID, b.Status, b.Lines, b.Created, b.Updated, b.Unchanged, b.Rejected, b.Message, ms(tx.now), ms(b.FinishedAt))
	return err
}

// importTables are the tables an import assigns ids in.
var importTables = map[exchange.Kind]string{
	exchange.People: "people", exchange.Accounts: "accounts", exchange.Stakeholders: "stakeholders",
	exchange.Touches: "touches", exchange.Opportunities: "opportunities", exchange.Contracts: "contracts",
	exchange.Products: "products",
}

// entityOf names a kind's records in the audit trail.
var entityOf = map[exchange.Kind]string{
	exchange.People: "person", exchange.Accounts: "account", exchange.Stakeholders: "stakeholder",
	exchange.Touches: "touch", exchange.Opportunities: "opportunity", exchange.Contracts: "contract",
	exchange.Products: "product",
}

// Import reads every line of rd, parses it with p and creates or updates the
// records it describes; see ImportOptions. The returned batch says what
// happened; an error means the import could not run (the batch is marked
// failed and nothing is written).
func (db *DB) Import(ctx context.Context, sc account.Scope, p *exchange.Parser, rd *exchange.Reader, o ImportOptions) (ImportBatch, error) {
	kind := p.Kind()
	if o.BatchID == 0 {
		id, err := db.StartImport(ctx, sc, kind, o.FileName, o.SkipErrors)
		if err != nil {
			return ImportBatch{}, err
		}
		o.BatchID = id
	}
	b := ImportBatch{ID: o.BatchID, UserID: sc.UserID, Actor: sc.Actor, Kind: string(kind), FileName: o.FileName, OnError: "abort"}
	if o.SkipErrors {
		b.OnError = "skip"
	}
	release := func() {}
	fail := func(err error) (ImportBatch, error) {
		release() // the batch is recorded on the write connection the import holds
		b.Status, b.Message = "failed", account.ErrorMessage(err)
		if account.ErrorCode(err) == account.EINTERNAL {
			b.Message = err.Error()
		}
		if e := db.finishBatch(context.WithoutCancel(ctx), sc, &b); e != nil {
			err = errors.Join(err, e)
		}
		return b, err
	}
	tx, end, err := db.beginImport(ctx, o.Sole)
	if err != nil {
		return fail(err)
	}
	released := false
	release = func() {
		if !released {
			released = true
			end()
		}
	}
	defer release()
	im := &importer{ctx: ctx, tx: tx, sc: sc, o: o, p: p, kind: kind, b: &b,
		next: map[string]int64{}, first: map[string]int64{},
		accounts: map[string]int64{}, people: map[string]int64{}, stakeholders: map[skey]int64{},
		touched: map[int64]bool{}}
	if kind == exchange.Touches {
		im.rows = newImportRows(sc.OrgID, ms(tx.now), db.dialect)
	}
	if err := im.start(); err != nil {
		return fail(db.normalize(err))
	}
	defer im.closeStmts()
	defer im.closeRows()
	var rec exchange.Record
	lastProgress := time.Now()
	for {
		raw, line, err := rd.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			if !exchange.Recoverable(err) {
				return fail(err)
			}
			b.Lines++
			im.reject(raw, []exchange.Problem{{Line: line, Reason: strings.TrimPrefix(err.Error(), fmt.Sprintf("line %d: ", line))}})
			continue
		}
		if blank(raw) {
			continue
		}
		b.Lines++
		if probs := p.Parse(raw, line, &rec); len(probs) > 0 {
			im.reject(raw, probs)
		} else if probs, err := im.apply(&rec); err != nil {
			return fail(db.normalize(fmt.Errorf("import line %d: %w", line, err)))
		} else if len(probs) > 0 {
			im.reject(raw, probs)
		}
		if o.Progress != nil && b.Lines%1000 == 0 && time.Since(lastProgress) > 200*time.Millisecond {
			lastProgress = time.Now()
			o.Progress(b.Lines)
		}
		if b.Lines%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return fail(err)
			}
		}
	}
	if o.Progress != nil {
		o.Progress(b.Lines)
	}
	b.FinishedAt = time.Now().UTC()
	switch {
	case o.DryRun:
		b.Status = "dry_run"
		b.Message = "Dry run: nothing was written."
	case b.Rejected > 0 && !o.SkipErrors:
		b.Status = "rejected"
		b.Message = fmt.Sprintf("%d line(s) rejected: nothing was written. Fix them, or import with on-error skip.", b.Rejected)
	}
	if b.Status != "" {
		im.closeStmts()
		im.closeRows()
		release()
		if err := db.finishBatch(context.WithoutCancel(ctx), sc, &b); err != nil {
			return b, err
		}
		return b, nil
	}
	b.Status = "done"
	if err := im.finish(); err != nil {
		return fail(db.normalize(err))
	}
	if err := tx.Commit(); err != nil {
		return fail(db.normalize(err))
	}
	release()
	return b, nil
}

// compact gives a query only the arguments it names, renumbering its
// placeholders: the queries a look-up tries in turn share one argument list,
// and PostgreSQL refuses arguments a statement does not use.
func compact(q string, args []any) (string, []any) {
	var out []any
	for i := 1; i <= len(args); i++ {
		ph := "$" + itoa(i)
		if !containsPlaceholder(q, ph) {
			continue
		}
		out = append(out, args[i-1])
		if n := len(out); n != i {
			q = replacePlaceholder(q, ph, "$"+itoa(n))
		}
	}
	return q, out
}

func containsPlaceholder(q, ph string) bool { return replacePlaceholder(q, ph, "\x00") != q }

// replacePlaceholder replaces ph ("$2") where no digit follows it ("$21").
func replacePlaceholder(q, ph, with string) string {
	var sb strings.Builder
	for {
		i := strings.Index(q, ph)
		if i < 0 {
			sb.WriteString(q)
			return sb.String()
		}
		j := i + len(ph)
		if j < len(q) && q[j] >= '0' && q[j] <= '9' {
			sb.WriteString(q[:j])
			q = q[j:]
			continue
		}
		sb.WriteString(q[:i])
		sb.WriteString(with)
		q = q[j:]
	}
}

func blank(raw []string) bool {
	for _, s := range raw {
		if strings.TrimSpace(s) != "" {
			return false
		}
	}
	return true
}

type skey struct {
	account int64
	ref     string
}

type importer struct {
	ctx  context.Context
	tx   *Tx
	sc   account.Scope
	o    ImportOptions
	p    *exchange.Parser
	kind exchange.Kind
	b    *ImportBatch

	next, first map[string]int64 // per table: the next id to assign, the first one this batch assigned
	locked      bool

	// Reference look-ups, by reference text as written (lower case).
	accounts     map[string]int64
	people       map[string]int64
	stakeholders map[skey]int64
	// touched says, per account, whether it had touches before this batch
	// (only then can a touch line match an existing touch).
	touched map[int64]bool

	stmts  map[string]*sql.Stmt
	custom map[string]map[string]exchange.CustomField // custom field definitions by entity, then key
	rows   *importRows                                // new touches queue here (exchange_import_rows.go)
}

func (im *importer) reject(raw []string, probs []exchange.Problem) {
	im.b.Rejected++
	if im.o.Reject != nil {
		im.o.Reject(raw, probs)
	}
}

// start locks what the import writes (PostgreSQL) and finds where ids
// continue.
func (im *importer) start() error {
	tables := []string{importTables[im.kind]}
	if im.o.CreateMissing {
		tables = append(tables, "accounts", "people")
	}
	if im.tx.db.dialect == Postgres {
		if _, err := im.tx.ExecContext(im.ctx, `LOCK TABLE `+strings.Join(tables, ", ")+` IN SHARE ROW EXCLUSIVE MODE`); err != nil {
			return fmt.Errorf("lock tables for the import: %w", err)
		}
	}
	for _, t := range tables {
		if _, ok := im.next[t]; ok {
			continue
		}
		var maxID int64
		if err := im.tx.QueryRowContext(im.ctx, `SELECT COALESCE(MAX(id), 0) FROM `+t).Scan(&maxID); err != nil {
			return err
		}
		im.next[t], im.first[t] = maxID+1, maxID+1
	}
	im.stmts = map[string]*sql.Stmt{}
	return nil
}

func (im *importer) newID(table string) int64 {
	id := im.next[table]
	im.next[table]++
	return id
}

func (im *importer) closeStmts() {
	for q, st := range im.stmts {
		st.Close()
		delete(im.stmts, q)
	}
}

// prepared returns q prepared in the import's transaction, once per import:
// parsing a statement costs more than running it on every line.
func (im *importer) prepared(q string) (*sql.Stmt, error) {
	st := im.stmts[q]
	if st == nil {
		var err error
		if st, err = im.tx.PrepareContext(im.ctx, q); err != nil {
			return nil, err
		}
		im.stmts[q] = st
	}
	return st, nil
}

func (im *importer) exec(q string, args ...any) error {
	st, err := im.prepared(q)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(im.ctx, args...)
	return err
}

// finish records the created ranges, moves PostgreSQL's sequences, writes
// the batch's audit entry and its final counts.
func (im *importer) finish() error {
	if err := im.finishRows(); err != nil {
		return err
	}
	im.closeStmts()
	changes := map[string]Change{
		"kind": {New: im.kind}, "file": {New: im.o.FileName}, "created": {New: im.b.Created},
		"updated": {New: im.b.Updated}, "rejected": {New: im.b.Rejected},
	}
	for t, first := range im.first {
		last := im.next[t] - 1
		if last < first {
			continue
		}
		if _, err := im.tx.ExecContext(im.ctx, `INSERT INTO import_created (org_id, batch_id, entity, first_id, last_id) VALUES ($1, $2, $3, $4, $5)`,
			im.sc.OrgID, im.b.ID, t, first, last); err != nil {
			return err
		}
		changes["ids_"+t] = Change{New: fmt.Sprintf("%d-%d", first, last)}
		if im.tx.db.dialect == Postgres {
			if _, err := im.tx.ExecContext(im.ctx, `SELECT setval(pg_get_serial_sequence($1, 'id'), (SELECT MAX(id) FROM `+t+`))`, t); err != nil {
				return fmt.Errorf("advance the id sequence of %s: %w", t, err)
			}
		}
	}
	if err := im.tx.auditRaw(im.sc, "import", "import_batch", im.b.ID, 0, changes); err != nil {
		return err
	}
	return im.tx.saveBatch(im.sc, im.b)
}

// problemsOf turns a validation error into problems naming the file's
// columns.
func (im *importer) problemsOf(line int, err error) ([]exchange.Problem, error) {
	if account.ErrorCode(err) != account.EINVALID {
		return nil, err
	}
	fields := account.ErrorFields(err)
	if len(fields) == 0 {
		return []exchange.Problem{{Line: line, Reason: account.ErrorMessage(err)}}, nil
	}
	var out []exchange.Problem
	for _, f := range fields {
		name := fieldColumn[f.Field]
		if name == "" {
			name = f.Field
		}
		col := im.p.ColumnOf(name)
		if col == "" {
			col = name
		}
		out = append(out, exchange.Problem{Line: line, Column: col, Reason: name + " " + f.Message})
	}
	return out, nil
}

// fieldColumn maps the record validation's field names to export columns.
var fieldColumn = map[string]string{
	"parent_id": "parent", "owner_id": "owner", "account_id": "account", "manager_id": "manager",
	"people_ids": "people", "stakeholder_ids": "stakeholders",
}

func problem(r *exchange.Record, col, format string, args ...any) []exchange.Problem {
	return []exchange.Problem{{Line: r.Line, Column: col, Reason: fmt.Sprintf(format, args...)}}
}

// lookup runs queries in turn until one finds exactly one id; two ids is an
// ambiguity the user must resolve.
func (im *importer) lookup(what, ref string, queries []string, args ...any) (int64, string, error) {
	for _, q := range queries {
		cq, cargs := compact(q, args)
		st, err := im.prepared(cq)
		if err != nil {
			return 0, "", err
		}
		rows, err := st.QueryContext(im.ctx, cargs...)
		if err != nil {
			return 0, "", err
		}
		var ids []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return 0, "", err
			}
			ids = append(ids, id)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, "", err
		}
		switch len(ids) {
		case 1:
			return ids[0], "", nil
		case 2:
			return 0, fmt.Sprintf("%q matches more than one %s: give its external id", ref, what), nil
		}
	}
	return 0, "", nil
}

// accountRef resolves an account by external id, domain or name.
func (im *importer) accountRef(r *exchange.Record, col, ref string) (int64, []exchange.Problem, error) {
	key := strings.ToLower(ref)
	if id, ok := im.accounts[key]; ok {
		return id, nil, nil
	}
	id, amb, err := im.lookup("account", ref, []string{
		`SELECT id FROM accounts WHERE org_id = $1 AND external_id = $2 LIMIT 2`,
		`SELECT id FROM accounts WHERE org_id = $1 AND domain = $3 AND $3 <> '' LIMIT 2`,
		`SELECT id FROM accounts WHERE org_id = $1 AND name_key = $3 LIMIT 2`,
	}, im.sc.OrgID, ref, key)
	if err != nil || amb != "" {
		return 0, problem(r, col, "%s", amb), err
	}
	if id == 0 {
		if !im.o.CreateMissing {
			return 0, problem(r, col, "no account %q (by external id, domain or name): import it first, or use create-missing", ref), nil
		}
		a := account.Account{Name: ref}
		a.Normalize()
		if err := a.Validate(); err != nil {
			return 0, problem(r, col, "cannot create account %q: %s", ref, account.ErrorMessage(err)), nil
		}
		id = im.newID("accounts")
		if err := im.insertAccount(id, &a); err != nil {
			return 0, nil, err
		}
		im.b.Created++
	}
	im.accounts[key] = id
	return id, nil, nil
}

// personRef resolves one of our people by external id, e-mail or name.
func (im *importer) personRef(r *exchange.Record, col, ref string) (int64, []exchange.Problem, error) {
	key := strings.ToLower(ref)
	if id, ok := im.people[key]; ok {
		return id, nil, nil
	}
	id, amb, err := im.lookup("person", ref, []string{
		`SELECT id FROM people WHERE org_id = $1 AND external_id = $2 LIMIT 2`,
		`SELECT id FROM people WHERE org_id = $1 AND email = $3 LIMIT 2`,
		`SELECT id FROM people WHERE org_id = $1 AND LOWER(name) = $3 LIMIT 2`,
	}, im.sc.OrgID, ref, key)
	if err != nil || amb != "" {
		return 0, problem(r, col, "%s", amb), err
	}
	if id == 0 {
		if !im.o.CreateMissing || !strings.Contains(ref, "@") {
			hint := "import people first, or use create-missing with an e-mail address"
			return 0, problem(r, col, "no person %q (by external id, e-mail or name): %s", ref, hint), nil
		}
		local, _, _ := strings.Cut(ref, "@")
		p := account.Person{Name: local, Email: ref}
		p.Normalize()
		if err := p.Validate(); err != nil {
			return 0, problem(r, col, "cannot create person %q: %s", ref, account.ErrorMessage(err)), nil
		}
		id = im.newID("people")
		if err := im.insertPerson(id, &p); err != nil {
			return 0, nil, err
		}
		im.b.Created++
	}
	im.people[key] = id
	return id, nil, nil
}

// stakeholderRef resolves a stakeholder of an account by external id,
// e-mail or name.
func (im *importer) stakeholderRef(r *exchange.Record, accountID int64, ref string) (int64, []exchange.Problem, error) {
	k := skey{accountID, strings.ToLower(ref)}
	if id, ok := im.stakeholders[k]; ok {
		return id, nil, nil
	}
	id, amb, err := im.lookup("stakeholder", ref, []string{
		`SELECT id FROM stakeholders WHERE org_id = $1 AND account_id = $2 AND external_id = $3 LIMIT 2`,
		`SELECT id FROM stakeholders WHERE org_id = $1 AND account_id = $2 AND email = $4 LIMIT 2`,
		`SELECT id FROM stakeholders WHERE org_id = $1 AND account_id = $2 AND LOWER(name) = $4 LIMIT 2`,
	}, im.sc.OrgID, accountID, ref, k.ref)
	if err != nil || amb != "" {
		return 0, problem(r, im.p.ColumnOf("stakeholders"), "%s", amb), err
	}
	if id == 0 {
		return 0, problem(r, im.p.ColumnOf("stakeholders"), "no stakeholder %q at this account (by external id, e-mail or name)", ref), nil
	}
	im.stakeholders[k] = id
	return id, nil, nil
}

// optRef resolves an optional reference column: nil when empty.
func (im *importer) optRef(r *exchange.Record, slot int, name string) (*int64, []exchange.Problem, error) {
	ref := strings.TrimSpace(r.Refs[slot])
	if ref == "" {
		return nil, nil, nil
	}
	col := im.p.ColumnOf(name)
	var id int64
	var probs []exchange.Problem
	var err error
	if exchange.RefEntity[slot] == exchange.People {
		id, probs, err = im.personRef(r, col, ref)
	} else {
		id, probs, err = im.accountRef(r, col, ref)
	}
	if id == 0 {
		return nil, probs, err
	}
	return &id, nil, nil
}

// requiredAccount resolves the account column of a line.
func (im *importer) requiredAccount(r *exchange.Record) (int64, []exchange.Problem, error) {
	ref := strings.TrimSpace(r.Refs[exchange.RefAccount])
	col := im.p.ColumnOf("account")
	if ref == "" {
		return 0, problem(r, col, "account is required"), nil
	}
	return im.accountRef(r, col, ref)
}

// find returns the id of the first query that matches one record.
func (im *importer) find(queries []string, args ...any) (int64, error) {
	id, amb, err := im.lookup("record", "", queries, args...)
	if amb != "" {
		// Two records share the natural key: never guess, create anew.
		return 0, err
	}
	return id, err
}

// apply creates or updates the record r describes. Problems are the line's
// fault; an error stops the import.
func (im *importer) apply(r *exchange.Record) ([]exchange.Problem, error) {
	switch im.kind {
	case exchange.People:
		return im.applyPerson(r)
	case exchange.Accounts:
		return im.applyAccount(r)
	case exchange.Stakeholders:
		return im.applyStakeholder(r)
	case exchange.Touches:
		return im.applyTouch(r)
	case exchange.Opportunities:
		return im.applyOpportunity(r)
	case exchange.Contracts:
		return im.applyContract(r)
	case exchange.Products:
		return im.applyProduct(r)
	}
	return nil, fmt.Errorf("import of %s is not supported", im.kind)
}

// merge applies r's present fields onto a stored record's copy.
func merge(kind exchange.Kind, stored exchange.Record, r *exchange.Record) exchange.Record {
	stored.Kind = kind
	stored.Line = r.Line
	exchange.CopyPresent(&stored, r)
	return stored
}

// same reports whether two records are equal but for their timestamps.
func same[T any](a, b T, clear func(*T)) bool {
	clear(&a)
	clear(&b)
	return reflect.DeepEqual(a, b)
}

func (im *importer) recordUpdate(table string, id int64, old any) error {
	return im.recordUpdateWith(table, id, old, nil)
}

func (im *importer) recordUpdateWith(table string, id int64, old any, custom map[string]string) error {
	if first := im.first[table]; first > 0 && id >= first {
		return nil // created by this batch: undo removes it anyway
	}
	rec, err := json.Marshal(old)
	if err != nil {
		return err
	}
	js, err := json.Marshal(undoOld{Record: rec, Custom: custom})
	if err != nil {
		return err
	}
	// A record updated twice by one file keeps its value from before the batch.
	q := `INSERT INTO import_updated (org_id, batch_id, entity, record_id, old) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`
	return im.exec(q, im.sc.OrgID, im.b.ID, table, id, string(js))
}

func (im *importer) applyPerson(r *exchange.Record) ([]exchange.Problem, error) {
	in := r.Person
	in.Normalize()
	var id int64
	var err error
	if in.ExternalID != "" {
		id, err = im.find([]string{`SELECT id FROM people WHERE org_id = $1 AND external_id = $2 LIMIT 2`}, im.sc.OrgID, in.ExternalID)
	}
	if err == nil && id == 0 && in.Email != "" {
		id, err = im.find([]string{`SELECT id FROM people WHERE org_id = $1 AND email = $2 AND (external_id = '' OR external_id = $3) LIMIT 2`}, im.sc.OrgID, in.Email, in.ExternalID)
	}
	if err != nil {
		return nil, err
	}
	var p account.Person
	if id != 0 {
		old, err := im.tx.person(im.sc.OrgID, id)
		if err != nil {
			return nil, err
		}
		m := merge(im.kind, exchange.Record{Person: old}, r)
		p = m.Person
	} else {
		p = r.Person
	}
	if r.Has("manager") {
		mid, probs, err := im.optRef(r, exchange.RefManager, "manager")
		if err != nil || len(probs) > 0 {
			return probs, err
		}
		p.ManagerID = mid
	}
	p.ID = id
	p.Normalize()
	if err := p.Validate(); err != nil {
		return im.problemsOf(r.Line, err)
	}
	if id == 0 {
		p.ID = im.newID("people")
		if err := im.insertPerson(p.ID, &p); err != nil {
			return nil, err
		}
		im.people[strings.ToLower(p.Email)] = p.ID
		im.b.Created++
		return nil, nil
	}
	old, err := im.tx.person(im.sc.OrgID, id)
	if err != nil {
		return nil, err
	}
	if same(old, p, func(x *account.Person) { x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{} }) {
		im.b.Unchanged++
		return nil, nil
	}
	if err := im.recordUpdate("people", id, old); err != nil {
		return nil, err
	}
	if err := im.updatePerson(&p); err != nil {
		return nil, err
	}
	im.b.Updated++
	return nil, im.tx.audit(im.sc, "import_update", "person", id, 0, &old, &p)
}

func (im *importer) insertPerson(id int64, p *account.Person) error {
	p.ID, p.CreatedAt, p.UpdatedAt = id, im.tx.now, im.tx.now
	return im.exec(`INSERT INTO people (org_id, id, name, email, title, manager_id, external_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)`, im.sc.OrgID, id, p.Name, p.Email, p.Title, nullID(p.ManagerID), p.ExternalID, ms(im.tx.now))
}

func (im *importer) updatePerson(p *account.Person) error {
	p.UpdatedAt = im.tx.now
	return im.exec(`UPDATE people SET name = $3, email = $4, title = $5, manager_id = $6, external_id = $7, updated_at = $8
		WHERE org_id = $1 AND id = $2`, im.sc.OrgID, p.ID, p.Name, p.Email, p.Title, nullID(p.ManagerID), p.ExternalID, ms(im.tx.now))
}

func (im *importer) applyAccount(r *exchange.Record) ([]exchange.Problem, error) {
	in := r.Account
	in.Normalize()
	var id int64
	var err error
	if in.ExternalID != "" {
		id, err = im.find([]string{`SELECT id FROM accounts WHERE org_id = $1 AND external_id = $2 LIMIT 2`}, im.sc.OrgID, in.ExternalID)
	}
	if err == nil && id == 0 && in.Domain != "" && r.Has("domain") {
		id, err = im.find([]string{`SELECT id FROM accounts WHERE org_id = $1 AND domain = $2 AND (external_id = '' OR external_id = $3) LIMIT 2`}, im.sc.OrgID, in.Domain, in.ExternalID)
	}
	if err == nil && id == 0 && in.Name != "" {
		id, err = im.find([]string{`SELECT id FROM accounts WHERE org_id = $1 AND name_key = $2 AND (external_id = '' OR external_id = $3) AND (domain = '' OR domain = $4 OR $4 = '') LIMIT 2`},
			im.sc.OrgID, strings.ToLower(in.Name), in.ExternalID, in.Domain)
	}
	if err != nil {
		return nil, err
	}
	var a account.Account
	var old account.Account
	if id != 0 {
		if old, err = im.tx.account(im.sc.OrgID, id); err != nil {
			return nil, err
		}
		a = merge(im.kind, exchange.Record{Account: old}, r).Account
	} else {
		a = r.Account
	}
	var all []exchange.Problem
	if r.Has("owner") {
		oid, probs, err := im.optRef(r, exchange.RefOwner, "owner")
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
		a.OwnerID = oid
	}
	if r.Has("parent") {
		pid, probs, err := im.optRef(r, exchange.RefParent, "parent")
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
		a.ParentID = pid
		if pid != nil && *pid == id && id != 0 {
			all = append(all, problem(r, im.p.ColumnOf("parent"), "an account cannot be its own parent")...)
		}
	}
	a.ID = id
	a.Normalize()
	if err := a.Validate(); err != nil {
		probs, err := im.problemsOf(r.Line, err)
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
	}
	probs, err := im.checkCustom(r, "account")
	if err != nil {
		return nil, err
	}
	all = append(all, probs...)
	if len(all) > 0 {
		return all, nil
	}
	if id == 0 {
		a.ID = im.newID("accounts")
		if err := im.insertAccount(a.ID, &a); err != nil {
			return nil, err
		}
		im.noteAccount(&a)
		im.b.Created++
		return nil, im.writeCustom(r, "account", a.ID, false)
	}
	customChanged, err := im.customDiffers(r, "account", id)
	if err != nil {
		return nil, err
	}
	if !customChanged && same(old, a, func(x *account.Account) { x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{} }) {
		im.b.Unchanged++
		return nil, nil
	}
	if err := im.recordUpdateCustom("accounts", "account", id, old); err != nil {
		return nil, err
	}
	if err := im.updateAccount(&a); err != nil {
		return nil, err
	}
	if err := im.writeCustom(r, "account", id, true); err != nil {
		return nil, err
	}
	im.noteAccount(&a)
	im.b.Updated++
	return nil, im.tx.audit(im.sc, "import_update", "account", id, id, &old, &a)
}

// noteAccount lets later lines of the same file refer to the account.
func (im *importer) noteAccount(a *account.Account) {
	for _, k := range []string{a.ExternalID, a.Domain, strings.ToLower(a.Name)} {
		if k != "" {
			if _, taken := im.accounts[strings.ToLower(k)]; !taken {
				im.accounts[strings.ToLower(k)] = a.ID
			}
		}
	}
}

func (im *importer) insertAccount(id int64, a *account.Account) error {
	a.ID, a.CreatedAt, a.UpdatedAt = id, im.tx.now, im.tx.now
	return im.exec(`INSERT INTO accounts (org_id, id, name, name_key, domain, industry, employees, annual_revenue,
		currency, region, country, parent_id, lifecycle, owner_id, external_id, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16)`,
		im.sc.OrgID, id, a.Name, strings.ToLower(a.Name), a.Domain, a.Industry, a.Employees, a.AnnualRevenue, a.Currency,
		a.Region, a.Country, nullID(a.ParentID), a.Lifecycle, nullID(a.OwnerID), a.ExternalID, ms(im.tx.now))
}

func (im *importer) updateAccount(a *account.Account) error {
	a.UpdatedAt = im.tx.now
	return im.exec(`UPDATE accounts SET name = $3, name_key = $4, domain = $5, industry = $6, employees = $7,
		annual_revenue = $8, currency = $9, region = $10, country = $11, parent_id = $12, lifecycle = $13,
		owner_id = $14, external_id = $15, updated_at = $16 WHERE org_id = $1 AND id = $2`,
		im.sc.OrgID, a.ID, a.Name, strings.ToLower(a.Name), a.Domain, a.Industry, a.Employees, a.AnnualRevenue,
		a.Currency, a.Region, a.Country, nullID(a.ParentID), a.Lifecycle, nullID(a.OwnerID), a.ExternalID, ms(im.tx.now))
}

func (im *importer) applyStakeholder(r *exchange.Record) ([]exchange.Problem, error) {
	acct, probs, err := im.requiredAccount(r)
	if err != nil || len(probs) > 0 {
		return probs, err
	}
	in := r.Stakeholder
	in.Normalize()
	var id int64
	if in.ExternalID != "" {
		id, err = im.find([]string{`SELECT id FROM stakeholders WHERE org_id = $1 AND external_id = $2 LIMIT 2`}, im.sc.OrgID, in.ExternalID)
	}
	if err == nil && id == 0 && in.Email != "" {
		id, err = im.find([]string{`SELECT id FROM stakeholders WHERE org_id = $1 AND account_id = $2 AND email = $3 AND (external_id = '' OR external_id = $4) LIMIT 2`}, im.sc.OrgID, acct, in.Email, in.ExternalID)
	}
	if err == nil && id == 0 && in.Name != "" {
		id, err = im.find([]string{`SELECT id FROM stakeholders WHERE org_id = $1 AND account_id = $2 AND LOWER(name) = $3 AND (external_id = '' OR external_id = $4) AND (email = '' OR $5 = '') LIMIT 2`},
			im.sc.OrgID, acct, strings.ToLower(in.Name), in.ExternalID, in.Email)
	}
	if err != nil {
		return nil, err
	}
	var s, old account.Stakeholder
	if id != 0 {
		if old, err = im.tx.stakeholder(im.sc.OrgID, id); err != nil {
			return nil, err
		}
		s = merge(im.kind, exchange.Record{Stakeholder: old}, r).Stakeholder
	} else {
		s = r.Stakeholder
		if !r.Has("active") {
			s.Active = true
		}
	}
	s.ID, s.AccountID = id, acct
	s.Normalize()
	var all []exchange.Problem
	if err := s.Validate(); err != nil {
		if all, err = im.problemsOf(r.Line, err); err != nil {
			return nil, err
		}
	}
	probs, err = im.checkCustom(r, "stakeholder")
	if err != nil {
		return nil, err
	}
	if all = append(all, probs...); len(all) > 0 {
		return all, nil
	}
	if id == 0 {
		s.ID = im.newID("stakeholders")
		s.CreatedAt, s.UpdatedAt = im.tx.now, im.tx.now
		if err := im.exec(`INSERT INTO stakeholders (org_id, id, account_id, name, title, email, phone, level, buying_role, active, external_id, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
			im.sc.OrgID, s.ID, s.AccountID, s.Name, s.Title, s.Email, s.Phone, s.Level, s.BuyingRole, s.Active, s.ExternalID, ms(im.tx.now)); err != nil {
			return nil, err
		}
		im.b.Created++
		return nil, im.writeCustom(r, "stakeholder", s.ID, false)
	}
	customChanged, err := im.customDiffers(r, "stakeholder", id)
	if err != nil {
		return nil, err
	}
	if !customChanged && same(old, s, func(x *account.Stakeholder) { x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{} }) {
		im.b.Unchanged++
		return nil, nil
	}
	if err := im.recordUpdateCustom("stakeholders", "stakeholder", id, old); err != nil {
		return nil, err
	}
	if err := im.updateStakeholder(&s); err != nil {
		return nil, err
	}
	if err := im.writeCustom(r, "stakeholder", id, true); err != nil {
		return nil, err
	}
	im.b.Updated++
	return nil, im.tx.audit(im.sc, "import_update", "stakeholder", id, s.AccountID, &old, &s)
}

func (im *importer) updateStakeholder(s *account.Stakeholder) error {
	s.UpdatedAt = im.tx.now
	return im.exec(`UPDATE stakeholders SET account_id = $3, name = $4, title = $5, email = $6, phone = $7, level = $8,
		buying_role = $9, active = $10, external_id = $11, updated_at = $12 WHERE org_id = $1 AND id = $2`,
		im.sc.OrgID, s.ID, s.AccountID, s.Name, s.Title, s.Email, s.Phone, s.Level, s.BuyingRole, s.Active, s.ExternalID, ms(im.tx.now))
}

func (im *importer) applyTouch(r *exchange.Record) ([]exchange.Problem, error) {
	acct, probs, err := im.requiredAccount(r)
	if err != nil || len(probs) > 0 {
		return probs, err
	}
	t := r.Touch
	t.AccountID = acct
	var all []exchange.Problem
	for _, ref := range r.PeopleRefs {
		id, probs, err := im.personRef(r, im.p.ColumnOf("people"), ref)
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
		t.PeopleIDs = append(t.PeopleIDs, id)
	}
	for _, ref := range r.StakeholderRefs {
		id, probs, err := im.stakeholderRef(r, acct, ref)
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
		t.StakeholderIDs = append(t.StakeholderIDs, id)
	}
	t.Normalize()
	if err := t.Validate(); err != nil {
		probs, err := im.problemsOf(r.Line, err)
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
	}
	if len(all) > 0 {
		return all, nil
	}
	// A touch has no external id: it is the same touch when account, time,
	// kind and summary are the same. Only accounts that had touches before
	// this batch need the look-up.
	had, known := im.touched[acct]
	if !known {
		var one int
		err := im.tx.QueryRowContext(im.ctx, `SELECT 1 FROM touches WHERE org_id = $1 AND account_id = $2 AND id < $3 LIMIT 1`,
			im.sc.OrgID, acct, im.first["touches"]).Scan(&one)
		if err != nil && !isNoRows(err) {
			return nil, err
		}
		had = err == nil
		im.touched[acct] = had
	}
	var old account.Touch
	if had {
		if old, err = im.existingTouch(&t); err != nil {
			return nil, err
		}
	}
	if id := old.ID; id == 0 {
		t.ID = im.newID("touches")
		if err := im.queueTouch(&touchRow{id: t.ID, account: acct, at: ms(t.OccurredAt), kind: string(t.Kind), summary: t.Summary,
			nextStep: t.NextStep, people: t.PeopleIDs, stakeholders: t.StakeholderIDs}); err != nil {
			return nil, err
		}
		im.b.Created++
		return nil, nil
	}
	id := old.ID
	nt := old
	if r.Has("next_step") {
		nt.NextStep = t.NextStep
	}
	if r.Has("people") {
		nt.PeopleIDs = t.PeopleIDs
	}
	if r.Has("stakeholders") {
		nt.StakeholderIDs = t.StakeholderIDs
	}
	if same(old, nt, func(x *account.Touch) {
		x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{}
		sortIDs(x.PeopleIDs)
		sortIDs(x.StakeholderIDs)
	}) {
		im.b.Unchanged++
		return nil, nil
	}
	if err := im.recordUpdate("touches", id, old); err != nil {
		return nil, err
	}
	if err := im.restoreTouch(&nt); err != nil {
		return nil, err
	}
	im.b.Updated++
	return nil, im.tx.audit(im.sc, "import_update", "touch", id, acct, &old, &nt)
}

// existingTouch returns the touch of the database (from before this
// batch) that t repeats, with its attendees, or a zero touch if none or
// more than one does (two records sharing a natural key are never guessed
// between). Its statements are prepared once per import: a re-imported
// file runs them on every line.
func (im *importer) existingTouch(t *account.Touch) (account.Touch, error) {
	// kind is compared with CAST($4 AS TEXT), not $4: SQLite weighs a bare
	// parameter against the partial index touches_reviews (WHERE kind =
	// 'business_review') and then compiles the statement again whenever the
	// value bound to it changes — a third of a re-import's time. The
	// attendees come packed in the same row (see sortedIDs).
	st, err := im.prepared(`SELECT ` + touchCols + `,
		(SELECT string_agg(CAST(p.person_id AS TEXT) || ' ', '') FROM touch_people p WHERE p.org_id = t.org_id AND p.touch_id = t.id),
		(SELECT string_agg(CAST(s.stakeholder_id AS TEXT) || ' ', '') FROM touch_stakeholders s WHERE s.org_id = t.org_id AND s.touch_id = t.id)
		FROM touches t WHERE org_id = $1 AND account_id = $2 AND occurred_at = $3 AND kind = CAST($4 AS TEXT) AND summary = $5 AND id < $6 LIMIT 2`)
	if err != nil {
		return account.Touch{}, err
	}
	rows, err := st.QueryContext(im.ctx, im.sc.OrgID, t.AccountID, ms(t.OccurredAt), t.Kind, t.Summary, im.first["touches"])
	if err != nil {
		return account.Touch{}, err
	}
	var found []account.Touch
	var people, stakeholders sql.NullString
	for rows.Next() {
		old, err := scanTouch(extraScanner{rows, []any{&people, &stakeholders}})
		if err != nil {
			rows.Close()
			return account.Touch{}, err
		}
		found = append(found, old)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(found) != 1 {
		return account.Touch{}, err
	}
	old := found[0]
	if old.PeopleIDs, err = sortedIDs(people.String); err != nil {
		return account.Touch{}, fmt.Errorf("touch %d's people: %w", old.ID, err)
	}
	if old.StakeholderIDs, err = sortedIDs(stakeholders.String); err != nil {
		return account.Touch{}, fmt.Errorf("touch %d's stakeholders: %w", old.ID, err)
	}
	return old, nil
}

func sortIDs(ids []int64) {
	for i := 1; i < len(ids); i++ {
		for j := i; j > 0 && ids[j] < ids[j-1]; j-- {
			ids[j], ids[j-1] = ids[j-1], ids[j]
		}
	}
}

func (im *importer) insertAttendees(t *account.Touch) error {
	for _, pid := range t.PeopleIDs {
		if err := im.exec(`INSERT INTO touch_people (org_id, touch_id, person_id) VALUES ($1, $2, $3)`, im.sc.OrgID, t.ID, pid); err != nil {
			return err
		}
	}
	for _, sid := range t.StakeholderIDs {
		if err := im.exec(`INSERT INTO touch_stakeholders (org_id, touch_id, stakeholder_id, account_id, occurred_at) VALUES ($1, $2, $3, $4, $5)`,
			im.sc.OrgID, t.ID, sid, t.AccountID, ms(t.OccurredAt)); err != nil {
			return err
		}
	}
	return nil
}

// restoreTouch writes t's next step and attendees (what an import may change).
func (im *importer) restoreTouch(t *account.Touch) error {
	if err := im.beforeTouchUpdate(); err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(im.ctx, `UPDATE touches SET kind = $3, occurred_at = $4, summary = $5, next_step = $6, updated_at = $7 WHERE org_id = $1 AND id = $2`,
		im.sc.OrgID, t.ID, t.Kind, ms(t.OccurredAt), t.Summary, t.NextStep, ms(im.tx.now)); err != nil {
		return err
	}
	for _, q := range []string{`DELETE FROM touch_people WHERE org_id = $1 AND touch_id = $2`, `DELETE FROM touch_stakeholders WHERE org_id = $1 AND touch_id = $2`} {
		if _, err := im.tx.ExecContext(im.ctx, q, im.sc.OrgID, t.ID); err != nil {
			return err
		}
	}
	return im.insertAttendees(t)
}

func (im *importer) applyOpportunity(r *exchange.Record) ([]exchange.Problem, error) {
	acct, probs, err := im.requiredAccount(r)
	if err != nil || len(probs) > 0 {
		return probs, err
	}
	in := r.Opportunity
	in.Normalize()
	var id int64
	if in.ExternalID != "" {
		id, err = im.find([]string{`SELECT id FROM opportunities WHERE org_id = $1 AND external_id = $2 LIMIT 2`}, im.sc.OrgID, in.ExternalID)
	}
	if err == nil && id == 0 {
		id, err = im.find([]string{`SELECT id FROM opportunities WHERE org_id = $1 AND account_id = $2 AND name = $3 AND (external_id = '' OR external_id = $4) LIMIT 2`}, im.sc.OrgID, acct, in.Name, in.ExternalID)
	}
	if err != nil {
		return nil, err
	}
	var o, old account.Opportunity
	if id != 0 {
		if old, err = im.tx.opportunity(im.sc.OrgID, id); err != nil {
			return nil, err
		}
		o = merge(im.kind, exchange.Record{Opportunity: old}, r).Opportunity
	} else {
		o = r.Opportunity
	}
	var all []exchange.Problem
	if r.Has("owner") {
		oid, probs, err := im.optRef(r, exchange.RefOwner, "owner")
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
		o.OwnerID = oid
	}
	o.ID, o.AccountID = id, acct
	o.Normalize()
	if err := o.Validate(); err != nil {
		probs, err := im.problemsOf(r.Line, err)
		if err != nil {
			return nil, err
		}
		all = append(all, probs...)
	}
	if len(all) > 0 {
		return all, nil
	}
	if id == 0 {
		o.ID = im.newID("opportunities")
		if err := im.exec(`INSERT INTO opportunities (org_id, id, account_id, owner_id, name, product, kind, stage, amount, currency,
			expected_close, actual_close, external_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14)`,
			im.sc.OrgID, o.ID, acct, nullID(o.OwnerID), o.Name, o.Product, o.Kind, o.Stage, o.Amount, o.Currency,
			dateText(o.ExpectedClose), dateText(o.ActualClose), o.ExternalID, ms(im.tx.now)); err != nil {
			return nil, err
		}
		im.b.Created++
		return nil, nil
	}
	if same(old, o, func(x *account.Opportunity) { x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{} }) {
		im.b.Unchanged++
		return nil, nil
	}
	if err := im.recordUpdate("opportunities", id, old); err != nil {
		return nil, err
	}
	if err := im.updateOpportunity(&o); err != nil {
		return nil, err
	}
	im.b.Updated++
	return nil, im.tx.audit(im.sc, "import_update", "opportunity", id, acct, &old, &o)
}

func (im *importer) updateOpportunity(o *account.Opportunity) error {
	return im.exec(`UPDATE opportunities SET account_id = $3, owner_id = $4, name = $5, product = $6, kind = $7, stage = $8,
		amount = $9, currency = $10, expected_close = $11, actual_close = $12, external_id = $13, updated_at = $14 WHERE org_id = $1 AND id = $2`,
		im.sc.OrgID, o.ID, o.AccountID, nullID(o.OwnerID), o.Name, o.Product, o.Kind, o.Stage, o.Amount, o.Currency,
		dateText(o.ExpectedClose), dateText(o.ActualClose), o.ExternalID, ms(im.tx.now))
}

func dateText(d account.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func (im *importer) applyContract(r *exchange.Record) ([]exchange.Problem, error) {
	acct, probs, err := im.requiredAccount(r)
	if err != nil || len(probs) > 0 {
		return probs, err
	}
	in := r.Contract
	in.Normalize()
	var id int64
	if in.ExternalID != "" {
		id, err = im.find([]string{`SELECT id FROM contracts WHERE org_id = $1 AND external_id = $2 LIMIT 2`}, im.sc.OrgID, in.ExternalID)
	}
	if err == nil && id == 0 {
		id, err = im.find([]string{`SELECT id FROM contracts WHERE org_id = $1 AND account_id = $2 AND product = $3 AND start_date = $4 AND (external_id = '' OR external_id = $5) LIMIT 2`},
			im.sc.OrgID, acct, in.Product, dateText(in.Start), in.ExternalID)
	}
	if err != nil {
		return nil, err
	}
	var c, old account.Contract
	if id != 0 {
		if old, err = im.tx.contract(im.sc.OrgID, id); err != nil {
			return nil, err
		}
		c = merge(im.kind, exchange.Record{Contract: old}, r).Contract
	} else {
		c = r.Contract
	}
	c.ID, c.AccountID = id, acct
	c.Normalize()
	if err := c.Validate(); err != nil {
		return im.problemsOf(r.Line, err)
	}
	if id == 0 {
		c.ID = im.newID("contracts")
		if err := im.exec(`INSERT INTO contracts (org_id, id, account_id, product, annual_value, currency, start_date, end_date, auto_renew, status,
			external_id, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12)`,
			im.sc.OrgID, c.ID, acct, c.Product, c.AnnualValue, c.Currency, dateText(c.Start), dateText(c.End), c.AutoRenew, c.Status,
			c.ExternalID, ms(im.tx.now)); err != nil {
			return nil, err
		}
		im.b.Created++
		return nil, nil
	}
	if same(old, c, func(x *account.Contract) { x.CreatedAt, x.UpdatedAt = time.Time{}, time.Time{} }) {
		im.b.Unchanged++
		return nil, nil
	}
	if err := im.recordUpdate("contracts", id, old); err != nil {
		return nil, err
	}
	if err := im.updateContract(&c); err != nil {
		return nil, err
	}
	im.b.Updated++
	return nil, im.tx.audit(im.sc, "import_update", "contract", id, acct, &old, &c)
}

func (im *importer) updateContract(c *account.Contract) error {
	return im.exec(`UPDATE contracts SET account_id = $3, product = $4, annual_value = $5, currency = $6, start_date = $7, end_date = $8,
		auto_renew = $9, status = $10, external_id = $11, updated_at = $12 WHERE org_id = $1 AND id = $2`,
		im.sc.OrgID, c.ID, c.AccountID, c.Product, c.AnnualValue, c.Currency, dateText(c.Start), dateText(c.End), c.AutoRenew, c.Status,
		c.ExternalID, ms(im.tx.now))
}
