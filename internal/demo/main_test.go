package demo_test

import (
	"context"
	"database/sql"
	"testing"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

// openRaw returns a migrated store and a plain connection to the same
// database, for checks the store has no method for (integrity, foreign keys,
// row checksums). Each SQLite call gets a fresh file; PostgreSQL is the
// package's shared database, so checks there must filter by organisation.
func openRaw(t testing.TB, d store.Dialect) (*store.DB, *sql.DB) {
	t.Helper()
	ctx := context.Background()
	var db *store.DB
	u := storetest.URL(t, d)
	driver := "pgx"
	if d == store.SQLite {
		driver = "sqlite"
		var err error
		if db, err = store.Open(ctx, u); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
	} else {
		db = storetest.Open(t, d)
	}
	raw, err := sql.Open(driver, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return db, raw
}

// count runs a query returning one integer.
func count(t testing.TB, raw *sql.DB, q string, args ...any) int64 {
	t.Helper()
	var n int64
	if err := raw.QueryRow(q, args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// within reports whether got is within ±10% of want.
func within(got, want int64) bool {
	return float64(got) >= 0.9*float64(want) && float64(got) <= 1.1*float64(want)
}
