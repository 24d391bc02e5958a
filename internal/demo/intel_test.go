package demo_test

import (
	"context"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
)

func TestDemoIntelFindsEveryCoverageGapAndFillsTheWhitespace(t *testing.T) {
	ctx := context.Background()
	db, _, res := loadDemo(t, store.SQLite)
	sc := res.Scope
	for _, seed := range []func(context.Context, *store.DB, account.Scope, time.Time) error{demo.SeedPortfolio, demo.SeedStaffing} {
		if err := seed(ctx, db, sc, demoNow); err != nil {
			t.Fatal(err)
		}
	}
	for range 2 { // the second run must change nothing
		if err := demo.SeedIntel(ctx, db, sc, demoNow); err != nil {
			t.Fatal(err)
		}
	}
	ps, err := db.Products(ctx, sc, true)
	if err != nil || len(ps) != 8 {
		t.Fatalf("products %d, %v", len(ps), err)
	}
	fs, err := db.Coverage(ctx, sc, store.MapScope{}, account.DateOf(demoNow), intel.CoverageOptions{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	counts := intel.CountByRule(fs)
	for _, r := range intel.Rules {
		if counts[r] == 0 {
			t.Errorf("no %s finding in the demo (counts %v)", r, counts)
		}
	}
	ws, err := db.Whitespace(ctx, sc, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ws.Rows) < 20 || ws.Total == 0 {
		t.Fatalf("whitespace %d rows, total %d", len(ws.Rows), ws.Total)
	}
	states := map[intel.State]int{}
	for _, row := range ws.Rows {
		for _, c := range row.Cells {
			states[c.State]++
		}
	}
	for _, s := range append(intel.States, "") {
		if states[s] == 0 {
			t.Errorf("no cell in state %q: %v", s, states)
		}
	}
	// The largest account has a complete picture.
	big, _, _ := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 1, Sort: "-annual_revenue"}, Lifecycle: account.Customer})
	p, _ := db.Profile(ctx, sc, big[0].ID)
	all, _ := db.VisionItems(ctx, sc, big[0].ID, true)
	needs, _ := db.Needs(ctx, sc, big[0].ID)
	horizons := map[int]bool{}
	for _, v := range all {
		if v.Current() {
			horizons[v.HorizonYears] = true
		}
	}
	if p.Version == 0 || len(p.TargetMarkets) == 0 || len(p.OurCompetitors) == 0 || !horizons[1] || !horizons[3] || !horizons[5] ||
		len(intel.VisionVersions(all)) < 2 || len(needs) != 3 {
		t.Fatalf("largest account: profile %+v, vision %+v, needs %d", p, all, len(needs))
	}
}
