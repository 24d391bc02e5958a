package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestTheDemoPortfolioShowsEveryStrategicState(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, _, res := loadDemo(t, d)
		clock := db.Now
		db.Now = func() time.Time { return demoNow }
		t.Cleanup(func() { db.Now = clock })
		if err := demo.SeedPortfolio(ctx, db, res.Scope, demoNow); err != nil {
			t.Fatal(err)
		}
		r, err := db.Ranking(ctx, res.Scope)
		if err != nil {
			t.Fatal(err)
		}
		customers, err := db.Customers(ctx, res.Scope)
		if err != nil {
			t.Fatal(err)
		}
		stages := map[portfolio.Stage]int{}
		for _, s := range portfolio.Pipeline(r.Rows, func(id int64) bool { return customers[id] }) {
			stages[s.Stage] = len(s.Rows)
		}
		if stages[portfolio.StageQueued] < 10 || stages[portfolio.StageScored] < 30 ||
			stages[portfolio.StageDesignated] != 8 || stages[portfolio.StageDeclined] != 4 {
			t.Errorf("pipeline = %v", stages)
		}
		var moved, partial, overridden int
		tiers := map[portfolio.Tier]int{}
		for _, row := range r.Rows {
			if row.Movement() != 0 {
				moved++
			}
			if !row.Scored && row.Rated > 0 {
				partial++
			}
			if row.Override != "" {
				overridden++
			}
			tiers[row.Tier]++
		}
		if moved == 0 || partial != 3 || overridden != 1 {
			t.Errorf("moved %d, partly rated %d, overridden %d", moved, partial, overridden)
		}
		if tiers[portfolio.TierA] == 0 || tiers[portfolio.TierB] == 0 || tiers[portfolio.TierC] == 0 {
			t.Errorf("tiers = %v, want all three", tiers)
		}
		// Seeding again changes nothing.
		before := r.Scored
		if err := demo.SeedPortfolio(ctx, db, res.Scope, demoNow.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if again, _ := db.Ranking(ctx, res.Scope); again.Scored != before {
			t.Errorf("a second seed changed the scored count from %d to %d", before, again.Scored)
		}
	})
}
