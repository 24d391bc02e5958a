package api

import (
	"context"
	"net/http"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// staffingPolicy are the staffing operations that are portfolio policy
// (leaders): rebalancing, the policy itself, capacities, goals, exemptions.
var staffingPolicy = map[string]bool{
	"POST /api/v1/workload/moves":            true,
	"PUT /api/v1/workload/settings":          true,
	"PUT /api/v1/people/{id}/capacity":       true,
	"PUT /api/v1/people/{id}/goals/{period}": true,
	"PUT /api/v1/accounts/{id}/exemption":    true,
	"DELETE /api/v1/accounts/{id}/exemption": true,
}

// exerciseStaffing calls every staffing operation once with a valid request
// (for TestEveryOperationAnswersAsDocumented): person owns acct.
func exerciseStaffing(t *testing.T, e *env, acct, person int64) {
	t.Helper()
	call := func(method, p string, body any, status int) resp {
		t.Helper()
		r := e.do(method, p, body)
		want(t, r, status)
		return r
	}
	second := e.create("people", map[string]any{"name": "Bo Second", "email": "bo.second@example.com"})
	call(http.MethodPut, "/api/v1/workload/settings", map[string]any{"load_points": map[string]any{"a": 5, "b": 2, "c": 1},
		"default_capacity": 10, "exempt_below": 0}, 200)
	call(http.MethodGet, "/api/v1/workload/settings", nil, 200)
	call(http.MethodPut, path("/api/v1/people/%d/capacity", person), map[string]any{"capacity": 0}, 200)
	call(http.MethodPut, path("/api/v1/people/%d/capacity", second), map[string]any{"capacity": 5}, 200)
	call(http.MethodGet, "/api/v1/workload", nil, 200)
	call(http.MethodPost, "/api/v1/workload/moves", map[string]any{"account_id": acct, "from_id": person, "to_id": second}, 200)
	call(http.MethodPut, path("/api/v1/people/%d/capacity", person), map[string]any{"capacity": nil}, 200)
	call(http.MethodPut, path("/api/v1/people/%d/goals/2026-Q1", second), map[string]any{"revenue": 100_000_00, "retention": 95, "touches": 12}, 200)
	call(http.MethodGet, path("/api/v1/people/%d/goals?period=2026-Q1", second), nil, 200)
	orphan := e.create("accounts", map[string]any{"name": "Orphan Inc", "lifecycle": "customer"})
	call(http.MethodPut, path("/api/v1/accounts/%d/exemption", orphan), map[string]any{"reason": "Served by a partner"}, 200)
	call(http.MethodDelete, path("/api/v1/accounts/%d/exemption", orphan), nil, 204)
	call(http.MethodPut, path("/api/v1/accounts/%d/team", acct), map[string]any{"members": []map[string]any{
		{"person_id": person, "role": "sales_engineer", "as_needed": true}}}, 200)
	call(http.MethodPut, path("/api/v1/accounts/%d/deliverables/sales_engineer", acct), map[string]any{
		"link": "https://wiki.example.com/diagram", "updated_on": "2025-01-01", "owner_id": person}, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/team", acct), nil, 200)
	call(http.MethodGet, "/api/v1/deliverables?state=stale", nil, 200)
}

func TestTheWorkloadAPIProposesMovesAndAcceptsThemOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		ann := e.create("people", map[string]any{"name": "Ann", "email": "ann@example.com"})
		bob := e.create("people", map[string]any{"name": "Bob", "email": "bob@example.com"})
		big := e.create("accounts", map[string]any{"name": "Big", "owner_id": ann, "lifecycle": "customer"})
		small := e.create("accounts", map[string]any{"name": "Small", "owner_id": ann, "lifecycle": "customer"})
		e.create("contracts", map[string]any{"account_id": big, "product": "Core", "annual_value": 500_000_00, "start": "2025-01-01"})
		want(t, e.do(http.MethodPut, path("/api/v1/people/%d/capacity", ann), map[string]any{"capacity": 1}), 200)
		want(t, e.do(http.MethodPut, path("/api/v1/people/%d/capacity", bob), map[string]any{"capacity": 3}), 200)

		want(t, e.do(http.MethodPost, path("/api/v1/accounts/%d/designation", small), map[string]any{"decision": "designated", "reason": "growth"}), 200)

		var w Workload
		r := e.do(http.MethodGet, "/api/v1/workload", nil)
		want(t, r, 200)
		r.decode(t, &w)
		if len(w.Moves) != 1 || w.Moves[0].AccountID != small || w.Moves[0].FromID != ann || w.Moves[0].ToID != bob || !w.Exact || w.Overflow != 0 {
			t.Fatalf("moves %+v exact %v overflow %d; want Small (no revenue) from Ann to Bob", w.Moves, w.Exact, w.Overflow)
		}
		// The account a move names carries its standing, as account objects
		// do everywhere in the API.
		if m := w.Moves[0]; !m.Strategic || m.StrategicScore != nil || m.Tier != "" {
			t.Errorf("move %+v: want Small designated strategic, not scored, not tiered", m)
		}
		for _, m := range w.Managers {
			if m.PersonID == ann && (!m.Overloaded || m.Load != 2 || m.LoadAfterMoves != 1) {
				t.Errorf("Ann %+v", m)
			}
		}
		mv := map[string]any{"account_id": small, "from_id": ann, "to_id": bob}
		r = e.do(http.MethodPost, "/api/v1/workload/moves", mv)
		want(t, r, 200)
		// The moved account is a whole account object, portfolio fields too.
		fields(t, r.Body, map[string]any{"owner_id": float64(bob), "strategic": true})
		r = e.do(http.MethodPost, "/api/v1/workload/moves", mv)
		want(t, r, http.StatusConflict)
		if p := r.problem(t); p.Detail == "" {
			t.Error("a stale move is refused without saying why")
		}
		// Bob has 2 of 3 points now: Big (1 point, untiered) fits, a second
		// move onto him beyond that would not.
		r = e.do(http.MethodGet, "/api/v1/workload", nil)
		r.decode(t, &w)
		if len(w.Moves) != 0 {
			t.Errorf("moves after settling: %+v", w.Moves)
		}
		want(t, e.do(http.MethodPut, path("/api/v1/people/%d/capacity", bob), map[string]any{"capacity": 1}), 200)
		r = e.do(http.MethodPost, "/api/v1/workload/moves", map[string]any{"account_id": big, "from_id": ann, "to_id": bob})
		want(t, r, http.StatusConflict)
		want(t, e.do(http.MethodPut, path("/api/v1/people/%d/capacity", 987654), map[string]any{"capacity": 1}), 404)
		// Out of the documented range: the document says so (400).
		want(t, e.do(http.MethodPut, "/api/v1/workload/settings", map[string]any{"load_points": map[string]any{"a": 500, "b": 2, "c": 1},
			"default_capacity": 10, "exempt_below": 0}), 400)
	})
}

// teamKeeper may write records but not edit teams, acting as one person.
type teamKeeper struct {
	access.Unrestricted
}

func (g teamKeeper) CanEdit(_ context.Context, _ int64, part access.Part) error {
	if part == access.PartTeam {
		return account.Errorf(account.EFORBIDDEN, "You may read this account but not change its teams.")
	}
	return nil
}

func TestTeamsAndDeliverablesThroughTheAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		ann := e.create("people", map[string]any{"name": "Ann", "email": "ann@example.com"})
		se := e.create("people", map[string]any{"name": "Sal Engineer", "email": "sal@example.com"})
		acct := e.create("accounts", map[string]any{"name": "Acme", "owner_id": ann})
		team := path("/api/v1/accounts/%d/team", acct)
		want(t, e.do(http.MethodPut, team, map[string]any{"members": []map[string]any{
			{"person_id": se, "role": "sales_engineer"}, {"person_id": se, "role": "sales_engineer"}}}), 422)
		want(t, e.do(http.MethodPut, team, map[string]any{"members": []map[string]any{{"person_id": se, "role": "chef"}}}), 400)
		want(t, e.do(http.MethodPut, team, map[string]any{"members": []map[string]any{{"person_id": 987654, "role": "sales_engineer"}}}), 422)
		want(t, e.do(http.MethodPut, team, map[string]any{"members": []map[string]any{
			{"person_id": se, "role": "sales_engineer"}, {"person_id": se, "role": "technical_lead", "as_needed": true}}}), 200)

		var tm Team
		r := e.do(http.MethodGet, team, nil)
		r.decode(t, &tm)
		states := map[string]string{}
		for _, role := range tm.Roles {
			states[string(role.Role)] = role.State
		}
		if len(tm.Roles) != 6 || states["account_manager"] != "missing" || states["sales_engineer"] != "missing" ||
			states["technical_lead"] != "" || states["executive_partner"] != "" {
			t.Errorf("states %v", states)
		}

		dl := path("/api/v1/accounts/%d/deliverables/sales_engineer", acct)
		r = e.do(http.MethodPut, dl, map[string]any{"link": "javascript:alert(1)"})
		want(t, r, 422)
		if locs := locations(r.problem(t)); len(locs) != 1 || locs[0] != "body.link" {
			t.Errorf("locations %v", locs)
		}
		want(t, e.do(http.MethodPut, path("/api/v1/accounts/%d/deliverables/chef", acct), map[string]any{}), 400)

		// The sales engineer keeps their own deliverable, not another role's.
		o := e.as(teamKeeper{access.Unrestricted{S: e.sc, Person: se}})
		r = o.do(http.MethodPut, dl, map[string]any{"link": "https://wiki.example.com/acme", "updated_on": "2025-06-01"})
		want(t, r, 200)
		fields(t, r.Body, map[string]any{"title": "Configuration diagram of the client's solution", "refresh_days": float64(180),
			"due_on": "2025-11-28", "state": "stale"})
		want(t, o.do(http.MethodPut, path("/api/v1/accounts/%d/deliverables/executive_partner", acct), map[string]any{"note": "x"}), 403)
		want(t, o.do(http.MethodPut, team, map[string]any{"members": []map[string]any{}}), 403)

		var list struct {
			Items []DeliverableItem `json:"items"`
		}
		r = e.do(http.MethodGet, "/api/v1/deliverables", nil)
		r.decode(t, &list)
		got := map[string]string{}
		for _, it := range list.Items {
			got[string(it.Role)] = it.State
		}
		// The owner's missing account plan shows on the account, not here.
		if len(got) != 1 || got["sales_engineer"] != "stale" {
			t.Errorf("needing attention %v", got)
		}
		want(t, e.do(http.MethodPut, team, map[string]any{"members": []map[string]any{}}), 200)
		r = e.do(http.MethodGet, team, nil)
		r.decode(t, &tm)
		for _, role := range tm.Roles {
			if len(role.Members) != 0 {
				t.Errorf("%s still has %v", role.Role, role.Members)
			}
		}
	})
}
