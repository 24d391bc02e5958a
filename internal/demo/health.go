package demo

import (
	"context"
	"math"
	"math/rand/v2"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedHealth gives the demo its health history, then trains the churn
// model on it. It runs after every other seed, so today's snapshot reads
// the finished demo: cadence adherence, contracts and renewal outcomes,
// problems, NPS answers, relationships, plans.
//
// Health snapshots are new, so the demo has no past of them: this invents
// one, and only in the health tables. Customers get a snapshot at each of
// the last 40 month ends — today's signals wandering back, leaning down in
// the year before a renewal the demo records as churned or contracted and
// slightly up before a kept one — and every day of the last two weeks;
// former customers get the year before they left. The renewal outcomes are
// the demo's own (contract outcomes, former customers, contracts that ended
// while the account stayed): enough for the back-test and the model. One
// account's score falls sharply today, so an alert shows. It does nothing
// when any snapshot exists, so it may run on every start.
func SeedHealth(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	n, err := db.HealthSnapshotCount(ctx, sc)
	if err != nil || n > 0 {
		return err
	}
	today := account.DateOf(now.UTC())
	if _, err := db.SnapshotHealth(ctx, sc, today); err != nil {
		return err
	}
	rows, _, err := db.HealthPortfolio(ctx, sc, 0, today)
	if err != nil {
		return err
	}
	if len(rows) < 10 {
		return nil // not the demo portfolio
	}
	outcomes, err := db.HealthOutcomes(ctx, sc, today)
	if err != nil {
		return err
	}
	byAccount := map[int64][]store.HealthOutcome{}
	for _, o := range outcomes {
		byAccount[o.AccountID] = append(byAccount[o.AccountID], o)
	}
	// shift is how the demo's invented past leans before a known outcome:
	// down in the year before a churned or contracted renewal, slightly up
	// before a kept one, with a little luck either way.
	r := rand.New(rand.NewPCG(uint64(len(rows)), 10))
	luck := map[int64]float64{}
	shift := func(id int64, d account.Date) float64 {
		if _, ok := luck[id]; !ok {
			luck[id] = r.NormFloat64() * 10
		}
		v := 0.0
		for _, o := range byAccount[id] {
			if !o.Day.Before(d) && !d.Before(o.Day.AddDays(-400)) { // within the year before
				if o.Churned {
					v -= 28
				} else {
					v += 6
				}
			}
		}
		return v + luck[id]
	}
	set := health.DefaultSettings()
	snap := func(id int64, d account.Date, s health.Signals, tier string, arr int64) store.HealthSnapshot {
		out := store.HealthSnapshot{AccountID: id, Day: d, Signals: s, Tier: tier, ARR: arr}
		if sc := health.Compute(s, set.Weights); sc.Scored {
			v := sc.Value
			out.Score = &v
		}
		return out
	}
	clamp := func(v float64) float64 { return math.Min(math.Max(v, 0), 100) }
	leaned := func(id int64, d account.Date, s health.Signals) health.Signals {
		out := health.Signals{}
		sh := shift(id, d)
		for k, v := range s {
			out[k] = clamp(v + sh)
		}
		return out
	}
	var snaps []store.HealthSnapshot
	for _, row := range rows {
		cur := cloneSignals(row.Signals)
		// The last two weeks, day by day: small moves around today.
		walk := cloneSignals(cur)
		for d := 1; d <= 14; d++ {
			for k, v := range walk {
				walk[k] = clamp(v + r.NormFloat64()*1.5)
			}
			snaps = append(snaps, snap(row.AccountID, today.AddDays(-d), cloneSignals(walk), row.Tier, row.ARR))
		}
		// Month ends, further back: a random walk from today's signals,
		// leaning towards what happened at the renewals in between.
		walk = cloneSignals(cur)
		for m := 1; m <= 40; m++ {
			for k, v := range walk {
				walk[k] = clamp(v + r.NormFloat64()*5)
			}
			d := monthEnd(today, m)
			arr := int64(float64(row.ARR) * math.Pow(0.97, float64(m)))
			snaps = append(snaps, snap(row.AccountID, d, leaned(row.AccountID, d, walk), row.Tier, arr))
		}
	}
	former, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: account.MaxLimit}, Lifecycle: account.FormerCustomer})
	if err != nil {
		return err
	}
	for _, a := range former {
		cs, _, err := db.Contracts(ctx, sc, account.ContractFilter{Page: account.Page{Limit: 20}, AccountID: a.ID})
		if err != nil {
			return err
		}
		var arr int64
		for _, c := range cs {
			arr = max(arr, c.AnnualValue)
		}
		left := account.DateOf(a.UpdatedAt.UTC())
		for _, o := range byAccount[a.ID] {
			if o.Churned {
				left = o.Day
			}
		}
		tier := []string{"A", "B", "B", "C", "C", "C"}[r.IntN(6)]
		// Where they stood a month before leaving, then better going back
		// a year: every signal they would have had, a little worse than a
		// kept customer's.
		end := health.Signals{health.Adherence: 5 + 45*r.Float64(), health.Renewal: 30 + 60*r.Float64(),
			health.Revenue: 20 + 50*r.Float64(), health.NPS: 20 + 60*r.Float64(), health.Coverage: 40 * r.Float64(),
			health.Problems: []float64{100, 50, 50, 33.3}[r.IntN(4)]}
		for m := 1; m <= 12; m++ {
			s := health.Signals{}
			for k, v := range end {
				s[k] = clamp(v + float64(m-1)*1.5 + r.NormFloat64()*6)
			}
			snaps = append(snaps, snap(a.ID, left.AddDays(-30*m), s, tier, arr))
		}
	}
	if err := db.PutHealthSnapshots(ctx, sc, snaps); err != nil {
		return err
	}
	// A sharp drop today: the account in the middle of the list scored 24
	// points more yesterday.
	mid := rows[len(rows)/2]
	if mid.Score.Scored {
		up := health.Signals{}
		for k, v := range mid.Signals {
			up[k] = clamp(v + 24)
		}
		s := snap(mid.AccountID, today.AddDays(-1), up, mid.Tier, mid.ARR)
		v := math.Min(mid.Score.Value+24, 100)
		s.Score = &v
		if err := db.PutHealthSnapshots(ctx, sc, []store.HealthSnapshot{s}); err != nil {
			return err
		}
	}
	if _, err := db.SnapshotHealth(ctx, sc, today); err != nil {
		return err
	}
	_, err = db.TrainHealthModel(ctx, sc, today)
	return err
}

func cloneSignals(s health.Signals) health.Signals {
	out := make(health.Signals, len(s))
	for k, v := range s {
		out[k] = v
	}
	return out
}

// monthEnd is the last day of the month m months before today's.
func monthEnd(today account.Date, m int) account.Date {
	first := time.Date(today.Year, today.Month, 1, 0, 0, 0, 0, time.UTC)
	return account.DateOf(first.AddDate(0, -m+1, -1))
}
