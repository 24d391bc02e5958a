package cadence

import (
	"slices"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// Subject is one active stakeholder of an account with what adherence needs
// to know: the account's tier and owner, the stakeholder's level, when the
// cadence started (the stakeholder was added) and the days of the two most
// recent check-ins (zero when fewer).
type Subject struct {
	AccountID     int64
	AccountName   string
	OwnerID       int64 // the account manager; 0 if unassigned
	Tier          portfolio.Tier
	StakeholderID int64
	Name          string
	Level         account.Level
	Started       account.Date
	Last, Prev    account.Date
}

// Row is a subject evaluated on a day.
type Row struct {
	Subject
	Interval Interval
	Status
}

// Adherent reports whether the promise is kept: not overdue and not
// over-contacted. Over-contacting breaks the promise as surely as silence
// does ("too few touches and too many both break it"), so both count
// against adherence.
func (r Row) Adherent() bool { return r.State != Overdue && !r.OverContacted }

// Overrides are the agreements and accelerations of the accounts evaluated,
// by account id.
type Overrides struct {
	Agreements    map[int64][]Agreement
	Accelerations map[int64][]Acceleration
}

// EvaluateAll evaluates every subject on day today.
func EvaluateAll(s Settings, o Overrides, subjects []Subject, today account.Date) []Row {
	rows := make([]Row, len(subjects))
	for i, sub := range subjects {
		rows[i].Subject = sub
	}
	EvaluateRows(s, o, rows, today)
	return rows
}

// Tally is adherence over a group of rows.
type Tally struct {
	Key           string // the group: a tier, a person id, an account id
	Label         string
	Stakeholders  int
	Adherent      int
	OnTrack       int
	DueSoon       int
	Overdue       int
	OverContacted int
}

// Add counts one row.
func (t *Tally) Add(r Row) {
	t.Stakeholders++
	if r.Adherent() {
		t.Adherent++
	}
	switch r.State {
	case OnTrack:
		t.OnTrack++
	case DueSoon:
		t.DueSoon++
	case Overdue:
		t.Overdue++
	}
	if r.OverContacted {
		t.OverContacted++
	}
}

// Percent is the share of adherent stakeholders, 0-100; a group without
// stakeholders has nothing to break and counts as 100.
func (t Tally) Percent() float64 {
	if t.Stakeholders == 0 {
		return 100
	}
	return 100 * float64(t.Adherent) / float64(t.Stakeholders)
}

// GroupBy tallies rows by the key fn returns (its label second), sorted by
// key. Rows whose key is "" are skipped.
func GroupBy(rows []Row, fn func(Row) (key, label string)) []Tally {
	m := map[string]*Tally{}
	for _, r := range rows {
		k, l := fn(r)
		if k == "" {
			continue
		}
		t := m[k]
		if t == nil {
			t = &Tally{Key: k, Label: l}
			m[k] = t
		}
		t.Add(r)
	}
	out := make([]Tally, 0, len(m))
	for _, t := range m {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b Tally) int {
		switch {
		case a.Key < b.Key:
			return -1
		case a.Key > b.Key:
			return 1
		}
		return 0
	})
	return out
}

// Total tallies every row.
func Total(rows []Row) Tally {
	t := Tally{Key: "all", Label: "All"}
	for _, r := range rows {
		t.Add(r)
	}
	return t
}

// History is the check-in days of one subject, most recent first, for the
// trend: adherence on past days needs the two touches before each day.
type History struct {
	Subject
	Days []account.Date // descending
}

// At returns the subject as it stood at the end of day d: the two most
// recent check-ins on or before d. ok is false when the stakeholder did not
// exist yet.
func (h History) At(d account.Date) (Subject, bool) {
	if d.Before(h.Started) {
		return Subject{}, false
	}
	s := h.Subject
	s.Last, s.Prev = account.Date{}, account.Date{}
	i, _ := slices.BinarySearchFunc(h.Days, d, func(e, t account.Date) int {
		// Days are descending: the first index whose day is on or before d.
		switch {
		case t.Before(e):
			return -1
		case e.Before(t):
			return 1
		}
		return 0
	})
	if i < len(h.Days) {
		s.Last = h.Days[i]
	}
	if i+1 < len(h.Days) {
		s.Prev = h.Days[i+1]
	}
	return s, true
}

// Point is adherence on one day of a trend.
type Point struct {
	Day     account.Date
	Percent float64
	Tally   Tally
}

// Trend evaluates adherence at each of days (e.g. month ends) from the
// histories. Overrides apply as they stand now except accelerations, which
// apply on the days they covered; agreements carry no history of their own.
func Trend(s Settings, o Overrides, hs []History, days []account.Date) []Point {
	out := make([]Point, 0, len(days))
	for _, d := range days {
		t := Tally{Key: d.String()}
		for _, h := range hs {
			sub, ok := h.At(d)
			if !ok {
				continue
			}
			iv := Resolve(s, sub.Tier, sub.Level, sub.StakeholderID, o.Agreements[sub.AccountID], o.Accelerations[sub.AccountID], d)
			t.Add(Row{Subject: sub, Interval: iv, Status: Evaluate(s.Policy(iv, sub.Started), d, sub.Last, sub.Prev)})
		}
		out = append(out, Point{Day: d, Percent: t.Percent(), Tally: t})
	}
	return out
}

// MonthEnds returns the last day of each of the n months up to and including
// today's month; the current month ends today.
func MonthEnds(today account.Date, n int) []account.Date {
	out := make([]account.Date, n)
	first := account.Date{Year: today.Year, Month: today.Month, Day: 1}
	for i := range n {
		m := first.Time().AddDate(0, -i, 0)
		end := account.DateOf(m.AddDate(0, 1, -1))
		if i == 0 {
			end = today
		}
		out[n-1-i] = end
	}
	return out
}
