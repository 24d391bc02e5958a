package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/intel"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

// intelSeed adds a catalog of two products to the fixture.
func intelSeed(t *testing.T, f *fixture) (core, analytics intel.Product) {
	t.Helper()
	ctx := context.Background()
	core = intel.Product{Name: "Samwise Core", Family: "Platform", ListPrice: 120_000_00}
	analytics = intel.Product{Name: "Samwise Analytics", Family: "Data", ListPrice: 40_000_00}
	for _, p := range []*intel.Product{&core, &analytics} {
		if err := f.db.CreateProduct(ctx, f.sc, p); err != nil {
			t.Fatal(err)
		}
	}
	return core, analytics
}

func wantStatus(t *testing.T, res response, status int) {
	t.Helper()
	if res.status != status {
		t.Fatalf("status %d, want %d: %s", res.status, status, res.body)
	}
}

func TestTheProfilePageKeepsProfileVisionAndNeeds(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		// The store's clock moves on a second per call, so that each change
		// of the vision is a version of its own.
		tick := 0
		f.db.Now = func() time.Time { tick++; return now.Add(time.Duration(tick) * time.Second) }
		core, _ := intelSeed(t, f)
		base := fmt.Sprintf("/accounts/%d/profile", f.acme.ID)
		res := f.get(base)
		wantStatus(t, res, 200)
		wantIn(t, res.body, "No profile yet.", "No vision recorded.", "No needs noted.", "Edit the profile")

		res = f.post(base, url.Values{"version": {"0"}, "summary": {"Makes widgets."}, "buying": {"Carol Diaz — signs\nProcurement"},
			"target_market": {"Automotive\nAerospace"}, "our_competitor": {"Globex"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.get(base)
		wantIn(t, res.body, "Makes widgets.", "Automotive", "Aerospace", "Mapped", "Version 1")
		p, err := f.db.Profile(context.Background(), f.sc, f.acme.ID)
		if err != nil || p.Buying[0].StakeholderID == nil || *p.Buying[0].StakeholderID != f.carol.ID || p.Buying[0].Note != "signs" {
			t.Fatalf("profile %+v %v", p, err)
		}
		// A stale version is refused with the form still filled in.
		res = f.post(base, url.Values{"version": {"0"}, "summary": {"Old"}})
		if res.status != http.StatusSeeOther {
			t.Fatalf("version 0 skips the check: %d", res.status)
		}
		res = f.post(base, url.Values{"version": {"1"}, "summary": {"Stale edit"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantIn(t, res.body, "changed by someone else", "Stale edit")

		// Vision: a missing source is an inline error; then add and revise.
		res = f.post(fmt.Sprintf("/accounts/%d/vision", f.acme.ID), url.Values{"horizon_years": {"3"}, "text": {"Double exports"}, "stated_on": {"2026-02-01"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantIn(t, res.body, "say who stated it")
		res = f.post(fmt.Sprintf("/accounts/%d/vision", f.acme.ID), url.Values{"horizon_years": {"3"}, "text": {"Double exports"},
			"source_stakeholder_id": {fmt.Sprint(f.carol.ID)}, "stated_on": {"2026-02-01"}, "target_date": {"2028-12-31"}})
		wantStatus(t, res, http.StatusSeeOther)
		items, _ := f.db.VisionItems(context.Background(), f.sc, f.acme.ID, false)
		if len(items) != 1 {
			t.Fatalf("vision %+v", items)
		}
		res = f.post(fmt.Sprintf("/vision/%d/revise", items[0].ID), url.Values{"horizon_years": {"3"}, "text": {"Triple exports"},
			"source_stakeholder_id": {fmt.Sprint(f.carol.ID)}, "stated_on": {"2026-03-01"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.get(base)
		wantIn(t, res.body, "Triple exports", "Earlier versions", "Double exports", "Carol Diaz")

		// Needs link a vision item and products; growth signals show.
		items, _ = f.db.VisionItems(context.Background(), f.sc, f.acme.ID, false)
		res = f.post(fmt.Sprintf("/accounts/%d/needs", f.acme.ID), url.Values{"text": {"Plant visibility"}, "horizon": {"future"},
			"priority": {"high"}, "status": {"open"}, "vision_item_id": {fmt.Sprint(items[0].ID)}, "product_ids": {fmt.Sprint(core.ID)}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.post(fmt.Sprintf("/accounts/%d/needs", f.acme.ID), url.Values{"text": {""}, "priority": {"urgent"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantIn(t, res.body, "Need is required", "Priority must be high, medium or low")
		res = f.get(base)
		wantIn(t, res.body, "Plant visibility", "Growth signals", "Samwise Core", "Anticipated")

		csv := f.get(fmt.Sprintf("/accounts/%d/needs.csv", f.acme.ID))
		wantIn(t, csv.body, "id,text,horizon,priority,status", "Plant visibility,future,high,open")
		csv = f.get(fmt.Sprintf("/accounts/%d/vision.csv", f.acme.ID))
		wantIn(t, csv.body, "Double exports", "Triple exports")
		csv = f.get(fmt.Sprintf("/accounts/%d/profile.csv", f.acme.ID))
		wantIn(t, csv.body, "section,position,text", "summary,0,Old")

		acct := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID))
		wantIn(t, acct.body, "What we know", "1 open", "Decision maker nobody knows")
	})
}

func TestTheRelationshipMatrixFlagsGapsAndDepartures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		base := fmt.Sprintf("/accounts/%d/relationships", f.acme.ID)
		res := f.get(base)
		wantStatus(t, res, 200)
		wantIn(t, res.body, "Carol Diaz", "Dan Ortiz", "Decision maker nobody knows", "No relationship", "matrix-gap")

		res = f.post(base+"/placement", url.Values{"stakeholder_id": {fmt.Sprint(f.dan.ID)}, "function": {"IT"}, "influence": {"4"}, "attitude": {"2"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.post(base+"/strength", url.Values{"stakeholder_id": {fmt.Sprint(f.carol.ID)}, "person_id": {fmt.Sprint(f.ann.ID)}, "strength": {"strong"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.post(base+"/strength", url.Values{"stakeholder_id": {fmt.Sprint(f.carol.ID)}, "person_id": {fmt.Sprint(f.ann.ID)}, "strength": {"close"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		res = f.post(base+"/placement", url.Values{"stakeholder_id": {"999999"}, "influence": {"3"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		res = f.get(base)
		wantIn(t, res.body, "Single-threaded", "Every strong relationship runs through Ann Lee", "<th scope=\"col\">IT</th>")
		if strings.Contains(res.body, "Decision maker nobody knows") {
			t.Error("Carol is known now")
		}

		// The champion leaves: an alert on the account page and on /coverage.
		res = f.post(base+"/left", url.Values{"stakeholder_id": {fmt.Sprint(f.dan.ID)}, "left_on": {"2026-03-01"}, "left_to": {"Globex"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.get(fmt.Sprintf("/accounts/%d", f.acme.ID))
		wantIn(t, res.body, "Key player left: Dan Ortiz", "left on 2026-03-01 for Globex", "Raised to Ann Lee")
		res = f.get(base)
		wantIn(t, res.body, "Former stakeholders", "Globex")
		res = f.get("/coverage?rule=departed_key_player")
		wantStatus(t, res, 200)
		wantIn(t, res.body, "Acme Corp", "Key player left", "Ann Lee")
		csv := f.get("/coverage.csv")
		wantIn(t, csv.body, "rule,severity,account_id", "departed_key_player,alert")
		csv = f.get(base + ".csv")
		wantIn(t, csv.body, "Dan Ortiz", "2026-03-01,Globex")
	})
}

func TestRoadmapWhitespaceAndTheOpportunityForm(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		core, analytics := intelSeed(t, f)
		res := f.get("/whitespace")
		wantIn(t, res.body, "No account has a roadmap yet.")
		base := fmt.Sprintf("/accounts/%d/roadmap", f.acme.ID)
		res = f.post(fmt.Sprintf("%s/%d", base, core.ID), url.Values{"state": {"in_place"}, "since": {"2025-01-01"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.post(fmt.Sprintf("%s/%d", base, analytics.ID), url.Values{"state": {"could_use"}, "fit": {"4"}, "estimated_value": {"80,000"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.post(fmt.Sprintf("%s/%d", base, analytics.ID), url.Values{"state": {"needed_for_vision"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantIn(t, res.body, "which vision item needs it")
		res = f.get(base)
		wantIn(t, res.body, "In place", "Could use", "$80K")

		res = f.get("/whitespace")
		wantIn(t, res.body, "Acme Corp", "Samwise Analytics", "$80K", fmt.Sprintf("/whitespace/opportunity?account=%d&amp;product=%d", f.acme.ID, analytics.ID))
		form := f.get(fmt.Sprintf("/whitespace/opportunity?account=%d&product=%d", f.acme.ID, analytics.ID))
		wantStatus(t, form, 200)
		wantIn(t, form.body, "Samwise Analytics for Acme Corp", `value="80000"`)
		res = f.post("/whitespace/opportunity", url.Values{"account_id": {fmt.Sprint(f.acme.ID)}, "product_id": {fmt.Sprint(analytics.ID)},
			"name": {""}, "kind": {"cross_sell"}, "amount": {"x"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		res = f.post("/whitespace/opportunity", url.Values{"account_id": {fmt.Sprint(f.acme.ID)}, "product_id": {fmt.Sprint(analytics.ID)},
			"name": {"Analytics for Acme"}, "kind": {"cross_sell"}, "amount": {"80000"}, "expected_close": {"2026-06-30"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.get("/whitespace")
		wantIn(t, res.body, "Opportunity", fmt.Sprintf("/accounts/%d#opportunities", f.acme.ID))
		// The account's pipeline names the whitespace the opportunity fills.
		wantIn(t, f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)).body, "Analytics for Acme", "Whitespace: Samwise Analytics")
		csv := f.get("/whitespace.csv")
		wantIn(t, csv.body, "Samwise Analytics,Data,could_use,4,8000000")

		// The catalog: adding, a duplicate, and deleting a product in use.
		res = f.post("/products", url.Values{"name": {"Samwise Core"}, "currency": {"USD"}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		wantIn(t, res.body, "already in the catalog")
		res = f.post("/products", url.Values{"name": {"Training"}, "family": {"Services"}, "list_price": {"5,000"}, "currency": {"USD"}})
		wantStatus(t, res, http.StatusSeeOther)
		res = f.post(fmt.Sprintf("/products/%d/delete", core.ID), nil)
		wantStatus(t, res, http.StatusConflict)
		wantIn(t, res.body, "retire it instead")
		res = f.get("/products")
		wantIn(t, res.body, "Training", "Services", "$5,000")
		csv = f.get("/products.csv")
		wantIn(t, csv.body, "Training,Services,500000")
	})
}
