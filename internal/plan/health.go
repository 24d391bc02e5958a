package plan

import (
	"math"

	"github.com/samwise-sam/samwise/internal/account"
)

// KPIState is how a KPI stands against its target.
type KPIState string

const (
	NoData      KPIState = "no_data"  // no actual recorded yet
	Behind      KPIState = "behind"   // progress more than Slack below the pace
	KPIOnTrack  KPIState = "on_track" // at or near the pace
	Met         KPIState = "met"      // the target is reached
	Slack                = 0.10       // how far below the pace still counts as on track
	healthGood           = 0.80
	healthWatch          = 0.50
)

// Progress is how far an actual has moved from the baseline toward the
// target: (actual − baseline) ÷ (target − baseline). It works for targets
// below the baseline too (fewer incidents): 0 at the baseline, 1 at the
// target, above 1 beyond it, below 0 when it went the wrong way. A target
// equal to its baseline (keep it there) is 1 when the actual equals it, else 0.
func Progress(k KPI, actual float64) float64 {
	span := k.Target - k.Baseline
	if span == 0 {
		if actual == k.Target {
			return 1
		}
		return 0
	}
	return (actual - k.Baseline) / span
}

// Pace is the share of the time from start to due that has passed on day,
// between 0 and 1: where the KPI should be by now if it moves evenly. A due
// day on or before the start makes the whole target due at once.
func Pace(start, due, day account.Date) float64 {
	if due.IsZero() || start.IsZero() {
		return 0
	}
	total := due.DaysSince(start)
	if total <= 0 {
		if day.Before(due) {
			return 0
		}
		return 1
	}
	return math.Min(1, math.Max(0, float64(day.DaysSince(start))/float64(total)))
}

// KPIStatus is a KPI with its latest actual and where it stands.
type KPIStatus struct {
	KPI      KPI
	HasData  bool
	Latest   float64
	LatestOn account.Date
	Progress float64 // see Progress
	Pace     float64 // see Pace
	State    KPIState
}

// Actual is one KPI measurement.
type Actual struct {
	KPIKey string       `json:"kpi_key"`
	On     account.Date `json:"on"`
	Value  float64      `json:"value"`
}

// EvaluateKPI says where k stands on day from its actuals (any order; only
// those on or before day and for k count). start is the plan's start, used
// when k has no due day of its own the plan's end is used.
func EvaluateKPI(k KPI, actuals []Actual, start, end, day account.Date) KPIStatus {
	st := KPIStatus{KPI: k, State: NoData}
	for _, a := range actuals {
		if a.KPIKey != k.Key || day.Before(a.On) {
			continue
		}
		if !st.HasData || !a.On.Before(st.LatestOn) {
			st.HasData, st.Latest, st.LatestOn = true, a.Value, a.On
		}
	}
	due := k.DueOn
	if due.IsZero() {
		due = end
	}
	st.Pace = Pace(start, due, day)
	if !st.HasData {
		return st
	}
	st.Progress = Progress(k, st.Latest)
	switch {
	case st.Progress >= 1:
		st.State = Met
	case st.Progress >= st.Pace-Slack:
		st.State = KPIOnTrack
	default:
		st.State = Behind
	}
	return st
}

// HealthLevel is the plan's overall health.
type HealthLevel string

const (
	NotTracked HealthLevel = "not_tracked" // nothing to judge yet
	Good       HealthLevel = "good"
	Watch      HealthLevel = "watch"
	Risky      HealthLevel = "at_risk"
)

// Label is the level in words.
func (l HealthLevel) Label() string {
	switch l {
	case Good:
		return "Good"
	case Watch:
		return "Watch"
	case Risky:
		return "At risk"
	}
	return "Not tracked"
}

// Health summarises how a plan is going.
type Health struct {
	Level       HealthLevel
	Score       float64 // share of judged points that are good, 0..1
	Initiatives map[InitiativeStatus]int
	Late        int // not started although their start day has passed
	KPIs        map[KPIState]int
	Judged      int
}

// Assess judges a plan on day. Each initiative and each KPI with data is
// one point: on-track and done initiatives, and met or on-track KPIs, score
// 1; at-risk initiatives and late ones (not started past their start day)
// score ½; off-track initiatives and behind KPIs score 0; initiatives not
// started whose start is still ahead, and KPIs without data, are not judged.
// Score = points ÷ judged. Level: at risk when any initiative is off track
// or the score is below 50%; watch below 80%; good otherwise; not tracked
// when nothing can be judged.
func Assess(initiatives []Initiative, kpis []KPIStatus, day account.Date) Health {
	h := Health{Initiatives: map[InitiativeStatus]int{}, KPIs: map[KPIState]int{}}
	var points float64
	for _, in := range initiatives {
		h.Initiatives[in.Status]++
		switch in.Status {
		case OnTrack, Done:
			points++
			h.Judged++
		case AtRisk:
			points += 0.5
			h.Judged++
		case OffTrack:
			h.Judged++
		case NotStarted:
			if !in.StartsOn.IsZero() && in.StartsOn.Before(day) {
				h.Late++
				points += 0.5
				h.Judged++
			}
		}
	}
	for _, k := range kpis {
		h.KPIs[k.State]++
		switch k.State {
		case Met, KPIOnTrack:
			points++
			h.Judged++
		case Behind:
			h.Judged++
		}
	}
	if h.Judged == 0 {
		h.Level = NotTracked
		return h
	}
	h.Score = points / float64(h.Judged)
	switch {
	case h.Initiatives[OffTrack] > 0 || h.Score < healthWatch:
		h.Level = Risky
	case h.Score < healthGood:
		h.Level = Watch
	default:
		h.Level = Good
	}
	return h
}
