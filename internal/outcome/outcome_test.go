package outcome

import (
	"math"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestRetentionFollowsTheDomainExample(t *testing.T) {
	// Three accounts at 100, 50, 50 ARR; the first grows to 120, the second
	// shrinks to 40, the third churns.
	r := Retain([]AccountARR{{AccountID: 1, Start: 100, End: 120}, {AccountID: 2, Start: 50, End: 40}, {AccountID: 3, Start: 50, End: 0},
		{AccountID: 4, Start: 0, End: 500}}) // won during the period: not in the cohort
	if r.Cohort != 3 || r.Retained != 2 || r.StartARR != 200 || r.Churned != 50 || r.Contraction != 10 || r.Expansion != 20 {
		t.Fatalf("got %+v", r)
	}
	if !near(r.GRR, 0.70) || !near(r.NRR, 0.80) || !near(r.Logo, 2.0/3) || !r.Defined {
		t.Fatalf("GRR %v NRR %v logo %v", r.GRR, r.NRR, r.Logo)
	}
}

func TestRetentionBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name          string
		in            []AccountARR
		logo, grr, nr float64
		defined       bool
	}{
		{"empty cohort is undefined", nil, 0, 0, 0, false},
		{"only new accounts is undefined", []AccountARR{{Start: 0, End: 10}}, 0, 0, 0, false},
		{"all kept flat", []AccountARR{{Start: 10, End: 10}}, 1, 1, 1, true},
		{"GRR never above 100% while NRR may be", []AccountARR{{Start: 10, End: 30}}, 1, 1, 3, true},
		{"all churned", []AccountARR{{Start: 10, End: 0}, {Start: 5, End: 0}}, 0, 0, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := Retain(tc.in)
			if r.Defined != tc.defined || !near(r.Logo, tc.logo) || !near(r.GRR, tc.grr) || !near(r.NRR, tc.nr) {
				t.Fatalf("got %+v", r)
			}
		})
	}
}

func TestReportSplitsStrategicFromRestAndChecksTheTarget(t *testing.T) {
	as := []AccountARR{
		{AccountID: 1, Start: 100, End: 120, Tier: "A", Strategic: true},
		{AccountID: 2, Start: 50, End: 40, Tier: "A", Strategic: true},
		{AccountID: 3, Start: 50, End: 0, Tier: "B"},
		{AccountID: 4, Start: 10, End: 10, Tier: ""},
	}
	rep := Report(as, account.Date{Year: 2026, Month: 1, Day: 1}, account.Date{Year: 2027, Month: 1, Day: 1}, "", 0.95)
	if rep.All.Cohort != 4 || rep.Strategic.Cohort != 2 || rep.Rest.Cohort != 2 || rep.Tiers["A"].Cohort != 2 || rep.Tiers[""].Cohort != 1 {
		t.Fatalf("got %+v", rep)
	}
	if !rep.TargetMet || !near(rep.Strategic.Logo, 1) || !near(rep.Rest.Logo, 0.5) {
		t.Fatalf("strategic all kept: target met; got %+v", rep)
	}
	if rep := Report(as, rep.From, rep.To, "B", 0.95); rep.All.Cohort != 1 || rep.TargetMet {
		t.Fatalf("tier B only: %+v", rep)
	}
	if rep := Report(as, rep.From, rep.To, "-", 0.95); rep.All.Cohort != 1 || rep.All.StartARR != 10 {
		t.Fatalf("untiered only: %+v", rep)
	}
}

func TestLifetimeValueFollowsTheDomainExample(t *testing.T) {
	if v, ok := LifetimeValue(100_000, 0.9, 0.1); !ok || v != 550_000 {
		t.Fatalf("CLV = %d %v, want 550000", v, ok)
	}
	for _, tc := range []struct {
		m    int64
		r, d float64
		want int64
		ok   bool
	}{
		{100_000, 0, 0, 100_000, true}, // one year only
		{100_000, 0.5, 0, 200_000, true},
		{100_000, 1, 0, 0, false}, // never leaves, never discounted: no finite value
		{100_000, -0.1, 0.1, 0, false},
	} {
		if v, ok := LifetimeValue(tc.m, tc.r, tc.d); v != tc.want || ok != tc.ok {
			t.Errorf("LifetimeValue(%d, %v, %v) = %d %v, want %d %v", tc.m, tc.r, tc.d, v, ok, tc.want, tc.ok)
		}
	}
	s := DefaultSettings()
	s.MarginPercent = 50
	c := LifetimeOf(200_000, s, 0, false)
	if c.M != 100_000 || c.Value != 550_000 || !near(c.Lifetime, 10) || !c.Defined {
		t.Fatalf("got %+v", c)
	}
	s.RetentionSource = SourceGRR
	if c := LifetimeOf(200_000, s, 0, false); c.Defined {
		t.Fatalf("no measured retention: undefined; got %+v", c)
	}
}

func TestReturnOnProgramShowsEveryInput(t *testing.T) {
	// Strategic accounts start at 1,000,000 and keep 110% (NRR); the rest
	// keep 102%. Without the program they would be at 1,020,000; they are
	// at 1,100,000: 80,000 extra ARR, at 50% margin over one year 40,000.
	// The team spent 100 meetings × 2 h + 200 calls × 0.5 h = 300 h at
	// 100 an hour = 30,000. ROI = (40,000 − 30,000) ÷ 30,000 = 1/3.
	strategic := Retention{Cohort: 2, StartARR: 1_000_000, EndARR: 1_100_000, NRR: 1.10, Defined: true}
	rest := Retention{Cohort: 8, StartARR: 500_000, EndARR: 510_000, NRR: 1.02, Defined: true}
	s := DefaultSettings()
	s.MarginPercent, s.CostPerHour = 50, 100
	from, to := account.Date{Year: 2025, Month: 1, Day: 1}, account.Date{Year: 2026, Month: 1, Day: 1}
	roi := ReturnOnProgram(strategic, rest, []TouchCount{{account.Meeting, 100, 2}, {account.Call, 200, 0.5}}, s, from, to)
	if roi.Expected != 1_020_000 || roi.ExtraARR != 80_000 || roi.ExtraMargin != 40_000 || roi.Hours != 300 || roi.Cost != 30_000 {
		t.Fatalf("got %+v", roi)
	}
	if !roi.Defined || !roi.Pays || !near(roi.Value, 1.0/3) {
		t.Fatalf("ROI %v pays %v", roi.Value, roi.Pays)
	}
	if roi := ReturnOnProgram(strategic, rest, nil, s, from, to); roi.Defined {
		t.Fatalf("no cost: undefined, got %+v", roi)
	}
}

func TestPipelineIsWeightedByStageProbability(t *testing.T) {
	rows := []StageRow{
		{ManagerID: 7, Tier: "A", Strategic: true, Stage: account.Prospecting, Count: 2, Amount: 1000},
		{ManagerID: 7, Tier: "A", Strategic: true, Stage: account.Proposal, Count: 1, Amount: 500},
		{ManagerID: 8, Tier: "B", Stage: account.Engaging, Count: 1, Amount: 200},
		{ManagerID: 7, Tier: "A", Strategic: true, Stage: account.Won, Count: 3, Amount: 900},
		{ManagerID: 8, Tier: "B", Stage: account.Lost, Count: 1, Amount: 100},
	}
	rep := RevenueOf(rows, account.Date{}, account.Date{}, "", DefaultProbabilities)
	// 1000×10% + 200×30% + 500×60% = 100 + 60 + 300
	if rep.All.Open != 1700 || rep.All.Weighted != 460 || rep.All.Won != 900 || !near(rep.All.WinRate, 0.75) {
		t.Fatalf("got %+v", rep.All)
	}
	if m := rep.Managers[7]; m.Won != 900 || m.Weighted != 400 || !near(m.WinRate, 1) {
		t.Fatalf("manager 7: %+v", m)
	}
	if g := rep.Managers[7].WithGoal(1200); !near(g.GoalShare, 0.75) {
		t.Fatalf("uplift: %+v", g)
	}
	if rep.Strategic.Won != 900 || rep.Rest.Won != 0 || rep.Tiers["B"].LostCount != 1 {
		t.Fatalf("groups: %+v", rep)
	}
	if _, ok := WinRate(0, 0); ok {
		t.Fatal("no closed opportunities: win rate undefined")
	}
}

func TestDurationsMedianAndP90(t *testing.T) {
	h := time.Hour
	for _, tc := range []struct {
		in       []time.Duration
		med, p90 time.Duration
	}{
		{nil, 0, 0},
		{[]time.Duration{3 * h}, 3 * h, 3 * h},
		{[]time.Duration{4 * h, 1 * h, 2 * h, 3 * h}, 150 * time.Minute, 4 * h},
		{[]time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 5, 9},
		{[]time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6, 10},
	} {
		d := Summarise(tc.in)
		if d.Median != tc.med || d.P90 != tc.p90 || d.N != len(tc.in) {
			t.Errorf("Summarise(%v) = %+v, want median %v p90 %v", tc.in, d, tc.med, tc.p90)
		}
	}
}

func TestBreachesAreFlaggedAsTheyApproach(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	tg := Target{Tier: "A", Severity: Critical, Respond: 4 * time.Hour, Resolve: 24 * time.Hour}
	at := func(h float64) *time.Time { v := t0.Add(time.Duration(h * float64(time.Hour))); return &v }
	for _, tc := range []struct {
		name string
		p    Problem
		now  float64
		want Breach
		on   string
	}{
		{"fresh problem is on track", Problem{}, 1, OnTrack, "respond"},
		{"three quarters of the response window gone", Problem{}, 3, Approaching, "respond"},
		{"response overdue", Problem{}, 4.5, Breached, "respond"},
		{"responded: the resolution window counts", Problem{RespondedAt: at(1)}, 10, OnTrack, "resolve"},
		{"resolution approaching", Problem{RespondedAt: at(1)}, 18, Approaching, "resolve"},
		{"resolution overdue", Problem{RespondedAt: at(1)}, 25, Breached, "resolve"},
		{"late response stays breached", Problem{RespondedAt: at(5), ResolvedAt: at(6), Status: Resolved}, 30, Breached, "respond"},
		{"resolved in time", Problem{RespondedAt: at(1), ResolvedAt: at(20), Status: Resolved}, 100, Met, "resolve"},
		{"resolved late", Problem{RespondedAt: at(1), ResolvedAt: at(30), Status: Resolved}, 100, Breached, "resolve"},
		{"avoided is not measured", Problem{Kind: KindAvoided}, 100, BreachNone, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := tc.p
			p.OpenedAt = t0
			s := Stand(p, tg, *at(tc.now))
			if s.State != tc.want || s.Which != tc.on {
				t.Fatalf("got %+v, want %s on %s", s, tc.want, tc.on)
			}
		})
	}
}

func TestMeasureTimesResponsesAndResolutions(t *testing.T) {
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	at := func(h int) *time.Time { v := t0.Add(time.Duration(h) * time.Hour); return &v }
	ps := []Problem{
		{AccountID: 1, Severity: Low, Status: Resolved, OpenedAt: t0, RespondedAt: at(1), ResolvedAt: at(10)},
		{AccountID: 1, Severity: Low, Status: Closed, OpenedAt: t0, RespondedAt: at(3), ResolvedAt: at(30)},
		{AccountID: 1, Severity: Low, Status: InProgress, OpenedAt: t0, RespondedAt: at(2)},
		{AccountID: 1, Severity: Critical, Status: Open, OpenedAt: t0},
		{AccountID: 1, Kind: KindAvoided, Status: Resolved, OpenedAt: t0},
	}
	r := Measure("1", ps, NewTargets(nil), func(int64) string { return "A" }, t0.Add(48*time.Hour))
	if r.Respond.N != 3 || r.Respond.Median != 2*time.Hour || r.Respond.P90 != 3*time.Hour {
		t.Fatalf("respond %+v", r.Respond)
	}
	if r.Resolve.N != 2 || r.Resolve.Median != 20*time.Hour || r.Resolved != 2 || r.Open != 2 || r.Avoided != 1 {
		t.Fatalf("got %+v", r)
	}
	// The critical one is past its 1 h response target.
	if r.Breached != 1 {
		t.Fatalf("breached %d", r.Breached)
	}
}

func TestAgeBucketsAndRenewalWindows(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	b := AgeBuckets([]time.Time{now.Add(-time.Hour), now.AddDate(0, 0, -7), now.AddDate(0, 0, -8), now.AddDate(0, 0, -91)}, now)
	if b[0].Count != 2 || b[1].Count != 1 || b[2].Count != 0 || b[3].Count != 1 {
		t.Fatalf("got %+v", b)
	}
	today := account.Date{Year: 2026, Month: 6, Day: 1}
	for _, tc := range []struct{ days, want int }{{-1, 0}, {0, 30}, {30, 30}, {31, 60}, {90, 90}, {91, 180}, {180, 180}, {181, 0}} {
		if got := Window(today.AddDays(tc.days), today); got != tc.want {
			t.Errorf("renewal in %d days: window %d, want %d", tc.days, got, tc.want)
		}
	}
	if got := NoticeBy(account.Date{Year: 2026, Month: 9, Day: 30}, 60); got.String() != "2026-08-01" {
		t.Errorf("notice by %s", got)
	}
}

func TestValidation(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	p := Problem{AccountID: 1, Title: " Outage ", Severity: High}
	p.Normalize(now)
	if err := p.Validate(); err != nil || p.Title != "Outage" || p.Status != Open {
		t.Fatalf("%v %+v", err, p)
	}
	bad := Problem{Severity: "urgent", Status: "done", Kind: "x", Escalation: 9, OpenedAt: now}
	err := bad.Validate()
	if len(account.ErrorFields(err)) != 6 {
		t.Fatalf("want 6 field errors, got %v", err)
	}
	avoided := Problem{AccountID: 1, Title: "Caught expiring certificate", Kind: KindAvoided}
	avoided.Normalize(now)
	if avoided.Status != Resolved || avoided.ResolvedAt == nil || avoided.Validate() != nil {
		t.Fatalf("avoided: %+v", avoided)
	}
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatal(err)
	}
	s := DefaultSettings()
	s.RetentionTarget, s.MarginPercent, s.RetentionSource = 2, -1, "guess"
	if len(account.ErrorFields(s.Validate())) != 3 {
		t.Fatalf("got %v", s.Validate())
	}
	if err := ValidateTargets(DefaultTargets()); err != nil {
		t.Fatal(err)
	}
	if err := ValidateTargets([]Target{{Tier: "D", Severity: Low, Respond: 2 * time.Hour, Resolve: time.Hour}}); len(account.ErrorFields(err)) != 2 {
		t.Fatalf("got %v", err)
	}
	if err := ValidateRenewal(AtRisk, Churned, "", 30, 0); len(account.ErrorFields(err)) != 1 {
		t.Fatalf("churn needs a reason: %v", err)
	}
}
