package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedPlans gives the six largest customers a strategic account plan, one
// in each interesting state: agreed and active with KPI actuals, an
// adjustment and initiative updates; shared and awaiting sign-off; shared
// with the client's comments and proposed changes; a draft; a second
// version being revised after agreement (so two versions to compare); and
// one just reviewed. The client's part goes through real share links, as a
// client would. It does nothing when any plan exists.
func SeedPlans(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	existing, err := db.Plans(ctx, sc, store.PlanFilter{})
	if err != nil {
		return err
	}
	if len(existing) > 0 {
		return nil
	}
	big, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 6, Sort: "-annual_revenue"}, Lifecycle: account.Customer})
	if err != nil {
		return err
	}
	if len(big) < 6 {
		return nil // not the demo portfolio
	}
	today := account.DateOf(now.UTC())
	mk := func(a account.Account, start account.Date, reviewDays int) (plan.Plan, error) {
		c, err := demoPlanContent(ctx, db, sc, a, start)
		if err != nil {
			return plan.Plan{}, err
		}
		p, err := db.CreatePlan(ctx, sc, a.ID, c, reviewDays)
		if err != nil {
			return p, fmt.Errorf("demo plan for %s: %w", a.Name, err)
		}
		return p, nil
	}
	share := func(p plan.Plan, n int, label string) (string, error) {
		token, _, err := db.CreatePlanShare(ctx, sc, p.ID, n, label, time.Time{})
		return token, err
	}
	client := func(a account.Account) (string, string) {
		ss, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{Page: account.Page{Limit: 20}, AccountID: a.ID})
		if err == nil {
			for _, s := range ss {
				if s.Active && s.Level == account.Executive {
					return s.Name, cmpStr(s.Title, "Executive sponsor")
				}
			}
			if len(ss) > 0 {
				return ss[0].Name, cmpStr(ss[0].Title, "Sponsor")
			}
		}
		return "Alex Morgan", "COO"
	}

	// 1. Agreed and active, with progress.
	p, err := mk(big[0], today.AddDays(-150), 30)
	if err != nil {
		return err
	}
	token, err := share(p, 1, "Executive sponsor")
	if err != nil {
		return err
	}
	name, role := client(big[0])
	if err := db.CommentOnSharedPlan(ctx, token, "demo", &plan.Comment{Section: plan.SecInitiatives, Author: name,
		Body: "Happy with the pilot; please keep our IT lead in the loop on dates."}); err != nil {
		return err
	}
	if err := db.SignSharedPlan(ctx, token, "demo", &plan.SignOff{Name: name, Role: role, SignedOn: today.AddDays(-140)}); err != nil {
		return err
	}
	if _, err := db.MovePlanVersion(ctx, sc, p.ID, 1, plan.Active); err != nil {
		return err
	}
	for i, v := range []float64{29, 26, 22, 19, 17} {
		if err := db.RecordKPIActual(ctx, sc, p.ID, &plan.KPIActual{KPIKey: "k1", On: today.AddDays(-120 + 28*i), Value: v}); err != nil {
			return err
		}
	}
	for i, v := range []float64{31, 34, 36, 41} {
		if err := db.RecordKPIActual(ctx, sc, p.ID, &plan.KPIActual{KPIKey: "k2", On: today.AddDays(-110 + 30*i), Value: v}); err != nil {
			return err
		}
	}
	for key, st := range map[string]plan.InitiativeStatus{"i1": plan.Done, "i2": plan.OnTrack, "i3": plan.AtRisk} {
		if err := db.SetInitiativeStatus(ctx, sc, p.ID, &plan.InitiativeUpdate{Key: key, Status: st, Note: map[plan.InitiativeStatus]string{
			plan.Done: "Live since last quarter", plan.OnTrack: "Second wave scheduled", plan.AtRisk: "Waiting on their security review"}[st]}); err != nil {
			return err
		}
	}
	if err := db.AddPlanAdjustment(ctx, sc, p.ID, &plan.Adjustment{Reason: plan.TimelineMoved,
		Note: "Their security review moved the integration by six weeks."}); err != nil {
		return err
	}

	// 2. Shared, awaiting sign-off.
	p, err = mk(big[1], today.AddDays(-10), 90)
	if err != nil {
		return err
	}
	if _, err := share(p, 1, "Steering committee"); err != nil {
		return err
	}

	// 3. Shared, with the client's comments and proposed changes.
	p, err = mk(big[2], today.AddDays(-20), 90)
	if err != nil {
		return err
	}
	if token, err = share(p, 1, "Operations director"); err != nil {
		return err
	}
	name, _ = client(big[2])
	for _, c := range []plan.Comment{
		{Section: plan.SecKPIs, Author: name, Body: "Cutting onboarding to 10 days in one year is ambitious for us.", Proposal: "Target 14 days this year, 10 next year."},
		{Section: plan.SecResolution, Author: name, Body: "Please add who on our side escalates after hours."},
		{Section: plan.SecObjectives, Author: name, Body: "The second objective matches our board's priorities well."},
	} {
		if err := db.CommentOnSharedPlan(ctx, token, "demo", &c); err != nil {
			return err
		}
	}

	// 4. A draft.
	if _, err := mk(big[3], today, 90); err != nil {
		return err
	}

	// 5. Agreed, then revised: version 2 answers changed circumstances.
	p, err = mk(big[4], today.AddDays(-200), 60)
	if err != nil {
		return err
	}
	if token, err = share(p, 1, "Sponsor"); err != nil {
		return err
	}
	name, role = client(big[4])
	if err := db.SignSharedPlan(ctx, token, "demo", &plan.SignOff{Name: name, Role: role, SignedOn: today.AddDays(-190)}); err != nil {
		return err
	}
	if _, err := db.MovePlanVersion(ctx, sc, p.ID, 1, plan.Active); err != nil {
		return err
	}
	if err := db.AddPlanAdjustment(ctx, sc, p.ID, &plan.Adjustment{Reason: plan.StakeholdersChanged,
		Note: "Their sponsor moved to another division; the new COO wants a shorter first phase."}); err != nil {
		return err
	}
	v2, err := db.RevisePlan(ctx, sc, p.ID, "New sponsor: shorter first phase, revised KPI target")
	if err != nil {
		return err
	}
	c := v2.Content
	if len(c.KPIs) > 0 {
		c.KPIs[0].Target = 14
	}
	if len(c.Initiatives) > 1 {
		c.Initiatives[1].DueOn = c.Initiatives[1].DueOn.AddDays(45)
	}
	c.Risks = append(c.Risks, plan.Risk{Risk: "New sponsor not yet convinced of the roadmap", Mitigation: "Executive briefing within a month", Owner: "Executive partner"})
	if _, err := db.SavePlanContent(ctx, sc, p.ID, 2, c, v2.Note); err != nil {
		return err
	}

	// 6. Active and just reviewed.
	p, err = mk(big[5], today.AddDays(-100), 90)
	if err != nil {
		return err
	}
	if token, err = share(p, 1, "Sponsor"); err != nil {
		return err
	}
	name, role = client(big[5])
	if err := db.SignSharedPlan(ctx, token, "demo", &plan.SignOff{Name: name, Role: role, SignedOn: today.AddDays(-95)}); err != nil {
		return err
	}
	for _, to := range []plan.Status{plan.Active, plan.Reviewed} {
		if _, err := db.MovePlanVersion(ctx, sc, p.ID, 1, to); err != nil {
			return err
		}
	}
	return db.RecordKPIActual(ctx, sc, p.ID, &plan.KPIActual{KPIKey: "k1", On: today.AddDays(-3), Value: 24})
}

func cmpStr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// demoPlanContent writes a plausible one-year plan for an account, naming
// its people and serving its recorded vision.
func demoPlanContent(ctx context.Context, db *store.DB, sc account.Scope, a account.Account, start account.Date) (plan.Content, error) {
	sit, err := db.PlanSituation(ctx, sc, a.ID)
	if err != nil {
		return plan.Content{}, err
	}
	ours := "Account manager"
	if a.OwnerID != nil {
		if p, err := db.Person(ctx, sc, *a.OwnerID); err == nil {
			ours = p.Name
		}
	}
	theirs := []string{"Their operations lead", "Their IT lead", "Their sponsor"}
	for i, s := range sit.Stakeholders {
		if i < len(theirs) {
			theirs[i] = s.Name
		}
	}
	c := plan.NewContent(a.Name+" strategic account plan", start)
	c.Summary = fmt.Sprintf("Over the next year %s and our team will shorten onboarding, widen adoption across the business units "+
		"and agree how problems are raised and solved before they reach customers.", a.Name)
	c.Objectives = []plan.Objective{
		{Key: "o1", Title: "Shorten onboarding of new sites", Detail: "From about a month to under two weeks."},
		{Key: "o2", Title: "Widen adoption to every business unit", Detail: "Two more units live this year."},
		{Key: "o3", Title: "Grow the relationship into a multi-year agreement", Internal: true},
	}
	for i := range min(2, len(sit.Vision)) {
		c.Objectives[i].VisionItemID = sit.Vision[i].ID
	}
	c.Initiatives = []plan.Initiative{
		{Key: "i1", Title: "Onboarding pilot at two sites", ObjectiveKey: "o1", OurOwner: ours, TheirOwner: theirs[0],
			StartsOn: start.AddDays(14), DueOn: start.AddDays(100), Status: plan.OnTrack},
		{Key: "i2", Title: "Roll-out to the second business unit", ObjectiveKey: "o2", OurOwner: "Professional services", TheirOwner: theirs[1],
			StartsOn: start.AddDays(90), DueOn: start.AddDays(240), Status: plan.NotStarted},
		{Key: "i3", Title: "Single sign-on integration", ObjectiveKey: "o2", OurOwner: "Technical lead", TheirOwner: theirs[1],
			StartsOn: start.AddDays(30), DueOn: start.AddDays(150), Status: plan.NotStarted},
	}
	c.KPIs = []plan.KPI{
		{Key: "k1", Name: "Days to onboard a site", Unit: "days", Baseline: 30, Target: 10},
		{Key: "k2", Name: "Active users", Unit: "% of licences", Baseline: 30, Target: 60},
	}
	c.Revenue = []plan.RevenueTarget{{Key: "r1", Period: fmt.Sprint(start.Year), Amount: 450_000_00, Currency: "USD", Note: "Expansion to two units"}}
	c.Risks = []plan.Risk{
		{Key: "x1", Risk: "Their budget freeze in the second half", Mitigation: "Phase the roll-out so value shows before the freeze", Owner: ours},
		{Key: "x2", Risk: "Our champion may change roles", Mitigation: "Build a second relationship at director level", Owner: "Executive partner", Internal: true},
	}
	c.Resolution = []plan.Resolution{
		{Key: "w1", Who: "Customer service manager", What: "Reviews open issues with their operations lead", When: "Every Monday", How: "30-minute call"},
		{Key: "w2", Who: theirs[0], What: "Raises anything blocking a site before go-live", When: "As soon as it is known", How: "Shared issue board"},
		{Key: "w3", Who: ours, What: "Escalates to our executive partner", When: "Within one working day when unresolved", How: "Phone, then written summary"},
	}
	c.Internal[plan.SecRevenue] = true
	return c, nil
}
