package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// A bulk load into a SQLite file that does not exist yet need not pay for the
// write-ahead log. Under WAL every page of the load is written twice — into
// the -wal file as the page cache spills, then into the database when the log
// is checkpointed — and read back in between: for a 2 GB load, a sixth of
// the writer's time (measured, see BENCHMARKS.md). Nobody can be reading a
// file that does not exist, so CreateSQLite builds it under a temporary name
// next to the target, with an in-memory rollback journal (a new database's
// pages need no journal: rolling back means truncating them away), switches
// it to WAL once it is complete and only then moves it to the name asked
// for. The load stays all-or-nothing: until that last step there is no file
// of that name, and a failed load deletes its temporary file. (Larger pages,
// 16 KiB, made the load slower, not faster: measured.)

// NewSQLiteFile reports whether url names a SQLite database file that does
// not exist yet, which CreateSQLite can make.
func NewSQLiteFile(url string) bool {
	if IsPostgres(url) {
		return false
	}
	path := sqlitePath(url)
	if path == "" || path == ":memory:" || strings.HasPrefix(path, "file::memory:") {
		return false
	}
	_, err := os.Lstat(path)
	return errors.Is(err, fs.ErrNotExist)
}

// CreateSQLite makes the SQLite database url names, which must not exist:
// it migrates a new database under a temporary name in the same folder,
// calls fill with it (fill writes the data, typically through DB.Bulk), and
// once fill has succeeded puts the finished database in place. If anything
// fails, no file of that name appears and the temporary one is removed.
//
// While fill runs the database has no write-ahead log: fill must write
// through one transaction at a time and must not read through another while
// it writes (DB.Bulk does neither). Nothing else can open the file, as it
// does not have its final name yet.
func CreateSQLite(ctx context.Context, url string, fill func(db *DB) error) (err error) {
	if !NewSQLiteFile(url) {
		return fmt.Errorf("create %s: not a new SQLite file", url)
	}
	path := sqlitePath(url)
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("create data folder: %w", err)
		}
	}
	tmp, err := createTempFile(path)
	if err != nil {
		return fmt.Errorf("create %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			for _, suffix := range []string{"", "-journal", "-wal", "-shm"} {
				_ = os.Remove(tmp + suffix)
			}
		}
	}()

	db, err := openSQLiteForCreate(ctx, tmp)
	if err != nil {
		return err
	}
	defer func() {
		if db != nil {
			db.Close()
		}
	}()
	if err := db.Migrate(ctx); err != nil {
		return err
	}
	if err := fill(db); err != nil {
		return err
	}
	// Leave the file as openSQLite would have made it: in WAL mode, which
	// the header records. The switch needs the file to itself.
	if err := db.r.Close(); err != nil {
		return err
	}
	var mode string
	if err := db.w.QueryRowContext(ctx, "PRAGMA journal_mode = WAL").Scan(&mode); err != nil {
		return fmt.Errorf("switch %s to WAL: %w", tmp, err)
	}
	if mode != "wal" {
		return fmt.Errorf("switch %s to WAL: journal mode is %q", tmp, mode)
	}
	err, db = db.w.Close(), nil
	if err != nil {
		return err
	}
	// A link fails if the name was taken meanwhile, where a rename would
	// silently replace that database; fall back to renaming only where the
	// file system cannot link.
	if err := os.Link(tmp, path); err == nil {
		_ = os.Remove(tmp) // the database is in place; at worst a second name for it is left
		return nil
	} else if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create %s: it was created by someone else meanwhile", path)
	}
	if !NewSQLiteFile(url) {
		return fmt.Errorf("create %s: it was created by someone else meanwhile", path)
	}
	return os.Rename(tmp, path)
}

// openSQLiteForCreate opens the new, empty file path as openSQLite does but
// with the pragmas of CreateSQLite: a rollback journal held in memory and no
// flushing (the file is thrown away if the process dies). The read pool has
// one connection: under a rollback journal readers and the writer exclude
// each other.
func openSQLiteForCreate(ctx context.Context, path string) (*DB, error) {
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(MEMORY)&_pragma=synchronous(OFF)&_pragma=foreign_keys(ON)&_pragma=cache_size(-32000)"
	db := &DB{dialect: SQLite, url: path, Now: time.Now}
	var err error
	if db.w, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_txlock=immediate"); err != nil {
		return nil, err
	}
	db.w.SetMaxOpenConns(1)
	db.w.SetConnMaxIdleTime(0)
	if db.r, err = sql.Open("sqlite", "file:"+path+"?"+pragmas+"&_pragma=query_only(ON)"); err != nil {
		db.w.Close()
		return nil, err
	}
	db.r.SetMaxOpenConns(1)
	if err := db.w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return db, nil
}

// createTempFile creates an empty file with a new name next to path, with
// the permissions SQLite gives the files it creates (0644 less the umask;
// os.CreateTemp would make it private to us), and returns its name.
func createTempFile(path string) (string, error) {
	for range 100 {
		name := path + "." + strconv.FormatUint(uint64(rand.Uint32()), 36) + ".creating"
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, f.Close()
	}
	return "", errors.New("no free temporary name")
}
