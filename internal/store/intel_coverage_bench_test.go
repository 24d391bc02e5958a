package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
)

// BenchmarkCoverage compares, on the SQLite database SAMWISE_BENCH_DB (a
// copy of what `samwise gen --accounts 100000` makes, migrated), the page
// of /coverage (CoverageList: counts per rule and the first 100 findings)
// with every finding (Coverage, as the exports and the API read them) and
// with the rules over the full matrices (AccountMaps, as /coverage read
// them before CoverageList).
func BenchmarkCoverage(b *testing.B) {
	path := os.Getenv("SAMWISE_BENCH_DB")
	if path == "" {
		b.Skip("set SAMWISE_BENCH_DB")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	orgs, err := db.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		b.Fatalf("%s has no organisation (%v)", path, err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "bench"}
	today := account.DateOf(time.Now())
	o := intel.DefaultCoverageOptions()
	run := func(name string, fn func() error) {
		b.Run(name, func(b *testing.B) {
			cpu := cadenceProcessCPU() // the process's CPU time (shared machine)
			for b.Loop() {
				if err := fn(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cadenceProcessCPU()-cpu)/float64(b.N)/float64(time.Millisecond), "cpu-ms/op")
		})
	}
	run("list", func() error {
		_, err := db.CoverageList(ctx, sc, store.MapScope{}, today, o, time.UTC, "", 100)
		return err
	})
	run("list-quiet-champions", func() error {
		_, err := db.CoverageList(ctx, sc, store.MapScope{}, today, o, time.UTC, intel.QuietChampion, 100)
		return err
	})
	run("every-finding", func() error {
		_, err := db.Coverage(ctx, sc, store.MapScope{}, today, o, time.UTC)
		return err
	})
	run("full-matrices", func() error {
		maps, err := db.AccountMaps(ctx, sc, store.MapScope{}, time.UTC)
		intel.PortfolioCoverage(maps, today, o)
		return err
	})
}
