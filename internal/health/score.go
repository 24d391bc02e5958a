package health

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// Key names a signal.
type Key string

const (
	Adherence Key = "adherence" // cadence adherence
	NPS       Key = "nps"       // net promoter score of the account's key contacts
	Problems  Key = "problems"  // open severe problems
	Renewal   Key = "renewal"   // renewal proximity and forecast
	Coverage  Key = "coverage"  // relationship coverage
	Plan      Key = "plan"      // account-plan progress
	Revenue   Key = "revenue"   // revenue trend
)

// Keys lists every signal in display order.
var Keys = []Key{Adherence, NPS, Problems, Renewal, Coverage, Plan, Revenue}

// Label is the signal's name for people.
func (k Key) Label() string {
	switch k {
	case Adherence:
		return "Cadence adherence"
	case NPS:
		return "NPS"
	case Problems:
		return "Open severe problems"
	case Renewal:
		return "Renewal"
	case Coverage:
		return "Relationship coverage"
	case Plan:
		return "Plan progress"
	case Revenue:
		return "Revenue trend"
	}
	return string(k)
}

// Valid reports whether k is one of Keys.
func (k Key) Valid() bool { return slices.Contains(Keys, k) }

// Forecast is the account manager's call on the next renewal.
type Forecast string

const (
	ForecastNone     Forecast = ""
	ForecastCommit   Forecast = "commit"
	ForecastLikely   Forecast = "likely"
	ForecastUpside   Forecast = "upside"
	ForecastAtRisk   Forecast = "at_risk"
	ForecastUnlikely Forecast = "unlikely"
)

// forecastValue maps a forecast to 0-100; unknown forecasts count as 50.
func forecastValue(f Forecast) float64 {
	switch Forecast(strings.ToLower(string(f))) {
	case ForecastCommit, "renewing", "committed", "won", "expand", "expanding":
		return 100
	case ForecastLikely, "probable", "best_case":
		return 75
	case ForecastUpside:
		return 60
	case ForecastAtRisk, "risk", "at-risk":
		return 25
	case ForecastUnlikely, "churn", "churning", "lost":
		return 0
	}
	return 50
}

// Inputs are the raw facts about one account on one day. A nil pointer is
// "no data".
type Inputs struct {
	// AdherencePct is the share of the account's active stakeholders whose
	// cadence is kept (not overdue, not over-contacted), 0-100.
	AdherencePct *float64
	// NPSValue is the account's NPS, −100..100.
	NPSValue *float64
	// OpenSevere counts open problems of high or critical severity.
	OpenSevere *int
	// RenewalDays is the number of days to the next renewal (negative when
	// it is past and unresolved); Forecast the call on it.
	RenewalDays *int
	Forecast    Forecast
	// CoveragePct is relationship coverage, 0-100.
	CoveragePct *float64
	// PlanPct is the progress of the account plan, 0-100.
	PlanPct *float64
	// ARRNow and ARRYearAgo are the annualised contract value today and a
	// year ago, in minor units.
	ARRNow, ARRYearAgo *int64
}

// RenewalWindow is the number of days before a renewal from which its
// forecast starts to weigh on the renewal signal.
const RenewalWindow = 180

// Signals are the normalised signals of an account, 0-100 each; a missing
// key is "no data".
type Signals map[Key]float64

// Normalise turns raw inputs into signals, each 0-100 where higher is
// healthier:
//
//   - adherence: the adherent share as is.
//   - nps: (NPS + 100) / 2, so −100 → 0, 0 → 50, 100 → 100.
//   - problems: 100 / (1 + n) for n open severe problems: 0 → 100, 1 → 50,
//     2 → 33.3, 3 → 25.
//   - renewal: with forecast value f (commit 100, likely 75, upside 60,
//     none or unknown 50, at risk 25, unlikely 0) and proximity
//     p = clamp(days / 180, 0, 1): f + (100 − f) × p. A renewal half a year
//     or more away scores 100 whatever the forecast; on the day (or past it)
//     the score is the forecast.
//   - coverage and plan: the percentage as is.
//   - revenue: with growth g = (ARR now − ARR a year ago) / ARR a year ago:
//     clamp(50 + 100 × g, 0, 100), so flat → 50, +50 % → 100, −50 % → 0; a
//     new account (nothing a year ago, something now) → 100; nothing both
//     times → no data.
func Normalise(in Inputs) Signals {
	s := Signals{}
	if in.AdherencePct != nil {
		s[Adherence] = clamp(*in.AdherencePct)
	}
	if in.NPSValue != nil {
		s[NPS] = clamp((*in.NPSValue + 100) / 2)
	}
	if in.OpenSevere != nil {
		n := max(*in.OpenSevere, 0)
		s[Problems] = 100 / float64(1+n)
	}
	if in.RenewalDays != nil {
		f := forecastValue(in.Forecast)
		p := math.Min(math.Max(float64(*in.RenewalDays)/RenewalWindow, 0), 1)
		s[Renewal] = clamp(f + (100-f)*p)
	}
	if in.CoveragePct != nil {
		s[Coverage] = clamp(*in.CoveragePct)
	}
	if in.PlanPct != nil {
		s[Plan] = clamp(*in.PlanPct)
	}
	if in.ARRNow != nil && in.ARRYearAgo != nil {
		now, then := *in.ARRNow, *in.ARRYearAgo
		switch {
		case then > 0:
			g := float64(now-then) / float64(then)
			s[Revenue] = clamp(50 + 100*g)
		case now > 0:
			s[Revenue] = 100
		}
	}
	return s
}

func clamp(v float64) float64 {
	if math.IsNaN(v) {
		return 0
	}
	return math.Min(math.Max(v, 0), 100)
}

// Weights are the relative weights of the signals (≥ 0; they need not sum
// to anything).
type Weights map[Key]float64

// DefaultWeights favour the signals closest to a renewal decision.
func DefaultWeights() Weights {
	return Weights{Adherence: 20, NPS: 15, Problems: 15, Renewal: 20, Coverage: 10, Plan: 10, Revenue: 10}
}

// Settings are an organisation's health policy.
type Settings struct {
	Weights Weights `json:"weights"`
	// DropAlert is the fall in points, against the previous snapshot, that
	// alerts the account manager (0 turns alerts off).
	DropAlert float64 `json:"drop_alert"`
}

// DefaultDropAlert is the default sharp drop, in points.
const DefaultDropAlert = 15

// DefaultSettings are the settings of an organisation that saved none.
func DefaultSettings() Settings {
	return Settings{Weights: DefaultWeights(), DropAlert: DefaultDropAlert}
}

// Complete fills what is missing with defaults: a weight missing for a
// signal is its default weight.
func (s Settings) Complete() Settings {
	w := Weights{}
	d := DefaultWeights()
	for _, k := range Keys {
		if v, ok := s.Weights[k]; ok {
			w[k] = v
		} else {
			w[k] = d[k]
		}
	}
	s.Weights = w
	return s
}

// Validate checks the settings: weights finite, ≥ 0 and not all zero; the
// drop alert 0-100; no unknown signal.
func (s Settings) Validate() error {
	var fe []account.FieldError
	add := func(f, m string) { fe = append(fe, account.FieldError{Field: f, Message: m}) }
	total := 0.0
	for _, k := range sortedKeys(s.Weights) {
		v := s.Weights[k]
		switch {
		case !k.Valid():
			add("weights."+string(k), "is not a signal")
		case math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > 1000:
			add("weights."+string(k), "must be between 0 and 1000")
		default:
			total += v
		}
	}
	if len(fe) == 0 && total == 0 {
		add("weights", "at least one weight must be above zero")
	}
	if math.IsNaN(s.DropAlert) || s.DropAlert < 0 || s.DropAlert > 100 {
		add("drop_alert", "must be between 0 and 100 points")
	}
	if len(fe) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The health settings have %d invalid field(s).", len(fe)), Fields: fe}
}

func sortedKeys(w Weights) []Key {
	ks := make([]Key, 0, len(w))
	for k := range w {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// Contribution is one signal's part in a score.
type Contribution struct {
	Key    Key     `json:"key"`
	Label  string  `json:"label"`
	Value  float64 `json:"value"`  // the signal, 0-100
	Weight float64 `json:"weight"` // its weight as configured
	Share  float64 `json:"share"`  // its weight's share among available signals, 0-1
	Points float64 `json:"points"` // Share × Value: what it adds to the score
	NoData bool    `json:"no_data"`
}

// Score is a health score with its explanation.
type Score struct {
	// Value is the score 0-100; Scored is false when no weighted signal had
	// data (Value is then 0 and means nothing).
	Value         float64        `json:"value"`
	Scored        bool           `json:"scored"`
	Band          Band           `json:"band"`
	Contributions []Contribution `json:"contributions"`
}

// Band groups scores for display.
type Band string

const (
	Healthy  Band = "healthy" // 70 and above
	Watch    Band = "watch"   // 40 to below 70
	AtRisk   Band = "at_risk" // below 40
	Unscored Band = "no_data"
)

// BandOf returns the band of a score.
func BandOf(v float64) Band {
	switch {
	case v >= 70:
		return Healthy
	case v >= 40:
		return Watch
	}
	return AtRisk
}

// Label is the band's name for people.
func (b Band) Label() string {
	switch b {
	case Healthy:
		return "Healthy"
	case Watch:
		return "Watch"
	case AtRisk:
		return "At risk"
	}
	return "No data"
}

// Compute scores signals with weights: score = Σ wᵢ·sᵢ ÷ Σ wᵢ over the
// signals that have data and a weight above zero. Each contribution is
// wᵢ·sᵢ ÷ Σ wᵢ points, so the contributions add up to the score. Signals
// without data are listed with NoData and take no part.
func Compute(s Signals, w Weights) Score {
	total := 0.0
	for _, k := range Keys {
		if _, ok := s[k]; ok && w[k] > 0 {
			total += w[k]
		}
	}
	out := Score{Band: Unscored}
	sum := 0.0
	for _, k := range Keys {
		v, ok := s[k]
		c := Contribution{Key: k, Label: k.Label(), Weight: w[k], Value: v, NoData: !ok}
		if ok && w[k] > 0 && total > 0 {
			c.Share = w[k] / total
			c.Points = c.Share * v
			sum += c.Points
		}
		out.Contributions = append(out.Contributions, c)
	}
	if total > 0 {
		out.Value, out.Scored = sum, true
		out.Band = BandOf(sum)
	}
	return out
}

// Drop reports whether a score fell sharply: by at least threshold points
// from the previous one. Both must be scored; threshold 0 never alerts.
func Drop(prev, cur Score, threshold float64) bool {
	return threshold > 0 && prev.Scored && cur.Scored && prev.Value-cur.Value >= threshold-1e-9
}

// DropMessage describes a sharp drop for the alert.
func DropMessage(name string, prev, cur float64) string {
	return fmt.Sprintf("Health of %s fell from %.0f to %.0f (−%.0f points).", name, prev, cur, prev-cur)
}
