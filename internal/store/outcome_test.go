package store_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/demo"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func outcomeFixture(t *testing.T, d store.Dialect) (*store.DB, account.Scope, *demo.OutcomeFixture) {
	t.Helper()
	db, sc := storetest.New(t, d)
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { return now }
	f, err := demo.SeedOutcomeFixture(context.Background(), db, sc)
	if err != nil {
		t.Fatal(err)
	}
	return db, sc, f
}

func close2(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestOutcomeRetentionEqualsTheHandWorkedFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc, f := outcomeFixture(t, d)
		ctx := context.Background()
		rep, err := db.RetentionReport(ctx, sc, f.From, f.To, "")
		must(t, err)
		all := rep.All
		if all.Cohort != 3 || all.Retained != 2 || all.StartARR != 20_000_000 || all.EndARR != 16_000_000 ||
			all.Churned != 5_000_000 || all.Contraction != 1_000_000 || all.Expansion != 2_000_000 {
			t.Fatalf("all: %+v", all)
		}
		if !close2(all.GRR, 0.7) || !close2(all.NRR, 0.8) || !close2(all.Logo, 2.0/3) {
			t.Fatalf("GRR %v NRR %v logo %v", all.GRR, all.NRR, all.Logo)
		}
		s := rep.Strategic
		if s.Cohort != 2 || !close2(s.Logo, 1) || !close2(s.GRR, 14.0/15) || !close2(s.NRR, 16.0/15) || !rep.TargetMet {
			t.Fatalf("strategic: %+v", rep)
		}
		if rep.Rest.Cohort != 1 || rep.Rest.Churned != 5_000_000 || rep.Tiers["B"].Cohort != 1 || rep.Tiers["A"].Cohort != 2 {
			t.Fatalf("rest and tiers: %+v", rep)
		}
		if b, err := db.RetentionReport(ctx, sc, f.From, f.To, "B"); err != nil || b.All.Cohort != 1 || b.All.Logo != 0 || b.TargetMet {
			t.Fatalf("tier B: %+v %v", b, err)
		}
		if _, err := db.RetentionReport(ctx, sc, f.To, f.From, ""); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("reversed period: %v", err)
		}
	})
}

func TestOutcomeRevenueEqualsTheHandWorkedFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc, f := outcomeFixture(t, d)
		m, err := db.Revenue(context.Background(), sc, f.From, f.To, "")
		must(t, err)
		a := m.All
		if a.Open != 1_700_000 || a.Weighted != 460_000 || a.Won != 1_200_000 || a.WonCount != 2 || a.LostCount != 2 || !close2(a.WinRate, 0.5) {
			t.Fatalf("all: %+v", a)
		}
		if m.Period != "2025" || m.Names[f.Ann.ID] != "Ann Archer" {
			t.Fatalf("period %q names %v", m.Period, m.Names)
		}
		ann := m.Managers[f.Ann.ID]
		if ann.Won != 1_200_000 || ann.Goal != 1_600_000 || !close2(ann.GoalShare, 0.75) {
			t.Fatalf("Ann: %+v", ann)
		}
		if m.Strategic.Won != 1_200_000 || m.Rest.Won != 0 || m.Tiers["B"].Weighted != 60_000 {
			t.Fatalf("groups: %+v", m.RevenueReport)
		}
	})
}

func TestOutcomeCLVAndROIShowTheirInputs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc, f := outcomeFixture(t, d)
		ctx := context.Background()
		c, err := db.AccountCLV(ctx, sc, f.Acme.ID, f.Today)
		must(t, err)
		if c.ARR != 12_000_000 || c.M != 7_200_000 || c.Value != 39_600_000 || !close2(c.R, 0.9) || !c.Defined {
			t.Fatalf("CLV: %+v", c)
		}
		if _, err := db.AccountCLV(ctx, sc, 999999, f.Today); account.ErrorCode(err) != account.ENOTFOUND {
			t.Fatalf("missing account: %v", err)
		}
		roi, _, err := db.ProgramROI(ctx, sc, f.From, f.To, time.UTC)
		must(t, err)
		if roi.StrategicStart != 15_000_000 || roi.Expected != 0 || roi.Actual != 16_000_000 || roi.ExtraMargin != 9_600_000 ||
			roi.Hours != 27 || roi.Cost != 270_000 || !roi.Pays {
			t.Fatalf("ROI: %+v", roi)
		}
		if !close2(roi.Value, (9_600_000.0-270_000)/270_000) {
			t.Fatalf("ROI value %v", roi.Value)
		}
		// The leader changes the assumptions: the figures follow.
		s, err := db.OutcomeSettings(ctx, sc)
		must(t, err)
		s.RetentionSource = outcome.SourceGRR
		must(t, db.SetOutcomeSettings(ctx, sc, s))
		if c, err := db.AccountCLV(ctx, sc, f.Acme.ID, f.Today); err != nil || c.Source != "grr" || !c.Defined {
			t.Fatalf("CLV from measured GRR: %+v %v", c, err)
		}
		s.MarginPercent = 120
		if err := db.SetOutcomeSettings(ctx, sc, s); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("bad margin: %v", err)
		}
	})
}

func TestOutcomeProblemsStandAgainstTargets(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc, f := outcomeFixture(t, d)
		ctx := context.Background()
		b, err := db.OpenProblems(ctx, sc, 0, 0, f.Now)
		must(t, err)
		if len(b.Open) != 2 || b.Breached != 1 || b.Approaching != 1 {
			t.Fatalf("board: %+v", b)
		}
		if b.Open[0].ID != f.Near.ID || b.Open[0].Standing.State != outcome.Approaching || b.Open[1].Standing.State != outcome.Breached ||
			b.Open[0].AccountName != "Globex" || b.Open[1].Tier != "B" {
			t.Fatalf("open: %+v", b.Open)
		}
		m, err := db.Resolution(ctx, sc, 0, f.From.Time(), f.To.Time(), f.Now)
		must(t, err)
		if m.All.Resolve.N != 2 || m.All.Resolve.Median != 13*time.Hour || m.All.Resolve.P90 != 20*time.Hour || m.All.Avoided != 1 ||
			m.All.Breached != 1 || m.All.Respond.Median != 105*time.Minute {
			t.Fatalf("resolution: %+v", m.All)
		}
		if m.Managers[f.Ann.ID].Resolved != 2 || m.Tiers["A"].Resolved != 2 {
			t.Fatalf("groups: %+v", m)
		}
		got, err := db.ProblemsResolved(ctx, sc, f.Acme.ID, f.From.Time(), f.To.Time())
		must(t, err)
		if len(got) != 3 || got[0].ID != f.Met.ID || got[2].ID != f.Avoided.ID {
			t.Fatalf("resolved in 2025: %+v", got)
		}
		// Resolving the breached one stamps the resolution and is audited.
		p := f.Breach
		p.Status = outcome.Resolved
		p.RespondedAt, p.ResolvedAt = nil, nil
		must(t, db.UpdateProblem(ctx, sc, &p))
		if p.ResolvedAt == nil || !p.ResolvedAt.Equal(f.Now) || p.RespondedAt == nil {
			t.Fatalf("stamps: %+v", p)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "problem", EntityID: p.ID})
		must(t, err)
		if len(entries) != 2 {
			t.Fatalf("audit: %+v", entries)
		}
		bad := outcome.Problem{AccountID: f.Acme.ID, Title: "", Severity: "urgent"}
		if err := db.CreateProblem(ctx, sc, &bad); len(account.ErrorFields(err)) != 2 {
			t.Fatalf("bad problem: %v", err)
		}
		wrong := outcome.Problem{AccountID: f.Acme.ID, Title: "x", ReportedBy: ptr(int64(424242))}
		if err := db.CreateProblem(ctx, sc, &wrong); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("unknown reporter: %v", err)
		}
		list, _, err := db.Problems(ctx, sc, store.ProblemFilter{Status: "active"})
		must(t, err)
		if len(list) != 1 {
			t.Fatalf("active: %+v", list)
		}
		must(t, db.DeleteProblem(ctx, sc, p.ID))
		if _, err := db.Problem(ctx, sc, p.ID); account.ErrorCode(err) != account.ENOTFOUND {
			t.Fatalf("deleted: %v", err)
		}
	})
}

func TestOutcomeTargetsEscalationAndRenewals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		db, sc, f := outcomeFixture(t, d)
		ctx := context.Background()
		must(t, db.SetResolutionTargets(ctx, sc, []outcome.Target{{Tier: "B", Severity: outcome.Low, Respond: 100 * time.Hour, Resolve: 400 * time.Hour}}))
		b, err := db.OpenProblems(ctx, sc, 0, 0, f.Now)
		must(t, err)
		if b.Breached != 0 || b.Approaching != 1 {
			t.Fatalf("with a longer target the Initech problem is on track: %+v", b)
		}
		if err := db.SetResolutionTargets(ctx, sc, []outcome.Target{{Tier: "Z", Severity: outcome.Low, Respond: time.Hour, Resolve: time.Hour}}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("bad tier: %v", err)
		}
		p := &store.EscalationPath{AccountID: f.Acme.ID, Steps: []string{"Service desk", " ", "Account manager", "VP Operations"}}
		must(t, db.SetEscalationPath(ctx, sc, p))
		got, err := db.EscalationPath(ctx, sc, f.Acme.ID)
		must(t, err)
		if len(got.Steps) != 3 || got.Steps[2] != "VP Operations" {
			t.Fatalf("path: %+v", got)
		}
		// Renewal calendar: Globex's successor and Hooli's contract renew in
		// the next 180 days; Hooli's is at risk.
		rs, err := db.Renewals(ctx, sc, store.RenewalFilter{From: f.Today, To: f.Today.AddDays(181)})
		must(t, err)
		if len(rs) != 2 || rs[0].AccountName != "Hooli" || rs[0].Forecast != outcome.AtRisk || rs[0].NoticeBy.String() != "2026-03-31" {
			t.Fatalf("renewals: %+v", rs)
		}
		risky, err := db.Renewals(ctx, sc, store.RenewalFilter{From: f.Today, To: f.Today.AddDays(181), Forecast: "at_risk"})
		must(t, err)
		if len(risky) != 1 {
			t.Fatalf("at risk: %+v", risky)
		}
		if _, err := db.UpdateRenewal(ctx, sc, f.GlobexSuccessor.ID, store.RenewalUpdate{Outcome: outcome.Churned}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("churn without reason: %v", err)
		}
		if _, err := db.UpdateRenewal(ctx, sc, f.GlobexSuccessor.ID, store.RenewalUpdate{Outcome: outcome.Renewed, SuccessorID: &f.AcmeContract.ID}); account.ErrorCode(err) != account.EINVALID {
			t.Fatalf("successor of another account: %v", err)
		}
		x, err := db.UpdateRenewal(ctx, sc, f.GlobexSuccessor.ID, store.RenewalUpdate{Outcome: outcome.Renewed, Forecast: outcome.Likely})
		must(t, err)
		if x.RenewedValue != 4_000_000 {
			t.Fatalf("renewed at its value: %+v", x)
		}
		entries, _, err := db.Audit(ctx, sc, store.AuditFilter{Entity: "renewal", EntityID: x.ContractID})
		must(t, err)
		if len(entries) != 1 {
			t.Fatalf("audit: %+v", entries)
		}
		// Regular contract edits keep the renewal fields.
		c, err := db.Contract(ctx, sc, x.ContractID)
		must(t, err)
		c.Product = "Platform+"
		must(t, db.UpdateContract(ctx, sc, &c))
		if y, _ := db.Renewal(ctx, sc, x.ContractID); y.Outcome != outcome.Renewed {
			t.Fatalf("contract edit lost the renewal: %+v", y)
		}
	})
}
