package store

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/samwise-sam/samwise/internal/account"
)

func sqlitePath(url string) string {
	url = strings.TrimPrefix(url, "sqlite://")
	url = strings.TrimPrefix(url, "sqlite:")
	url = strings.TrimPrefix(url, "file:")
	if i := strings.IndexByte(url, '?'); i >= 0 {
		url = url[:i]
	}
	return url
}

// sqliteReaders is the size of a SQLite database's read pool.
var sqliteReaders = max(4, runtime.NumCPU())

// openSQLite opens a write pool of one connection and a read pool. Pragmas go
// in the DSN so every pooled connection gets them: busy_timeout first (so the
// journal-mode switch itself waits rather than fails), then WAL, NORMAL sync
// (durable at checkpoints, safe under WAL) and foreign keys. Writers use
// BEGIN IMMEDIATE so a transaction never fails half-way upgrading its lock.
func openSQLite(path string) (w, r *sql.DB, err error) {
	// Commit with fdatasync(2), as every Linux distribution's SQLite does:
	// modernc's transpiled library keeps SQLite's source default, fsync,
	// which also forces the file's timestamps through the file system's
	// journal, for no gain in durability. A large import's checkpoint syncs
	// the log and the database once each (BENCHMARKS.md, issue 7). Where the
	// call is unavailable (macOS, Windows) SQLite keeps syncing as before.
	_, _ = sqlite.Fdatasync(true)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, nil, fmt.Errorf("create data folder: %w", err)
		}
	}
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_pragma=cache_size(-32000)"
	w, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxIdleTime(0)
	r, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(ON)")
	if err != nil {
		w.Close()
		return nil, nil, err
	}
	r.SetMaxOpenConns(sqliteReaders)
	r.SetMaxIdleConns(sqliteReaders)
	// Create the file and switch to WAL before readers open it.
	if _, err := w.Exec("SELECT 1"); err != nil {
		w.Close()
		r.Close()
		return nil, nil, fmt.Errorf("open %s: %w", path, err)
	}
	return w, r, nil
}

// sqliteConstraintColumn finds the last column named in a message such as
// "UNIQUE constraint failed: people.org_id, people.email".
var sqliteConstraintColumn = regexp.MustCompile(`constraint failed: (?:\w+\.\w+, )*\w+\.(\w+)`)

func sqliteError(err error) error {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return nil
	}
	msg := se.Error()
	switch se.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		field := ""
		if m := sqliteConstraintColumn.FindStringSubmatch(msg); m != nil {
			field = m[1]
		}
		return conflict(field)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return account.Errorf(account.EINVALID, "A referenced record does not exist, or the record is still referenced by others.")
	case sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
		field := ""
		if m := sqliteConstraintColumn.FindStringSubmatch(msg); m != nil {
			field = m[1]
		}
		return account.Invalid(field, "has a value the database does not accept")
	}
	return nil
}

func conflict(field string) error {
	if field == "" || field == "id" || field == "org_id" {
		return account.Errorf(account.ECONFLICT, "A record with the same key already exists.")
	}
	return &account.Error{Code: account.ECONFLICT, Message: field + " is already in use.",
		Fields: []account.FieldError{{Field: field, Message: "is already in use"}}}
}
