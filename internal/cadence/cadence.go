package cadence

import (
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// State is where a stakeholder stands against their cadence.
type State string

const (
	OnTrack State = "on_track"
	DueSoon State = "due_soon"
	Overdue State = "overdue"
)

// Policy is one cadence promise.
type Policy struct {
	IntervalDays int     // I: days between touches
	DueSoonDays  int     // W: how early "due soon" starts
	Tolerance    float64 // T: fraction of I by which touches may come early
	StartedOn    account.Date
}

// Status is a stakeholder's adherence on a day.
type Status struct {
	State         State
	OverContacted bool
	LastTouch     account.Date // zero when never touched
	NextDue       account.Date
	DaysLeft      int // NextDue − today; negative when overdue
}

// Day is the calendar day of instant t as seen in loc (the viewer's zone).
func Day(t time.Time, loc *time.Location) account.Date {
	if loc == nil {
		loc = time.UTC
	}
	return account.DateOf(t.In(loc))
}

// Evaluate computes the status on day today from the touch days, most recent
// first (last, previous; more are ignored). Touch days are calendar days in
// the viewer's time zone (see Day).
func Evaluate(p Policy, today account.Date, last, previous account.Date) Status {
	var s Status
	if last.IsZero() {
		s.NextDue = p.StartedOn
		if s.NextDue.IsZero() {
			s.NextDue = today
		}
	} else {
		s.LastTouch = last
		s.NextDue = last.AddDays(p.IntervalDays)
	}
	s.DaysLeft = s.NextDue.DaysSince(today)
	switch {
	case last.IsZero() && !today.Before(s.NextDue):
		// Never touched: overdue from the day the cadence started.
		s.State = Overdue
	case s.DaysLeft < 0:
		s.State = Overdue
	case s.DaysLeft <= p.DueSoonDays:
		s.State = DueSoon
	default:
		s.State = OnTrack
	}
	if !last.IsZero() && !previous.IsZero() {
		gap := float64(last.DaysSince(previous))
		s.OverContacted = gap < float64(p.IntervalDays)*(1-p.Tolerance)
	}
	return s
}

// Label names the state for people.
func (s State) Label() string {
	switch s {
	case Overdue:
		return "Overdue"
	case DueSoon:
		return "Due soon"
	}
	return "On track"
}
