package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// rateForm is a complete rating form: every default criterion at v.
func rateForm(v int, reason string) url.Values {
	form := url.Values{"reason": {reason}}
	for _, c := range portfolio.DefaultCriteria() {
		form.Set("rating-"+c.Key, fmt.Sprint(v))
	}
	return form
}

func wantIn(t *testing.T, body string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(body, p) {
			t.Errorf("page lacks %q", p)
		}
	}
}

func TestRatingAnAccountShowsItsScoreOnTheAccountAndThePortfolio(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.get(fmt.Sprintf("/accounts/%d/rating", f.acme.ID))
		if res.status != http.StatusOK {
			t.Fatalf("rating form: %d", res.status)
		}
		wantIn(t, res.body, "Likelihood of a continued relationship", "Committed for years", `name="rating-growth"`)

		// No reason: the form comes back with the message, nothing saved.
		form := rateForm(4, "")
		res = f.post(fmt.Sprintf("/accounts/%d/rating", f.acme.ID), form)
		if res.status != http.StatusUnprocessableEntity {
			t.Fatalf("rating without a reason: %d", res.status)
		}
		wantIn(t, res.body, "Reason is required", `value="4" checked`)

		form.Set("note-growth", "New plant in Ohio")
		form.Set("reason", "Quarterly review")
		form.Set("rating-continuity", "5")
		res = f.post(fmt.Sprintf("/accounts/%d/rating", f.acme.ID), form)
		if res.status != http.StatusSeeOther || !strings.HasSuffix(res.location, "#standing") {
			t.Fatalf("rating: %d → %s\n%s", res.status, res.location, res.body)
		}
		page := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)).body
		// (4×5 + 5) weighted equally: 100 × (3×5 + 4) / 24 = 79.2
		wantIn(t, page, "Strategic standing", "79.2", "New plant in Ohio", "Quarterly review")

		// Submitting the same values again changes nothing and says so.
		res = f.post(fmt.Sprintf("/accounts/%d/rating", f.acme.ID), url.Values{"reason": {"again"},
			"rating-continuity": {"5"}, "rating-growth": {"4"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "unchanged") {
			t.Errorf("an unchanged rating: %d", res.status)
		}

		res = f.get("/portfolio")
		if res.status != http.StatusOK {
			t.Fatalf("portfolio: %d\n%s", res.status, res.body)
		}
		wantIn(t, res.body, "Acme Corp", "79.2", `<svg class="chart pareto"`, `<svg class="chart scatter"`, `data-id="`+fmt.Sprint(f.acme.ID)+`"`)
	})
}

func TestThePortfolioRanksTiersFiltersAndPages(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		// 60 more accounts with revenue, rated so that the ranking is
		// known: account i scores lower as i grows.
		for i := range 60 {
			a := &account.Account{Name: fmt.Sprintf("Bulk %02d", i), Lifecycle: account.Customer, OwnerID: &f.bob.ID}
			if err := f.db.CreateAccount(ctx, f.sc, a); err != nil {
				t.Fatal(err)
			}
			o := &account.Opportunity{AccountID: a.ID, Name: "Deal", Stage: account.Won, Amount: int64(100-i) * 1000_00,
				ActualClose: account.Date{Year: 2026, Month: 2, Day: 1}}
			if err := f.db.CreateOpportunity(ctx, f.sc, o); err != nil {
				t.Fatal(err)
			}
			v := 5 - i/15
			if res := f.post(fmt.Sprintf("/accounts/%d/rating", a.ID), rateForm(v, "bulk")); res.status != http.StatusSeeOther {
				t.Fatalf("rate: %d %s", res.status, res.body)
			}
		}
		if res := f.post("/portfolio/recompute", url.Values{}); res.status != http.StatusSeeOther {
			t.Fatalf("recompute: %d", res.status)
		}
		page := f.get("/portfolio").body
		wantIn(t, page, "63 accounts", "page 1 of 2", "Bulk 00", "Tier A", `rel="next"`)
		// (The scatter names every account in its dots' titles: look at links.)
		if strings.Contains(page, ">Bulk 59</a>") {
			t.Error("the first page shows the last account")
		}
		next := f.get("/portfolio?page=2").body
		wantIn(t, next, ">Bulk 59</a>", `rel="prev"`)

		tierC := f.get("/portfolio?tier=C").body
		if strings.Contains(tierC, ">Bulk 00</a>") {
			t.Error("the top account is listed under tier C")
		}
		mine := f.get(fmt.Sprintf("/portfolio?owner=%d", f.ann.ID)).body
		wantIn(t, mine, "Acme Corp", "Initech")
		if strings.Contains(mine, ">Bulk 00</a>") {
			t.Error("Bob's accounts are listed under Ann")
		}
		byRevenue := f.get("/portfolio?sort=-revenue&q=bulk").body
		if i, j := strings.Index(byRevenue, ">Bulk 00</a>"), strings.Index(byRevenue, ">Bulk 01</a>"); i < 0 || j < i {
			t.Error("sorted by revenue, Bulk 00 should come first")
		}
		if res := f.get("/portfolio?page=99&tier=Z&sort=nonsense"); res.status != http.StatusOK {
			t.Errorf("a mangled URL: %d", res.status)
		}
	})
}

func TestTheLeaderDesignatesOverridesAndTheBadgeShowsEverywhere(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		path := fmt.Sprintf("/accounts/%d/designation", f.acme.ID)
		res := f.post(path, url.Values{"decision": {"designated"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Reason is required") {
			t.Fatalf("designation without a reason: %d", res.status)
		}
		res = f.post(path, url.Values{"decision": {"designated"}, "reason": {"Largest customer, growing"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("designate: %d %s", res.status, res.body)
		}
		wantIn(t, f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)).body, "★ Designated", "Largest customer, growing")
		wantIn(t, f.get("/accounts").body, "★ Strategic")
		wantIn(t, f.get("/portfolio?decision=designated").body, "Acme Corp")

		tier := fmt.Sprintf("/accounts/%d/tier", f.globex.ID)
		if res := f.post(tier, url.Values{"tier": {"A"}}); res.status != http.StatusUnprocessableEntity {
			t.Errorf("override without a reason: %d", res.status)
		}
		if res := f.post(tier, url.Values{"tier": {"A"}, "reason": {"Board-level sponsor"}}); res.status != http.StatusSeeOther {
			t.Fatalf("override: %d %s", res.status, res.body)
		}
		wantIn(t, f.get(fmt.Sprintf("/accounts/%d", f.globex.ID)).body, "Set by hand: Board-level sponsor", `tier-badge tier-A big`)
	})
}

func TestTheLeaderReweighsCriteriaAndChangesTheTieringPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		if res := f.post(fmt.Sprintf("/accounts/%d/rating", f.acme.ID), url.Values{"reason": {"r"},
			"rating-continuity": {"5"}, "rating-growth": {"1"}, "rating-fit": {"1"}, "rating-potential": {"1"},
			"rating-relationships": {"1"}, "rating-financial_health": {"1"}}); res.status != http.StatusSeeOther {
			t.Fatalf("rate: %d", res.status)
		}
		page := f.get("/portfolio/criteria")
		if page.status != http.StatusOK {
			t.Fatalf("criteria page: %d", page.status)
		}
		wantIn(t, page.body, `name="c0-weight"`, "Add a criterion", "Default criteria")
		cs, err := f.db.Criteria(context.Background(), f.sc)
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"reason": {"continuity is everything"}}
		for i, c := range cs {
			p := fmt.Sprintf("c%d-", i)
			form.Set(p+"id", fmt.Sprint(c.ID))
			form.Set(p+"name", c.Name)
			form.Set(p+"key", c.Key)
			form.Set(p+"weight", "0")
			for l, text := range c.Levels {
				form.Set(fmt.Sprintf("%slevel%d", p, l+1), text)
			}
		}
		form.Set("c0-weight", "x")
		if res := f.post("/portfolio/criteria", form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "must be a number") {
			t.Errorf("a weight that is not a number: %d", res.status)
		}
		form.Set("c0-weight", "3")
		form.Set(fmt.Sprintf("c%d-name", len(cs)), "") // the blank row is ignored
		if res := f.post("/portfolio/criteria", form); res.status != http.StatusSeeOther {
			t.Fatalf("save criteria: %d %s", res.status, res.body)
		}
		// Only continuity counts now: Acme scores 100.
		wantIn(t, f.get("/portfolio").body, ">100<")
		wantIn(t, f.get("/portfolio/criteria").body, "continuity is everything")

		bad := url.Values{"method": {"score"}, "pareto_a": {"80"}, "pareto_b": {"70"}, "score_a": {"70"}, "score_b": {"40"}}
		if res := f.post("/portfolio/policy", bad); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Tier B ends at") {
			t.Errorf("a B share below A: %d", res.status)
		}
		good := url.Values{"method": {"score"}, "pareto_a": {"80"}, "pareto_b": {"95"}, "score_a": {"70"}, "score_b": {"40"}}
		if res := f.post("/portfolio/policy", good); res.status != http.StatusSeeOther {
			t.Fatalf("save policy: %d %s", res.status, res.body)
		}
		tiers, err := f.db.AccountTiers(context.Background(), f.sc)
		if err != nil {
			t.Fatal(err)
		}
		if tiers[f.acme.ID] != portfolio.TierA || tiers[f.globex.ID] != portfolio.TierC {
			t.Errorf("tiers by score = %v", tiers)
		}
	})
}

func TestThePipelineQueuesNewCustomersUntilScoredAndDecided(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		// Acme and Initech are customers, Globex a prospect.
		if res := f.post(fmt.Sprintf("/accounts/%d/rating", f.initech.ID), rateForm(3, "first look")); res.status != http.StatusSeeOther {
			t.Fatal(res.status)
		}
		if err := f.db.Decide(context.Background(), f.sc, f.globex.ID, portfolio.Declined, "too small"); err != nil {
			t.Fatal(err)
		}
		page := f.get("/portfolio/pipeline").body
		stage := func(name string) string {
			i := strings.Index(page, `stage-`+name+`"`)
			if i < 0 {
				t.Fatalf("no stage %s", name)
			}
			rest := page[i:]
			if j := strings.Index(rest[1:], "pipeline-stage stage-"); j > 0 {
				rest = rest[:j]
			}
			return rest
		}
		wantIn(t, stage("queued"), "Acme Corp")
		wantIn(t, stage("scored"), "Initech")
		wantIn(t, stage("declined"), "Globex")
		if strings.Contains(stage("queued"), "Globex") {
			t.Error("a prospect is queued for scoring")
		}
	})
}
