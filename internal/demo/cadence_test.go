package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/store"
)

// The demo shows every cadence state: the portfolio's touches leave
// executives overdue and stakeholders over-contacted, and SeedCadence adds
// agreements and an acceleration, once however often it runs.
func TestDemoCadenceShowsEveryStateAndSeedsOnce(t *testing.T) {
	ctx := context.Background()
	db, _, res := loadDemo(t, store.SQLite)
	for range 2 {
		if err := demo.SeedCadence(ctx, db, res.Scope, demoNow); err != nil {
			t.Fatal(err)
		}
	}
	o, err := db.CadenceOverrides(ctx, res.Scope, 0)
	if err != nil {
		t.Fatal(err)
	}
	agreements, accels := 0, 0
	for _, as := range o.Agreements {
		agreements += len(as)
	}
	for _, as := range o.Accelerations {
		accels += len(as)
	}
	if agreements != 2 || accels != 1 {
		t.Errorf("%d agreements and %d accelerations, want 2 and 1", agreements, accels)
	}
	rows, _, err := db.Adherence(ctx, res.Scope, store.CadenceScope{}, time.UTC, cadence.Day(demoNow, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("demo adherence: %+v", cadence.Total(rows))
	seen := map[string]bool{}
	for _, r := range rows {
		seen[string(r.State)] = true
		if r.OverContacted {
			seen["over"] = true
		}
		seen[string(r.Interval.Source)] = true
	}
	for _, want := range []string{"on_track", "due_soon", "overdue", "over", "tier_default", "agreed", "accelerated"} {
		if !seen[want] {
			t.Errorf("no stakeholder is %s", want)
		}
	}
}
