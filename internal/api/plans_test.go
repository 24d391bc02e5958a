package api

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func planDocument() map[string]any {
	return map[string]any{
		"title": "Acme 2026", "starts_on": "2026-03-01", "ends_on": "2027-02-28", "summary": "Grow together.",
		"objectives":  []any{map[string]any{"key": "o1", "title": "Faster onboarding"}},
		"initiatives": []any{map[string]any{"key": "i1", "title": "Pilot", "objective_key": "o1", "our_owner": "Ann", "their_owner": "Bo", "status": "on_track"}},
		"kpis":        []any{map[string]any{"key": "k1", "name": "Onboarding days", "unit": "days", "baseline": 30, "target": 10}},
		"revenue":     []any{map[string]any{"key": "r1", "period": "2026", "amount": 25_000_000, "currency": "USD"}},
		"risks":       []any{map[string]any{"key": "x1", "risk": "SECRET champion leaves", "internal": true}},
		"resolution":  []any{map[string]any{"key": "w1", "who": "CSM", "what": "Weekly review"}},
		"internal":    []string{"revenue"},
	}
}

// exercisePlans calls every plan operation once with a valid request and
// checks the answers (for TestEveryOperationAnswersAsDocumented).
func exercisePlans(t *testing.T, e *env, acct int64) {
	t.Helper()
	var p Plan
	r := e.do(http.MethodPost, path("/api/v1/accounts/%d/plans", acct), map[string]any{"review_days": 30, "content": planDocument()})
	want(t, r, http.StatusCreated)
	r.decode(t, &p)
	if p.Status != "draft" || p.CurrentVersion != 1 || p.ReviewDays != 30 {
		t.Fatalf("plan = %+v", p)
	}
	want(t, e.do(http.MethodGet, path("/api/v1/accounts/%d/plans", acct), nil), http.StatusOK)
	want(t, e.do(http.MethodGet, path("/api/v1/plans/%d", p.ID), nil), http.StatusOK)
	want(t, e.do(http.MethodGet, path("/api/v1/plans/%d/versions", p.ID), nil), http.StatusOK)
	doc := planDocument()
	doc["summary"] = "Grow together, edited."
	want(t, e.do(http.MethodPut, path("/api/v1/plans/%d/versions/1", p.ID), map[string]any{"content": doc, "note": "First cut"}), http.StatusOK)

	var s CreatedShare
	r = e.do(http.MethodPost, path("/api/v1/plans/%d/shares", p.ID), map[string]any{"label": "Bo", "expires_at": time.Now().Add(72 * time.Hour).UTC().Format(time.RFC3339)})
	want(t, r, http.StatusCreated)
	r.decode(t, &s)
	if !strings.HasPrefix(s.Token, "sw_") || s.URL != "/shared/plans/"+s.Token || s.State != "active" {
		t.Fatalf("share = %+v", s)
	}
	want(t, e.do(http.MethodGet, path("/api/v1/plans/%d/shares", p.ID), nil), http.StatusOK)
	var v PlanVersion
	r = e.do(http.MethodGet, path("/api/v1/plans/%d/versions/1", p.ID), nil)
	want(t, r, http.StatusOK)
	r.decode(t, &v)
	if v.Status != "shared" || v.SharedAt == nil || v.Content.Summary != "Grow together, edited." || len(v.Content.Internal) != 1 {
		t.Fatalf("version = %+v", v)
	}
	// The client signs through the link, as the web page does.
	if err := e.db.SignSharedPlan(t.Context(), s.Token, "test", &plan.SignOff{Name: "Bo", Role: "COO", SignedOn: v.Content.StartsOn}); err != nil {
		t.Fatal(err)
	}
	want(t, e.do(http.MethodPost, path("/api/v1/plans/%d/versions/1/transition", p.ID), map[string]any{"to": "active"}), http.StatusOK)
	want(t, e.do(http.MethodPost, path("/api/v1/plans/%d/kpi-actuals", p.ID), map[string]any{"kpi_key": "k1", "on": "2026-03-15", "value": 24.5}), http.StatusCreated)
	want(t, e.do(http.MethodGet, path("/api/v1/plans/%d/kpi-actuals", p.ID), nil), http.StatusOK)
	want(t, e.do(http.MethodGet, path("/api/v1/plans/%d/comments", p.ID), nil), http.StatusOK)
	want(t, e.do(http.MethodPost, path("/api/v1/plans/%d/versions", p.ID), map[string]any{"note": "Next year"}), http.StatusCreated)
	want(t, e.do(http.MethodPost, path("/api/v1/plans/%d/shares/%d/revoke", p.ID, s.ID), nil), http.StatusNoContent)
	want(t, e.do(http.MethodDelete, path("/api/v1/plans/%d", p.ID), nil), http.StatusNoContent)
}

func TestThePlansAPIFollowsTheLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		acct := e.create("accounts", map[string]any{"name": "Acme", "lifecycle": "customer"})
		exercisePlans(t, e, acct)

		// A skeleton when no content is given.
		var p Plan
		r := e.do(http.MethodPost, path("/api/v1/accounts/%d/plans", acct), map[string]any{})
		want(t, r, http.StatusCreated)
		r.decode(t, &p)
		if p.Title != "Acme account plan" {
			t.Errorf("skeleton title %q", p.Title)
		}
		// Rule violations are 422 with the field; lifecycle violations 409.
		bad := planDocument()
		bad["ends_on"] = "2031-01-01"
		r = e.do(http.MethodPut, path("/api/v1/plans/%d/versions/1", p.ID), map[string]any{"content": bad})
		want(t, r, http.StatusUnprocessableEntity)
		if locs := locations(r.problem(t)); len(locs) == 0 || !strings.Contains(strings.Join(locs, ","), "ends_on") {
			t.Errorf("locations %v", locs)
		}
		want(t, e.do(http.MethodPost, path("/api/v1/plans/%d/versions/1/transition", p.ID), map[string]any{"to": "active"}), http.StatusConflict)
		want(t, e.do(http.MethodPost, path("/api/v1/plans/%d/versions", p.ID), map[string]any{}), http.StatusConflict)
		want(t, e.do(http.MethodPost, path("/api/v1/plans/%d/kpi-actuals", p.ID), map[string]any{"kpi_key": "k1", "on": "2026-03-15", "value": 1}), http.StatusUnprocessableEntity)
		want(t, e.do(http.MethodGet, "/api/v1/plans/999999", nil), http.StatusNotFound)
		want(t, e.do(http.MethodGet, path("/api/v1/plans/%d/versions/9", p.ID), nil), http.StatusNotFound)
		// Another organisation sees nothing.
		want(t, e.otherOrg().do(http.MethodGet, path("/api/v1/plans/%d", p.ID), nil), http.StatusNotFound)
	})
}
