package demo_test

import (
	"context"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
)

func TestTheDemoShowsEveryOutcomeState(t *testing.T) {
	db, _, res := loadDemo(t, store.SQLite)
	ctx := context.Background()
	sc := res.Scope
	if err := demo.SeedPortfolio(ctx, db, sc, demoNow); err != nil {
		t.Fatal(err)
	}
	if err := demo.SeedOutcomes(ctx, db, sc, demoNow); err != nil {
		t.Fatal(err)
	}
	ps, _, err := db.Problems(ctx, sc, store.ProblemFilter{})
	if err != nil {
		t.Fatal(err)
	}
	statuses, kinds := map[outcome.Status]int{}, map[outcome.Kind]int{}
	for _, p := range ps {
		statuses[p.Status]++
		kinds[p.Kind]++
	}
	for _, s := range outcome.Statuses {
		if statuses[s] == 0 {
			t.Errorf("no %s problem", s)
		}
	}
	if kinds[outcome.KindAvoided] == 0 {
		t.Error("no avoided risk")
	}
	b, err := db.OpenProblems(ctx, sc, 0, 0, demoNow)
	if err != nil {
		t.Fatal(err)
	}
	if b.Breached == 0 || b.Approaching == 0 || b.Breached+b.Approaching == len(b.Open) {
		t.Errorf("open problems should be breached, approaching and on track: %+v", b)
	}
	today := demoNow
	past, err := db.Renewals(ctx, sc, store.RenewalFilter{From: account.DateOf(today.AddDate(-2, 0, 0)), To: account.DateOf(today.AddDate(0, 6, 0))})
	if err != nil {
		t.Fatal(err)
	}
	outcomes, forecasts := map[outcome.RenewalOutcome]int{}, map[outcome.Forecast]int{}
	for _, x := range past {
		outcomes[x.Outcome]++
		if x.Outcome == "" {
			forecasts[x.Forecast]++
		}
	}
	for _, o := range outcome.RenewalOutcomes {
		if outcomes[o] == 0 {
			t.Errorf("no %s renewal: %v", o, outcomes)
		}
	}
	for _, f := range outcome.Forecasts {
		if forecasts[f] == 0 {
			t.Errorf("no open renewal forecast %s: %v", f, forecasts)
		}
	}
	if err := demo.SeedOutcomes(ctx, db, sc, demoNow); err != nil {
		t.Fatal(err)
	}
	again, _, _ := db.Problems(ctx, sc, store.ProblemFilter{})
	if len(again) != len(ps) {
		t.Errorf("seeding twice: %d problems, then %d", len(ps), len(again))
	}
}
