package api

import (
	"net/http"
	"slices"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// portfolioPolicy are the portfolio operations that are the leader's
// policy (access.SetPolicy); the others read, or rate (WriteRecords).
var portfolioPolicy = map[string]bool{
	"PUT /api/v1/portfolio/criteria":             true,
	"PUT /api/v1/portfolio/policy":               true,
	"POST /api/v1/portfolio/recompute":           true,
	"POST /api/v1/accounts/{id}/designation":     true,
	"PUT /api/v1/accounts/{id}/tier-override":    true,
	"DELETE /api/v1/accounts/{id}/tier-override": true,
}

// allFives rates every default criterion 5.
func allFives(reason string) map[string]any {
	var rs []map[string]any
	for _, k := range []string{"continuity", "growth", "fit", "potential", "relationships", "financial_health"} {
		rs = append(rs, map[string]any{"key": k, "value": 5})
	}
	return map[string]any{"ratings": rs, "reason": reason}
}

// exercisePortfolio calls every portfolio operation once with a valid
// request (for TestEveryOperationAnswersAsDocumented).
func exercisePortfolio(t *testing.T, e *env, acct int64) {
	t.Helper()
	call := func(method, p string, body any, status int) resp {
		t.Helper()
		r := e.do(method, p, body)
		want(t, r, status)
		return r
	}
	call(http.MethodGet, "/api/v1/portfolio/criteria", nil, 200)
	call(http.MethodPost, path("/api/v1/accounts/%d/ratings", acct), allFives("first look"), 201)
	call(http.MethodGet, path("/api/v1/accounts/%d/standing", acct), nil, 200)
	r := call(http.MethodGet, "/api/v1/portfolio/criteria", nil, 200)
	var cs CriteriaBody
	r.decode(t, &cs)
	cs.Criteria[0].Weight = 2
	cs.Reason = "continuity counts double"
	call(http.MethodPut, "/api/v1/portfolio/criteria", cs, 200)
	call(http.MethodGet, "/api/v1/portfolio/policy", nil, 200)
	call(http.MethodPut, "/api/v1/portfolio/policy", map[string]any{"method": "pareto", "pareto": map[string]any{"a": 0.8, "b": 0.95},
		"score": map[string]any{"a": 70, "b": 40}}, 200)
	call(http.MethodPost, "/api/v1/portfolio/recompute", nil, 200)
	call(http.MethodPost, path("/api/v1/accounts/%d/designation", acct), map[string]any{"decision": "designated", "reason": "top score"}, 200)
	call(http.MethodPut, path("/api/v1/accounts/%d/tier-override", acct), map[string]any{"tier": "B", "reason": "new logo"}, 200)
	call(http.MethodDelete, path("/api/v1/accounts/%d/tier-override", acct), nil, 204)
	call(http.MethodGet, "/api/v1/portfolio?limit=10&tier=A&sort=-revenue", nil, 200)
}

func TestRatingThroughTheAPIScoresRanksAndMarksTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		big := e.create("accounts", map[string]any{"name": "Big Co", "lifecycle": "customer"})
		small := e.create("accounts", map[string]any{"name": "Small Co", "lifecycle": "customer"})
		e.create("opportunities", map[string]any{"account_id": big, "name": "Deal", "stage": "won", "amount": 900_000_00, "actual_close": "2026-01-15"})
		e.create("opportunities", map[string]any{"account_id": small, "name": "Deal", "stage": "won", "amount": 10_000_00, "actual_close": "2026-01-15"})

		// Before any rating: not scored, no tier, not strategic.
		r := e.do(http.MethodGet, path("/api/v1/accounts/%d", big), nil)
		want(t, r, 200)
		fields(t, r.Body, map[string]any{"strategic_score": nil, "tier": nil, "strategic": false})

		r = e.do(http.MethodPost, path("/api/v1/accounts/%d/ratings", small), allFives("strong fit"))
		want(t, r, 201)
		if loc := r.Header.Get("Location"); loc != path("/api/v1/accounts/%d/standing", small) {
			t.Errorf("Location = %q", loc)
		}
		fields(t, r.Body, map[string]any{"strategic_score": 100, "rated": 6, "weighted": 6})

		// A partial rerating keeps the rest; an unknown criterion and a
		// missing reason are refused.
		r = e.do(http.MethodPost, path("/api/v1/accounts/%d/ratings", small), map[string]any{"reason": "slower growth",
			"ratings": []map[string]any{{"key": "growth", "value": 1, "note": "budget freeze"}}})
		want(t, r, 201)
		fields(t, r.Body, map[string]any{"strategic_score": 83.333333}) // 100 × 20/24, to 1e-6
		r = e.do(http.MethodPost, path("/api/v1/accounts/%d/ratings", small), map[string]any{"reason": "x",
			"ratings": []map[string]any{{"key": "luck", "value": 3}}})
		want(t, r, 422)
		if locs := locations(r.problem(t)); !slices.Contains(locs, "body.ratings.luck") {
			t.Errorf("locations %v", locs)
		}
		want(t, e.do(http.MethodPost, path("/api/v1/accounts/%d/ratings", small), map[string]any{"ratings": []map[string]any{{"key": "fit", "value": 3}}}), 400)

		want(t, e.do(http.MethodPost, "/api/v1/portfolio/recompute", nil), 200)
		want(t, e.do(http.MethodPost, path("/api/v1/accounts/%d/designation", small), map[string]any{"decision": "designated"}), 422)
		want(t, e.do(http.MethodPost, path("/api/v1/accounts/%d/designation", small), map[string]any{"decision": "designated", "reason": "best fit"}), 200)

		var page PortfolioPage
		r = e.do(http.MethodGet, "/api/v1/portfolio", nil)
		want(t, r, 200)
		r.decode(t, &page)
		if len(page.Items) != 2 || page.Items[0].AccountID != small || page.Items[0].Rank != 1 || page.Items[1].Rank != 0 {
			t.Fatalf("ranking = %+v", page.Items)
		}
		if page.Items[1].Tier == nil || *page.Items[1].Tier != "A" || page.Items[1].Revenue != 900_000_00 {
			t.Errorf("Big Co = %+v, want tier A with its revenue", page.Items[1])
		}
		if !page.Items[0].Strategic || page.Items[0].Name != "Small Co" {
			t.Errorf("Small Co = %+v", page.Items[0])
		}

		// The account objects carry the standing, in lists too.
		r = e.do(http.MethodGet, "/api/v1/accounts?sort=name", nil)
		want(t, r, 200)
		var list struct {
			Items []Account `json:"items"`
		}
		r.decode(t, &list)
		if s := list.Items[1]; s.StrategicScore == nil || !s.Strategic || s.Tier == nil || *s.Tier != "C" {
			t.Errorf("Small Co in the list = %+v", s)
		}

		// Paging and filters.
		r = e.do(http.MethodGet, "/api/v1/portfolio?limit=1", nil)
		r.decode(t, &page)
		if len(page.Items) != 1 || page.NextOffset == nil || *page.NextOffset != 1 || page.Matching != 2 {
			t.Errorf("first page of one = %+v", page)
		}
		r = e.do(http.MethodGet, "/api/v1/portfolio?decision=designated", nil)
		r.decode(t, &page)
		if page.Matching != 1 || page.Items[0].AccountID != small {
			t.Errorf("designated = %+v", page.Items)
		}
	})
}

func TestRatingNeedsTheRightToChangeTheAccountAndPolicyTheLeadersRole(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		f := e.fixture()
		member := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, readOnly: f.account}
		r := e.as(member).do(http.MethodPost, path("/api/v1/accounts/%d/ratings", f.account), allFives("mine"))
		want(t, r, 403)
		if !slices.Contains(member.edits, access.PartAccount) {
			t.Errorf("the guard was asked about %v, want the account part", member.edits)
		}
		manager := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, deny: map[access.Rule]error{
			access.SetPolicy: account.Errorf(account.EFORBIDDEN, "Only SAM leaders designate strategic accounts.")}}
		want(t, e.as(manager).do(http.MethodPost, path("/api/v1/accounts/%d/designation", f.account),
			map[string]any{"decision": "designated", "reason": "r"}), 403)
		hidden := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, hidden: f.account}
		want(t, e.as(hidden).do(http.MethodGet, path("/api/v1/accounts/%d/standing", f.account), nil), 404)
	})
}
