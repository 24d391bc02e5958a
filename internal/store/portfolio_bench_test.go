package store_test

import (
	"context"
	"math/rand/v2"
	"os"
	"syscall"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// EnvBenchPortfolioDB names a SQLite database the portfolio benchmarks may
// WRITE to: a copy of one made by `samwise gen` (cp /tmp/gen100k.db
// /tmp/portfolio100k.db). On first use the benchmark rates every account of
// its first organisation (random 1-5 on the default criteria, two months
// ago, and a tenth of them again last week, so that movement has work to do)
// and records tiers once.
const EnvBenchPortfolioDB = "SAMWISE_BENCH_PORTFOLIO_DB"

func benchPortfolioDB(b *testing.B) (*store.DB, account.Scope) {
	b.Helper()
	path := os.Getenv(EnvBenchPortfolioDB)
	if path == "" {
		b.Skipf("set %s to a copy of a `samwise gen` database the benchmark may write to", EnvBenchPortfolioDB)
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	orgs, err := db.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		b.Fatalf("no organisation in %s (%v)", path, err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "benchmark"}
	r, err := db.Ranking(ctx, sc)
	if err != nil {
		b.Fatal(err)
	}
	if r.Scored > 0 {
		return db, sc
	}
	b.Logf("rating %d accounts (first run only)", len(r.Rows))
	now := time.Now()
	// The criteria date from before the ratings, as they would in a
	// portfolio in use: movement then has a past to compare with.
	cs, err := db.EnsureCriteria(ctx, sc, now.AddDate(0, -2, -1))
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(42, 7))
	var imports []store.RatingImport
	for _, row := range r.Rows {
		rs := make([]portfolio.Rating, len(cs))
		for i, c := range cs {
			rs[i] = portfolio.Rating{CriterionID: c.ID, Value: 1 + rng.IntN(5)}
		}
		imports = append(imports, store.RatingImport{AccountID: row.ID, Ratings: rs, Reason: "benchmark", At: now.AddDate(0, -2, 0)})
	}
	for _, row := range r.Rows {
		if rng.IntN(10) == 0 {
			imports = append(imports, store.RatingImport{AccountID: row.ID, Reason: "benchmark rerating", At: now.AddDate(0, 0, -7),
				Ratings: []portfolio.Rating{{CriterionID: cs[rng.IntN(len(cs))].ID, Value: 1 + rng.IntN(5)}}})
		}
	}
	if err := db.ImportRatings(ctx, sc, imports); err != nil {
		b.Fatal(err)
	}
	if _, err := db.RecomputeTiers(ctx, sc, "benchmark set-up"); err != nil {
		b.Fatal(err)
	}
	return db, sc
}

// BenchmarkPortfolioRanking measures the portfolio page's work end to end:
// load every account, its ratings, recorded tier and decision, its won
// opportunities and contracts of the trailing year and the past for
// movement from SQLite; score, rank and tier them.
func BenchmarkPortfolioRanking(b *testing.B) {
	db, sc := benchPortfolioDB(b)
	ctx := context.Background()
	b.ReportAllocs()
	var n, scored int
	cpu := cpuTime()
	for b.Loop() {
		r, err := db.Ranking(ctx, sc)
		if err != nil {
			b.Fatal(err)
		}
		n, scored = len(r.Rows), r.Scored
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(n), "accounts")
	b.ReportMetric(float64(scored), "scored")
}

// BenchmarkPortfolioRecompute measures recording tiers for the whole
// portfolio when nothing changed (the nightly run on a quiet day).
func BenchmarkPortfolioRecompute(b *testing.B) {
	db, sc := benchPortfolioDB(b)
	ctx := context.Background()
	cpu := cpuTime()
	for b.Loop() {
		if _, err := db.RecomputeTiers(ctx, sc, "benchmark"); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

// cpuTime is the CPU time (user and system) the process has used, in
// nanoseconds. Benchmarks report it beside the wall time because the
// machines they run on are often shared: CPU per operation does not grow
// when other processes take the cores, wall time does.
func cpuTime() int64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}
