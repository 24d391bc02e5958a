package store_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func planContent() plan.Content {
	c := plan.NewContent("Acme 2027", day("2027-01-01"))
	c.Summary = "Grow with Acme."
	c.Objectives = []plan.Objective{{Key: "o1", Title: "Faster onboarding"}}
	c.Initiatives = []plan.Initiative{{Key: "i1", Title: "Pilot", OurOwner: "Ann", TheirOwner: "Eve", ObjectiveKey: "o1"}}
	c.KPIs = []plan.KPI{{Key: "k1", Name: "Onboarding days", Unit: "days", Baseline: 30, Target: 10}}
	c.Risks = []plan.Risk{{Key: "x1", Risk: "Budget", Mitigation: "Phase"}, {Key: "x2", Risk: "SECRET-RISK champion may leave", Internal: true}}
	c.Revenue = []plan.RevenueTarget{{Key: "r1", Period: "2027", Amount: 99_000_00}}
	c.Internal[plan.SecRevenue] = true
	return c
}

// TestPlanLifecycleThroughAShareLink drafts a plan, shares it, has the
// client comment and sign off through the link, tracks a KPI and drafts
// version 2, on both databases.
func TestPlanLifecycleThroughAShareLink(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		owner := &account.Person{Name: "Ann", Email: "ann@example.com"}
		must(db.CreatePerson(ctx, sc, owner))
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer, OwnerID: &owner.ID}
		must(db.CreateAccount(ctx, sc, a))
		p, err := db.CreatePlan(ctx, sc, a.ID, planContent(), 30)
		must(err)
		if p.Status != plan.Draft || p.CurrentVersion != 1 || p.AccountName != "Acme" {
			t.Fatalf("new plan: %+v", p)
		}
		c := planContent()
		c.Summary = "Grow with Acme, edited."
		_, err = db.SavePlanContent(ctx, sc, p.ID, 1, c, "")
		must(err)

		// An invalid link to a vision item is refused.
		bad := planContent()
		bad.Objectives[0].VisionItemID = 999
		if _, err := db.SavePlanContent(ctx, sc, p.ID, 1, bad, ""); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("unknown vision item: %v", err)
		}

		token, share, err := db.CreatePlanShare(ctx, sc, p.ID, 1, "Eve at Acme", time.Time{})
		must(err)
		if !strings.HasPrefix(token, "sw_") || len(token) < 40 {
			t.Fatalf("token %q", token)
		}
		// Shared versions are frozen.
		if _, err := db.SavePlanContent(ctx, sc, p.ID, 1, c, ""); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("edit after share: %v", err)
		}
		sp, err := db.OpenSharedPlan(ctx, token, "10.0.0.1")
		must(err)
		raw, _ := json.Marshal(sp)
		for _, secret := range []string{"SECRET-RISK", "9900000"} {
			if strings.Contains(string(raw), secret) {
				t.Errorf("shared plan contains internal %q", secret)
			}
		}
		if sp.Version.Status != plan.Shared || sp.AccountName != "Acme" {
			t.Fatalf("shared: %+v", sp.Version)
		}
		// Comment on an internal section: refused.
		if err := db.CommentOnSharedPlan(ctx, token, "10.0.0.1", &plan.Comment{Section: plan.SecRevenue, Author: "Eve", Body: "?"}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("comment on internal section: %v", err)
		}
		must(db.CommentOnSharedPlan(ctx, token, "10.0.0.1", &plan.Comment{Section: plan.SecKPIs, Author: "Eve", Body: "Target too soft", Proposal: "Target 7 days"}))
		must(db.SignSharedPlan(ctx, token, "10.0.0.1", &plan.SignOff{Name: "Eve", Role: "COO", SignedOn: day("2027-01-10")}))
		if err := db.SignSharedPlan(ctx, token, "10.0.0.1", &plan.SignOff{Name: "Eve", Role: "COO", SignedOn: day("2027-01-10")}); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("second sign-off: %v", err)
		}
		o, err := db.PlanOverview(ctx, sc, p.ID)
		must(err)
		if o.Plan.Status != plan.Agreed || len(o.Comments) != 1 || len(o.SignOffs) != 1 || o.Shares[0].Views != 1 || o.Shares[0].ID != share.ID {
			t.Fatalf("overview: status %s, %d comments, %d sign-offs, shares %+v", o.Plan.Status, len(o.Comments), len(o.SignOffs), o.Shares)
		}

		// Tracking.
		must(db.RecordKPIActual(ctx, sc, p.ID, &plan.KPIActual{KPIKey: "k1", On: day("2027-01-09"), Value: 25}))
		if err := db.RecordKPIActual(ctx, sc, p.ID, &plan.KPIActual{KPIKey: "nope", On: day("2027-01-09"), Value: 25}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("unknown KPI: %v", err)
		}
		must(db.SetInitiativeStatus(ctx, sc, p.ID, &plan.InitiativeUpdate{Key: "i1", Status: plan.OnTrack}))
		_, err = db.MovePlanVersion(ctx, sc, p.ID, 1, plan.Active)
		must(err)
		due, err := db.PlanReviewsDue(ctx, sc, owner.ID, day("2027-02-09"))
		must(err)
		if len(due) != 1 || due[0].DueOn != day("2027-02-09") {
			t.Fatalf("reviews due: %+v", due)
		}
		if due, _ := db.PlanReviewsDue(ctx, sc, owner.ID+99, day("2027-12-31")); len(due) != 0 {
			t.Fatalf("reviews for someone else: %+v", due)
		}

		// Version 2 supersedes 1 and withdraws its links; tracking survives.
		must(db.AddPlanAdjustment(ctx, sc, p.ID, &plan.Adjustment{Reason: plan.TimelineMoved, Note: "Pilot slipped a quarter"}))
		v2, err := db.RevisePlan(ctx, sc, p.ID, "Answering Eve")
		must(err)
		if v2.N != 2 || v2.Status != plan.Revised {
			t.Fatalf("v2: %+v", v2)
		}
		if _, err := db.OpenSharedPlan(ctx, token, "10.0.0.1"); err != store.ErrShareRevoked {
			t.Fatalf("link to superseded version: %v", err)
		}
		o, err = db.PlanOverview(ctx, sc, p.ID)
		must(err)
		if o.Versions[0].Status != plan.Superseded || len(o.Actuals) != 1 || o.Updates["i1"].Status != plan.OnTrack || len(o.Adjustments) != 1 {
			t.Fatalf("after revision: %+v", o)
		}
		if _, err := db.RevisePlan(ctx, sc, p.ID, ""); account.ErrorCode(err) != account.ECONFLICT {
			t.Fatalf("revise a revision: %v", err)
		}
	})
}

// TestShareLinksSayWhyTheyFailAndLimitGuessing checks expired and revoked
// links and the per-address limit on wrong tokens.
func TestShareLinksSayWhyTheyFailAndLimitGuessing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		now := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatal(err)
		}
		p, err := db.CreatePlan(ctx, sc, a.ID, planContent(), 0)
		if err != nil {
			t.Fatal(err)
		}
		expiring, _, err := db.CreatePlanShare(ctx, sc, p.ID, 1, "", now.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		revoked, rs, err := db.CreatePlanShare(ctx, sc, p.ID, 1, "", time.Time{})
		if err != nil {
			t.Fatal(err)
		}
		if err := db.RevokePlanShare(ctx, sc, p.ID, rs.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.OpenSharedPlan(ctx, revoked, "a"); err != store.ErrShareRevoked {
			t.Errorf("revoked: %v", err)
		}
		if _, err := db.OpenSharedPlan(ctx, expiring, "a"); err != nil {
			t.Errorf("before expiry: %v", err)
		}
		now = now.Add(time.Hour)
		if _, err := db.OpenSharedPlan(ctx, expiring, "a"); err != store.ErrShareExpired {
			t.Errorf("at expiry: %v", err)
		}
		if _, _, err := db.CreatePlanShare(ctx, sc, p.ID, 1, "", now.Add(-time.Minute)); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("expiry in the past: %v", err)
		}
		for i := range store.ShareLimits.PerAddress {
			if _, err := db.OpenSharedPlan(ctx, "sw_guess"+strings.Repeat("x", i), "6.6.6.6"); err != store.ErrShareUnknown {
				t.Fatalf("guess %d: %v", i, err)
			}
		}
		if _, err := db.OpenSharedPlan(ctx, expiring, "6.6.6.6"); err != store.ErrShareLimited {
			t.Fatalf("after %d wrong tokens: %v", store.ShareLimits.PerAddress, err)
		}
		if _, err := db.OpenSharedPlan(ctx, revoked, "7.7.7.7"); err != store.ErrShareRevoked {
			t.Fatalf("another address is not limited: %v", err)
		}
		now = now.Add(store.ShareLimits.Lockout)
		if _, err := db.OpenSharedPlan(ctx, revoked, "6.6.6.6"); err != store.ErrShareRevoked {
			t.Fatalf("after the lockout: %v", err)
		}
	})
}

func TestPlanSituationIsDrawnFromTheAccount(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		ctx := context.Background()
		db, sc := storetest.New(t, d)
		a := &account.Account{Name: "Acme", Lifecycle: account.Customer}
		if err := db.CreateAccount(ctx, sc, a); err != nil {
			t.Fatal(err)
		}
		for _, c := range []*account.Contract{
			{AccountID: a.ID, Product: "Core", AnnualValue: 100_000, Start: day("2026-01-01"), Status: account.ContractActive},
			{AccountID: a.ID, Product: "Old", AnnualValue: 50_000, Start: day("2020-01-01"), End: day("2021-01-01"), Status: account.ContractExpired},
		} {
			if err := db.CreateContract(ctx, sc, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := db.CreateStakeholder(ctx, sc, &account.Stakeholder{AccountID: a.ID, Name: "Eve", Level: account.Executive, Active: true}); err != nil {
			t.Fatal(err)
		}
		s, err := db.PlanSituation(ctx, sc, a.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(s.Contracts) != 1 || s.ARR["USD"] != 100_000 || len(s.Stakeholders) != 1 || s.Coverage != 1 || s.Covered != 0 {
			t.Fatalf("situation: %+v", s)
		}
	})
}
