package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	neturl "net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"

	"github.com/samwise-sam/samwise/internal/account"
)

//go:embed migrations
var migrations embed.FS

// Dialect names a supported database.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DB is a connection to samwise's database.
type DB struct {
	dialect Dialect
	url     string
	// w takes writes; r serves reads. On PostgreSQL they are the same pool.
	// On SQLite, w has a single connection so that writers queue in Go rather
	// than spin on SQLITE_BUSY, while readers proceed in parallel under WAL.
	w, r *sql.DB
	// Now is the clock; tests replace it.
	Now func() time.Time
	// progress holds running imports' progress on SQLite, where it cannot
	// be written while they run (see exchange_jobs.go).
	progress sync.Map
	// coverageFallbacks counts the coverage lists answered from every
	// matrix because the counts disagreed with the rules (never, the tests
	// check; see CoverageList).
	coverageFallbacks atomic.Int64
}

// Open connects to the database named by url: a postgres:// or postgresql://
// URL, or a SQLite file path (optionally prefixed by sqlite: or file:). It
// does not migrate; call Migrate.
func Open(ctx context.Context, url string) (*DB, error) {
	db := &DB{url: url, Now: time.Now}
	var err error
	if IsPostgres(url) {
		db.dialect = Postgres
		db.w, err = openPostgres(url)
		db.r = db.w
	} else {
		db.dialect = SQLite
		db.w, db.r, err = openSQLite(sqlitePath(url))
	}
	if err != nil {
		return nil, err
	}
	if err := db.r.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("connect to %s database: %w", db.dialect, err)
	}
	return db, nil
}

// IsPostgres reports whether url names a PostgreSQL database.
func IsPostgres(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Dialect returns which database this is.
func (db *DB) Dialect() Dialect { return db.dialect }

// Close closes every connection.
func (db *DB) Close() error {
	err := db.w.Close()
	if db.r != db.w {
		err = errors.Join(err, db.r.Close())
	}
	return err
}

// Ping checks that the database answers (for /readyz).
func (db *DB) Ping(ctx context.Context) error { return db.r.PingContext(ctx) }

func (db *DB) provider() (*goose.Provider, error) {
	sub, err := fs.Sub(migrations, "migrations/"+string(db.dialect))
	if err != nil {
		return nil, err
	}
	opts := []goose.ProviderOption{}
	gd := goose.DialectSQLite3
	if db.dialect == Postgres {
		gd = goose.DialectPostgres
		// Several instances may start at once; one migrates, the others wait.
		locker, err := lock.NewPostgresSessionLocker()
		if err != nil {
			return nil, err
		}
		opts = append(opts, goose.WithSessionLocker(locker))
	}
	return goose.NewProvider(gd, db.w, sub, opts...)
}

// Migrate brings the schema up to date.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return err
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Version   int64
	Name      string
	Applied   bool
	AppliedAt time.Time
}

// MigrationStatuses lists every known migration.
func (db *DB) MigrationStatuses(ctx context.Context) ([]MigrationStatus, error) {
	p, err := db.provider()
	if err != nil {
		return nil, err
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, len(st))
	for i, s := range st {
		out[i] = MigrationStatus{Version: s.Source.Version, Name: s.Source.Path, Applied: s.State == goose.StateApplied, AppliedAt: s.AppliedAt}
	}
	return out, nil
}

// Tx is a transaction with the time it started: every row it writes carries
// the same timestamp.
type Tx struct {
	*sql.Tx
	db  *DB
	now time.Time
}

func (db *DB) begin(ctx context.Context, write bool) (*Tx, error) {
	pool := db.r
	opts := &sql.TxOptions{ReadOnly: !write}
	if write {
		pool = db.w
	}
	if db.dialect == SQLite {
		opts = nil // the driver takes the write lock at BEGIN on the write pool (_txlock=immediate)
	}
	tx, err := pool.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	return &Tx{Tx: tx, db: db, now: db.Now().UTC()}, nil
}

// write runs fn in a read-write transaction, committing only if fn succeeds.
func (db *DB) write(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx, true)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return db.normalize(err)
	}
	return db.normalize(tx.Commit())
}

// read runs fn in a read-only transaction, so it sees one snapshot.
func (db *DB) read(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.begin(ctx, false)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return db.normalize(fn(tx))
}

// normalize turns driver errors into application errors a user can act on.
func (db *DB) normalize(err error) error {
	if err == nil {
		return nil
	}
	var ae *account.Error
	if errors.As(err, &ae) {
		return err
	}
	if errors.Is(err, sql.ErrNoRows) {
		return account.Errorf(account.ENOTFOUND, "Not found.")
	}
	if db.dialect == Postgres {
		if e := postgresError(err); e != nil {
			return e
		}
	} else if e := sqliteError(err); e != nil {
		return e
	}
	return err
}

func ms(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

func fromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

func nullID(p *int64) any {
	if p == nil || *p == 0 {
		return nil
	}
	return *p
}

func idPtr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

func parseDate(s string) account.Date {
	d, _ := account.ParseDate(s)
	return d
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

func itoa(i int) string { return strconv.Itoa(i) }

// RedactURL returns a database URL with any password replaced, for logs.
func RedactURL(raw string) string {
	u, err := neturl.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	return u.Redacted()
}
