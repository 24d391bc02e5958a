package store_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/exchange"
	"github.com/samwise-sam/samwise/internal/store"
)

// BenchmarkImportTouchesFile imports SAMWISE_BENCH_CSV (touches) into a copy
// of the SQLite database SAMWISE_BENCH_DB, for profiling the import the way
// BENCHMARKS.md measures it:
//
//	SAMWISE_BENCH_DB=base.db SAMWISE_BENCH_CSV=touches.csv go test ./internal/store \
//	    -run '^$' -bench ImportTouchesFile -benchtime 1x -cpuprofile cpu.out
func BenchmarkImportTouchesFile(b *testing.B) {
	src, file := os.Getenv("SAMWISE_BENCH_DB"), os.Getenv("SAMWISE_BENCH_CSV")
	if src == "" || file == "" {
		b.Skip("set SAMWISE_BENCH_DB and SAMWISE_BENCH_CSV")
	}
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		path := filepath.Join(b.TempDir(), "bench.db")
		in, err := os.ReadFile(src)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(path, in, 0o600); err != nil {
			b.Fatal(err)
		}
		db, err := store.Open(ctx, path)
		if err != nil {
			b.Fatal(err)
		}
		orgs, err := db.Organisations(ctx)
		if err != nil || len(orgs) == 0 {
			b.Fatal("no organisation", err)
		}
		sc := account.Scope{OrgID: orgs[0].ID, Actor: "bench"}
		f, err := os.Open(file)
		if err != nil {
			b.Fatal(err)
		}
		rd, err := exchange.NewReader(f)
		if err != nil {
			b.Fatal(err)
		}
		p, err := exchange.Bind(exchange.Touches, rd.Header(), exchange.Mapping{}, nil, exchange.Options{})
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		batch, err := db.Import(ctx, sc, p, rd, store.ImportOptions{FileName: filepath.Base(file), Sole: true}) // as the CLI
		b.StopTimer()
		f.Close()
		db.Close()
		if err != nil || batch.Status != "done" {
			b.Fatalf("import: %v %+v", err, batch)
		}
		b.ReportMetric(float64(batch.Lines)/b.Elapsed().Seconds(), "lines/s")
	}
}
