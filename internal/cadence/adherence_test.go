package cadence

import (
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

func TestAdherenceCountsOverdueAndOverContactedAgainstThePromise(t *testing.T) {
	tests := []struct {
		name     string
		state    State
		over     bool
		adherent bool
	}{
		{"on track is kept", OnTrack, false, true},
		{"due soon is still kept", DueSoon, false, true},
		{"overdue breaks it", Overdue, false, false},
		{"over-contacted breaks it too", OnTrack, true, false},
		{"overdue and over-contacted", Overdue, true, false},
	}
	var total Tally
	for _, tt := range tests {
		r := Row{Status: Status{State: tt.state, OverContacted: tt.over}}
		if r.Adherent() != tt.adherent {
			t.Errorf("%s: adherent = %v", tt.name, r.Adherent())
		}
		total.Add(r)
	}
	if total.Stakeholders != 5 || total.Adherent != 2 || total.Percent() != 40 || total.Overdue != 2 || total.OverContacted != 2 {
		t.Errorf("tally = %+v (%.0f%%)", total, total.Percent())
	}
	if (Tally{}).Percent() != 100 {
		t.Error("an empty group should count as kept")
	}
}

func TestGroupByTalliesEachGroupInKeyOrder(t *testing.T) {
	rows := []Row{
		{Subject: Subject{Tier: portfolio.TierB}, Status: Status{State: Overdue}},
		{Subject: Subject{Tier: portfolio.TierA}, Status: Status{State: OnTrack}},
		{Subject: Subject{Tier: portfolio.TierB}, Status: Status{State: DueSoon}},
	}
	gs := GroupBy(rows, func(r Row) (string, string) { return string(r.Tier), "Tier " + string(r.Tier) })
	if len(gs) != 2 || gs[0].Key != "A" || gs[1].Key != "B" || gs[1].Percent() != 50 || gs[1].Label != "Tier B" {
		t.Errorf("groups = %+v", gs)
	}
}

func TestHistoryAtTakesTheTwoCheckInsOnOrBeforeTheDay(t *testing.T) {
	h := History{Subject: Subject{Started: d("2025-12-01")}, Days: []account.Date{d("2026-03-10"), d("2026-02-01"), d("2026-01-15")}}
	tests := []struct {
		day, last, prev string
		exists          bool
	}{
		{"2026-03-31", "2026-03-10", "2026-02-01", true},
		{"2026-03-10", "2026-03-10", "2026-02-01", true},
		{"2026-03-09", "2026-02-01", "2026-01-15", true},
		{"2026-01-20", "2026-01-15", "", true},
		{"2026-01-01", "", "", true},
		{"2025-11-30", "", "", false},
	}
	for _, tt := range tests {
		s, ok := h.At(d(tt.day))
		if ok != tt.exists || s.Last.String() != tt.last || s.Prev.String() != tt.prev {
			t.Errorf("at %s: %s, %s, %v; want %s, %s, %v", tt.day, s.Last, s.Prev, ok, tt.last, tt.prev, tt.exists)
		}
	}
}

func TestTrendEvaluatesEachMonthEnd(t *testing.T) {
	s := DefaultSettings()
	// Tier C operational, every 120 days: touched 2025-09-01, so due
	// 2025-12-30 — kept at the end of November, overdue at the end of
	// January, kept again after the touch of 2026-02-10.
	h := History{Subject: Subject{Tier: portfolio.TierC, Level: account.Operational, Started: d("2025-01-01")},
		Days: []account.Date{d("2026-02-10"), d("2025-09-01")}}
	ends := MonthEnds(d("2026-02-15"), 4)
	want := []string{"2025-11-30", "2025-12-31", "2026-01-31", "2026-02-15"}
	for i, e := range ends {
		if e.String() != want[i] {
			t.Fatalf("month ends = %v", ends)
		}
	}
	ps := Trend(s, Overrides{}, []History{h}, ends)
	got := []float64{ps[0].Percent, ps[1].Percent, ps[2].Percent, ps[3].Percent}
	if got[0] != 100 || got[1] != 0 || got[2] != 0 || got[3] != 100 {
		t.Errorf("trend = %v", got)
	}
}
