package demo

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
)

// SeedOutcomes adds this feature's demo records: problems in every status
// (breached, approaching and on track among the open ones; resolved in time
// and late; closed; escalated), risks avoided, an escalation path, and
// renewal outcomes and forecasts on the contracts (renewed, expanded,
// contracted, churned; likely, at risk, lost). It is idempotent: it does
// nothing once the organisation has a problem.
func SeedOutcomes(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	if ps, _, err := db.Problems(ctx, sc, store.ProblemFilter{Page: account.Page{Limit: 1}}); err != nil || len(ps) > 0 {
		return err
	}
	customers, _, err := db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 40}, Lifecycle: account.Customer})
	if err != nil {
		return err
	}
	if len(customers) == 0 {
		return nil
	}
	if err := seedRenewals(ctx, db, sc, now); err != nil {
		return fmt.Errorf("renewals: %w", err)
	}
	if err := seedProblems(ctx, db, sc, customers, now); err != nil {
		return fmt.Errorf("problems: %w", err)
	}
	return nil
}

var churnReasons = []string{"Moved to a competitor on price", "Acquired; the parent company standardised on another vendor",
	"Project cancelled after budget cuts"}

// seedRenewals records outcomes of the renewals of the past two years and
// forecasts of those of the next six months.
func seedRenewals(ctx context.Context, db *store.DB, sc account.Scope, now time.Time) error {
	today := account.DateOf(now)
	past, err := db.Renewals(ctx, sc, store.RenewalFilter{From: today.AddDays(-730), To: today, Limit: 1000})
	if err != nil {
		return err
	}
	byAccount := map[int64][]account.Contract{}
	accounts := map[int64]account.Account{}
	ids := []int64{}
	for _, x := range past {
		ids = append(ids, x.AccountID)
	}
	slices.Sort(ids)
	if accounts, err = db.AccountsByID(ctx, sc, slices.Compact(ids)); err != nil {
		return err
	}
	contractsOf := func(id int64) ([]account.Contract, error) {
		if cs, ok := byAccount[id]; ok {
			return cs, nil
		}
		cs, _, err := db.Contracts(ctx, sc, account.ContractFilter{Page: account.Page{Limit: 100}, AccountID: id})
		byAccount[id] = cs
		return cs, err
	}
	renewed, churned := 0, 0
	for _, x := range past {
		if x.Status != account.ContractExpired {
			continue
		}
		cs, err := contractsOf(x.AccountID)
		if err != nil {
			return err
		}
		i := slices.IndexFunc(cs, func(c account.Contract) bool {
			return c.ID != x.ContractID && c.Product == x.Product && c.Start == x.End.AddDays(1)
		})
		u := store.RenewalUpdate{OwnerID: accounts[x.AccountID].OwnerID, NoticeDays: 60}
		switch {
		case i >= 0:
			succ := cs[i]
			u.SuccessorID = &succ.ID
			if renewed%4 == 2 {
				// Every fourth renewal shrank: the successor is smaller.
				succ.AnnualValue = x.AnnualValue * 8 / 10
				if err := db.UpdateContract(ctx, sc, &succ); err != nil {
					return err
				}
			}
			switch {
			case renewed == 0 || succ.AnnualValue == x.AnnualValue:
				u.Outcome, u.Forecast = outcome.Renewed, outcome.Likely
			case succ.AnnualValue > x.AnnualValue:
				u.Outcome, u.Forecast, u.Reason = outcome.Expanded, outcome.Likely, "More seats for their new sites"
			default:
				u.Outcome, u.Forecast, u.Reason = outcome.Contracted, outcome.AtRisk, "Fewer seats after a reorganisation"
			}
			renewed++
		case accounts[x.AccountID].Lifecycle == account.FormerCustomer:
			u.Outcome, u.Forecast, u.Reason = outcome.Churned, outcome.Lost, churnReasons[churned%len(churnReasons)]
			churned++
		default:
			continue
		}
		if _, err := db.UpdateRenewal(ctx, sc, x.ContractID, u); err != nil {
			return err
		}
	}
	ahead, err := db.Renewals(ctx, sc, store.RenewalFilter{From: today, To: today.AddDays(181), Limit: 1000})
	if err != nil {
		return err
	}
	for i, x := range ahead {
		u := store.RenewalUpdate{NoticeDays: []int{30, 60, 90}[i%3], Forecast: outcome.Likely}
		switch {
		case i%5 == 1:
			u.Forecast = outcome.AtRisk
		case i%11 == 4:
			u.Forecast = outcome.Lost
		case i%7 == 6:
			u.Forecast = "" // not forecast yet
		}
		if _, err := db.UpdateRenewal(ctx, sc, x.ContractID, u); err != nil {
			return err
		}
	}
	return nil
}

// seedProblems records problems on the first customers: every status, the
// open ones breached, approaching and on track, some escalated, and risks
// avoided.
func seedProblems(ctx context.Context, db *store.DB, sc account.Scope, customers []account.Account, now time.Time) error {
	at := func(d time.Duration) *time.Time { t := now.Add(d).Truncate(time.Minute); return &t }
	pick := func(i int) account.Account { return customers[i%len(customers)] }
	first := pick(0)
	if err := db.SetEscalationPath(ctx, sc, &store.EscalationPath{AccountID: first.ID, AgreedOn: account.DateOf(now.AddDate(0, -4, 0)),
		Steps: []string{"Service desk (24/7 line)", "Customer service manager", "Account manager", "VP Customer Success and their CIO"}}); err != nil {
		return err
	}
	h, d := time.Hour, 24*time.Hour
	ts, err := db.ResolutionTargets(ctx, sc)
	if err != nil {
		return err
	}
	badges, err := db.AccountBadges(ctx, sc, []int64{pick(1).ID})
	if err != nil {
		return err
	}
	// The acknowledged one is five sixths of the way to its resolution
	// target, whatever its account's tier: approaching.
	near := ts.For(string(badges[pick(1).ID].Tier), outcome.High)
	nearOpened := now.Add(-near.Resolve * 5 / 6).Truncate(time.Minute)
	nearResponded := nearOpened.Add(near.Respond / 2)
	ps := []outcome.Problem{
		{AccountID: first.ID, Title: "Checkout outage in the EU region", Severity: outcome.Critical, Status: outcome.Open,
			OpenedAt: *at(-5 * h), Escalation: 2, Detail: "Orders fail with a timeout since this morning."},
		{AccountID: pick(1).ID, Title: "Nightly data sync runs late", Severity: outcome.High, Status: outcome.Acknowledged,
			OpenedAt: nearOpened, RespondedAt: &nearResponded},
		{AccountID: pick(2).ID, Title: "Invoice totals do not match the PO", Severity: outcome.Medium, Status: outcome.InProgress,
			OpenedAt: *at(-26 * h), RespondedAt: at(-24 * h)},
		{AccountID: pick(3).ID, Title: "Report export misses the region column", Severity: outcome.Low, Status: outcome.Open,
			OpenedAt: *at(-3 * h)},
		{AccountID: pick(4).ID, Title: "Single sign-on fails for contractors", Severity: outcome.High, Status: outcome.InProgress,
			OpenedAt: *at(-45 * d), RespondedAt: at(-45*d + 3*h), Escalation: 1},
		{AccountID: first.ID, Title: "Slow search after the upgrade", Severity: outcome.High, Status: outcome.Resolved,
			OpenedAt: *at(-20 * d), RespondedAt: at(-20*d + 30*time.Minute), ResolvedAt: at(-20*d + 9*h)},
		{AccountID: pick(1).ID, Title: "Wrong tax rate on Canadian invoices", Severity: outcome.Medium, Status: outcome.Closed,
			OpenedAt: *at(-60 * d), RespondedAt: at(-60*d + 2*h), ResolvedAt: at(-60*d + 30*h)},
		{AccountID: pick(2).ID, Title: "Mobile app crashes on login", Severity: outcome.Critical, Status: outcome.Closed,
			OpenedAt: *at(-90 * d), RespondedAt: at(-90*d + 3*h), ResolvedAt: at(-90*d + 40*h), Escalation: 3},
		{AccountID: pick(5).ID, Title: "Training portal certificate error", Severity: outcome.Low, Status: outcome.Resolved,
			OpenedAt: *at(-12 * d), RespondedAt: at(-12*d + 5*h), ResolvedAt: at(-11 * d)},
		{AccountID: first.ID, Kind: outcome.KindAvoided, Title: "Storage quota raised before the quarter-end peak", Severity: outcome.High,
			OpenedAt: *at(-30 * d), ResolvedAt: at(-30*d + 2*h), Detail: "Monitoring showed 85% use two weeks before their busiest week."},
		{AccountID: pick(3).ID, Kind: outcome.KindAvoided, Title: "Expiring API keys rotated with their IT team", Severity: outcome.Medium,
			OpenedAt: *at(-8 * d), ResolvedAt: at(-8*d + 4*h)},
	}
	for i := range ps {
		p := &ps[i]
		for _, a := range customers {
			if a.ID == p.AccountID {
				p.OwnerID, p.AccountableID = a.OwnerID, a.OwnerID
			}
		}
		if err := db.CreateProblem(ctx, sc, p); err != nil {
			return fmt.Errorf("%q: %w", p.Title, err)
		}
	}
	return nil
}
