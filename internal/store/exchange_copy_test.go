package store_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// freshPostgres makes a new, migrated PostgreSQL database for one test (a
// copy needs an empty target).
func freshPostgres(t *testing.T) *store.DB {
	t.Helper()
	base := os.Getenv(storetest.EnvPostgres)
	if base == "" {
		t.Skipf("%s is not set", storetest.EnvPostgres)
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("samwise_test_copy_%d", rand.Uint32())
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(base)
	u.Path = "/" + name
	db, err := store.Open(context.Background(), u.String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		db.Close()
		admin.Exec("DROP DATABASE " + name + " WITH (FORCE)")
		admin.Close()
	})
	if err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// sameTables compares every table of two databases row by row.
func sameTables(t *testing.T, want, got *store.DB) {
	t.Helper()
	ctx := context.Background()
	wc, err := want.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	gc, err := got.Counts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(wc.Tables) != len(gc.Tables) || wc.Rows != gc.Rows {
		t.Fatalf("counts differ: %d tables/%d rows vs %d tables/%d rows", len(wc.Tables), wc.Rows, len(gc.Tables), gc.Rows)
	}
	for _, tc := range wc.Tables {
		w, err := want.TableRows(ctx, tc.Table)
		if err != nil {
			t.Fatal(err)
		}
		g, err := got.TableRows(ctx, tc.Table)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(w, g) {
			for i := range min(len(w), len(g)) {
				if w[i] != g[i] {
					t.Errorf("%s row %d: %s, want %s", tc.Table, i, g[i], w[i])
					break
				}
			}
			t.Errorf("table %s differs (%d rows vs %d)", tc.Table, len(g), len(w))
		}
	}
}

func TestBackupRestoreAndCopyRoundTripEveryTable(t *testing.T) {
	ctx := context.Background()
	src := storetest.Open(t, store.SQLite)
	if _, err := demo.Generate(ctx, src, demo.Options{Accounts: 30, Seed: 7, Now: time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	orgs, err := src.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		t.Fatal(orgs, err)
	}
	sc := storeScope(orgs[0].ID)
	f := exchange.CustomField{Entity: "account", Label: "Segment", Type: "text"}
	if err := src.SaveCustomField(ctx, sc, &f); err != nil {
		t.Fatal(err)
	}
	importCSV(t, src, sc, exchange.Accounts, "name,domain,segment\nNew Co,newco.example,Mid-market\n", exchange.Mapping{}, store.ImportOptions{})

	dir := t.TempDir()
	backup := filepath.Join(dir, "backup.db")
	st, err := src.Backup(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	if st.Rows == 0 {
		t.Fatal("empty backup")
	}
	if _, err := src.Backup(ctx, backup); err == nil {
		t.Error("backup overwrote an existing file")
	}
	bk, err := store.Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer bk.Close()
	restored := storetest.Open(t, store.SQLite)
	if _, err := restored.CopyAll(ctx, bk, nil); err != nil {
		t.Fatal(err)
	}
	sameTables(t, src, restored)
	if _, err := restored.CopyAll(ctx, bk, nil); err == nil {
		t.Error("restore into a database that is not empty")
	}

	if os.Getenv(storetest.EnvPostgres) == "" {
		t.Skip("PostgreSQL part skipped")
	}
	pg := freshPostgres(t)
	stats, err := pg.CopyAll(ctx, src, nil)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Rows != st.Rows {
		t.Errorf("copied %d rows, backup had %d", stats.Rows, st.Rows)
	}
	sameTables(t, src, pg)
	// New records on PostgreSQL get fresh ids after the copy.
	importCSV(t, pg, sc, exchange.Accounts, "name\nAfter Copy\n", exchange.Mapping{}, store.ImportOptions{})

	// PostgreSQL backup (a SQLite file) and back.
	pgBackup := filepath.Join(dir, "pg-backup.db")
	if _, err := pg.Backup(ctx, pgBackup); err != nil {
		t.Fatal(err)
	}
	pb, err := store.Open(ctx, pgBackup)
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	sameTables(t, pg, pb)
	back := storetest.Open(t, store.SQLite)
	if _, err := back.CopyAll(ctx, pg, nil); err != nil {
		t.Fatal(err)
	}
	sameTables(t, pg, back)
}
