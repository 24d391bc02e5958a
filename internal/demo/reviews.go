package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	cad "github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedReviews adds business reviews to the five largest customers, in
// every state: held ones with their outcome and recommendations (so their
// Operations Review Reports have something to say), upcoming ones, late
// ones that slipped, and a cancelled one. It does nothing when the
// organisation has any review already (idempotent).
func SeedReviews(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	if rs, _, err := db.Reviews(ctx, sc, store.ReviewFilter{Page: account.Page{Limit: 1}}); err != nil || len(rs) > 0 {
		return err
	}
	big, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 5, Sort: "-annual_revenue"}, Lifecycle: account.Customer})
	if err != nil {
		return err
	}
	if len(big) < 5 {
		return nil // not the demo portfolio
	}
	today := account.DateOf(now.UTC())
	type plan struct {
		kind                    cad.ReviewKind
		status                  cad.ReviewStatus
		scheduled, held         int // days from today; held only when held
		agenda, outcome, advice string
	}
	plans := [][]plan{
		{ // the largest: a QBR held last quarter, the next one in five days
			{cad.QBR, cad.ReviewHeld, -86, -85, "Adoption across plants; open support cases; roadmap for the next two quarters",
				"Adoption at 78% of licences; two escalations closed; the client wants the analytics pilot in Q3.",
				"Start the analytics pilot in the two largest plants.\nMove the monthly check-in with the COO to a steering format."},
			{cad.QBR, cad.ReviewScheduled, 5, 0, "Pilot results; renewal timeline; executive sponsor change", "", ""},
		},
		{ // an executive review that slipped
			{cad.ExecutiveReview, cad.ReviewHeld, -200, -198, "Strategic fit and the three-year vision",
				"Agreed to co-write the account plan; sponsor confirmed.", "Share the draft account plan before the next review."},
			{cad.ExecutiveReview, cad.ReviewScheduled, -12, 0, "Account plan sign-off", "", ""},
		},
		{ // an annual review held a month ago, the next QBR in two months
			{cad.AnnualReview, cad.ReviewHeld, -31, -30, "The year in numbers; service levels; renewal",
				"Renewed for two years with a 12% uplift; service levels met in 11 of 12 months.",
				"Quarterly service reviews with the operations lead.\nTrain the new regional team in May."},
			{cad.QBR, cad.ReviewScheduled, 60, 0, "Service levels; regional rollout", "", ""},
		},
		{ // a cancelled review and a late one
			{cad.QBR, cad.ReviewCancelled, -120, 0, "Quarterly results", "", ""},
			{cad.QBR, cad.ReviewScheduled, -3, 0, "Quarterly results (moved from last quarter)", "", ""},
		},
		{ // nothing held yet: the first review is coming
			{cad.ExecutiveReview, cad.ReviewScheduled, 20, 0, "Introductions; what success looks like for you", "", ""},
		},
	}
	for i, a := range big {
		ss, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{Page: account.Page{Limit: 50}, AccountID: a.ID})
		if err != nil {
			return err
		}
		var theirs []int64
		for _, s := range ss {
			if s.Active && (s.Level == account.Executive || s.Level == account.SeniorManagement) && len(theirs) < 3 {
				theirs = append(theirs, s.ID)
			}
		}
		var ours []int64
		if a.OwnerID != nil {
			ours = append(ours, *a.OwnerID)
		}
		for _, p := range plans[i] {
			r := &cad.Review{AccountID: a.ID, Kind: p.kind, Status: p.status, ScheduledOn: today.AddDays(p.scheduled),
				Agenda: p.agenda, Outcome: p.outcome, Recommendations: p.advice, PeopleIDs: ours, StakeholderIDs: theirs}
			if p.status == cad.ReviewHeld {
				r.HeldOn = today.AddDays(p.held)
			}
			if err := db.CreateReview(ctx, sc, r); err != nil {
				return fmt.Errorf("demo review of %s: %w", a.Name, err)
			}
		}
	}
	return nil
}
