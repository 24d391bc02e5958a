package exchange

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// A background export writes its file into a folder while its row in the
// database (kept by a JobStore) says how far it is. The job reports its row
// count every Every; the store answers whether the export is still running,
// so a cancel recorded by any instance stops it within that time. The file
// is written under a temporary name and renamed when complete, so a
// download never sees half a file.

// ExportKeep is how long a finished export stays downloadable.
const ExportKeep = 7 * 24 * time.Hour

// JobStore is what a background export needs from storage.
type JobStore interface {
	// ExportProgress records the rows written (and a heartbeat); false
	// means the export is no longer running (cancelled): stop.
	ExportProgress(ctx context.Context, sc account.Scope, id, rows int64) (bool, error)
	// FinishExport marks it done; false means it was cancelled meanwhile.
	FinishExport(ctx context.Context, sc account.Scope, id, rows, size int64, keep time.Duration) (bool, error)
	FailExport(ctx context.Context, sc account.Scope, id int64, msg string) error
}

// ExportJob is one background export to run.
type ExportJob struct {
	Store  JobStore
	Scope  account.Scope
	ID     int64
	Kind   Kind
	Format string
	Keys   []string // custom field keys, for the header
	Path   string   // the finished file (see ExportPath)
	// Source streams the records (store.DB.Export with the job's filter).
	Source func(ctx context.Context, fn func(*Record) error) error
	// Every is how often progress is written and a cancel looked for
	// (default half a second).
	Every time.Duration
	// Keep is how long the file stays (default ExportKeep).
	Keep time.Duration
}

// ExportPath is where export id of an organisation is kept in dir.
func ExportPath(dir string, orgID, id int64, format string) string {
	return filepath.Join(dir, fmt.Sprintf("org-%d", orgID), fmt.Sprintf("export-%d.%s", id, format))
}

// ErrCancelled is why a cancelled export stopped.
var ErrCancelled = errors.New("export cancelled")

// Run writes the file and keeps the job's row up to date. It returns
// ErrCancelled when the export was cancelled; any other error has been
// recorded as the export's failure.
func (j ExportJob) Run(ctx context.Context) (err error) {
	every, keep := j.Every, j.Keep
	if every <= 0 {
		every = 500 * time.Millisecond
	}
	if keep <= 0 {
		keep = ExportKeep
	}
	// Bookkeeping writes outlive a cancelled request context.
	bg := context.WithoutCancel(ctx)
	part := j.Path + ".part"
	defer func() {
		if err != nil {
			os.Remove(part)
			if !errors.Is(err, ErrCancelled) {
				if e := j.Store.FailExport(bg, j.Scope, j.ID, failure(err)); e != nil {
					err = errors.Join(err, e)
				}
			}
		}
	}()
	if err := os.MkdirAll(filepath.Dir(j.Path), 0o750); err != nil {
		return fmt.Errorf("export folder: %w", err)
	}
	f, err := os.OpenFile(part, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return fmt.Errorf("export file: %w", err)
	}
	defer f.Close()

	// A ticker reports progress (and looks for a cancel) while the rows
	// flow, and also while a slow query has not sent the first one yet.
	jctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var rows atomic.Int64
	tickDone := make(chan struct{})
	go func() {
		defer close(tickDone)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-jctx.Done():
				return
			case <-t.C:
				// A short deadline: on SQLite a running import holds the
				// write connection, and the export must not wait for it.
				pctx, cancel := context.WithTimeout(bg, every)
				running, err := j.Store.ExportProgress(pctx, j.Scope, j.ID, rows.Load())
				cancel()
				if err == nil && !running {
					stop(ErrCancelled)
					return
				}
			}
		}
	}()
	n, err := WriteAll(j.Format, f, j.Kind, j.Keys, func(fn func(*Record) error) error {
		return j.Source(jctx, func(r *Record) error {
			if err := jctx.Err(); err != nil {
				return context.Cause(jctx)
			}
			rows.Add(1)
			return fn(r)
		})
	})
	stop(nil)
	<-tickDone
	if err == nil && context.Cause(jctx) != nil && !errors.Is(context.Cause(jctx), context.Canceled) {
		err = context.Cause(jctx)
	}
	if err != nil {
		if errors.Is(err, ErrCancelled) || errors.Is(context.Cause(jctx), ErrCancelled) {
			return ErrCancelled
		}
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(part, j.Path); err != nil {
		return err
	}
	done, err := j.Store.FinishExport(bg, j.Scope, j.ID, n, st.Size(), keep)
	if err != nil || !done {
		os.Remove(j.Path)
		if err == nil {
			return ErrCancelled
		}
	}
	return err
}

// failure is what the export's owner reads about a failure.
func failure(err error) string {
	if account.ErrorCode(err) != account.EINTERNAL {
		return account.ErrorMessage(err)
	}
	if errors.Is(err, io.ErrShortWrite) || errors.Is(err, os.ErrPermission) {
		return "The export file could not be written: " + err.Error()
	}
	return "The export failed: " + err.Error()
}
