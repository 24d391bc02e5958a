package store_test

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestABackgroundExportWritesItsFileAndACancelStopsIt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		sc.UserID = 3
		for _, n := range []string{"Alpha", "Beta", "Gamma"} {
			if err := db.CreateAccount(ctx, sc, &account.Account{Name: n}); err != nil {
				t.Fatal(err)
			}
		}
		dir := t.TempDir()
		f := store.ExportFilter{}
		total, err := db.ExportCount(ctx, sc, exchange.Accounts, f)
		if err != nil || total != 3 {
			t.Fatalf("count %d %v", total, err)
		}
		start := func() (store.ExportJob, exchange.ExportJob) {
			j := store.ExportJob{Kind: "accounts", Format: "csv", Total: total, FileName: "accounts.csv"}
			if err := db.StartExport(ctx, sc, &j); err != nil {
				t.Fatal(err)
			}
			return j, exchange.ExportJob{Store: db, Scope: sc, ID: j.ID, Kind: exchange.Accounts, Format: "csv",
				Path: exchange.ExportPath(dir, sc.OrgID, j.ID, "csv"), Every: 20 * time.Millisecond,
				Source: func(ctx context.Context, fn func(*exchange.Record) error) error {
					return db.Export(ctx, sc, exchange.Accounts, f, fn)
				}}
		}

		j, run := start()
		if err := run.Run(ctx); err != nil {
			t.Fatal(err)
		}
		got, err := db.ExportJobByID(ctx, sc, 3, j.ID)
		if err != nil || got.Status != "done" || got.Rows != 3 || got.Size == 0 || got.Percent() != 100 ||
			got.ExpiresAt.Sub(got.FinishedAt) != exchange.ExportKeep {
			t.Fatalf("done export: %+v %v", got, err)
		}
		if b, err := os.ReadFile(run.Path); err != nil || len(b) != int(got.Size) {
			t.Fatalf("file: %d bytes, %v", len(b), err)
		}
		if _, err := db.ExportJobByID(ctx, sc, 4, j.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("another user's export: %v", err)
		}
		if _, err := db.CancelExport(ctx, sc, 3, j.ID); account.ErrorCode(err) != account.ECONFLICT {
			t.Errorf("cancel a finished export: %v", err)
		}

		// A slow export, cancelled through the database as another instance
		// would: the job stops within its progress interval and leaves no file.
		j2, run2 := start()
		inner := run2.Source
		run2.Source = func(ctx context.Context, fn func(*exchange.Record) error) error {
			return inner(ctx, func(r *exchange.Record) error {
				select {
				case <-ctx.Done():
					return ctx.Err()
				case <-time.After(time.Second):
				}
				return fn(r)
			})
		}
		errc := make(chan error, 1)
		go func() { errc <- run2.Run(ctx) }()
		time.Sleep(100 * time.Millisecond)
		if c, err := db.CancelExport(ctx, sc, 3, j2.ID); err != nil || c.Status != "cancelled" {
			t.Fatalf("cancel: %+v %v", c, err)
		}
		select {
		case err := <-errc:
			if !errors.Is(err, exchange.ErrCancelled) {
				t.Fatalf("cancelled run returned %v", err)
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the cancelled export did not stop")
		}
		if _, err := os.Stat(run2.Path); !os.IsNotExist(err) {
			t.Errorf("a cancelled export left its file: %v", err)
		}
		if _, err := os.Stat(run2.Path + ".part"); !os.IsNotExist(err) {
			t.Errorf("a cancelled export left its partial file: %v", err)
		}
		if got, _ := db.ExportJobByID(ctx, sc, 0, j2.ID); got.Status != "cancelled" {
			t.Errorf("status after cancel: %+v", got)
		}

		// A week and a day later the clean-up removes both, files and rows.
		later := time.Now().Add(exchange.ExportKeep + 24*time.Hour)
		db.Now = func() time.Time { return later }
		defer func() { db.Now = time.Now }()
		n, err := db.CleanExports(ctx, dir, exchange.ExportKeep)
		if err != nil || n < 2 {
			t.Fatalf("clean-up removed %d, %v", n, err)
		}
		if _, err := os.Stat(run.Path); !os.IsNotExist(err) {
			t.Errorf("an expired export's file stayed: %v", err)
		}
		if js, _ := db.ExportJobs(ctx, sc, 0, 10); len(js) != 0 {
			t.Errorf("expired exports listed: %+v", js)
		}
	})
}

func TestARunningExportWithoutHeartbeatIsGivenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		j := store.ExportJob{Kind: "people", Format: "json"}
		if err := db.StartExport(ctx, sc, &j); err != nil {
			t.Fatal(err)
		}
		later := time.Now().Add(store.StaleAfter + time.Minute)
		db.Now = func() time.Time { return later }
		defer func() { db.Now = time.Now }()
		if _, err := db.CleanExports(ctx, t.TempDir(), exchange.ExportKeep); err != nil {
			t.Fatal(err)
		}
		got, err := db.ExportJobByID(ctx, sc, 0, j.ID)
		if err != nil || got.Status != "failed" {
			t.Fatalf("a dead export: %+v %v", got, err)
		}
		if running, err := db.ExportProgress(ctx, sc, j.ID, 5); err != nil || running {
			t.Errorf("progress of a given-up export: running=%v %v", running, err)
		}
	})
}

func TestImportProgressIsReadBackForTheBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		id, err := db.StartImport(ctx, sc, exchange.Accounts, "big.csv", false)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.SetImportProgress(ctx, sc, id, store.ImportProgress{Lines: 1200, BytesRead: 250, Size: 1000}); err != nil {
			t.Fatal(err)
		}
		ps, err := db.ImportProgresses(ctx, sc, []int64{id})
		if err != nil {
			t.Fatal(err)
		}
		if p := ps[id]; p.Lines != 1200 || p.Percent() != 25 || time.Since(p.HeartbeatAt) > time.Minute {
			t.Fatalf("progress %+v", p)
		}
		if d == store.Postgres {
			// Shared through the row: the batch itself says how many lines so far.
			if b, _ := db.ImportBatch(ctx, sc, id); b.Lines != 1200 {
				t.Errorf("batch lines while running: %d", b.Lines)
			}
		}
	})
}
