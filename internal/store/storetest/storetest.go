// Package storetest opens real databases for tests: a temporary SQLite file,
// and — when SAMWISE_TEST_POSTGRES_URL names a PostgreSQL server — a database
// of the test package's own, created on first use and dropped by Main.
//
// Each call to New returns a fresh organisation, so tests sharing a package's
// PostgreSQL database never see each other's records (organisations are
// fully isolated, which this also exercises).
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
)

// EnvPostgres names the environment variable with the PostgreSQL server URL.
const EnvPostgres = "SAMWISE_TEST_POSTGRES_URL"

// Dialects returns the databases to run a test against. Without
// SAMWISE_TEST_POSTGRES_URL it is SQLite only — except in CI (CI=true), where
// a missing PostgreSQL fails the test rather than skipping it silently.
func Dialects(t testing.TB) []store.Dialect {
	if os.Getenv(EnvPostgres) == "" {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is not set: in CI the PostgreSQL tests must run", EnvPostgres)
		}
		t.Logf("skipping PostgreSQL: set %s=postgres://postgres@127.0.0.1:5432/postgres to run it", EnvPostgres)
		return []store.Dialect{store.SQLite}
	}
	return []store.Dialect{store.SQLite, store.Postgres}
}

// Each runs fn as a subtest per dialect.
func Each(t *testing.T, fn func(t *testing.T, d store.Dialect)) {
	for _, d := range Dialects(t) {
		t.Run(string(d), func(t *testing.T) { fn(t, d) })
	}
}

var (
	pgMu   sync.Mutex
	pgURL  string
	pgDB   *store.DB
	pgName string
)

// URL returns a database URL for the dialect: a new SQLite file, or the
// package's PostgreSQL database (migrated).
func URL(t testing.TB, d store.Dialect) string {
	t.Helper()
	if d == store.SQLite {
		return filepath.Join(t.TempDir(), "samwise.db")
	}
	pgMu.Lock()
	defer pgMu.Unlock()
	if pgURL != "" {
		return pgURL
	}
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("%s is not set", EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	pgName = fmt.Sprintf("samwise_test_%s_%d", pkgName(), rand.Uint32())
	if _, err := admin.Exec("CREATE DATABASE " + pgName); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + pgName
	pgURL = u.String()
	return pgURL
}

// New opens a migrated database of dialect d and creates a fresh organisation
// in it. The returned scope acts in that organisation as the test itself.
func New(t testing.TB, d store.Dialect) (*store.DB, account.Scope) {
	t.Helper()
	ctx := context.Background()
	db := Open(t, d)
	org := account.Organisation{Name: "Test " + t.Name(), Slug: fmt.Sprintf("t%d", rand.Uint64())}
	if err := db.CreateOrganisation(ctx, &org); err != nil {
		t.Fatal(err)
	}
	return db, account.Scope{OrgID: org.ID, Actor: "test"}
}

// Open opens a migrated database of dialect d without creating anything.
func Open(t testing.TB, d store.Dialect) *store.DB {
	t.Helper()
	ctx := context.Background()
	u := URL(t, d)
	if d == store.Postgres {
		pgMu.Lock()
		defer pgMu.Unlock()
		if pgDB == nil {
			db, err := store.Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if err := db.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			pgDB = db
		}
		// The handle is shared by the package's tests, which run one
		// after another: a clock an earlier test pinned must not leak.
		pgDB.Now = time.Now
		return pgDB
	}
	db, err := store.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// Main runs the package's tests and then drops its PostgreSQL database. Call
// it from TestMain: func TestMain(m *testing.M) { storetest.Main(m) }.
func Main(m *testing.M) {
	code := m.Run()
	pgMu.Lock()
	if pgDB != nil {
		pgDB.Close()
	}
	if pgName != "" {
		if admin, err := sql.Open("pgx", os.Getenv(EnvPostgres)); err == nil {
			if _, err := admin.Exec("DROP DATABASE IF EXISTS " + pgName + " WITH (FORCE)"); err != nil {
				fmt.Fprintln(os.Stderr, "storetest: drop test database:", err)
			}
			admin.Close()
		}
	}
	pgMu.Unlock()
	os.Exit(code)
}

func pkgName() string {
	wd, _ := os.Getwd()
	name := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			return r
		}
		return '_'
	}, strings.ToLower(filepath.Base(wd)))
	return name
}
