package demo

import (
	"context"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	pf "github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/staffing"
	"github.com/samwise-sam/samwise/internal/store"
)

// OutcomeFixture is a hand-made portfolio whose outcome figures are worked
// out by hand (docs/outcomes.md): the tests of the store, the API, the pages
// and the CLI check them. Over 2025 ([2025-01-01, 2026-01-01)):
//
//   - Retention (the domain primer's example): Acme 100,000 → 120,000
//     (expanded, renewed without a successor), Globex 50,000 → 40,000
//     (contracted to a successor contract), Initech 50,000 → churned;
//     Hooli, won in May, is not in the cohort. Logo retention 2/3, GRR 70%,
//     NRR 80%. Strategic (Acme, Globex): logo 100%, GRR 93.3%, NRR 106.7%.
//   - Revenue: open pipeline prospecting 10,000 (10%), engaging 2,000 (30%),
//     proposal 5,000 (60%) → 17,000 open, 4,600 weighted; won 12,000 (two),
//     lost two → win rate 50%; Ann won 12,000 against a 2025 goal of 16,000
//     (75%).
//   - ROI: touches on strategic accounts in 2025: 4 meetings (2 h),
//     2 business reviews (8 h), 6 calls (0.5 h) = 27 h at 100.00 = 2,700.00.
//     Rest NRR 0 → expected 0; actual 160,000; extra margin at 60% 96,000;
//     ROI = (96,000 − 2,700) ÷ 2,700 = 34.56 (3,455.6%).
//   - CLV of Acme on 2026-03-01: ARR 120,000 × 60% = 72,000 margin, r 0.9,
//     d 0.1 → 72,000 × 1.1 ÷ 0.2 = 396,000.
//
// Amounts are in minor units (cents): 100,000.00 is 10,000,000.
type OutcomeFixture struct {
	Ann, Bob                        account.Person
	Acme, Globex, Initech, Hooli    account.Account
	From, To                        account.Date // 2025
	Today                           account.Date // 2026-03-01
	Now                             time.Time    // 2026-03-01 12:00 UTC
	AcmeContract, GlobexSuccessor   account.Contract
	Met, LateResponse, Near, Breach outcome.Problem
	Avoided                         outcome.Problem
}

// SeedOutcomeFixture writes the OutcomeFixture into an empty organisation;
// db.Now should return f.Now or later for the problem standings to match.
func SeedOutcomeFixture(ctx context.Context, db *store.DB, sc account.Scope) (*OutcomeFixture, error) {
	f := &OutcomeFixture{From: account.Date{Year: 2025, Month: 1, Day: 1}, To: account.Date{Year: 2026, Month: 1, Day: 1},
		Today: account.Date{Year: 2026, Month: 3, Day: 1}, Now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	w := &outcomeWriter{ctx: ctx, db: db, sc: sc}
	f.Ann = account.Person{Name: "Ann Archer", Email: "ann.archer@example.com"}
	f.Bob = account.Person{Name: "Bob Baker", Email: "bob.baker@example.com"}
	w.do(func() error { return db.CreatePerson(ctx, sc, &f.Ann) })
	w.do(func() error { return db.CreatePerson(ctx, sc, &f.Bob) })
	mk := func(a *account.Account, name string, owner *account.Person) {
		*a = account.Account{Name: name, Lifecycle: account.Customer, OwnerID: &owner.ID}
		w.do(func() error { return db.CreateAccount(ctx, sc, a) })
	}
	mk(&f.Acme, "Acme", &f.Ann)
	mk(&f.Globex, "Globex", &f.Ann)
	mk(&f.Initech, "Initech", &f.Bob)
	mk(&f.Hooli, "Hooli", &f.Bob)
	for _, x := range []struct {
		a    *account.Account
		tier pf.Tier
	}{{&f.Acme, pf.TierA}, {&f.Globex, pf.TierA}, {&f.Initech, pf.TierB}, {&f.Hooli, pf.TierC}} {
		w.do(func() error { return db.OverrideTier(ctx, sc, x.a.ID, x.tier, "Outcome fixture") })
	}
	for _, a := range []*account.Account{&f.Acme, &f.Globex} {
		w.do(func() error { return db.Decide(ctx, sc, a.ID, pf.Designated, "Outcome fixture") })
	}
	day := func(s string) account.Date { d, _ := account.ParseDate(s); return d }
	contract := func(c *account.Contract, a *account.Account, product string, value int64, start, end string, status account.ContractStatus) {
		*c = account.Contract{AccountID: a.ID, Product: product, AnnualValue: value, Start: day(start), End: day(end), Status: status}
		w.do(func() error { return db.CreateContract(ctx, sc, c) })
	}
	var globexOld, initech, hooli account.Contract
	contract(&f.AcmeContract, &f.Acme, "Platform", 10_000_000, "2024-01-01", "2025-06-30", account.ContractExpired)
	contract(&globexOld, &f.Globex, "Platform", 5_000_000, "2024-07-01", "2025-06-30", account.ContractExpired)
	contract(&f.GlobexSuccessor, &f.Globex, "Platform", 4_000_000, "2025-07-01", "2026-06-30", account.ContractActive)
	contract(&initech, &f.Initech, "Analytics", 5_000_000, "2024-01-01", "2025-09-30", account.ContractExpired)
	contract(&hooli, &f.Hooli, "Analytics", 3_000_000, "2025-05-01", "2026-04-30", account.ContractActive)
	renew := func(c *account.Contract, u store.RenewalUpdate) {
		w.do(func() error { _, err := db.UpdateRenewal(ctx, sc, c.ID, u); return err })
	}
	renew(&f.AcmeContract, store.RenewalUpdate{Outcome: outcome.Expanded, RenewedValue: 12_000_000, Forecast: outcome.Likely,
		Reason: "Added the analytics module", NoticeDays: 60, OwnerID: &f.Ann.ID})
	renew(&globexOld, store.RenewalUpdate{Outcome: outcome.Contracted, SuccessorID: &f.GlobexSuccessor.ID, Forecast: outcome.AtRisk,
		Reason: "Fewer seats after their reorganisation", OwnerID: &f.Ann.ID})
	renew(&initech, store.RenewalUpdate{Outcome: outcome.Churned, Forecast: outcome.Lost, Reason: "Moved to a competitor", OwnerID: &f.Bob.ID})
	renew(&hooli, store.RenewalUpdate{Forecast: outcome.AtRisk, NoticeDays: 30, OwnerID: &f.Bob.ID})

	opp := func(a *account.Account, name string, stage account.Stage, amount int64, closed string) {
		o := account.Opportunity{AccountID: a.ID, OwnerID: a.OwnerID, Name: name, Kind: account.Upsell, Stage: stage, Amount: amount,
			ActualClose: day(closed)}
		w.do(func() error { return db.CreateOpportunity(ctx, sc, &o) })
	}
	opp(&f.Acme, "Analytics for Acme", account.Prospecting, 1_000_000, "")
	opp(&f.Acme, "Acme second site", account.Proposal, 500_000, "")
	opp(&f.Acme, "Acme support upgrade", account.Won, 900_000, "2025-03-10")
	opp(&f.Globex, "Globex training", account.Won, 300_000, "2025-11-01")
	opp(&f.Globex, "Globex data module", account.Lost, 200_000, "2025-06-01")
	opp(&f.Initech, "Initech rescue", account.Engaging, 200_000, "")
	opp(&f.Initech, "Initech add-on", account.Lost, 100_000, "2025-02-01")
	opp(&f.Initech, "Initech pilot", account.Won, 50_000, "2024-12-15")
	w.do(func() error {
		return db.SetGoals(ctx, sc, &staffing.Goals{PersonID: f.Ann.ID, Period: "2025", Revenue: 1_600_000})
	})

	touch := func(a *account.Account, kind account.TouchKind, n int, month time.Month) {
		for i := range n {
			t := account.Touch{AccountID: a.ID, Kind: kind, Summary: "Fixture " + string(kind),
				OccurredAt: time.Date(2025, month, 1+i, 10, 0, 0, 0, time.UTC), PeopleIDs: []int64{f.Ann.ID}}
			w.do(func() error { return db.CreateTouch(ctx, sc, &t) })
		}
	}
	touch(&f.Acme, account.Meeting, 4, time.March)
	touch(&f.Acme, account.BusinessReview, 2, time.September)
	touch(&f.Globex, account.Call, 6, time.May)
	touch(&f.Initech, account.Meeting, 3, time.May) // not strategic: not a program cost

	at := func(base time.Time, d time.Duration) *time.Time { t := base.Add(d); return &t }
	problem := func(p *outcome.Problem) {
		w.do(func() error { return db.CreateProblem(ctx, sc, p) })
	}
	t1 := time.Date(2025, 5, 1, 9, 0, 0, 0, time.UTC)
	f.Met = outcome.Problem{AccountID: f.Acme.ID, Title: "Login outage", Severity: outcome.Critical, Status: outcome.Resolved,
		OwnerID: &f.Ann.ID, AccountableID: &f.Ann.ID, OpenedAt: t1, RespondedAt: at(t1, 30*time.Minute), ResolvedAt: at(t1, 6*time.Hour)}
	t2 := time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	f.LateResponse = outcome.Problem{AccountID: f.Acme.ID, Title: "Slow reports", Severity: outcome.High, Status: outcome.Closed,
		OwnerID: &f.Ann.ID, OpenedAt: t2, RespondedAt: at(t2, 3*time.Hour), ResolvedAt: at(t2, 20*time.Hour), Escalation: 1}
	f.Near = outcome.Problem{AccountID: f.Globex.ID, Title: "Invoice mismatch", Severity: outcome.Medium, Status: outcome.InProgress,
		OwnerID: &f.Ann.ID, OpenedAt: f.Now.Add(-70 * time.Hour), RespondedAt: at(f.Now, -68*time.Hour)}
	f.Breach = outcome.Problem{AccountID: f.Initech.ID, Title: "Data export fails", Severity: outcome.Low, Status: outcome.Open,
		OwnerID: &f.Bob.ID, OpenedAt: f.Now.Add(-60 * time.Hour)}
	f.Avoided = outcome.Problem{AccountID: f.Acme.ID, Kind: outcome.KindAvoided, Title: "Expiring certificate caught early",
		Severity: outcome.High, OwnerID: &f.Ann.ID, OpenedAt: time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC),
		ResolvedAt: at(time.Date(2025, 8, 1, 9, 0, 0, 0, time.UTC), time.Hour)}
	for _, p := range []*outcome.Problem{&f.Met, &f.LateResponse, &f.Near, &f.Breach, &f.Avoided} {
		problem(p)
	}
	return f, w.err
}

// writer runs store calls until the first error.
type outcomeWriter struct {
	ctx context.Context
	db  *store.DB
	sc  account.Scope
	err error
}

func (w *outcomeWriter) do(fn func() error) {
	if w.err == nil {
		w.err = fn()
	}
}
