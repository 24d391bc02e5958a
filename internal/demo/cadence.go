package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	cad "github.com/samwise-sam/samwise/internal/cadence" // demo.go has its own "cadence"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedCadence adds the cadence overrides of the demo on top of the loaded
// portfolio (whose touches already leave some executives overdue and some
// stakeholders over-contacted): on the three largest customers, a cadence
// agreed with the top executive, an account-wide agreed cadence, and an
// acceleration tied to an open opportunity (or, without one, an
// initiative) that started two weeks ago and ends in six. It does nothing
// when the organisation has any agreement already, so it may run on every
// start.
func SeedCadence(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	o, err := db.CadenceOverrides(ctx, sc, 0)
	if err != nil {
		return err
	}
	if len(o.Agreements) > 0 || len(o.Accelerations) > 0 {
		return nil
	}
	big, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 3, Sort: "-annual_revenue"}, Lifecycle: account.Customer})
	if err != nil {
		return err
	}
	if len(big) < 3 {
		return nil // not the demo portfolio: nothing to decorate
	}
	// The leader has agreed the organisation's cadence policy (samwise's
	// defaults, saved as the policy), so the tiers have a tier plan.
	settings, err := db.CadenceSettings(ctx, sc)
	if err != nil {
		return err
	}
	if err := db.SetCadenceSettings(ctx, sc, settings); err != nil {
		return fmt.Errorf("demo cadence policy: %w", err)
	}
	today := account.DateOf(now.UTC())
	stakeholders := func(a account.Account) ([]account.Stakeholder, error) {
		ss, _, err := db.Stakeholders(ctx, sc, account.StakeholderFilter{Page: account.Page{Limit: 50}, AccountID: a.ID})
		return ss, err
	}
	// 1. The top executive of the largest account agreed to a monthly
	// check-in, in person.
	ss, err := stakeholders(big[0])
	if err != nil {
		return err
	}
	for _, s := range ss {
		if s.Active && s.Level == account.Executive {
			if err := db.SetAgreement(ctx, sc, &cad.Agreement{AccountID: big[0].ID, StakeholderID: s.ID, IntervalDays: 30,
				AgreedBy: s.ID, AgreedOn: today.AddDays(-40), Note: "Monthly steering check-in, agreed at the kick-off"}); err != nil {
				return fmt.Errorf("demo agreement: %w", err)
			}
			break
		}
	}
	// 2. The second account agreed to hear from us every six weeks, all of
	// its people alike; its first active stakeholder agreed.
	ss, err = stakeholders(big[1])
	if err != nil {
		return err
	}
	var by int64
	for _, s := range ss {
		if s.Active {
			by = s.ID
			break
		}
	}
	if err := db.SetAgreement(ctx, sc, &cad.Agreement{AccountID: big[1].ID, IntervalDays: 45, AgreedBy: by,
		AgreedOn: today.AddDays(-90), Note: "Six-weekly rhythm for the whole team"}); err != nil {
		return fmt.Errorf("demo agreement: %w", err)
	}
	// 3. The third account is being accelerated for a deal.
	opps, _, err := db.Opportunities(ctx, sc, account.OpportunityFilter{Page: account.Page{Limit: 50}, AccountID: big[2].ID})
	if err != nil {
		return err
	}
	acc := &cad.Acceleration{AccountID: big[2].ID, IntervalDays: 14, StartsOn: today.AddDays(-14), EndsOn: today.AddDays(42),
		Initiative: "Platform migration go-live"}
	for _, op := range opps {
		if !op.Stage.Closed() {
			acc.OpportunityID, acc.Initiative = op.ID, ""
			break
		}
	}
	if err := db.AddAcceleration(ctx, sc, acc); err != nil {
		return fmt.Errorf("demo acceleration: %w", err)
	}
	return nil
}
