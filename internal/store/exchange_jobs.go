package store

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
)

// Background exports and the progress of background imports (migration
// 00016). Several `samwise serve` may share one PostgreSQL database, so a
// job's state lives in its row, not in the memory of the instance running
// it: any instance shows its progress, and a cancel recorded by one is seen
// by the job running on another at its next progress update (the update
// matches only a running row and reports when it matched none).
//
// A running job writes heartbeat_at every few seconds; one whose heartbeat
// stopped for StaleAfter died with its instance and is marked failed.
//
// On SQLite one import holds the only write connection for as long as it
// runs, so its progress cannot be written meanwhile (SharedProgress says so)
// and the instance running it keeps it in memory; SQLite is one instance by
// nature.

// StaleAfter is how long a running job may go without a heartbeat before it
// counts as dead.
const StaleAfter = 2 * time.Minute

// ExportJob is one background export.
type ExportJob struct {
	ID          int64        `json:"id"`
	UserID      int64        `json:"user_id"`
	Kind        string       `json:"kind"`
	Format      string       `json:"format" doc:"csv, xlsx or json"`
	Status      string       `json:"status" doc:"running, done, failed or cancelled"`
	Rows        int64        `json:"rows" doc:"Rows written so far."`
	Total       int64        `json:"total" doc:"Rows to write, counted when the export started."`
	Size        int64        `json:"size" doc:"The file's size in bytes, once done."`
	FileName    string       `json:"file_name" doc:"The name the file downloads as."`
	Message     string       `json:"message"`
	Filter      ExportFilter `json:"filter"`
	CreatedAt   time.Time    `json:"created_at"`
	FinishedAt  time.Time    `json:"finished_at"`
	ExpiresAt   time.Time    `json:"expires_at" doc:"When the file is removed (zero until done)."`
	HeartbeatAt time.Time    `json:"heartbeat_at"`
}

// Percent is how far the export is, 0-100.
func (j ExportJob) Percent() int {
	switch {
	case j.Status == "done":
		return 100
	case j.Total <= 0:
		return 0
	}
	return int(min(100, 100*j.Rows/j.Total))
}

const exportJobCols = `id, user_id, kind, format, status, rows, total, size, file_name, message, filters,
	created_at, finished_at, expires_at, heartbeat_at`

func scanExportJob(r rowScanner) (ExportJob, error) {
	var j ExportJob
	var filters string
	var c, f, e, h int64
	err := r.Scan(&j.ID, &j.UserID, &j.Kind, &j.Format, &j.Status, &j.Rows, &j.Total, &j.Size, &j.FileName, &j.Message,
		&filters, &c, &f, &e, &h)
	if err != nil {
		return j, err
	}
	j.CreatedAt, j.FinishedAt, j.ExpiresAt, j.HeartbeatAt = fromMS(c), fromMS(f), fromMS(e), fromMS(h)
	_ = json.Unmarshal([]byte(filters), &j.Filter) // a bad document shows no filters
	return j, nil
}

// StartExport records a running export of j.Kind in j.Format for sc's user
// and fills j's id and times.
func (db *DB) StartExport(ctx context.Context, sc account.Scope, j *ExportJob) error {
	filters, err := json.Marshal(j.Filter)
	if err != nil {
		return err
	}
	return db.write(ctx, func(tx *Tx) error {
		j.UserID, j.Status, j.CreatedAt, j.HeartbeatAt = sc.UserID, "running", tx.now, tx.now
		return tx.QueryRow(`INSERT INTO export_jobs (org_id, user_id, kind, format, status, total, file_name, filters, created_at, heartbeat_at)
			VALUES ($1, $2, $3, $4, 'running', $5, $6, $7, $8, $8) RETURNING id`,
			sc.OrgID, sc.UserID, j.Kind, j.Format, j.Total, j.FileName, string(filters), ms(tx.now)).Scan(&j.ID)
	})
}

// ExportJobByID returns one export. userID > 0 confines it to that user's
// exports (someone else's is not found).
func (db *DB) ExportJobByID(ctx context.Context, sc account.Scope, userID, id int64) (ExportJob, error) {
	var j ExportJob
	err := db.read(ctx, func(tx *Tx) (err error) {
		q := `SELECT ` + exportJobCols + ` FROM export_jobs WHERE org_id = $1 AND id = $2`
		args := []any{sc.OrgID, id}
		if userID > 0 {
			q += ` AND user_id = $3`
			args = append(args, userID)
		}
		j, err = scanExportJob(tx.QueryRow(q, args...))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Export %d not found.", id)
		}
		return err
	})
	return j, err
}

// ExportJobs lists the latest exports, newest first; userID > 0: that
// user's only.
func (db *DB) ExportJobs(ctx context.Context, sc account.Scope, userID int64, limit int) ([]ExportJob, error) {
	if limit <= 0 || limit > 500 {
		limit = 50
	}
	var out []ExportJob
	err := db.read(ctx, func(tx *Tx) error {
		q := `SELECT ` + exportJobCols + ` FROM export_jobs WHERE org_id = $1`
		args := []any{sc.OrgID}
		if userID > 0 {
			q += ` AND user_id = $2`
			args = append(args, userID)
		}
		rows, err := tx.Query(q+` ORDER BY created_at DESC, id DESC LIMIT `+itoa(limit), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			j, err := scanExportJob(rows)
			if err != nil {
				return err
			}
			out = append(out, j)
		}
		return rows.Err()
	})
	return out, err
}

// ExportProgress records how many rows a running export has written (and
// its heartbeat). It reports false when the export is no longer running:
// cancelled, or given up as dead; the job then stops.
func (db *DB) ExportProgress(ctx context.Context, sc account.Scope, id, rows int64) (bool, error) {
	var running bool
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE export_jobs SET rows = $3, heartbeat_at = $4 WHERE org_id = $1 AND id = $2 AND status = 'running'`,
			sc.OrgID, id, rows, ms(tx.now))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		running = n == 1
		return err
	})
	return running, err
}

// FinishExport marks a running export done, its file to be kept for keep.
// It reports false when the export was cancelled meanwhile (the caller then
// removes the file).
func (db *DB) FinishExport(ctx context.Context, sc account.Scope, id, rows, size int64, keep time.Duration) (bool, error) {
	var done bool
	err := db.write(ctx, func(tx *Tx) error {
		res, err := tx.Exec(`UPDATE export_jobs SET status = 'done', rows = $3, size = $4, finished_at = $5, heartbeat_at = $5, expires_at = $6,
			total = CASE WHEN total < $3 THEN $3 ELSE total END
			WHERE org_id = $1 AND id = $2 AND status = 'running'`,
			sc.OrgID, id, rows, size, ms(tx.now), ms(tx.now.Add(keep)))
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		done = n == 1
		return err
	})
	return done, err
}

// FailExport marks a running export failed with a message for its owner.
func (db *DB) FailExport(ctx context.Context, sc account.Scope, id int64, msg string) error {
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE export_jobs SET status = 'failed', message = $3, finished_at = $4 WHERE org_id = $1 AND id = $2 AND status = 'running'`,
			sc.OrgID, id, msg, ms(tx.now))
		return err
	})
}

// CancelExport cancels a running export (userID > 0: only that user's). The
// job, wherever it runs, stops at its next progress update. An export that
// has finished cannot be cancelled (409).
func (db *DB) CancelExport(ctx context.Context, sc account.Scope, userID, id int64) (ExportJob, error) {
	var j ExportJob
	err := db.write(ctx, func(tx *Tx) error {
		q := `SELECT ` + exportJobCols + ` FROM export_jobs WHERE org_id = $1 AND id = $2`
		args := []any{sc.OrgID, id}
		if userID > 0 {
			q += ` AND user_id = $3`
			args = append(args, userID)
		}
		var err error
		j, err = scanExportJob(tx.QueryRow(q, args...))
		if isNoRows(err) {
			return account.Errorf(account.ENOTFOUND, "Export %d not found.", id)
		}
		if err != nil {
			return err
		}
		if j.Status != "running" {
			return account.Errorf(account.ECONFLICT, "Export %d is %s: only a running export can be cancelled.", id, j.Status)
		}
		j.Status, j.FinishedAt, j.Message = "cancelled", tx.now, "Cancelled by "+sc.Actor+"."
		_, err = tx.Exec(`UPDATE export_jobs SET status = 'cancelled', finished_at = $3, message = $4 WHERE org_id = $1 AND id = $2 AND status = 'running'`,
			sc.OrgID, id, ms(tx.now), j.Message)
		return err
	})
	return j, err
}

// ExportRef names an export's file for the clean-up.
type ExportRef struct {
	OrgID  int64
	ID     int64
	Format string
}

// CleanExportJobs marks running exports whose heartbeat stopped before
// now - StaleAfter failed, and deletes the exports whose file expired
// (done) or that ended more than keep ago (failed, cancelled). It returns
// the deleted exports, whose files the caller removes. It works across all
// organisations: it is the clean-up job's.
func (db *DB) CleanExportJobs(ctx context.Context, keep time.Duration) ([]ExportRef, error) {
	var out []ExportRef
	err := db.write(ctx, func(tx *Tx) error {
		now := ms(tx.now)
		if _, err := tx.Exec(`UPDATE export_jobs SET status = 'failed', finished_at = $1,
			message = 'Interrupted: the samwise instance running it stopped. Start the export again.'
			WHERE status = 'running' AND heartbeat_at < $2`, now, ms(tx.now.Add(-StaleAfter))); err != nil {
			return err
		}
		cond := `(status = 'done' AND expires_at < $1) OR (status <> 'done' AND status <> 'running' AND finished_at < $2)`
		rows, err := tx.Query(`SELECT org_id, id, format FROM export_jobs WHERE `+cond, now, ms(tx.now.Add(-keep)))
		if err != nil {
			return err
		}
		for rows.Next() {
			var r ExportRef
			if err := rows.Scan(&r.OrgID, &r.ID, &r.Format); err != nil {
				rows.Close()
				return err
			}
			out = append(out, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		_, err = tx.Exec(`DELETE FROM export_jobs WHERE `+cond, now, ms(tx.now.Add(-keep)))
		return err
	})
	return out, err
}

// FilesDir is where background exports are written when serve is not given
// a folder: next to a SQLite database file ("exports" beside it); for
// PostgreSQL in the user's cache folder. Several instances sharing one
// PostgreSQL database should be given one shared folder (--export-dir), so
// that any of them can hand out any export's file.
func (db *DB) FilesDir() string {
	if db.dialect == SQLite {
		if p := sqlitePath(db.url); p != "" && !strings.HasPrefix(p, ":memory:") {
			return filepath.Join(filepath.Dir(p), "exports")
		}
	}
	if d, err := os.UserCacheDir(); err == nil {
		return filepath.Join(d, "samwise", "exports")
	}
	return filepath.Join(os.TempDir(), "samwise-exports")
}

// ImportProgress is how far a running import is.
type ImportProgress struct {
	Lines       int64     `json:"lines" doc:"Lines read so far."`
	BytesRead   int64     `json:"bytes_read"`
	Size        int64     `json:"size" doc:"The file's size in bytes (0: unknown)."`
	HeartbeatAt time.Time `json:"heartbeat_at"`
}

// Percent is how far into the file the import is, 0-100.
func (p ImportProgress) Percent() int {
	if p.Size <= 0 {
		return 0
	}
	return int(min(100, 100*p.BytesRead/p.Size))
}

type progressKey struct{ org, id int64 }

// SetImportProgress records a running import's progress and heartbeat
// (nothing when it is no longer running). On SQLite the import holds the
// only write connection, so the progress is kept in this process's memory
// instead (SQLite is served by one process); ClearImportProgress forgets it.
func (db *DB) SetImportProgress(ctx context.Context, sc account.Scope, id int64, p ImportProgress) error {
	if db.dialect == SQLite {
		p.HeartbeatAt = db.Now().UTC()
		db.progress.Store(progressKey{sc.OrgID, id}, p)
		return nil
	}
	return db.write(ctx, func(tx *Tx) error {
		_, err := tx.Exec(`UPDATE import_batches SET lines = $3, bytes_read = $4, size = $5, heartbeat_at = $6
			WHERE org_id = $1 AND id = $2 AND status = 'running'`, sc.OrgID, id, p.Lines, p.BytesRead, p.Size, ms(tx.now))
		return err
	})
}

// ClearImportProgress forgets the in-memory progress of a finished import
// (SQLite).
func (db *DB) ClearImportProgress(sc account.Scope, id int64) {
	db.progress.Delete(progressKey{sc.OrgID, id})
}

// ImportProgresses returns the recorded progress of batches by id. The
// heartbeat of a batch that never wrote one is its start.
func (db *DB) ImportProgresses(ctx context.Context, sc account.Scope, ids []int64) (map[int64]ImportProgress, error) {
	out := map[int64]ImportProgress{}
	if len(ids) == 0 {
		return out, nil
	}
	err := db.read(ctx, func(tx *Tx) error {
		q, args := inList(`SELECT id, lines, bytes_read, size, heartbeat_at, started_at FROM import_batches WHERE org_id = $1 AND id IN `, sc.OrgID, ids)
		rows, err := tx.Query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id, h, s int64
			var p ImportProgress
			if err := rows.Scan(&id, &p.Lines, &p.BytesRead, &p.Size, &h, &s); err != nil {
				return err
			}
			p.HeartbeatAt = fromMS(max(h, s))
			out[id] = p
		}
		return rows.Err()
	})
	if db.dialect == SQLite {
		for _, id := range ids {
			if v, ok := db.progress.Load(progressKey{sc.OrgID, id}); ok {
				out[id] = v.(ImportProgress)
			}
		}
	}
	return out, err
}

// InterruptedImport is the message of a batch whose import stopped with
// the process running it.
const InterruptedImport = "Interrupted: samwise stopped while importing; nothing was written."

// SettleImports marks failed (InterruptedImport) the batches of bs that
// are running but whose import has died — no heartbeat for StaleAfter —
// and returns the progress of those still running, by id; bs is updated in
// place. Every view of the history calls it (the Data page, the API, the
// CLI), so a killed import does not show as running forever.
//
// A batch is marked only if its row can be written within a second. On
// SQLite a CLI import keeps its progress in its own process's memory, so
// its heartbeat here is its start; but it holds the write lock for its
// whole transaction, so while it lives the write waits and gives up, and
// the batch stays running.
func (db *DB) SettleImports(ctx context.Context, sc account.Scope, bs []ImportBatch) (map[int64]ImportProgress, error) {
	var running []int64
	for _, b := range bs {
		if b.Status == "running" {
			running = append(running, b.ID)
		}
	}
	progress, err := db.ImportProgresses(ctx, sc, running)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	for i := range bs {
		b := &bs[i]
		p, ok := progress[b.ID]
		if b.Status != "running" || !ok || now.Sub(p.HeartbeatAt) <= StaleAfter {
			continue
		}
		fctx, cancel := context.WithTimeout(ctx, time.Second)
		var failed bool
		err := db.write(fctx, func(tx *Tx) error {
			res, err := tx.Exec(`UPDATE import_batches SET status = 'failed', message = $3, finished_at = $4
				WHERE org_id = $1 AND id = $2 AND status = 'running'`, sc.OrgID, b.ID, InterruptedImport, ms(tx.now))
			if err != nil {
				return err
			}
			n, err := res.RowsAffected()
			failed = n == 1
			return err
		})
		cancel()
		switch {
		case err == nil && failed:
			b.Status, b.Message, b.FinishedAt = "failed", InterruptedImport, now.UTC()
			delete(progress, b.ID)
		case err == nil:
			// It ended meanwhile: read it again.
			if nb, err := db.ImportBatch(ctx, sc, b.ID); err == nil {
				*b = nb
				delete(progress, b.ID)
			}
		}
	}
	return progress, nil
}

// TrackedImport runs Import for a batch made by StartImport (o.BatchID)
// while recording its progress — lines read, and read() bytes of size —
// at most twice a second, and at least every few seconds as a heartbeat,
// so that any instance shows it. The progress writes never hold the import
// up: each gives up after a second.
func (db *DB) TrackedImport(ctx context.Context, sc account.Scope, p *exchange.Parser, rd *exchange.Reader, o ImportOptions,
	size int64, read func() int64) (ImportBatch, error) {
	if o.BatchID == 0 {
		return ImportBatch{}, account.Errorf(account.EINTERNAL, "a tracked import needs its batch first")
	}
	if read == nil {
		read = func() int64 { return 0 }
	}
	var lines atomic.Int64
	inner := o.Progress
	o.Progress = func(n int64) {
		lines.Store(n)
		if inner != nil {
			inner(n)
		}
	}
	bg := context.WithoutCancel(ctx)
	var last ImportProgress
	var lastAt time.Time
	save := func(force bool) {
		cur := ImportProgress{Lines: lines.Load(), BytesRead: read(), Size: size}
		if !force && cur == last && time.Since(lastAt) < 5*time.Second {
			return
		}
		pctx, cancel := context.WithTimeout(bg, time.Second)
		defer cancel()
		if db.SetImportProgress(pctx, sc, o.BatchID, cur) == nil {
			last, lastAt = cur, time.Now()
		}
	}
	save(true)
	done, stopped := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(stopped)
		t := time.NewTicker(500 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				return
			case <-t.C:
				save(false)
			}
		}
	}()
	b, err := db.Import(ctx, sc, p, rd, o)
	close(done)
	<-stopped
	db.ClearImportProgress(sc, o.BatchID)
	return b, err
}

// CleanExports is the clean-up job: it gives up dead exports, deletes the
// expired ones with their files in dir (see exchange.ExportPath), and
// removes any file in dir that no export names any more and that is older
// than keep (left behind by a crash). It returns how many exports it
// deleted.
func (db *DB) CleanExports(ctx context.Context, dir string, keep time.Duration) (int, error) {
	refs, err := db.CleanExportJobs(ctx, keep)
	if err != nil {
		return 0, err
	}
	for _, r := range refs {
		p := exchange.ExportPath(dir, r.OrgID, r.ID, r.Format)
		os.Remove(p)
		os.Remove(p + ".part")
	}
	cutoff := time.Now().Add(-keep - 24*time.Hour)
	_ = filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasPrefix(e.Name(), "export-") {
			return nil
		}
		if info, err := e.Info(); err == nil && info.ModTime().Before(cutoff) {
			os.Remove(p)
		}
		return nil
	})
	return len(refs), nil
}
