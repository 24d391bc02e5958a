package demo_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// BenchmarkGen1000 writes a 1,000-account synthetic portfolio (about 235,000
// rows) into a fresh SQLite database per iteration.
func BenchmarkGen1000(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		db := storetest.Open(b, store.SQLite)
		b.StartTimer()
		sum, err := demo.Generate(ctx, db, demo.Options{Accounts: 1000, Seed: uint64(i + 1), Now: now})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Counts.Total()), "rows/op")
	}
	_ = fmt.Sprint()
}

// BenchmarkGen1000NewFile is BenchmarkGen1000 the way `samwise gen` writes
// a database file that does not exist yet: store.CreateSQLite, no
// write-ahead log during the load.
func BenchmarkGen1000NewFile(b *testing.B) {
	ctx := context.Background()
	now := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "gen.db")
		b.StartTimer()
		var sum demo.Summary
		err := store.CreateSQLite(ctx, path, func(db *store.DB) (err error) {
			sum, err = demo.Generate(ctx, db, demo.Options{Accounts: 1000, Seed: uint64(i + 1), Now: now})
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(sum.Counts.Total()), "rows/op")
	}
}
