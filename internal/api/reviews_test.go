package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// exerciseReviews calls every review and cadence-override operation once
// with a valid request (for TestEveryOperationAnswersAsDocumented, through
// exerciseCadence).
func exerciseReviews(t *testing.T, e *env, acct int64) {
	t.Helper()
	call := func(method, p string, body any, status int) resp {
		t.Helper()
		r := e.do(method, p, body)
		want(t, r, status)
		return r
	}
	sh := e.create("stakeholders", map[string]any{"account_id": acct, "name": "Rita Review", "level": "executive"})
	var rv Review
	call(http.MethodPost, "/api/v1/reviews", map[string]any{"account_id": acct, "kind": "qbr", "scheduled_on": "2026-02-20",
		"agenda": "Results", "stakeholder_ids": []int64{sh}}, 201).decode(t, &rv)
	call(http.MethodGet, "/api/v1/reviews?state=late", nil, 200)
	call(http.MethodGet, path("/api/v1/reviews/%d", rv.ID), nil, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/reviews", acct), nil, 200)
	var ch ReviewChange
	call(http.MethodPatch, path("/api/v1/reviews/%d", rv.ID), map[string]any{"status": "held", "held_on": "2026-02-25", "outcome": "Agreed"}, 200).decode(t, &ch)
	if ch.NextReview != nil {
		call(http.MethodDelete, path("/api/v1/reviews/%d", ch.NextReview.ID), nil, 204)
	}
	call(http.MethodDelete, path("/api/v1/reviews/%d", rv.ID), nil, 204)

	var ag Agreement
	call(http.MethodPost, path("/api/v1/accounts/%d/cadence/agreements", acct), map[string]any{"stakeholder_id": sh, "interval_days": 45,
		"agreed_by": sh, "agreed_on": "2026-01-10", "note": "Asked at the QBR"}, 200).decode(t, &ag)
	call(http.MethodGet, path("/api/v1/accounts/%d/cadence/agreements", acct), nil, 200)
	call(http.MethodDelete, path("/api/v1/accounts/%d/cadence/agreements/%d", acct, ag.ID), nil, 204)
	var ac Acceleration
	call(http.MethodPost, path("/api/v1/accounts/%d/cadence/accelerations", acct), map[string]any{"stakeholder_id": 0, "interval_days": 7,
		"starts_on": "2026-03-01", "ends_on": "2026-04-30", "initiative": "Renewal"}, 201).decode(t, &ac)
	call(http.MethodGet, path("/api/v1/accounts/%d/cadence/accelerations", acct), nil, 200)
	call(http.MethodDelete, path("/api/v1/accounts/%d/cadence/accelerations/%d", acct, ac.ID), nil, 204)
	call(http.MethodDelete, path("/api/v1/stakeholders/%d", sh), nil, 204)
}

func TestTheReviewsAPISchedulesHoldsAndRecurs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.db.Now = func() time.Time { return time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) }
		owner := e.create("people", map[string]any{"name": "Ann Manager", "email": "ann@example.com"})
		acct := e.create("accounts", map[string]any{"name": "Acme", "owner_id": owner})
		exerciseReviews(t, e, acct)

		// Bad input: 422 with the field named; nothing stored.
		r := e.do(http.MethodPost, "/api/v1/reviews", map[string]any{"account_id": acct, "kind": "qbr", "scheduled_on": "2026-02-20", "status": "held"})
		want(t, r, http.StatusUnprocessableEntity)
		if locs := locations(r.problem(t)); len(locs) != 1 || locs[0] != "body.held_on" {
			t.Errorf("locations %v", locs)
		}
		r = e.do(http.MethodPost, "/api/v1/reviews", map[string]any{"account_id": acct, "kind": "weekly", "scheduled_on": "2026-02-20"})
		want(t, r, http.StatusBadRequest) // not a kind the document allows
		r = e.do(http.MethodPost, "/api/v1/reviews", map[string]any{"account_id": acct, "kind": "qbr", "scheduled_on": "2026-02-20", "stakeholder_ids": []int64{999999}})
		want(t, r, http.StatusUnprocessableEntity)
		if ids, _ := e.ids("/api/v1/reviews"); len(ids) != 0 {
			t.Fatalf("stored %v", ids)
		}

		var rv Review
		want(t, e.do(http.MethodPost, "/api/v1/reviews", map[string]any{"account_id": acct, "kind": "annual", "scheduled_on": "2020-01-15", "people_ids": []int64{owner}}), 201)
		e.do(http.MethodGet, "/api/v1/reviews?state=late", nil).decode(t, &struct{ Items []Review }{})
		var list struct{ Items []Review }
		e.do(http.MethodGet, "/api/v1/reviews?state=late&kind=annual", nil).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].State != "late" || list.Items[0].DaysLate < 1 {
			t.Fatalf("late reviews %+v", list.Items)
		}
		rv = list.Items[0]
		var ch ReviewChange
		r = e.do(http.MethodPatch, path("/api/v1/reviews/%d", rv.ID), map[string]any{"status": "held", "held_on": "2020-01-20", "recommendations": "More training"})
		want(t, r, 200)
		r.decode(t, &ch)
		if ch.State != "held" || ch.NextReview == nil || ch.NextReview.ScheduledOn.String() != "2021-01-19" || ch.NextReview.Kind != "annual" {
			t.Fatalf("held: %+v next %+v", ch.Review, ch.NextReview)
		}
		e.do(http.MethodGet, path("/api/v1/accounts/%d/reviews?from=2021-01-01&to=2021-12-31", acct), nil).decode(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != ch.NextReview.ID {
			t.Fatalf("account reviews in 2021: %+v", list.Items)
		}
	})
}
