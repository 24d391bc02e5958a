package jobs_test

import (
	"context"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/jobs"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestMain(m *testing.M) { storetest.Main(m) }

func TestTiersAreRecomputedOnceADay(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatal(err)
		}
		now := time.Now()
		j := jobs.TierRecompute{DB: db, Now: func() time.Time { return now }}
		j.Once(ctx)
		_, at, err := db.PortfolioPolicy(ctx, sc)
		if err != nil || at.IsZero() {
			t.Fatalf("tiers not recorded: %v %v", at, err)
		}
		tiers, err := db.AccountTiers(ctx, sc)
		if err != nil || tiers[a.ID] == "" {
			t.Fatalf("no tier for the account: %v %v", tiers, err)
		}
		// Within the day our organisation is left alone; a day later it is done again.
		before := at
		now = now.Add(time.Hour)
		j.Once(ctx)
		if _, at, _ = db.PortfolioPolicy(ctx, sc); !at.Equal(before) {
			t.Errorf("recomputed again within the day: %v → %v", before, at)
		}
		now = now.Add(24 * time.Hour)
		db.Now = func() time.Time { return now }
		j.Once(ctx)
		if _, at, _ = db.PortfolioPolicy(ctx, sc); !at.After(before) {
			t.Errorf("not recomputed a day later: %v", at)
		}
	})
}
