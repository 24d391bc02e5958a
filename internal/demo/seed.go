package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
)

// Seed adds, on top of the demo records, what the practice keeps about
// them: scores, designations and tiers; capacities, teams, deliverables and
// goals; agreed cadences. Each step is idempotent and the order matters:
// staffing sets capacities from loads, which follow from tiers.
func Seed(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	for _, s := range []struct {
		name string
		fn   func(context.Context, *store.DB, account.Scope, time.Time) error
	}{
		{"portfolio", SeedPortfolio}, {"staffing", SeedStaffing}, {"cadence", SeedCadence},
		{"fields", SeedFields}, {"intel", SeedIntel}, {"reviews", SeedReviews}, {"outcomes", SeedOutcomes},
		{"plans", SeedPlans}, {"measures", SeedMeasures}, {"health", SeedHealth},
	} {
		if err := s.fn(ctx, db, sc, now); err != nil {
			return fmt.Errorf("demo %s: %w", s.name, err)
		}
	}
	return nil
}
