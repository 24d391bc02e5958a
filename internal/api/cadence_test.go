package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// exerciseCadence calls every cadence operation once with a valid request
// (for TestEveryOperationAnswersAsDocumented).
func exerciseCadence(t *testing.T, e *env, acct int64) {
	t.Helper()
	for _, c := range []struct {
		method, path string
		body         any
	}{
		{http.MethodGet, path("/api/v1/accounts/%d/cadence", acct), nil},
		{http.MethodGet, "/api/v1/adherence?by=manager", nil},
		{http.MethodGet, "/api/v1/cadence/policy", nil},
	} {
		want(t, e.do(c.method, c.path, c.body), http.StatusOK)
	}
	var p CadencePolicy
	e.do(http.MethodGet, "/api/v1/cadence/policy", nil).decode(t, &p)
	want(t, e.do(http.MethodPut, "/api/v1/cadence/policy", p), http.StatusOK)
	exerciseReviews(t, e, acct) // reviews_test.go: reviews, agreements, accelerations
}

// On 2 March 2026 (UTC): Bo (executive, untiered → tier C, 180 days) was
// met on 1 February and 20 February — 19 days apart, over-contacted; Cy
// (operational, 120 days) never.
func TestTheCadenceAPIReportsStatesAdherenceAndPolicy(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.db.Now = func() time.Time { return time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) }
		owner := e.create("people", map[string]any{"name": "Ann Manager", "email": "ann@example.com"})
		acct := e.create("accounts", map[string]any{"name": "Acme", "owner_id": owner})
		bo := e.create("stakeholders", map[string]any{"account_id": acct, "name": "Bo", "level": "executive"})
		e.create("stakeholders", map[string]any{"account_id": acct, "name": "Cy"})
		for _, at := range []string{"2026-02-01T10:00:00Z", "2026-02-20T10:00:00Z"} {
			e.create("touches", map[string]any{"account_id": acct, "kind": "call", "occurred_at": at, "summary": "Hi", "stakeholder_ids": []int64{bo}})
		}
		var c AccountCadence
		r := e.do(http.MethodGet, path("/api/v1/accounts/%d/cadence", acct), nil)
		want(t, r, http.StatusOK)
		r.decode(t, &c)
		if c.AsOf.String() != "2026-03-02" || c.Tier != "C" || len(c.Stakeholders) != 2 {
			t.Fatalf("cadence = %+v", c)
		}
		b, cy := c.Stakeholders[0], c.Stakeholders[1]
		if b.Name != "Bo" || b.IntervalDays != 180 || b.Source != "tier_default" || b.LastCheckIn.String() != "2026-02-20" ||
			b.PreviousCheckIn.String() != "2026-02-01" || b.NextDue.String() != "2026-08-19" || b.State != "on_track" || !b.OverContacted || b.Adherent {
			t.Errorf("Bo = %+v", b)
		}
		if cy.State != "overdue" || cy.LastCheckIn != nil || cy.Adherent {
			t.Errorf("Cy = %+v", cy)
		}

		var a Adherence
		r = e.do(http.MethodGet, "/api/v1/adherence?by=manager", nil)
		want(t, r, http.StatusOK)
		r.decode(t, &a)
		if a.Total.Stakeholders != 2 || a.Total.Adherent != 0 || len(a.Groups) != 1 || a.Groups[0].Label != "Ann Manager" || a.Groups[0].Overdue != 1 {
			t.Errorf("adherence = %+v", a)
		}
		want(t, e.do(http.MethodGet, "/api/v1/adherence?by=planet", nil), http.StatusBadRequest)

		var p CadencePolicy
		e.do(http.MethodGet, "/api/v1/cadence/policy", nil).decode(t, &p)
		if p.CheckIn.A.Executive != 60 || p.CheckIn.A.Operational != 30 || p.Review.B != 180 || p.DueSoonDays != 7 || p.Tolerance != 0.5 {
			t.Errorf("default policy = %+v", p)
		}
		p.CheckIn.C.Executive, p.Tolerance = 30, 0
		want(t, e.do(http.MethodPut, "/api/v1/cadence/policy", p), http.StatusOK)
		e.do(http.MethodGet, path("/api/v1/accounts/%d/cadence", acct), nil).decode(t, &c)
		// Every 30 days from 20 February: due 22 March, within no window →
		// on track; with no tolerance 19 days apart is over-contacted still.
		if b := c.Stakeholders[0]; b.IntervalDays != 30 || b.NextDue.String() != "2026-03-22" || !b.OverContacted {
			t.Errorf("Bo under the new policy = %+v", b)
		}
		p.Tolerance = 1
		want(t, e.do(http.MethodPut, "/api/v1/cadence/policy", p), http.StatusBadRequest) // outside the documented range
		p.Tolerance, p.DueSoonDays = 0.5, 7
		p.CheckIn.B.Operational = 0
		want(t, e.do(http.MethodPut, "/api/v1/cadence/policy", p), http.StatusBadRequest)
	})
}

func TestTheCadenceAPIAsksTheGuard(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		secret := e.create("accounts", map[string]any{"name": "Secret"})
		g := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, hidden: secret,
			deny: map[access.Rule]error{access.SetPolicy: account.Errorf(account.EFORBIDDEN, "Only SAM leaders set the cadence policy.")}}
		o := e.as(g)
		want(t, o.do(http.MethodGet, path("/api/v1/accounts/%d/cadence", secret), nil), http.StatusNotFound)
		var p CadencePolicy
		o.do(http.MethodGet, "/api/v1/cadence/policy", nil).decode(t, &p)
		want(t, o.do(http.MethodPut, "/api/v1/cadence/policy", p), http.StatusForbidden)
	})
}
