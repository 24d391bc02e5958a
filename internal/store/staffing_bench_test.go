package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

// BenchmarkWorkloadBoardFromTheDatabase measures what a workload view costs
// end to end below HTTP: reading the board (accounts, tiers, revenue,
// capacities), the relationships of the overloaded managers' accounts, and
// the rebalancing. It runs on the database SAMWISE_STAFFING_BENCH_DB names
// (e.g. one `samwise gen --accounts 20000` wrote), whose first organisation
// it gives capacities once: every manager the average load, so that the
// skewed ownership leaves some over capacity and the others with room.
func BenchmarkWorkloadBoardFromTheDatabase(b *testing.B) {
	path := os.Getenv("SAMWISE_STAFFING_BENCH_DB")
	if path == "" {
		b.Skip("set SAMWISE_STAFFING_BENCH_DB to a database made by samwise gen")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	orgs, err := db.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		b.Fatalf("no organisation (%v)", err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "benchmark"}
	w, err := db.Workload(ctx, sc)
	if err != nil {
		b.Fatal(err)
	}
	load, _ := w.Totals()
	capacity := load * 11 / 10 / max(1, len(w.Managers))
	for _, m := range w.Managers {
		if !m.CapacitySet || m.Capacity != capacity {
			if err := db.SetCapacity(ctx, sc, m.ID, &capacity); err != nil {
				b.Fatal(err)
			}
		}
	}
	var moves, over, candidates, accounts int
	var read, rel, solve time.Duration
	b.ResetTimer()
	cpu := cpuTime()
	for b.Loop() {
		t0 := time.Now()
		w, err := db.Workload(ctx, sc)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		related, err := db.Relationships(ctx, sc, w.Candidates(), time.Now().Add(-store.RelationshipWindow))
		if err != nil {
			b.Fatal(err)
		}
		t2 := time.Now()
		p := staffing.Rebalance(w, related)
		t3 := time.Now()
		read, rel, solve = read+t1.Sub(t0), rel+t2.Sub(t1), solve+t3.Sub(t2)
		moves, over, candidates = len(p.Moves), len(w.Overloaded()), len(w.Candidates())
		accounts = len(w.Unassigned) + len(w.Exempt)
		for _, m := range w.Managers {
			accounts += m.Accounts
		}
	}
	n := float64(b.N)
	b.ReportMetric(float64(cpuTime()-cpu)/n/1e6, "cpu-ms/op")
	b.ReportMetric(float64(read.Milliseconds())/n, "read-ms/op")
	b.ReportMetric(float64(rel.Milliseconds())/n, "relationships-ms/op")
	b.ReportMetric(float64(solve.Microseconds())/n/1000, "rebalance-ms/op")
	b.Logf("%d accounts, %d managers, %d over capacity owning %d accounts; %d moves proposed",
		accounts, len(w.Managers), over, candidates, moves)
}
