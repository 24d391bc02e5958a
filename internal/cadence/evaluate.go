package cadence

import (
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// EvaluateRows fills in the interval and status of every row on day today,
// from the subject each row carries: what EvaluateAll does, in place.
// Disjoint parts of one slice may be evaluated concurrently.
//
// A whole organisation is half a million rows, so the common case —
// the tier default for one of the four levels, on dates of the last and
// next century — is computed on day numbers from a table built once;
// account.Date's arithmetic goes through time.Time for each step. Every
// other case (an agreement or acceleration on the account, an unknown
// level, a date outside the range) goes through Resolve and Evaluate
// themselves, and the fast path gives the same answer as they do
// (TestEvaluateRowsAgreesWithEvaluate).
func EvaluateRows(s Settings, o Overrides, rows []Row, today account.Date) {
	var days [3][4]int // by tier index (A, B, C) then level index
	for ti := range days {
		for li := range days[ti] {
			days[ti][li] = Resolve(s, Tiers[ti], account.Levels[li], 0, nil, nil, today).Days
		}
	}
	tn, todayOK := dayNumber(today)
	overrides := len(o.Agreements) > 0 || len(o.Accelerations) > 0
	var lastAcct int64
	var agreed []Agreement
	var accel []Acceleration
	haveAcct := false
	for i := range rows {
		r := &rows[i]
		sub := &r.Subject
		if overrides && (!haveAcct || sub.AccountID != lastAcct) {
			lastAcct, haveAcct = sub.AccountID, true
			agreed, accel = o.Agreements[sub.AccountID], o.Accelerations[sub.AccountID]
		}
		li := levelIndex(sub.Level)
		if len(agreed) > 0 || len(accel) > 0 || li < 0 {
			r.Interval = Resolve(s, sub.Tier, sub.Level, sub.StakeholderID, agreed, accel, today)
		} else {
			r.Interval = Interval{Days: days[tierIndex(sub.Tier)][li], Source: FromTier}
		}
		p := s.Policy(r.Interval, sub.Started)
		if !todayOK || !evaluateDays(&r.Status, p, tn, today, sub.Last, sub.Prev) {
			r.Status = Evaluate(p, today, sub.Last, sub.Prev)
		}
	}
}

// evaluateDays is Evaluate on day numbers. It reports false, leaving st
// to be overwritten, when a date is outside the range it handles.
func evaluateDays(st *Status, p Policy, today int64, todayDate, last, prev account.Date) bool {
	*st = Status{}
	var next int64
	if last.IsZero() {
		if p.StartedOn.IsZero() {
			next = today
			st.NextDue = todayDate
		} else {
			n, ok := dayNumber(p.StartedOn)
			if !ok {
				return false
			}
			next = n
			st.NextDue = p.StartedOn
		}
	} else {
		n, ok := dayNumber(last)
		if !ok {
			return false
		}
		st.LastTouch = last
		next = n + int64(p.IntervalDays)
		if next < minDayNumber || next > maxDayNumber {
			return false
		}
		st.NextDue = dateOfNumber(next)
	}
	st.DaysLeft = int(next - today)
	switch {
	case last.IsZero() && today >= next:
		st.State = Overdue
	case st.DaysLeft < 0:
		st.State = Overdue
	case st.DaysLeft <= p.DueSoonDays:
		st.State = DueSoon
	default:
		st.State = OnTrack
	}
	if !last.IsZero() && !prev.IsZero() {
		ln, _ := dayNumber(last)
		pn, ok := dayNumber(prev)
		if !ok {
			return false
		}
		st.OverContacted = float64(ln-pn) < float64(p.IntervalDays)*(1-p.Tolerance)
	}
	return true
}

func levelIndex(l account.Level) int {
	switch l {
	case account.Executive:
		return 0
	case account.SeniorManagement:
		return 1
	case account.MiddleManagement:
		return 2
	case account.Operational:
		return 3
	}
	return -1
}

// tierIndex is the place of a tier in Tiers; anything else counts as C,
// as in Resolve.
func tierIndex(t portfolio.Tier) int {
	switch t {
	case portfolio.TierA:
		return 0
	case portfolio.TierB:
		return 1
	}
	return 2
}

// The days the fast path handles: 1 January 1900 to 31 December 2149.
// Any two of them are less than the ±292 years a time.Duration holds
// apart, so account.Date.DaysSince, which subtracts times, is exact
// between them; outside, Evaluate keeps its own answer.
const minYear, maxYear = 1900, 2149

var (
	minDayNumber = daysFromCivil(minYear, time.January, 1)
	maxDayNumber = daysFromCivil(maxYear, time.December, 31)
)

// dayNumber is d as days since 1 January 1970, when d is a real calendar
// day (as account.DateOf makes) in the range handled.
func dayNumber(d account.Date) (int64, bool) {
	if d.Year < minYear || d.Year > maxYear || d.Month < time.January || d.Month > time.December ||
		d.Day < 1 || d.Day > daysIn(d.Year, d.Month) {
		return 0, false
	}
	return daysFromCivil(d.Year, d.Month, d.Day), true
}

func daysIn(y int, m time.Month) int {
	switch m {
	case time.February:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case time.April, time.June, time.September, time.November:
		return 30
	}
	return 31
}

// daysFromCivil and dateOfNumber convert between proleptic Gregorian dates
// and days since 1970-01-01 (Howard Hinnant's algorithms).
func daysFromCivil(y int, m time.Month, d int) int64 {
	yy := int64(y)
	if m <= time.February {
		yy--
	}
	era := yy / 400
	if yy < 0 && yy%400 != 0 {
		era--
	}
	yoe := yy - era*400
	mp := (int64(m) + 9) % 12
	doy := (153*mp+2)/5 + int64(d) - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func dateOfNumber(z int64) account.Date {
	z += 719468
	era := z / 146097
	if z < 0 && z%146097 != 0 {
		era--
	}
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y := yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d := doy - (153*mp+2)/5 + 1
	m := mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return account.Date{Year: int(y), Month: time.Month(m), Day: int(d)}
}
