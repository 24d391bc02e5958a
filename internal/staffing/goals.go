package staffing

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// Period is a goal period: a calendar year or quarter, [From, To).
type Period struct {
	Key  string       `json:"key"` // "2026" or "2026-Q4"
	From account.Date `json:"from"`
	To   account.Date `json:"to"` // the first day after the period
}

// ParsePeriod reads "2026" (a year) or "2026-Q4" (a quarter; "2026-q4" and
// "2026Q4" too).
func ParsePeriod(s string) (Period, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	bad := account.Invalid("period", "must be a year such as 2026 or a quarter such as 2026-Q4")
	year, quarter, hasQ := strings.Cut(s, "Q")
	year = strings.TrimSuffix(year, "-")
	y, err := strconv.Atoi(year)
	if err != nil || len(year) != 4 || y < 1900 || y > 9999 {
		return Period{}, bad
	}
	if !hasQ {
		return Period{Key: year, From: account.Date{Year: y, Month: 1, Day: 1}, To: account.Date{Year: y + 1, Month: 1, Day: 1}}, nil
	}
	q, err := strconv.Atoi(quarter)
	if err != nil || q < 1 || q > 4 || len(quarter) != 1 {
		return Period{}, bad
	}
	return quarterPeriod(y, q), nil
}

func quarterPeriod(y, q int) Period {
	from := account.Date{Year: y, Month: time.Month(3*(q-1) + 1), Day: 1}
	to := account.Date{Year: y, Month: time.Month(3*q + 1), Day: 1}
	if q == 4 {
		to = account.Date{Year: y + 1, Month: 1, Day: 1}
	}
	return Period{Key: fmt.Sprintf("%04d-Q%d", y, q), From: from, To: to}
}

// QuarterOf returns the quarter a day falls in.
func QuarterOf(d account.Date) Period { return quarterPeriod(d.Year, (int(d.Month)-1)/3+1) }

// IsYear reports whether the period is a whole year.
func (p Period) IsYear() bool { return !strings.Contains(p.Key, "Q") }

// Prev and Next are the periods of the same kind before and after.
func (p Period) Prev() Period {
	if p.IsYear() {
		return mustPeriod(strconv.Itoa(p.From.Year - 1))
	}
	return QuarterOf(p.From.AddDays(-1))
}

func (p Period) Next() Period {
	if p.IsYear() {
		return mustPeriod(strconv.Itoa(p.From.Year + 1))
	}
	return QuarterOf(p.To)
}

func mustPeriod(s string) Period {
	p, _ := ParsePeriod(s)
	return p
}

// Label names the period for people: "Q4 2026" or "2026".
func (p Period) Label() string {
	if p.IsYear() {
		return p.Key
	}
	y, q, _ := strings.Cut(p.Key, "-")
	return q + " " + y
}

// Days is the length of the period in days.
func (p Period) Days() int { return p.To.DaysSince(p.From) }

// Elapsed is the share of the period gone by at the end of today: 0 before
// it starts, 1 after it ends.
func (p Period) Elapsed(today account.Date) float64 {
	done := today.AddDays(1).DaysSince(p.From)
	switch {
	case done <= 0:
		return 0
	case done >= p.Days():
		return 1
	}
	return float64(done) / float64(p.Days())
}

// Goals are one manager's goals for one period.
type Goals struct {
	PersonID int64  `json:"person_id"`
	Period   string `json:"period"`
	// Revenue is the revenue uplift goal in minor units: won business.
	Revenue int64 `json:"revenue"`
	// Retention is the share of contracts due in the period to renew, in
	// percent.
	Retention int `json:"retention"`
	// Touches is the communication goal: touches on plan in the period.
	Touches   int       `json:"touches"`
	UpdatedAt time.Time `json:"updated_at"`
}

// Validate checks the goals' ranges and normalises the period key.
func (g *Goals) Validate() error {
	var fields []account.FieldError
	add := func(field, msg string) { fields = append(fields, account.FieldError{Field: field, Message: msg}) }
	if p, err := ParsePeriod(g.Period); err != nil {
		add("period", "must be a year such as 2026 or a quarter such as 2026-Q4")
	} else {
		g.Period = p.Key
	}
	if g.Revenue < 0 {
		add("revenue", "must not be negative")
	}
	if g.Retention < 0 || g.Retention > 100 {
		add("retention", "must be a percentage between 0 and 100")
	}
	if g.Touches < 0 || g.Touches > 100_000 {
		add("touches", "must be between 0 and 100000")
	}
	if len(fields) > 0 {
		return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The goals have %d invalid field(s).", len(fields)), Fields: fields}
	}
	return nil
}

// Contract is what retention needs of a contract.
type Contract struct {
	ID        int64
	AccountID int64
	Product   string
	Start     account.Date
	End       account.Date
	AutoRenew bool
	Status    account.ContractStatus
}

// FollowOnDays is how far from a contract's end a contract for the same
// product on the same account may start and still count as its renewal.
const FollowOnDays = 60

// Renewals counts, among contracts ending in the period, those ended by
// today (due) and how many of them were renewed, and those ending later in
// the period (upcoming). The rule is in the package doc.
func Renewals(cs []Contract, p Period, today account.Date) (due, renewed, upcoming int) {
	for _, c := range cs {
		if c.End.IsZero() || c.End.Before(p.From) || !c.End.Before(p.To) {
			continue
		}
		if today.Before(c.End) {
			upcoming++
			continue
		}
		due++
		if renewedContract(c, cs) {
			renewed++
		}
	}
	return due, renewed, upcoming
}

func renewedContract(c Contract, all []Contract) bool {
	if c.AutoRenew && c.Status != account.ContractCancelled && c.Status != account.ContractExpired {
		return true
	}
	for _, o := range all {
		if o.ID == c.ID || o.AccountID != c.AccountID || o.Status == account.ContractCancelled ||
			!strings.EqualFold(strings.TrimSpace(o.Product), strings.TrimSpace(c.Product)) {
			continue
		}
		if d := o.Start.DaysSince(c.End); d >= -FollowOnDays && d <= FollowOnDays {
			return true
		}
	}
	return false
}

// Actuals are what a manager achieved in a period (see the package doc).
type Actuals struct {
	Revenue  int64 `json:"revenue"`  // won in the period, minor units
	Due      int   `json:"due"`      // contracts that ended in the period so far
	Renewed  int   `json:"renewed"`  // of those, renewed
	Upcoming int   `json:"upcoming"` // contracts ending later in the period
	Touches  int   `json:"touches"`  // touches attended in the period
}

// State is how a measure stands against its goal.
type State string

const (
	NoGoal  State = "no_goal"  // no goal set
	NoData  State = "no_data"  // nothing to measure yet (retention with no contract due)
	Met     State = "met"      // the goal is reached
	OnTrack State = "on_track" // at or above the goal's share of the period elapsed
	Behind  State = "behind"
)

// Measure is one goal and its progress. Percent is the actual as a
// percentage of the goal; Expected is the percentage of the goal due by now
// (for time-proportional goals).
type Measure struct {
	Goal     int64 `json:"goal"`
	Actual   int64 `json:"actual"`
	Percent  int   `json:"percent"`
	Expected int   `json:"expected"`
	State    State `json:"state"`
}

// Progress is a manager's progress on their goals for a period.
type Progress struct {
	Period    Period  `json:"period"`
	Actuals   Actuals `json:"actuals"`
	Revenue   Measure `json:"revenue"`
	Retention Measure `json:"retention"` // Actual and Goal in percent
	Touches   Measure `json:"touches"`
}

// ProgressOf measures actuals against goals on a day.
func ProgressOf(g Goals, a Actuals, p Period, today account.Date) Progress {
	elapsed := p.Elapsed(today)
	pr := Progress{Period: p, Actuals: a,
		Revenue: paced(g.Revenue, a.Revenue, elapsed),
		Touches: paced(int64(g.Touches), int64(a.Touches), elapsed),
	}
	r := Measure{Goal: int64(g.Retention), Expected: g.Retention}
	switch {
	case a.Due == 0:
		r.State = NoData
	default:
		r.Actual = int64(percent(int64(a.Renewed), int64(a.Due)))
		r.Percent = int(r.Actual)
	}
	if r.State == "" {
		switch {
		case g.Retention == 0:
			r.State = NoGoal
		case r.Actual >= r.Goal:
			r.State = Met
		default:
			r.State = Behind
		}
	}
	pr.Retention = r
	return pr
}

// paced measures a goal meant to be reached evenly over the period.
func paced(goal, actual int64, elapsed float64) Measure {
	m := Measure{Goal: goal, Actual: actual}
	if goal <= 0 {
		m.State = NoGoal
		return m
	}
	m.Percent = percent(actual, goal)
	m.Expected = int(elapsed*100 + 0.5)
	switch {
	case actual >= goal:
		m.State = Met
	case float64(actual) >= float64(goal)*elapsed:
		m.State = OnTrack
	default:
		m.State = Behind
	}
	return m
}

// percent is part/whole as a whole percentage, rounded half up.
func percent(part, whole int64) int {
	if whole <= 0 {
		return 0
	}
	return int((part*100 + whole/2) / whole)
}
