package store_test

import (
	"context"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// TestMeasureBackgroundExport times a background export of every account of
// a big database against writing the same file directly, to show what the
// job's bookkeeping costs. It runs only when SAMWISE_EXPORT_BENCH_DB names a
// COPY of such a database (it is migrated):
//
//	cp /tmp/g100.db /tmp/swexp.db
//	SAMWISE_EXPORT_BENCH_DB=/tmp/swexp.db go test -count=1 -run TestMeasureBackgroundExport -v ./internal/store
func TestMeasureBackgroundExport(t *testing.T) {
	path := os.Getenv("SAMWISE_EXPORT_BENCH_DB")
	if path == "" {
		t.Skip("set SAMWISE_EXPORT_BENCH_DB to a copy of a generated database")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sc := account.Scope{OrgID: 1, UserID: 1, Actor: "bench"}
	dir := t.TempDir()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	for _, format := range []string{"csv", "xlsx"} {
		keys, _ := db.CustomKeys(ctx, sc, exchange.Accounts)
		src := func(ctx context.Context, fn func(*exchange.Record) error) error {
			return db.Export(ctx, sc, exchange.Accounts, store.ExportFilter{}, fn)
		}
		w0, c0 := time.Now(), cpu()
		f, _ := os.Create(filepath.Join(dir, "direct."+format))
		n, err := exchange.WriteAll(format, f, exchange.Accounts, keys, func(fn func(*exchange.Record) error) error { return src(ctx, fn) })
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		wDirect, cDirect := time.Since(w0), cpu()-c0

		w0, c0 = time.Now(), cpu()
		total, err := db.ExportCount(ctx, sc, exchange.Accounts, store.ExportFilter{})
		if err != nil {
			t.Fatal(err)
		}
		j := store.ExportJob{Kind: "accounts", Format: format, Total: total}
		if err := db.StartExport(ctx, sc, &j); err != nil {
			t.Fatal(err)
		}
		run := exchange.ExportJob{Store: db, Scope: sc, ID: j.ID, Kind: exchange.Accounts, Format: format, Keys: keys,
			Path: exchange.ExportPath(dir, sc.OrgID, j.ID, format), Source: src}
		if err := run.Run(ctx); err != nil {
			t.Fatal(err)
		}
		wJob, cJob := time.Since(w0), cpu()-c0
		got, _ := db.ExportJobByID(ctx, sc, 0, j.ID)
		t.Logf("%s: %d rows; direct %.2fs wall %.2fs CPU; background job %.2fs wall %.2fs CPU (%d rows, %d bytes, status %s)",
			format, n, wDirect.Seconds(), cDirect.Seconds(), wJob.Seconds(), cJob.Seconds(), got.Rows, got.Size, got.Status)
	}
}
