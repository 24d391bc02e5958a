package outcome

import (
	"github.com/samwise-sam/samwise/internal/account"
)

// AccountARR is one account's annualised contract value (minor units) at the
// start of a period and at its end, with what groups it.
type AccountARR struct {
	AccountID int64
	Start     int64 // ARR in force on the first day of the period
	End       int64 // ARR in force on the first day after the period
	Tier      string
	Strategic bool
}

// Retention is what a cohort kept over a period [from, to). The cohort is
// the accounts with ARR at from; accounts won during the period are not in
// it. Ratios are fractions (0.95 is 95%); Defined is false for an empty
// cohort, whose ratios mean nothing.
type Retention struct {
	Cohort      int     `json:"cohort"`      // accounts with ARR at from
	Retained    int     `json:"retained"`    // of those, accounts with ARR at to
	StartARR    int64   `json:"start_arr"`   // the cohort's ARR at from
	EndARR      int64   `json:"end_arr"`     // the cohort's ARR at to
	Churned     int64   `json:"churned"`     // ARR of the accounts lost
	Contraction int64   `json:"contraction"` // ARR shed by accounts kept
	Expansion   int64   `json:"expansion"`   // ARR added by accounts kept
	Logo        float64 `json:"logo"`        // Retained ÷ Cohort
	GRR         float64 `json:"grr"`         // (StartARR − Churned − Contraction) ÷ StartARR
	NRR         float64 `json:"nrr"`         // (StartARR − Churned − Contraction + Expansion) ÷ StartARR
	Defined     bool    `json:"defined"`
}

// Add counts one account in r (accounts without ARR at the start are not in
// the cohort and are ignored); call Finish once all are added.
func (r *Retention) Add(a AccountARR) {
	if a.Start <= 0 {
		return
	}
	r.Cohort++
	r.StartARR += a.Start
	end := max(a.End, 0)
	r.EndARR += end
	switch {
	case end == 0:
		r.Churned += a.Start
	case end < a.Start:
		r.Retained++
		r.Contraction += a.Start - end
	default:
		r.Retained++
		r.Expansion += end - a.Start
	}
}

// Finish computes the ratios.
func (r *Retention) Finish() {
	if r.Cohort == 0 || r.StartARR == 0 {
		return
	}
	r.Defined = true
	r.Logo = float64(r.Retained) / float64(r.Cohort)
	start := float64(r.StartARR)
	r.GRR = float64(r.StartARR-r.Churned-r.Contraction) / start
	r.NRR = float64(r.StartARR-r.Churned-r.Contraction+r.Expansion) / start
}

// Retain computes the Retention of a set of accounts.
func Retain(as []AccountARR) Retention {
	var r Retention
	for _, a := range as {
		r.Add(a)
	}
	r.Finish()
	return r
}

// RetentionReport is a period's retention for the whole portfolio, by tier,
// and for the strategic accounts against the rest, with the target.
type RetentionReport struct {
	From      account.Date         `json:"from"`
	To        account.Date         `json:"to"`
	Tier      string               `json:"tier"` // the tier the report is limited to ("" all)
	All       Retention            `json:"all"`
	Tiers     map[string]Retention `json:"tiers"` // "A", "B", "C", "" (untiered)
	Strategic Retention            `json:"strategic"`
	Rest      Retention            `json:"rest"`
	Target    float64              `json:"target"` // logo retention the program aims at
	// TargetMet: the strategic accounts' logo retention reaches the target
	// (the key accounts are what the target is about); when none are
	// designated, the whole cohort's.
	TargetMet bool `json:"target_met"`
}

// Report computes the RetentionReport of accounts over [from, to), limited
// to accounts of tier when tier is not empty ("-" for untiered ones).
func Report(as []AccountARR, from, to account.Date, tier string, target float64) RetentionReport {
	rep := RetentionReport{From: from, To: to, Tier: tier, Target: target, Tiers: map[string]Retention{}}
	byTier := map[string]*Retention{"A": {}, "B": {}, "C": {}, "": {}}
	for _, a := range as {
		if tier != "" && a.Tier != tier && !(tier == "-" && a.Tier == "") {
			continue
		}
		rep.All.Add(a)
		if t, ok := byTier[a.Tier]; ok {
			t.Add(a)
		}
		if a.Strategic {
			rep.Strategic.Add(a)
		} else {
			rep.Rest.Add(a)
		}
	}
	rep.All.Finish()
	rep.Strategic.Finish()
	rep.Rest.Finish()
	for k, t := range byTier {
		t.Finish()
		rep.Tiers[k] = *t
	}
	key := rep.Strategic
	if !key.Defined {
		key = rep.All
	}
	rep.TargetMet = key.Defined && key.Logo+1e-9 >= target
	return rep
}

// Forecast is what the renewal owner expects of a contract's renewal.
type Forecast string

const (
	ForecastNone Forecast = ""
	Likely       Forecast = "likely"
	AtRisk       Forecast = "at_risk"
	Lost         Forecast = "lost"
)

// Forecasts lists every forecast that can be set.
var Forecasts = []Forecast{Likely, AtRisk, Lost}

// RenewalOutcome is what came of a renewal.
type RenewalOutcome string

const (
	OutcomeNone RenewalOutcome = ""
	Renewed     RenewalOutcome = "renewed"
	Expanded    RenewalOutcome = "expanded"
	Contracted  RenewalOutcome = "contracted"
	Churned     RenewalOutcome = "churned"
)

// RenewalOutcomes lists every outcome that can be recorded.
var RenewalOutcomes = []RenewalOutcome{Renewed, Expanded, Contracted, Churned}

// Continues reports whether the outcome keeps the contract's business.
func (o RenewalOutcome) Continues() bool { return o == Renewed || o == Expanded || o == Contracted }

// Windows are the renewal calendar's horizons, in days.
var Windows = []int{30, 60, 90, 180}

// Window returns the smallest calendar window (30, 60, 90 or 180 days) that
// holds a renewal on day due seen from today, or 0 when it is past or
// further out than 180 days.
func Window(due, today account.Date) int {
	days := due.DaysSince(today)
	if days < 0 {
		return 0
	}
	for _, w := range Windows {
		if days <= w {
			return w
		}
	}
	return 0
}

// RenewsOn is the day a contract comes up for renewal: its renewal date
// when set, else its end.
func RenewsOn(renewal, end account.Date) account.Date {
	if !renewal.IsZero() {
		return renewal
	}
	return end
}

// NoticeBy is the last day to give notice (zero when no notice period).
func NoticeBy(renewsOn account.Date, noticeDays int) account.Date {
	if noticeDays <= 0 || renewsOn.IsZero() {
		return account.Date{}
	}
	return renewsOn.AddDays(-noticeDays)
}

// ValidateRenewal checks a renewal update.
func ValidateRenewal(f Forecast, o RenewalOutcome, reason string, noticeDays int, renewedValue int64) error {
	var fs []account.FieldError
	add := func(field, msg string) { fs = append(fs, account.FieldError{Field: field, Message: msg}) }
	if f != ForecastNone && f != Likely && f != AtRisk && f != Lost {
		add("forecast", "must be one of likely, at_risk, lost (or empty)")
	}
	if o != OutcomeNone && !o.Continues() && o != Churned {
		add("outcome", "must be one of renewed, expanded, contracted, churned (or empty)")
	}
	if (o == Churned || o == Contracted) && len(reason) == 0 {
		add("reason", "is required when the contract was churned or contracted")
	}
	if len(reason) > 1000 {
		add("reason", "must be at most 1000 characters")
	}
	if noticeDays < 0 || noticeDays > 730 {
		add("notice_days", "must be between 0 and 730")
	}
	if renewedValue < 0 {
		add("renewed_value", "must not be negative")
	}
	if len(fs) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: "The renewal has invalid fields.", Fields: fs}
}
