package outcome

import (
	"fmt"
	"math"
	"slices"

	"github.com/samwise-sam/samwise/internal/account"
)

// Retention sources for the customer lifetime value.
const (
	SourceFixed = "fixed" // Settings.FixedRetention
	SourceGRR   = "grr"   // the portfolio's gross revenue retention over the last year
	SourceLogo  = "logo"  // the portfolio's logo retention over the last year
)

// Settings are the assumptions of the outcome measures a leader may change.
type Settings struct {
	// RetentionTarget is the logo retention of key accounts aimed at (0..1).
	RetentionTarget float64 `json:"retention_target"`
	// MarginPercent is the gross margin on revenue, percent.
	MarginPercent float64 `json:"margin_percent"`
	// DiscountRate is the yearly discount rate of the CLV (0.1 = 10%).
	DiscountRate float64 `json:"discount_rate"`
	// RetentionSource says where the CLV's retention probability comes from.
	RetentionSource string `json:"retention_source"`
	// FixedRetention is the retention probability when the source is fixed.
	FixedRetention float64 `json:"fixed_retention"`
	// HoursPerTouch is the account-team time a touch of each kind takes.
	HoursPerTouch map[account.TouchKind]float64 `json:"hours_per_touch"`
	// CostPerHour is the cost of an hour of account-team time, minor units.
	CostPerHour int64 `json:"cost_per_hour"`
	// Probabilities are the chances of winning of each open stage, percent.
	Probabilities map[account.Stage]float64 `json:"probabilities"`
}

// DefaultSettings returns the assumptions used until a leader changes them.
func DefaultSettings() Settings {
	return Settings{RetentionTarget: 0.95, MarginPercent: 60, DiscountRate: 0.10, RetentionSource: SourceFixed,
		FixedRetention: 0.90,
		HoursPerTouch: map[account.TouchKind]float64{account.Meeting: 2, account.Call: 0.5, account.Email: 0.25,
			account.BusinessReview: 8, account.Event: 4, account.OtherTouch: 1},
		CostPerHour:   10000, // 100.00 in the organisation's currency
		Probabilities: map[account.Stage]float64{account.Prospecting: 10, account.Engaging: 30, account.Proposal: 60}}
}

// Fill gives every missing map entry its default (settings saved before a
// touch kind or stage existed stay usable).
func (s *Settings) Fill() {
	d := DefaultSettings()
	if s.HoursPerTouch == nil {
		s.HoursPerTouch = map[account.TouchKind]float64{}
	}
	for k, v := range d.HoursPerTouch {
		if _, ok := s.HoursPerTouch[k]; !ok {
			s.HoursPerTouch[k] = v
		}
	}
	if s.Probabilities == nil {
		s.Probabilities = map[account.Stage]float64{}
	}
	for k, v := range d.Probabilities {
		if _, ok := s.Probabilities[k]; !ok {
			s.Probabilities[k] = v
		}
	}
	if s.RetentionSource == "" {
		s.RetentionSource = SourceFixed
	}
}

// Validate reports every assumption out of range.
func (s Settings) Validate() error {
	var fs []account.FieldError
	add := func(field, format string, args ...any) {
		fs = append(fs, account.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	bad := func(v float64) bool { return math.IsNaN(v) || math.IsInf(v, 0) }
	if bad(s.RetentionTarget) || s.RetentionTarget <= 0 || s.RetentionTarget > 1 {
		add("retention_target", "must be above 0 and at most 1 (0.95 is 95%%)")
	}
	if bad(s.MarginPercent) || s.MarginPercent < 0 || s.MarginPercent > 100 {
		add("margin_percent", "must be between 0 and 100")
	}
	if bad(s.DiscountRate) || s.DiscountRate < 0 || s.DiscountRate > 1 {
		add("discount_rate", "must be between 0 and 1 (0.1 is 10%%)")
	}
	if !slices.Contains([]string{SourceFixed, SourceGRR, SourceLogo}, s.RetentionSource) {
		add("retention_source", "must be one of fixed, grr, logo")
	}
	if bad(s.FixedRetention) || s.FixedRetention < 0 || s.FixedRetention >= 1 {
		add("fixed_retention", "must be at least 0 and below 1")
	}
	for _, k := range account.TouchKinds {
		if v := s.HoursPerTouch[k]; bad(v) || v < 0 || v > 1000 {
			add("hours_per_touch."+string(k), "must be between 0 and 1000")
		}
	}
	for k := range s.HoursPerTouch {
		if !slices.Contains(account.TouchKinds, k) {
			add("hours_per_touch."+string(k), "is not a touch kind")
		}
	}
	if s.CostPerHour < 0 || s.CostPerHour > 100_000_000 {
		add("cost_per_hour", "must be between 0 and 100,000,000 (minor units)")
	}
	for _, k := range OpenStages {
		if v := s.Probabilities[k]; bad(v) || v < 0 || v > 100 {
			add("probabilities."+string(k), "must be between 0 and 100")
		}
	}
	for k := range s.Probabilities {
		if !slices.Contains(OpenStages, k) {
			add("probabilities."+string(k), "is not an open stage")
		}
	}
	if len(fs) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The settings have %d invalid field(s).", len(fs)), Fields: fs}
}

// CLV is a customer lifetime value with the inputs it came from.
type CLV struct {
	ARR      int64   `json:"arr"`            // the account's ARR now, minor units
	Margin   float64 `json:"margin_percent"` // gross margin, percent
	M        int64   `json:"annual_margin"`  // m = ARR × margin
	R        float64 `json:"retention"`      // r: the yearly retention probability
	Source   string  `json:"retention_source"`
	D        float64 `json:"discount_rate"`  // d
	Lifetime float64 `json:"expected_years"` // 1 ÷ (1 − r): expected years as a customer
	Value    int64   `json:"value"`          // m × (1 + d) ÷ (1 + d − r)
	Defined  bool    `json:"defined"`        // false without a retention figure
	Formula  string  `json:"formula"`
}

// LifetimeValue computes the CLV with annual margin m, annual retention
// probability r and discount rate d, margin received at the start of each
// year: CLV = m × (1 + d) ÷ (1 + d − r). Example: m = 100,000, r = 0.9,
// d = 0.1 → 550,000.
func LifetimeValue(m int64, r, d float64) (int64, bool) {
	den := 1 + d - r
	if den <= 0 || r < 0 || d < 0 || math.IsNaN(den) {
		return 0, false
	}
	return int64(math.Round(float64(m) * (1 + d) / den)), true
}

// LifetimeOf computes a CLV from an account's ARR and the settings, with
// retention r taken from the settings' source (r is the portfolio figure
// the caller measured when the source is not fixed; ok false if none).
func LifetimeOf(arr int64, s Settings, r float64, ok bool) CLV {
	c := CLV{ARR: arr, Margin: s.MarginPercent, D: s.DiscountRate, Source: s.RetentionSource,
		Formula: "CLV = m × (1 + d) ÷ (1 + d − r)"}
	c.M = int64(math.Round(float64(arr) * s.MarginPercent / 100))
	if s.RetentionSource == SourceFixed {
		r, ok = s.FixedRetention, true
	}
	if !ok {
		return c
	}
	c.R = r
	if r < 1 {
		c.Lifetime = 1 / (1 - r)
	}
	c.Value, c.Defined = LifetimeValue(c.M, r, c.D)
	return c
}

// TouchCount is how many touches of a kind the account team made.
type TouchCount struct {
	Kind  account.TouchKind `json:"kind"`
	Count int64             `json:"count"`
	Hours float64           `json:"hours_each"`
}

// ROI is whether the program pays, with every input.
type ROI struct {
	From, To          account.Date `json:"-"`
	Years             float64      `json:"years"`              // the period's length in years (ARR is yearly)
	StrategicStart    int64        `json:"strategic_start"`    // strategic cohort's ARR at from
	StrategicNRR      float64      `json:"strategic_nrr"`      // its net revenue retention
	RestNRR           float64      `json:"rest_nrr"`           // the rest of the portfolio's
	Expected          int64        `json:"expected_arr"`       // StrategicStart × RestNRR: without the program
	Actual            int64        `json:"actual_arr"`         // StrategicStart × StrategicNRR
	ExtraARR          int64        `json:"extra_arr"`          // Actual − Expected
	MarginPercent     float64      `json:"margin_percent"`     // gross margin
	ExtraMargin       int64        `json:"extra_margin"`       // ExtraARR × margin × Years
	Touches           []TouchCount `json:"touches"`            // account-team touches on strategic accounts in the period
	Hours             float64      `json:"hours"`              // Σ count × hours each
	CostPerHour       int64        `json:"cost_per_hour"`      // minor units
	Cost              int64        `json:"cost"`               // Hours × CostPerHour
	Value             float64      `json:"roi"`                // (ExtraMargin − Cost) ÷ Cost
	Defined           bool         `json:"defined"`            // false without cost or without both cohorts
	Pays              bool         `json:"pays"`               // Value > 0
	StrategicAccounts int          `json:"strategic_accounts"` // cohort sizes, for context
	RestAccounts      int          `json:"rest_accounts"`
}

// ReturnOnProgram computes the program ROI over [from, to): the extra gross
// margin the strategic accounts brought over what they would have brought
// had they kept and grown their revenue as the rest of the portfolio did
// (net revenue retention), less the cost of the account team's time, over
// that cost.
func ReturnOnProgram(strategic, rest Retention, touches []TouchCount, s Settings, from, to account.Date) ROI {
	roi := ROI{From: from, To: to, Years: float64(to.DaysSince(from)) / 365, StrategicStart: strategic.StartARR,
		StrategicNRR: strategic.NRR, RestNRR: rest.NRR, MarginPercent: s.MarginPercent, CostPerHour: s.CostPerHour,
		Touches: touches, StrategicAccounts: strategic.Cohort, RestAccounts: rest.Cohort}
	roi.Expected = int64(math.Round(float64(strategic.StartARR) * rest.NRR))
	roi.Actual = strategic.EndARR
	roi.ExtraARR = roi.Actual - roi.Expected
	roi.ExtraMargin = int64(math.Round(float64(roi.ExtraARR) * s.MarginPercent / 100 * roi.Years))
	for _, t := range touches {
		roi.Hours += float64(t.Count) * t.Hours
	}
	roi.Cost = int64(math.Round(roi.Hours * float64(s.CostPerHour)))
	if roi.Cost > 0 && strategic.Defined && rest.Defined {
		roi.Defined = true
		roi.Value = float64(roi.ExtraMargin-roi.Cost) / float64(roi.Cost)
		roi.Pays = roi.Value > 0
	}
	return roi
}
