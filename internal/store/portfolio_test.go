package store_test

import (
	"context"
	"math"
	"slices"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// pfWorld is an organisation with a few accounts and a settable clock.
type pfWorld struct {
	t   *testing.T
	db  *store.DB
	sc  account.Scope
	now time.Time
	ids map[string]int64
}

func newPF(t *testing.T, d store.Dialect) *pfWorld {
	t.Helper()
	db, sc := storetest.New(t, d)
	sc.UserID, sc.Actor = 3, "lead@example.com"
	w := &pfWorld{t: t, db: db, sc: sc, now: time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC), ids: map[string]int64{}}
	old := db.Now
	db.Now = func() time.Time { return w.now }
	t.Cleanup(func() { db.Now = old })
	return w
}

func (w *pfWorld) must(err error) {
	w.t.Helper()
	if err != nil {
		w.t.Fatal(err)
	}
}

func (w *pfWorld) account(name string, lc account.Lifecycle) int64 {
	w.t.Helper()
	a := &account.Account{Name: name, Lifecycle: lc}
	w.must(w.db.CreateAccount(context.Background(), w.sc, a))
	w.ids[name] = a.ID
	return a.ID
}

func (w *pfWorld) won(acct int64, amount int64, closed string) {
	w.t.Helper()
	d, _ := account.ParseDate(closed)
	o := &account.Opportunity{AccountID: acct, Name: "Deal " + closed, Stage: account.Won, Amount: amount, ActualClose: d, ExpectedClose: d}
	w.must(w.db.CreateOpportunity(context.Background(), w.sc, o))
}

func (w *pfWorld) contract(acct int64, annual int64, start, end string, status account.ContractStatus) {
	w.t.Helper()
	s, _ := account.ParseDate(start)
	e, _ := account.ParseDate(end)
	c := &account.Contract{AccountID: acct, Product: "P", AnnualValue: annual, Start: s, End: e, Status: status}
	w.must(w.db.CreateContract(context.Background(), w.sc, c))
}

func (w *pfWorld) rate(acct int64, reason string, vs ...int) store.ScoreEvent {
	w.t.Helper()
	cs, err := w.db.Criteria(context.Background(), w.sc)
	w.must(err)
	sub := portfolio.Submission{Reason: reason}
	for i, v := range vs {
		sub.Ratings = append(sub.Ratings, portfolio.CriterionRating{Key: cs[i].Key, Value: v, Note: "note " + cs[i].Key})
	}
	ev, err := w.db.RateAccount(context.Background(), w.sc, acct, sub)
	w.must(err)
	return ev
}

func (w *pfWorld) ranking() map[int64]portfolio.Row {
	w.t.Helper()
	r, err := w.db.Ranking(context.Background(), w.sc)
	w.must(err)
	out := map[int64]portfolio.Row{}
	for _, row := range r.Rows {
		out[row.ID] = row
	}
	return out
}

func TestCriteriaStartAsTheDefaultsAndChangesAreKeptInHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newPF(t, d)
		cs, err := w.db.Criteria(ctx, w.sc)
		w.must(err)
		if len(cs) != 6 || cs[0].ID != 0 {
			t.Fatalf("before any change: %d criteria, first id %d; want the six defaults, unsaved", len(cs), cs[0].ID)
		}
		saved, err := w.db.EnsureCriteria(ctx, w.sc, time.Time{})
		w.must(err)
		if saved[0].ID == 0 || saved[0].Key != "continuity" {
			t.Fatalf("ensured criteria = %+v", saved[0])
		}

		// Reweight one, drop one, add one.
		next := slices.Clone(saved[:5])
		next[1].Weight = 3
		next = append(next, portfolio.Criterion{Name: "Strategic fit with our roadmap", Weight: 2,
			Levels: [5]string{"None", "Little", "Some", "Much", "Complete"}})
		got, err := w.db.SetCriteria(ctx, w.sc, next, "growth matters most this year")
		w.must(err)
		if len(got) != 6 || got[5].ID == 0 || got[5].Key != "strategic_fit_with_our_roadmap" {
			t.Fatalf("set criteria = %+v", got)
		}
		active, err := w.db.Criteria(ctx, w.sc)
		w.must(err)
		if len(active) != 6 || active[1].Weight != 3 || slices.ContainsFunc(active, func(c portfolio.Criterion) bool { return c.Key == "financial_health" }) {
			t.Errorf("active criteria after the change = %+v", active)
		}
		hist, err := w.db.CriteriaHistory(ctx, w.sc, 10)
		w.must(err)
		if len(hist) != 2 || hist[0].Reason != "growth matters most this year" || hist[0].Criteria[1].Weight != 3 || hist[1].Reason != "Default criteria" {
			t.Errorf("history = %+v", hist)
		}

		// The retired key may be used again by a new criterion.
		again := append(slices.Clone(active), portfolio.Criterion{Key: "financial_health", Name: "Financial health", Weight: 1})
		_, err = w.db.SetCriteria(ctx, w.sc, again, "")
		w.must(err)

		for name, tc := range map[string]struct {
			cs    []portfolio.Criterion
			field string
		}{
			"an unknown id":         {[]portfolio.Criterion{{ID: 999999, Key: "x", Name: "X", Weight: 1}}, "criteria[0].id"},
			"no weight anywhere":    {[]portfolio.Criterion{{Key: "x", Name: "X", Weight: 0}}, "criteria"},
			"a duplicate key":       {[]portfolio.Criterion{{Key: "x", Name: "X", Weight: 1}, {Key: "x", Name: "Y", Weight: 1}}, "criteria[1].key"},
			"a weight out of range": {[]portfolio.Criterion{{Key: "x", Name: "X", Weight: 500}}, "criteria[0].weight"},
		} {
			_, err := w.db.SetCriteria(ctx, w.sc, tc.cs, "")
			if !slices.ContainsFunc(account.ErrorFields(err), func(f account.FieldError) bool { return f.Field == tc.field }) {
				t.Errorf("%s: error %v, want a field error on %s", name, err, tc.field)
			}
		}
	})
}

func TestRatingAnAccountScoresItKeepsNotesAndHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newPF(t, d)
		acme := w.account("Acme", account.Customer)

		ev := w.rate(acme, "first look", 5, 5, 5)
		if ev.Scored {
			t.Errorf("three of six criteria rated should leave the account not scored")
		}
		w.now = w.now.Add(time.Hour)
		ev = w.rate(acme, "complete", 5, 5, 5, 1, 1, 1)
		if !ev.Scored || math.Abs(ev.Score-50) > 1e-9 {
			t.Errorf("score = %v (%v), want 50", ev.Score, ev.Scored)
		}
		w.now = w.now.Add(time.Hour)
		cs, _ := w.db.Criteria(ctx, w.sc)
		// A partial rerating keeps the other criteria.
		_, err := w.db.RateAccount(ctx, w.sc, acme, portfolio.Submission{Reason: "financials improved",
			Ratings: []portfolio.CriterionRating{{Key: "financial_health", Value: 5, Note: "record year"}}})
		w.must(err)

		st, err := w.db.AccountStanding(ctx, w.sc, acme)
		w.must(err)
		want := 100 * (4 + 4 + 4 + 0 + 0 + 4) / 24.0
		if !st.Scored || math.Abs(st.Score-want) > 1e-6 {
			t.Errorf("standing score = %v, want %v", st.Score, want)
		}
		last := st.Ratings[5]
		if last.Criterion.Key != "financial_health" || last.Value != 5 || last.Note != "record year" || last.Actor != "lead@example.com" || !last.At.Equal(w.now) {
			t.Errorf("latest financial health rating = %+v", last)
		}
		if first := st.Ratings[0]; first.Value != 5 || first.Note != "note continuity" {
			t.Errorf("continuity keeps its last rating and note: %+v", first)
		}
		if len(st.Events) != 3 || st.Events[0].Reason != "financials improved" || len(st.Events[0].Ratings) != 1 || st.Events[2].Scored {
			t.Errorf("events = %+v", st.Events)
		}
		if st.Events[0].Ratings[0].CriterionID != cs[5].ID {
			t.Errorf("event ratings = %+v", st.Events[0].Ratings)
		}

		b, err := w.db.AccountBadges(ctx, w.sc, []int64{acme, 999999})
		w.must(err)
		if got := b[acme]; !got.Scored || math.Abs(got.Score-want) > 1e-6 {
			t.Errorf("badge = %+v", got)
		}
		if _, ok := b[999999]; ok {
			t.Error("an unknown account has no badge")
		}

		audit, _, err := w.db.Audit(ctx, w.sc, store.AuditFilter{AccountID: acme, Entity: "account_score"})
		w.must(err)
		if len(audit) != 3 {
			t.Errorf("audit entries = %d, want 3", len(audit))
		}
	})
}

func TestRatingsAreRefusedWithReasons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newPF(t, d)
		acme := w.account("Acme", account.Customer)
		tests := []struct {
			name  string
			sub   portfolio.Submission
			field string
		}{
			{"no reason", portfolio.Submission{Ratings: []portfolio.CriterionRating{{Key: "fit", Value: 3}}}, "reason"},
			{"an unknown criterion", portfolio.Submission{Reason: "r", Ratings: []portfolio.CriterionRating{{Key: "luck", Value: 3}}}, "ratings.luck"},
			{"a rating of 6", portfolio.Submission{Reason: "r", Ratings: []portfolio.CriterionRating{{Key: "fit", Value: 6}}}, "ratings.fit"},
			{"nothing rated", portfolio.Submission{Reason: "r"}, "ratings"},
		}
		for _, tt := range tests {
			_, err := w.db.RateAccount(ctx, w.sc, acme, tt.sub)
			if !slices.ContainsFunc(account.ErrorFields(err), func(f account.FieldError) bool { return f.Field == tt.field }) {
				t.Errorf("%s: error %v, want one on %s", tt.name, err, tt.field)
			}
		}
		_, err := w.db.RateAccount(ctx, w.sc, 999999, portfolio.Submission{Reason: "r", Ratings: []portfolio.CriterionRating{{Key: "fit", Value: 3}}})
		if account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("rating an unknown account: %v, want not found", err)
		}
		// Another organisation's account is as unknown.
		other := account.Organisation{Name: "Other", Slug: "other-pf-" + string(d)}
		w.must(w.db.CreateOrganisation(ctx, &other))
		_, err = w.db.RateAccount(ctx, account.Scope{OrgID: other.ID, Actor: "x"}, acme,
			portfolio.Submission{Reason: "r", Ratings: []portfolio.CriterionRating{{Key: "fit", Value: 3}}})
		if account.ErrorCode(err) != account.ENOTFOUND {
			t.Errorf("rating another organisation's account: %v, want not found", err)
		}
	})
}

func TestRevenueCountsWonDealsAndProratedContractsOfTheTrailingYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		w := newPF(t, d) // today is 2026-11-23; the window is 2025-11-24 … 2026-11-23 (365 days)
		a := w.account("Alpha", account.Customer)
		w.won(a, 1000_00, "2026-06-01")                                           // counts
		w.won(a, 5000_00, "2025-11-23")                                           // a day too early
		w.contract(a, 365_00, "2020-01-01", "", account.ContractActive)           // the whole window: 365.00
		w.contract(a, 365_00, "2026-09-12", "2027-09-11", account.ContractActive) // 73 days: 73.00
		w.contract(a, 999_00, "2026-01-01", "", account.ContractPending)          // not started
		w.contract(a, 999_00, "2026-01-01", "2026-03-01", account.ContractCancelled)
		w.contract(a, 365_00, "2024-01-01", "2025-12-23", account.ContractExpired) // 30 days in the window: 30.00
		b := w.account("Beta", account.Prospect)
		if rows := w.ranking(); rows[a].Revenue != 0 {
			t.Errorf("before any recompute the ranking shows no revenue, got %d", rows[a].Revenue)
		}
		_, err := w.db.RecomputeTiers(context.Background(), w.sc, "test")
		w.must(err)
		rows := w.ranking()
		if got, want := rows[a].Revenue, int64(1000_00+365_00+73_00+30_00); got != want {
			t.Errorf("Alpha's revenue = %d, want %d", got, want)
		}
		if rows[b].Revenue != 0 || rows[b].Computed != portfolio.TierC {
			t.Errorf("Beta = %+v, want no revenue and tier C", rows[b])
		}
		if rows[a].Computed != portfolio.TierA {
			t.Errorf("Alpha's tier = %s, want A", rows[a].Computed)
		}
	})
}

func TestTiersAreRecordedWithHistoryAndOverridesWin(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newPF(t, d)
		revs := map[string]int64{"a": 50, "b": 30, "c": 10, "d": 6, "e": 4}
		for _, n := range []string{"a", "b", "c", "d", "e"} {
			w.won(w.account(n, account.Customer), revs[n]*100, "2026-10-01")
		}
		tiers, err := w.db.AccountTiers(ctx, w.sc)
		w.must(err)
		if len(tiers) != 0 {
			t.Fatalf("before any recompute: %v, want none", tiers)
		}
		n, err := w.db.RecomputeTiers(ctx, w.sc, "first run")
		w.must(err)
		if n != 5 {
			t.Errorf("changed = %d, want 5", n)
		}
		tiers, err = w.db.AccountTiers(ctx, w.sc)
		w.must(err)
		got := ""
		for _, name := range []string{"a", "b", "c", "d", "e"} {
			got += string(tiers[w.ids[name]])
		}
		if got != "AABBC" {
			t.Errorf("tiers = %s, want AABBC (DOMAIN.md's example)", got)
		}
		if n, _ := w.db.RecomputeTiers(ctx, w.sc, "again"); n != 0 {
			t.Errorf("a second recompute changed %d, want 0", n)
		}

		// An override wins, is kept in history, survives recomputes, and
		// goes when removed.
		e := w.ids["e"]
		w.must(w.db.OverrideTier(ctx, w.sc, e, portfolio.TierA, "new flagship logo"))
		if n, _ := w.db.RecomputeTiers(ctx, w.sc, "nightly"); n != 0 {
			t.Errorf("recompute after an override changed %d, want 0", n)
		}
		tiers, _ = w.db.AccountTiers(ctx, w.sc)
		if tiers[e] != portfolio.TierA {
			t.Errorf("overridden tier = %s, want A", tiers[e])
		}
		if err := w.db.OverrideTier(ctx, w.sc, e, portfolio.TierB, ""); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("an override without a reason: %v, want invalid", err)
		}
		w.must(w.db.OverrideTier(ctx, w.sc, e, "", "deal fell through"))
		st, err := w.db.AccountStanding(ctx, w.sc, e)
		w.must(err)
		if st.Tier != portfolio.TierC || st.Override != "" {
			t.Errorf("after removing the override: tier %s, override %q", st.Tier, st.Override)
		}
		var trail []string
		for _, c := range st.Tiers {
			trail = append(trail, string(c.Tier)+"/"+c.Source)
		}
		if want := []string{"C/override", "A/override", "C/pareto"}; !slices.Equal(trail, want) {
			t.Errorf("tier history = %v, want %v", trail, want)
		}

		// Revenue moves; the ranking shows the recorded revenue and tier
		// until a recompute records today's.
		w.won(e, 100_00, "2026-11-20")
		if row := w.ranking()[e]; row.Revenue != 4_00 || row.Tier != portfolio.TierC {
			t.Errorf("before the recompute: %+v", row)
		}
		w.now = w.now.Add(time.Hour)
		n, err = w.db.RecomputeTiers(ctx, w.sc, "nightly")
		w.must(err)
		if row := w.ranking()[e]; n == 0 || row.Revenue != 104_00 || row.Tier != portfolio.TierA {
			t.Errorf("after the recompute (%d changed): %+v", n, row)
		}
		_, at, err := w.db.PortfolioPolicy(ctx, w.sc)
		w.must(err)
		if !at.Equal(w.now) {
			t.Errorf("tiers recorded at %v, want %v", at, w.now)
		}
	})
}

func TestTieringByScoreFollowsRatingsAndPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newPF(t, d)
		a := w.account("Acme", account.Customer)
		b := w.account("Bolt", account.Customer)
		w.won(b, 1000_00, "2026-10-01")
		w.must(w.db.SetPortfolioPolicy(ctx, w.sc, portfolio.Policy{Method: portfolio.ByScore, Pareto: portfolio.DefaultThresholds, Score: portfolio.DefaultScoreFloors}))
		tiers, _ := w.db.AccountTiers(ctx, w.sc)
		if tiers[a] != portfolio.TierC || tiers[b] != portfolio.TierC {
			t.Errorf("unscored accounts under the score method = %v, want C", tiers)
		}
		w.rate(a, "strong", 5, 5, 5, 5, 4, 4)
		tiers, _ = w.db.AccountTiers(ctx, w.sc)
		if tiers[a] != portfolio.TierA {
			t.Errorf("after a strong rating, tier = %s, want A", tiers[a])
		}
		// A reweight under the score method re-tiers at once.
		cs, _ := w.db.Criteria(ctx, w.sc)
		for i := range cs {
			cs[i].Weight = 0
		}
		cs[4].Weight = 1 // relationships only: rated 4 → 75
		cs[5].Weight = 3 // financial health rated 4 → 75
		_, err := w.db.SetCriteria(ctx, w.sc, cs, "")
		w.must(err)
		w.must(w.db.SetPortfolioPolicy(ctx, w.sc, portfolio.Policy{Method: portfolio.ByScore, Pareto: portfolio.DefaultThresholds, Score: portfolio.ScoreFloors{A: 80, B: 50}}))
		tiers, _ = w.db.AccountTiers(ctx, w.sc)
		if tiers[a] != portfolio.TierB {
			t.Errorf("after raising the A floor to 80, a score of 75 is %s, want B", tiers[a])
		}
		if err := w.db.SetPortfolioPolicy(ctx, w.sc, portfolio.Policy{Method: "magic"}); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("an invalid policy: %v", err)
		}
		// Back to Pareto: Bolt has all the revenue.
		w.must(w.db.SetPortfolioPolicy(ctx, w.sc, portfolio.DefaultPolicy()))
		tiers, _ = w.db.AccountTiers(ctx, w.sc)
		if tiers[a] != portfolio.TierC || tiers[b] != portfolio.TierA {
			t.Errorf("back under Pareto: %v", tiers)
		}
	})
}

func TestMovementComparesWithTheRankingAMonthAgo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		w := newPF(t, d)
		a, b, c := w.account("A", account.Customer), w.account("B", account.Customer), w.account("C", account.Customer)
		w.now = w.now.AddDate(0, -2, 0)
		w.rate(a, "start", 5, 5, 5, 5, 5, 5)
		w.rate(b, "start", 3, 3, 3, 3, 3, 3)
		w.rate(c, "start", 1, 1, 1, 1, 1, 1)
		w.now = w.now.AddDate(0, 2, 0)
		w.rate(c, "big news", 5, 5, 5, 5, 5, 4)
		n := w.account("N", account.Customer)
		w.rate(n, "new customer", 2, 2, 2, 2, 2, 2)
		rows := w.ranking()
		if m := rows[c].Movement(); m != 1 {
			t.Errorf("C rose from 3rd to 2nd… movement = %d (rank %d, then %d), want 1", m, rows[c].Rank, rows[c].PrevRank)
		}
		if m := rows[b].Movement(); m != -1 {
			t.Errorf("B movement = %d, want -1", m)
		}
		if m := rows[a].Movement(); m != 0 {
			t.Errorf("A movement = %d, want 0", m)
		}
		if !rows[n].IsNew() {
			t.Errorf("N was not scored a month ago: want new, got %+v", rows[n])
		}
	})
}

func TestDesignationIsRecordedWithReasonAndShownInBadges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newPF(t, d)
		a := w.account("Acme", account.Customer)
		if err := w.db.Decide(ctx, w.sc, a, portfolio.Designated, " "); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("a designation without a reason: %v", err)
		}
		w.must(w.db.Decide(ctx, w.sc, a, portfolio.Designated, "top score, growing fast"))
		b, err := w.db.AccountBadges(ctx, w.sc, []int64{a})
		w.must(err)
		if !b[a].Strategic() {
			t.Errorf("badge = %+v, want strategic", b[a])
		}
		w.must(w.db.Decide(ctx, w.sc, a, portfolio.Declined, "too small after all"))
		w.must(w.db.Decide(ctx, w.sc, a, portfolio.Undecided, ""))
		st, err := w.db.AccountStanding(ctx, w.sc, a)
		w.must(err)
		if st.Decision != portfolio.Undecided || len(st.Decisions) != 3 || st.Decisions[1].Decision != "declined" || st.Decisions[1].Reason != "too small after all" {
			t.Errorf("standing = %+v / %+v", st.Decision, st.Decisions)
		}
		customers, err := w.db.Customers(ctx, w.sc)
		w.must(err)
		if !customers[a] || len(customers) != 1 {
			t.Errorf("customers = %v", customers)
		}
	})
}

func TestImportedRatingsReadBackLikeRatedOnes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		w := newPF(t, d)
		a, b := w.account("A", account.Customer), w.account("B", account.Customer)
		cs, err := w.db.EnsureCriteria(ctx, w.sc, time.Time{})
		w.must(err)
		all := func(v int) []portfolio.Rating {
			var rs []portfolio.Rating
			for _, c := range cs {
				rs = append(rs, portfolio.Rating{CriterionID: c.ID, Value: v})
			}
			return rs
		}
		w.must(w.db.ImportRatings(ctx, w.sc, []store.RatingImport{
			{AccountID: a, Ratings: all(5), Reason: "import", At: w.now.AddDate(0, -3, 0)},
			{AccountID: b, Ratings: all(2), Reason: "import"},
			{AccountID: a, Ratings: all(4)[:1], Reason: "correction"},
		}))
		rows := w.ranking()
		if rows[a].Rank != 1 || rows[b].Rank != 2 || math.Abs(rows[a].Score-100*(3+4*5)/24.0) > 1e-6 {
			t.Errorf("a = %+v, b = %+v", rows[a], rows[b])
		}
		err = w.db.ImportRatings(ctx, w.sc, []store.RatingImport{{AccountID: a, Ratings: []portfolio.Rating{{CriterionID: cs[0].ID, Value: 9}}}})
		if account.ErrorCode(err) != account.EINVALID {
			t.Errorf("importing a rating of 9: %v", err)
		}
	})
}
