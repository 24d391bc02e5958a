package demo

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	// pf, not portfolio: demo.go declares a type portfolio.
	pf "github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// The demo portfolio's strategic side: how many customers wait in the
// strategic pipeline, how many are designated and declined.
const (
	demoUnscored   = 10 // the newest customers, not yet rated
	demoPartial    = 3  // newest customers rated on some criteria only
	demoDesignated = 8
	demoDeclined   = 4
	demoReratings  = 12 // accounts rated again last week: they move in the ranking
)

// SeedPortfolio gives an organisation's portfolio its strategic side: the
// default criteria and most customers rated two months ago (the larger the
// account, the higher it tends to rate), a dozen rated again last week so
// the ranking shows movement, the newest customers left unscored or half
// rated in the strategic pipeline, revenue and tiers recorded, the best
// scored customers designated strategic and a few declined, each with a
// reason, and one tier set by hand.
//
// It is deterministic given now and writes nothing if the organisation's
// criteria were ever saved (someone rated, or set criteria), so it is safe
// to call at every start.
func SeedPortfolio(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	if cs, err := db.Criteria(ctx, sc); err != nil || (len(cs) > 0 && cs[0].ID != 0) {
		return err // already seeded, or in use
	}
	if _, err := db.RecomputeTiers(ctx, sc, "demo data loaded"); err != nil {
		return fmt.Errorf("record revenue: %w", err)
	}
	r, err := db.Ranking(ctx, sc)
	if err != nil {
		return err
	}
	customers, err := db.Customers(ctx, sc)
	if err != nil {
		return err
	}
	var byRevenue []pf.Row // customers, highest revenue first
	for _, i := range r.ParetoOrder {
		if row := r.Rows[i]; customers[row.ID] {
			byRevenue = append(byRevenue, row)
		}
	}
	if len(byRevenue) == 0 {
		return nil
	}
	// The newest customers (highest ids) wait in the pipeline.
	newest := slices.Clone(byRevenue)
	slices.SortFunc(newest, func(a, b pf.Row) int { return cmp.Compare(b.ID, a.ID) })
	waiting := map[int64]int{} // id → criteria rated (0: none)
	for i, row := range newest[:min(demoUnscored+demoPartial, len(newest))] {
		waiting[row.ID] = 0
		if i < demoPartial {
			waiting[row.ID] = 3
		}
	}

	rated := now.AddDate(0, -2, 0)
	cs, err := db.EnsureCriteria(ctx, sc, rated.Add(-time.Hour))
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(demoSeed, 4))
	var imports []store.RatingImport
	for pos, row := range byRevenue {
		n, isWaiting := waiting[row.ID]
		if isWaiting && n == 0 {
			continue
		}
		// A base from the account's place by revenue, spread by chance.
		base := 4.6 - 3.2*float64(pos)/float64(len(byRevenue))
		im := store.RatingImport{AccountID: row.ID, At: rated.Add(time.Duration(pos) * time.Minute),
			Reason: reviewReasons[rng.IntN(len(reviewReasons))]}
		for _, c := range cs {
			v := int(base + rng.NormFloat64()*0.9 + 0.5)
			im.Ratings = append(im.Ratings, pf.Rating{CriterionID: c.ID, Value: min(5, max(1, v))})
		}
		if isWaiting {
			im.Ratings = im.Ratings[:n]
			im.Reason = "First impressions after the kick-off; the rest after the first business review"
		}
		imports = append(imports, im)
	}
	// A dozen ratings again last week, up or down, with a note.
	full := len(imports)
	for k := range demoReratings {
		src := imports[rng.IntN(full)]
		if len(src.Ratings) < len(cs) {
			continue
		}
		c := rng.IntN(len(cs))
		v := min(5, max(1, src.Ratings[c].Value+[]int{-2, -1, 1, 2}[rng.IntN(4)]))
		imports = append(imports, store.RatingImport{AccountID: src.AccountID, At: now.AddDate(0, 0, -6).Add(time.Duration(k) * time.Hour),
			Reason:  changeReasons[rng.IntN(len(changeReasons))],
			Ratings: []pf.Rating{{CriterionID: cs[c].ID, Value: v}},
			Notes:   map[int64]string{cs[c].ID: "Changed after the quarterly business review"}})
	}
	if err := db.ImportRatings(ctx, sc, imports); err != nil {
		return fmt.Errorf("demo ratings: %w", err)
	}

	// Decisions from the ranking: the best scored customers designated, a
	// few further down declined.
	if r, err = db.Ranking(ctx, sc); err != nil {
		return err
	}
	designated, declined := 0, 0
	for _, row := range r.Rows {
		if !row.Scored || !customers[row.ID] {
			continue
		}
		switch {
		case designated < demoDesignated:
			err = db.Decide(ctx, sc, row.ID, pf.Designated, designationReasons[designated%len(designationReasons)])
			designated++
		case declined < demoDeclined && row.Rank > 2*demoDesignated:
			err = db.Decide(ctx, sc, row.ID, pf.Declined, declineReasons[declined%len(declineReasons)])
			declined++
		}
		if err != nil {
			return err
		}
	}
	// One tier set by hand: the smallest scored customer is a reference
	// logo in a new market.
	for i := len(r.Rows) - 1; i >= 0; i-- {
		if row := r.Rows[i]; customers[row.ID] && row.Scored && row.Tier == pf.TierC {
			return db.OverrideTier(ctx, sc, row.ID, pf.TierB, "Reference logo in a new market: treat as B for a year")
		}
	}
	return nil
}

var reviewReasons = []string{"Annual account review", "After the executive sponsor meeting", "Quarterly business review",
	"Account planning workshop"}

var changeReasons = []string{"New sponsor on their side", "Budget cut announced", "Won the second plant", "A competitor came in"}

var designationReasons = []string{
	"Top score and a multi-year relationship worth investing in",
	"Growing fast, and our platform fits their roadmap",
	"Largest revenue potential in the region",
	"Executive sponsor committed to a joint account plan",
}

var declineReasons = []string{
	"A good account, but no room to grow with us for now",
	"Financial health too uncertain this year",
	"Served well through the partner channel",
	"Revisit after their merger closes",
}
