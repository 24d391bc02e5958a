package staffing

import (
	"slices"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
)

func day(s string) account.Date {
	d, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

func accountFields(err error) []string {
	var out []string
	for _, f := range account.ErrorFields(err) {
		out = append(out, f.Field)
	}
	return out
}

func TestPeriodsAreYearsAndQuarters(t *testing.T) {
	cases := []struct {
		in, key, from, to, label string
	}{
		{"2026", "2026", "2026-01-01", "2027-01-01", "2026"},
		{"2026-Q1", "2026-Q1", "2026-01-01", "2026-04-01", "Q1 2026"},
		{"2026-q4", "2026-Q4", "2026-10-01", "2027-01-01", "Q4 2026"},
		{" 2026Q3 ", "2026-Q3", "2026-07-01", "2026-10-01", "Q3 2026"},
	}
	for _, tc := range cases {
		p, err := ParsePeriod(tc.in)
		if err != nil || p.Key != tc.key || p.From.String() != tc.from || p.To.String() != tc.to || p.Label() != tc.label {
			t.Errorf("%q: %+v %q %v", tc.in, p, p.Label(), err)
		}
	}
	for _, bad := range []string{"", "26", "2026-Q5", "2026-Q0", "2026-Q12", "Q4", "2026-04", "twenty"} {
		if _, err := ParsePeriod(bad); account.ErrorCode(err) != account.EINVALID {
			t.Errorf("%q accepted", bad)
		}
	}
}

func TestPeriodNavigationAndTheQuarterOfADay(t *testing.T) {
	q := QuarterOf(day("2026-11-15"))
	if q.Key != "2026-Q4" || q.Next().Key != "2027-Q1" || q.Prev().Key != "2026-Q3" {
		t.Errorf("%s, next %s, prev %s", q.Key, q.Next().Key, q.Prev().Key)
	}
	if QuarterOf(day("2026-01-01")).Prev().Key != "2025-Q4" {
		t.Error("the quarter before Q1 is last year's Q4")
	}
	y, _ := ParsePeriod("2026")
	if y.Next().Key != "2027" || y.Prev().Key != "2025" || !y.IsYear() {
		t.Errorf("year navigation: %s %s", y.Next().Key, y.Prev().Key)
	}
}

func TestElapsedCountsToday(t *testing.T) {
	q, _ := ParsePeriod("2026-Q1") // 90 days
	cases := []struct {
		today string
		want  float64
	}{
		{"2025-12-31", 0},
		{"2026-01-01", 1.0 / 90},
		{"2026-02-14", 45.0 / 90},
		{"2026-03-31", 1},
		{"2026-06-01", 1},
	}
	for _, tc := range cases {
		if got := q.Elapsed(day(tc.today)); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.today, got, tc.want)
		}
	}
}

func TestRenewalsFollowTheDocumentedRule(t *testing.T) {
	q, _ := ParsePeriod("2026-Q1")
	today := day("2026-02-15")
	cs := []Contract{
		{ID: 1, AccountID: 1, Product: "Core", End: day("2026-01-10"), AutoRenew: true, Status: account.ContractActive}, // renewed: auto-renews
		{ID: 2, AccountID: 1, Product: "Ops", End: day("2026-01-20"), Status: account.ContractExpired},                  // renewed by contract 3
		{ID: 3, AccountID: 1, Product: "ops", Start: day("2026-02-01"), End: day("2027-01-31"), Status: account.ContractActive},
		{ID: 4, AccountID: 2, Product: "Core", End: day("2026-02-01"), Status: account.ContractExpired},                    // lost: no follow-on
		{ID: 5, AccountID: 2, Product: "Core", End: day("2026-02-10"), AutoRenew: true, Status: account.ContractCancelled}, // lost: cancelled
		{ID: 6, AccountID: 3, Product: "Core", End: day("2026-01-05"), Status: account.ContractExpired},                    // lost: follow-on too late
		{ID: 7, AccountID: 3, Product: "Core", Start: day("2026-03-10"), End: day("2027-03-09"), Status: account.ContractPending},
		{ID: 8, AccountID: 4, Product: "Core", End: day("2026-03-20"), Status: account.ContractActive},  // upcoming
		{ID: 9, AccountID: 4, Product: "Core", End: day("2025-12-31"), Status: account.ContractExpired}, // before the period
		{ID: 10, AccountID: 5, Product: "Core", Status: account.ContractActive},                         // open-ended
	}
	due, renewed, upcoming := Renewals(cs, q, today)
	if due != 5 || renewed != 2 || upcoming != 1 {
		t.Errorf("due %d renewed %d upcoming %d, want 5 2 1", due, renewed, upcoming)
	}
}

func TestProgressComparesWithTheShareOfThePeriodElapsed(t *testing.T) {
	q, _ := ParsePeriod("2026-Q1")
	half := day("2026-02-14") // 45 of 90 days
	g := Goals{Revenue: 100_000, Retention: 90, Touches: 40}
	cases := []struct {
		name                       string
		a                          Actuals
		revenue, retention, touchs State
		revPercent, retPercent     int
	}{
		{"ahead of pace", Actuals{Revenue: 60_000, Due: 10, Renewed: 9, Touches: 20}, OnTrack, Met, OnTrack, 60, 90},
		{"behind pace", Actuals{Revenue: 40_000, Due: 4, Renewed: 3, Touches: 19}, Behind, Behind, Behind, 40, 75},
		{"goal reached early", Actuals{Revenue: 120_000, Touches: 40}, Met, NoData, Met, 120, 0},
	}
	for _, tc := range cases {
		p := ProgressOf(g, tc.a, q, half)
		if p.Revenue.State != tc.revenue || p.Retention.State != tc.retention || p.Touches.State != tc.touchs {
			t.Errorf("%s: states %s %s %s", tc.name, p.Revenue.State, p.Retention.State, p.Touches.State)
		}
		if p.Revenue.Percent != tc.revPercent || p.Retention.Percent != tc.retPercent || p.Revenue.Expected != 50 {
			t.Errorf("%s: revenue %d%% (expected %d%%), retention %d%%", tc.name, p.Revenue.Percent, p.Revenue.Expected, p.Retention.Percent)
		}
	}
	none := ProgressOf(Goals{}, Actuals{Revenue: 5, Due: 1, Renewed: 1}, q, half)
	if none.Revenue.State != NoGoal || none.Touches.State != NoGoal || none.Retention.State != NoGoal || none.Retention.Actual != 100 {
		t.Errorf("without goals: %+v", none)
	}
}

func TestGoalsValidateAndNormaliseThePeriod(t *testing.T) {
	g := Goals{Period: "2026q4", Revenue: 1, Retention: 95, Touches: 10}
	if err := g.Validate(); err != nil || g.Period != "2026-Q4" {
		t.Fatalf("%v, period %q", err, g.Period)
	}
	bad := Goals{Period: "soon", Revenue: -1, Retention: 101, Touches: -1}
	if got := accountFields(bad.Validate()); !slices.Equal(got, []string{"period", "revenue", "retention", "touches"}) {
		t.Errorf("fields %v", got)
	}
}
