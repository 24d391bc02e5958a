package cadence

import (
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

func d(s string) account.Date {
	v, err := account.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return v
}

func TestEvaluateAtItsBoundaries(t *testing.T) {
	p := Policy{IntervalDays: 30, DueSoonDays: 7, Tolerance: 0.5, StartedOn: d("2026-01-01")}
	tests := []struct {
		name           string
		today, l, prev string
		state          State
		over           bool
		daysLeft       int
	}{
		{"touched today is on track", "2026-03-01", "2026-03-01", "", OnTrack, false, 30},
		{"one day before the window is on track", "2026-03-23", "2026-03-01", "", OnTrack, false, 8},
		{"first day of the window is due soon", "2026-03-24", "2026-03-01", "", DueSoon, false, 7},
		{"the due day itself is due soon", "2026-03-31", "2026-03-01", "", DueSoon, false, 0},
		{"the day after the due day is overdue", "2026-04-01", "2026-03-01", "", Overdue, false, -1},
		{"leap day counts: 2028-02-01 + 30 = 2028-03-02", "2028-03-02", "2028-02-01", "", DueSoon, false, 0},
		{"leap day counts: overdue on 2028-03-03", "2028-03-03", "2028-02-01", "", Overdue, false, -1},
		{"never touched is overdue from the day the cadence started", "2026-01-01", "", "", Overdue, false, 0},
		{"never touched before the cadence starts", "2025-12-20", "", "", OnTrack, false, 12},
		{"two touches 14 days apart are over-contacted (14 < 15)", "2026-03-20", "2026-03-15", "2026-03-01", OnTrack, true, 25},
		{"two touches 15 days apart are not (15 = 30 × 0.5)", "2026-03-20", "2026-03-16", "2026-03-01", OnTrack, false, 26},
		{"over-contacted shows beside overdue", "2026-06-01", "2026-03-02", "2026-03-01", Overdue, true, -61},
		{"same-day touches are over-contacted", "2026-03-01", "2026-03-01", "2026-03-01", OnTrack, true, 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var prev account.Date
			if tt.prev != "" {
				prev = d(tt.prev)
			}
			var last account.Date
			if tt.l != "" {
				last = d(tt.l)
			}
			got := Evaluate(p, d(tt.today), last, prev)
			if got.State != tt.state || got.OverContacted != tt.over || got.DaysLeft != tt.daysLeft {
				t.Errorf("got %+v; want %s over=%v days left %d", got, tt.state, tt.over, tt.daysLeft)
			}
		})
	}
}

func TestTheViewersTimeZoneDecidesTheDay(t *testing.T) {
	// 23:30 UTC on 31 March is already 1 April in Tokyo and still 31 March
	// in New York: the same touch falls on different calendar days.
	touch := time.Date(2026, 3, 31, 23, 30, 0, 0, time.UTC)
	tokyo, _ := time.LoadLocation("Asia/Tokyo")
	ny, _ := time.LoadLocation("America/New_York")
	if got := Day(touch, tokyo); got != d("2026-04-01") {
		t.Errorf("Tokyo day = %s", got)
	}
	if got := Day(touch, ny); got != d("2026-03-31") {
		t.Errorf("New York day = %s", got)
	}
	p := Policy{IntervalDays: 1, DueSoonDays: 0}
	// With a daily cadence, on 2 April the Tokyo viewer's touch (1 April) is
	// due today, while the New York viewer's (31 March) is a day overdue.
	if s := Evaluate(p, d("2026-04-02"), Day(touch, tokyo), account.Date{}); s.State != DueSoon {
		t.Errorf("Tokyo: %+v", s)
	}
	if s := Evaluate(p, d("2026-04-02"), Day(touch, ny), account.Date{}); s.State != Overdue {
		t.Errorf("New York: %+v", s)
	}
}
