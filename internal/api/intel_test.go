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

func init() {
	featureRules["POST /api/v1/products"] = access.SetPolicy
	featureRules["PUT /api/v1/products/{id}"] = access.SetPolicy
	featureRules["DELETE /api/v1/products/{id}"] = access.SetPolicy
}

// exerciseIntel calls every intel operation once with a valid request (for
// TestEveryOperationAnswersAsDocumented). person is one of our people.
func exerciseIntel(t *testing.T, e *env, acct, person int64) {
	t.Helper()
	sh := e.create("stakeholders", map[string]any{"account_id": acct, "name": "Vic Vision", "level": "executive", "buying_role": "champion"})
	prod := e.create("products", map[string]any{"name": "Exercise Suite", "family": "Suites", "list_price": 1000})
	call := func(method, p string, body any, status int) resp {
		t.Helper()
		r := e.do(method, p, body)
		want(t, r, status)
		return r
	}
	call(http.MethodGet, "/api/v1/products", nil, 200)
	call(http.MethodGet, path("/api/v1/products/%d", prod), nil, 200)
	call(http.MethodPut, path("/api/v1/products/%d", prod), map[string]any{"name": "Exercise Suite", "list_price": 2000}, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/profile", acct), nil, 200)
	call(http.MethodPut, path("/api/v1/accounts/%d/profile", acct), map[string]any{"summary": "Grows", "target_markets": []map[string]any{{"text": "EU"}}}, 200)
	var v VisionItem
	call(http.MethodPost, path("/api/v1/accounts/%d/vision", acct), map[string]any{"horizon_years": 3, "text": "Go global", "source_stakeholder_id": sh, "stated_on": "2026-01-05"}, 201).decode(t, &v)
	var v2 VisionItem
	call(http.MethodPut, path("/api/v1/vision/%d", v.ID), map[string]any{"horizon_years": 3, "text": "Go global by 2028", "source_note": "Board deck", "stated_on": "2026-02-01"}, 200).decode(t, &v2)
	call(http.MethodGet, path("/api/v1/accounts/%d/vision?history=true", acct), nil, 200)
	call(http.MethodPut, path("/api/v1/stakeholders/%d/placement", sh), map[string]any{"function": "Board", "influence": 5, "attitude": 2}, 200)
	call(http.MethodPut, path("/api/v1/stakeholders/%d/relationships/%d", sh, person), map[string]any{"strength": "strong"}, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/relationships", acct), nil, 200)
	call(http.MethodGet, "/api/v1/coverage?rule=level_gap", nil, 200)
	call(http.MethodPut, path("/api/v1/accounts/%d/roadmap/%d", acct, prod), map[string]any{"state": "needed_for_vision", "vision_item_id": v2.ID, "estimated_value": 500}, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/roadmap", acct), nil, 200)
	call(http.MethodGet, "/api/v1/whitespace", nil, 200)
	var n Need
	call(http.MethodPost, path("/api/v1/accounts/%d/needs", acct), map[string]any{"text": "Faster onboarding", "product_ids": []int64{prod}, "vision_item_id": v2.ID}, 201).decode(t, &n)
	call(http.MethodPut, path("/api/v1/needs/%d", n.ID), map[string]any{"text": "Faster onboarding", "status": "addressed"}, 200)
	call(http.MethodGet, path("/api/v1/accounts/%d/needs", acct), nil, 200)
	call(http.MethodDelete, path("/api/v1/needs/%d", n.ID), nil, 204)
	call(http.MethodDelete, path("/api/v1/accounts/%d/roadmap/%d", acct, prod), nil, 204)
	call(http.MethodDelete, path("/api/v1/stakeholders/%d/relationships/%d", sh, person), nil, 204)
	call(http.MethodDelete, path("/api/v1/vision/%d", v2.ID), nil, 204)
	call(http.MethodDelete, path("/api/v1/products/%d", prod), nil, 204)
}

func TestTheIntelAPIAnswersAsDocumented(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		e.db.Now = func() time.Time { return time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC) }
		person := e.create("people", map[string]any{"name": "Ann Manager", "email": "ann@example.com"})
		acct := e.create("accounts", map[string]any{"name": "Acme", "owner_id": person})
		exerciseIntel(t, e, acct, person)
	})
}

func TestTheIntelAPIKeepsVisionHistoryFindsGapsAndTotalsWhitespace(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
		e.db.Now = func() time.Time { return now }
		ann := e.create("people", map[string]any{"name": "Ann Manager", "email": "ann@example.com"})
		acct := e.create("accounts", map[string]any{"name": "Acme", "owner_id": ann})
		dm := e.create("stakeholders", map[string]any{"account_id": acct, "name": "Dora Decider", "level": "executive", "buying_role": "decision_maker"})
		champ := e.create("stakeholders", map[string]any{"account_id": acct, "name": "Carl Champion", "level": "middle_management", "buying_role": "champion"})
		want(t, e.do(http.MethodPut, path("/api/v1/stakeholders/%d/relationships/%d", champ, ann), map[string]any{"strength": "strong"}), 200)

		var m RelationshipMatrix
		e.do(http.MethodGet, path("/api/v1/accounts/%d/relationships", acct), nil).decode(t, &m)
		rules := map[string]int{}
		for _, f := range m.Findings {
			rules[f.Rule]++
		}
		if len(m.Stakeholders) != 2 || len(m.Levels) != 4 || rules["unknown_decision_maker"] != 1 || rules["single_threaded"] != 1 ||
			rules["quiet_champion"] != 1 || rules["level_gap"] != 3 {
			t.Fatalf("matrix %+v", m)
		}
		// The decision maker leaves for a competitor: an alert for Ann.
		want(t, e.do(http.MethodPut, path("/api/v1/stakeholders/%d/placement", dm), map[string]any{"influence": 5, "left_on": "2026-03-01", "left_to": "Globex"}), 200)
		var c CoverageReport
		e.do(http.MethodGet, "/api/v1/coverage?rule=departed_key_player", nil).decode(t, &c)
		if len(c.Findings) != 1 || c.Findings[0].OwnerID == nil || *c.Findings[0].OwnerID != ann || c.Findings[0].Severity != "alert" || c.Counts["departed_key_player"] != 1 {
			t.Fatalf("coverage %+v", c)
		}
		want(t, e.do(http.MethodPut, path("/api/v1/stakeholders/%d/placement", dm), map[string]any{"influence": 9}), http.StatusBadRequest)
		want(t, e.do(http.MethodPut, path("/api/v1/stakeholders/%d/placement", dm), map[string]any{"left_to": "Globex"}), http.StatusUnprocessableEntity)

		var v VisionItem
		e.do(http.MethodPost, path("/api/v1/accounts/%d/vision", acct), map[string]any{"horizon_years": 1, "text": "Cut churn", "source_note": "CEO letter", "stated_on": "2026-01-10"}).decode(t, &v)
		want(t, e.do(http.MethodPost, path("/api/v1/accounts/%d/vision", acct), map[string]any{"horizon_years": 1, "text": "No source", "stated_on": "2026-01-10"}), http.StatusUnprocessableEntity)
		now = now.Add(time.Hour)
		want(t, e.do(http.MethodPut, path("/api/v1/vision/%d", v.ID), map[string]any{"horizon_years": 1, "text": "Cut churn by half", "source_note": "CEO letter", "stated_on": "2026-02-10"}), 200)
		want(t, e.do(http.MethodPut, path("/api/v1/vision/%d", v.ID), map[string]any{"horizon_years": 1, "text": "Again", "source_note": "x", "stated_on": "2026-02-10"}), http.StatusConflict)
		var vis Vision
		e.do(http.MethodGet, path("/api/v1/accounts/%d/vision?history=true", acct), nil).decode(t, &vis)
		if len(vis.Items) != 1 || vis.Items[0].Text != "Cut churn by half" || len(vis.Versions) != 2 || vis.Versions[1].Items[0].Text != "Cut churn" {
			t.Fatalf("vision %+v", vis)
		}

		core := e.create("products", map[string]any{"name": "Core", "family": "Platform", "list_price": 50_000_00})
		want(t, e.do(http.MethodPost, "/api/v1/products", map[string]any{"name": "core"}), http.StatusConflict)
		want(t, e.do(http.MethodPut, path("/api/v1/accounts/%d/roadmap/%d", acct, core), map[string]any{"state": "could_use", "fit": 4, "estimated_value": 30_000_00}), 200)
		want(t, e.do(http.MethodPut, path("/api/v1/accounts/%d/roadmap/%d", acct, core), map[string]any{"state": "needed_for_vision"}), http.StatusUnprocessableEntity)
		want(t, e.do(http.MethodDelete, path("/api/v1/products/%d", core), nil), http.StatusConflict)
		var ws Whitespace
		e.do(http.MethodGet, "/api/v1/whitespace", nil).decode(t, &ws)
		if ws.Total != 30_000_00 || len(ws.Accounts) != 1 || ws.Accounts[0].Cells[0].State != "could_use" || ws.Products[0].Total != 30_000_00 {
			t.Fatalf("whitespace %+v", ws)
		}

		// The catalog is for leaders; hidden accounts stay hidden.
		secret := e.create("accounts", map[string]any{"name": "Secret"})
		g := &fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, hidden: secret,
			deny: map[access.Rule]error{access.SetPolicy: account.Errorf(account.EFORBIDDEN, "Only SAM leaders change the catalog.")}}
		o := e.as(g)
		want(t, o.do(http.MethodGet, "/api/v1/products", nil), 200)
		want(t, o.do(http.MethodPost, "/api/v1/products", map[string]any{"name": "Nope"}), http.StatusForbidden)
		for _, p := range []string{"relationships", "vision", "needs", "roadmap", "profile"} {
			want(t, o.do(http.MethodGet, path("/api/v1/accounts/%d/%s", secret, p), nil), http.StatusNotFound)
		}
	})
}
