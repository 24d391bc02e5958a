package store_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
)

// BenchmarkAdherenceWholeOrg measures the full recompute of adherence for
// every active stakeholder of the organisation: policy, overrides, tiers,
// the stakeholders and their two latest check-ins, evaluated in Go. It runs
// on a COPY of the database `samwise gen --accounts 100000` makes, named by
// SAMWISE_CADENCE_BENCH_DB (it is migrated, so it must not be the
// original), and is skipped without it.
func BenchmarkAdherenceWholeOrg(b *testing.B) {
	p := os.Getenv("SAMWISE_CADENCE_BENCH_DB")
	if p == "" {
		b.Skip("set SAMWISE_CADENCE_BENCH_DB to a copy of a generated database")
	}
	ctx := context.Background()
	db, err := store.Open(ctx, p)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	orgs, err := db.Organisations(ctx)
	if err != nil || len(orgs) == 0 {
		b.Fatalf("%s has no organisation (%v)", p, err)
	}
	sc := account.Scope{OrgID: orgs[0].ID, Actor: "bench"}
	today := cadence.Day(time.Now(), time.UTC)
	// tally is what /adherence and GET /api/v1/adherence ask for (counts,
	// no stakeholder names); names what the daily digest asks for.
	for _, bc := range []struct {
		name  string
		scope store.CadenceScope
	}{{"tally", store.CadenceScope{TallyOnly: true}}, {"names", store.CadenceScope{}}} {
		b.Run(bc.name, func(b *testing.B) {
			var rows []cadence.Row
			// CPU time beside wall time: on a shared machine the wall
			// time depends on what else runs.
			cpu := cadenceProcessCPU()
			n := 0
			for b.Loop() {
				var err error
				if rows, _, err = db.Adherence(ctx, sc, bc.scope, time.UTC, today); err != nil {
					b.Fatal(err)
				}
				n++
			}
			b.ReportMetric((cadenceProcessCPU()-cpu).Seconds()/float64(n), "cpu-s/op")
			t := cadence.Total(rows)
			b.ReportMetric(float64(t.Stakeholders), "stakeholders")
			b.ReportMetric(t.Percent(), "adherence-%")
		})
	}
}
