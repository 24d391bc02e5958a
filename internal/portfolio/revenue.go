package portfolio

import "github.com/samwise-sam/samwise/internal/account"

// Window is the trailing twelve months that tiering reads revenue from: the
// days after From up to and including To. For To = 2026-11-23 it is
// 2025-11-24 … 2026-11-23, 365 days (366 when it spans a 29 February).
type Window struct {
	From account.Date // exclusive: the same day one year before To
	To   account.Date // inclusive: today
}

// TrailingYear is the window of twelve months ending today.
func TrailingYear(today account.Date) Window {
	return Window{From: account.DateOf(today.Time().AddDate(-1, 0, 0)), To: today}
}

// Days is the number of days in the window.
func (w Window) Days() int { return dayNumber(w.To) - dayNumber(w.From) }

// Won reports whether a won opportunity closed on that day counts in the
// window.
func (w Window) Won(closed account.Date) bool {
	return !closed.IsZero() && w.From.Before(closed) && !w.To.Before(closed)
}

// ContractRevenue is the part of a contract's annual value that falls in
// the window: annual × (days the contract ran in the window) ÷ (days in the
// window), rounded down to a minor unit. A contract runs from its start day
// to its end day, both included; an empty end means it has not ended. A
// contract covering the whole window counts its full annual value; one that
// ran for a quarter of it, a quarter. Start and end are "YYYY-MM-DD" (as
// text or bytes, so the store can pass what the driver gives it without
// copying); a start that is not a date counts nothing.
func ContractRevenue[T ~string | ~[]byte](annual int64, start, end T, w Window) int64 {
	s, ok := parseDay(start)
	if !ok || annual <= 0 {
		return 0
	}
	from, to := dayNumber(w.From)+1, dayNumber(w.To) // inclusive day numbers
	e := to
	if len(end) > 0 {
		if d, ok := parseDay(end); ok && d < e {
			e = d
		}
	}
	s = max(s, from)
	if e < s {
		return 0
	}
	days := int64(e - s + 1)
	return annual * days / int64(to-from+1)
}

// dayNumber is the count of days from 1970-01-01 to d (the proleptic
// Gregorian calendar), computed without time.Time so that summing 100,000
// contracts stays cheap.
func dayNumber(d account.Date) int { return daysFromCivil(d.Year, int(d.Month), d.Day) }

// daysFromCivil is Howard Hinnant's days_from_civil.
func daysFromCivil(y, m, d int) int {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era = (y - 399) / 400
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

// parseDay reads "YYYY-MM-DD" into a day number; anything else is not a
// day. It checks the shape and the month and day ranges, not whether the
// day exists in that month (the store only holds valid dates).
func parseDay[T ~string | ~[]byte](s T) (int, bool) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, false
	}
	num := func(i, j int) (int, bool) {
		n := 0
		for k := i; k < j; k++ {
			c := s[k]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	y, ok1 := num(0, 4)
	m, ok2 := num(5, 7)
	d, ok3 := num(8, 10)
	if !ok1 || !ok2 || !ok3 || m < 1 || m > 12 || d < 1 || d > 31 {
		return 0, false
	}
	return daysFromCivil(y, m, d), true
}
