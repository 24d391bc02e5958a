package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/samwise-sam/samwise/internal/store"
)

// backupCmd: a consistent snapshot while serve keeps running.
type backupCmd struct {
	File string `arg:"" help:"The backup file to write (must not exist): a SQLite database file, whatever the source."`
}

func (c *backupCmd) Run(e *env) error {
	db, err := e.open()
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	st, err := db.Backup(e.ctx, c.File)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "Backed up %d rows in %d tables to %s in %s.\n", st.Rows, len(st.Tables), c.File, time.Since(start).Round(time.Millisecond))
	return nil
}

// restoreCmd: a backup into an empty database.
type restoreCmd struct {
	File string `arg:"" help:"A backup written by samwise backup." type:"existingfile"`
}

func (c *restoreCmd) Run(e *env) error {
	// Work on a copy: bringing an older backup's schema up to date must not
	// change the backup itself.
	tmp, err := os.MkdirTemp("", "samwise-restore-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	work := filepath.Join(tmp, "backup.db")
	if err := copyFile(c.File, work); err != nil {
		return err
	}
	src, err := store.Open(e.ctx, work)
	if err != nil {
		return fmt.Errorf("%s is not a samwise backup: %w", c.File, err)
	}
	defer src.Close()
	if err := src.Migrate(e.ctx); err != nil {
		return fmt.Errorf("%s is not a samwise backup: %w", c.File, err)
	}
	dst, err := e.open()
	if err != nil {
		return err
	}
	defer dst.Close()
	return copyBetween(e, src, dst, "Restored")
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.Create(to)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// copyCmd: a whole installation from one database to another.
type copyCmd struct {
	From string `required:"" help:"The source database: a SQLite file path or a postgres:// URL." placeholder:"URL"`
	To   string `required:"" help:"The target database, which must be empty (it is migrated first)." placeholder:"URL"`
}

func (c *copyCmd) Run(e *env) error {
	if _, err := os.Stat(c.From); err != nil && !store.IsPostgres(c.From) {
		return fmt.Errorf("--from %s: %w", c.From, err)
	}
	src, err := store.Open(e.ctx, c.From)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := store.Open(e.ctx, c.To)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := dst.Migrate(e.ctx); err != nil {
		return err
	}
	return copyBetween(e, src, dst, "Copied")
}

func copyBetween(e *env, src, dst *store.DB, verb string) error {
	start := time.Now()
	last := time.Now()
	st, err := dst.CopyAll(e.ctx, src, func(table string, rows int64) {
		if rows == 0 || time.Since(last) > 5*time.Second {
			last = time.Now()
			if rows == 0 {
				fmt.Fprintf(e.stderr, "copying %s…\n", table)
			} else {
				fmt.Fprintf(e.stderr, "  %s: %d rows\n", table, rows)
			}
		}
	})
	if err != nil {
		return err
	}
	for _, t := range st.Tables {
		if t.Rows > 0 {
			fmt.Fprintf(e.stdout, "  %-28s %10d\n", t.Table, t.Rows)
		}
	}
	fmt.Fprintf(e.stdout, "%s %d rows in %d tables in %s; every table's count matches the source.\n", verb, st.Rows, len(st.Tables), time.Since(start).Round(time.Millisecond))
	return nil
}
