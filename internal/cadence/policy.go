package cadence

import (
	"fmt"
	"slices"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

// Settings is an organisation's cadence policy: the default check-in
// interval for every tier and stakeholder level, the business-review interval
// per tier, the due-soon window W and the tolerance T. The SAM leader edits
// it; agreements and accelerations override its intervals per account or
// stakeholder.
type Settings struct {
	// CheckIn is the default days between check-ins, by tier then level.
	CheckIn map[portfolio.Tier]map[account.Level]int `json:"check_in"`
	// Review is the days between business reviews of an account, by tier.
	Review      map[portfolio.Tier]int `json:"review"`
	DueSoonDays int                    `json:"due_soon_days"` // W
	Tolerance   float64                `json:"tolerance"`     // T, 0 ≤ T < 1
}

// Tiers are the tiers a policy covers, in display order.
var Tiers = []portfolio.Tier{portfolio.TierA, portfolio.TierB, portfolio.TierC}

// DefaultSettings is the policy an organisation starts with: executives of
// A accounts every 60 days and everyone else there every 30; B 90 and 60;
// C 180 and 120. Business reviews quarterly for A, twice a year for B,
// yearly for C. Due soon a week ahead; touches may come up to half an
// interval early before they count as over-contacting.
func DefaultSettings() Settings {
	s := Settings{CheckIn: map[portfolio.Tier]map[account.Level]int{}, Review: map[portfolio.Tier]int{
		portfolio.TierA: 90, portfolio.TierB: 180, portfolio.TierC: 365}, DueSoonDays: 7, Tolerance: 0.5}
	for tier, iv := range map[portfolio.Tier][2]int{portfolio.TierA: {60, 30}, portfolio.TierB: {90, 60}, portfolio.TierC: {180, 120}} {
		m := map[account.Level]int{}
		for _, l := range account.Levels {
			m[l] = iv[1]
		}
		m[account.Executive] = iv[0]
		s.CheckIn[tier] = m
	}
	return s
}

// MaxIntervalDays bounds every interval: a promise further apart than five
// years is no cadence.
const MaxIntervalDays = 5 * 366

// Complete fills what a stored or submitted policy leaves out with the
// defaults, so that a policy saved before a level or tier existed still
// answers for it.
func (s Settings) Complete() Settings {
	d := DefaultSettings()
	out := Settings{CheckIn: map[portfolio.Tier]map[account.Level]int{}, Review: map[portfolio.Tier]int{},
		DueSoonDays: s.DueSoonDays, Tolerance: s.Tolerance}
	for _, t := range Tiers {
		out.CheckIn[t] = map[account.Level]int{}
		for _, l := range account.Levels {
			v := s.CheckIn[t][l]
			if v == 0 {
				v = d.CheckIn[t][l]
			}
			out.CheckIn[t][l] = v
		}
		out.Review[t] = s.Review[t]
		if out.Review[t] == 0 {
			out.Review[t] = d.Review[t]
		}
	}
	return out
}

// Validate reports what a leader must fix in a policy.
func (s Settings) Validate() error {
	e := &problems{msg: "The cadence policy is not valid."}
	for _, t := range Tiers {
		for _, l := range account.Levels {
			if v := s.CheckIn[t][l]; v < 1 || v > MaxIntervalDays {
				e.add("check_in_"+string(t)+"_"+string(l), "must be between 1 and %d days", MaxIntervalDays)
			}
		}
		if v := s.Review[t]; v < 1 || v > MaxIntervalDays {
			e.add("review_"+string(t), "must be between 1 and %d days", MaxIntervalDays)
		}
	}
	if s.DueSoonDays < 0 || s.DueSoonDays > 365 {
		e.add("due_soon_days", "must be between 0 and 365 days")
	}
	if s.Tolerance < 0 || s.Tolerance >= 1 {
		e.add("tolerance", "must be at least 0 and below 1 (0.5 lets a touch come half an interval early)")
	}
	return e.err()
}

// Agreement is a cadence agreed with the client for one stakeholder, or for
// every stakeholder of an account (StakeholderID 0). It overrides the tier
// default until removed.
type Agreement struct {
	ID            int64        `json:"id"`
	AccountID     int64        `json:"account_id"`
	StakeholderID int64        `json:"stakeholder_id"` // 0: the whole account
	IntervalDays  int          `json:"interval_days"`
	AgreedBy      int64        `json:"agreed_by"` // the client's stakeholder who agreed; 0 if not recorded
	AgreedOn      account.Date `json:"agreed_on"`
	Note          string       `json:"note"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
}

// Validate checks an agreement's own fields.
func (a *Agreement) Validate() error {
	e := &problems{msg: "The agreed cadence is not valid."}
	if a.IntervalDays < 1 || a.IntervalDays > MaxIntervalDays {
		e.add("interval_days", "must be between 1 and %d days", MaxIntervalDays)
	}
	if a.AgreedOn.IsZero() {
		e.add("agreed_on", "is required: when the client agreed")
	}
	if len([]rune(a.Note)) > 2000 {
		e.add("note", "must be at most 2000 characters")
	}
	return e.err()
}

// Acceleration is a temporary, faster cadence for a date window — while an
// opportunity is being won or an initiative runs — for one stakeholder or for
// the whole account (StakeholderID 0). It ends by itself after EndsOn.
type Acceleration struct {
	ID            int64        `json:"id"`
	AccountID     int64        `json:"account_id"`
	StakeholderID int64        `json:"stakeholder_id"` // 0: the whole account
	IntervalDays  int          `json:"interval_days"`
	StartsOn      account.Date `json:"starts_on"`
	EndsOn        account.Date `json:"ends_on"`        // inclusive
	OpportunityID int64        `json:"opportunity_id"` // 0 when tied to a free-text initiative
	Initiative    string       `json:"initiative"`
	CreatedAt     time.Time    `json:"created_at"`
}

// Validate checks an acceleration's own fields.
func (a *Acceleration) Validate() error {
	e := &problems{msg: "The acceleration is not valid."}
	if a.IntervalDays < 1 || a.IntervalDays > MaxIntervalDays {
		e.add("interval_days", "must be between 1 and %d days", MaxIntervalDays)
	}
	if a.StartsOn.IsZero() {
		e.add("starts_on", "is required")
	}
	if a.EndsOn.IsZero() {
		e.add("ends_on", "is required")
	} else if !a.StartsOn.IsZero() && a.EndsOn.Before(a.StartsOn) {
		e.add("ends_on", "must not be before the start")
	}
	if a.OpportunityID == 0 && a.Initiative == "" {
		e.add("initiative", "name the opportunity or the initiative the faster cadence serves")
	}
	if len([]rune(a.Initiative)) > 200 {
		e.add("initiative", "must be at most 200 characters")
	}
	return e.err()
}

// Active reports whether the acceleration applies on day d.
func (a Acceleration) Active(d account.Date) bool {
	return !d.Before(a.StartsOn) && !a.EndsOn.Before(d)
}

// Source says where a stakeholder's interval comes from.
type Source string

const (
	FromTier        Source = "tier_default"
	FromAgreement   Source = "agreed"
	FromAccelerated Source = "accelerated"
)

// Interval is the interval in force and its origin.
type Interval struct {
	Days         int
	Source       Source
	Agreement    *Agreement    // when Source is FromAgreement
	Acceleration *Acceleration // when Source is FromAccelerated
}

// Resolve picks the check-in interval for one stakeholder of an account on
// day d. Precedence: an acceleration active on d (the fastest, if several,
// the stakeholder's own or the account's), then the stakeholder's own
// agreement, then the account-wide agreement, then the tier default for the
// stakeholder's level. An untiered account uses tier C.
func Resolve(s Settings, tier portfolio.Tier, level account.Level, stakeholderID int64,
	agreements []Agreement, accels []Acceleration, d account.Date) Interval {
	var best *Acceleration
	for i := range accels {
		a := &accels[i]
		if (a.StakeholderID == 0 || a.StakeholderID == stakeholderID) && a.Active(d) &&
			(best == nil || a.IntervalDays < best.IntervalDays) {
			best = a
		}
	}
	if best != nil {
		return Interval{Days: best.IntervalDays, Source: FromAccelerated, Acceleration: best}
	}
	var own, whole *Agreement
	for i := range agreements {
		switch agreements[i].StakeholderID {
		case stakeholderID:
			own = &agreements[i]
		case 0:
			whole = &agreements[i]
		}
	}
	if own != nil {
		return Interval{Days: own.IntervalDays, Source: FromAgreement, Agreement: own}
	}
	if whole != nil {
		return Interval{Days: whole.IntervalDays, Source: FromAgreement, Agreement: whole}
	}
	if !slices.Contains(Tiers, tier) {
		tier = portfolio.TierC
	}
	days := s.CheckIn[tier][level]
	if days == 0 {
		days = DefaultSettings().CheckIn[tier][level]
	}
	if days == 0 {
		days = DefaultSettings().CheckIn[tier][account.Operational]
	}
	return Interval{Days: days, Source: FromTier}
}

// Policy builds the Evaluate input for an interval under the settings.
func (s Settings) Policy(iv Interval, started account.Date) Policy {
	return Policy{IntervalDays: iv.Days, DueSoonDays: s.DueSoonDays, Tolerance: s.Tolerance, StartedOn: started}
}

// problems collects field errors while a policy record is validated.
type problems struct {
	msg    string
	fields []account.FieldError
}

func (p *problems) add(field, format string, args ...any) {
	p.fields = append(p.fields, account.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) err() error {
	if len(p.fields) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: p.msg, Fields: p.fields}
}
