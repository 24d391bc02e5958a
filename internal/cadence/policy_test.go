package cadence

import (
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/portfolio"
)

func TestDefaultPolicyFollowsTierAndLevel(t *testing.T) {
	s := DefaultSettings()
	tests := []struct {
		tier  portfolio.Tier
		level account.Level
		days  int
	}{
		{portfolio.TierA, account.Executive, 60},
		{portfolio.TierA, account.Operational, 30},
		{portfolio.TierB, account.Executive, 90},
		{portfolio.TierB, account.SeniorManagement, 60},
		{portfolio.TierC, account.Executive, 180},
		{portfolio.TierC, account.MiddleManagement, 120},
		{"", account.Executive, 180}, // untiered follows C
	}
	for _, tt := range tests {
		iv := Resolve(s, tt.tier, tt.level, 1, nil, nil, d("2026-03-01"))
		if iv.Days != tt.days || iv.Source != FromTier {
			t.Errorf("tier %q %s: %+v, want %d days", tt.tier, tt.level, iv, tt.days)
		}
	}
	if s.Review[portfolio.TierA] != 90 || s.Review[portfolio.TierB] != 180 || s.Review[portfolio.TierC] != 365 || s.DueSoonDays != 7 || s.Tolerance != 0.5 {
		t.Errorf("defaults = %+v", s)
	}
	if err := s.Validate(); err != nil {
		t.Errorf("the defaults are invalid: %v", err)
	}
}

func TestResolvePicksAccelerationThenOwnAgreementThenAccountAgreement(t *testing.T) {
	s := DefaultSettings()
	own := Agreement{ID: 1, StakeholderID: 7, IntervalDays: 45, AgreedOn: d("2026-01-01")}
	whole := Agreement{ID: 2, StakeholderID: 0, IntervalDays: 20, AgreedOn: d("2026-01-01")}
	mine := Acceleration{ID: 3, StakeholderID: 7, IntervalDays: 10, StartsOn: d("2026-03-01"), EndsOn: d("2026-03-31")}
	all := Acceleration{ID: 4, StakeholderID: 0, IntervalDays: 5, StartsOn: d("2026-03-10"), EndsOn: d("2026-03-12")}
	other := Acceleration{ID: 5, StakeholderID: 8, IntervalDays: 1, StartsOn: d("2026-01-01"), EndsOn: d("2026-12-31")}
	tests := []struct {
		name   string
		ags    []Agreement
		acs    []Acceleration
		day    string
		days   int
		source Source
	}{
		{"the stakeholder's own agreement beats the account's", []Agreement{whole, own}, nil, "2026-03-01", 45, FromAgreement},
		{"the account's agreement covers everyone else", []Agreement{whole}, nil, "2026-03-01", 20, FromAgreement},
		{"an acceleration beats agreements while it runs", []Agreement{own}, []Acceleration{mine}, "2026-03-01", 10, FromAccelerated},
		{"its last day still counts", []Agreement{own}, []Acceleration{mine}, "2026-03-31", 10, FromAccelerated},
		{"it ends by itself the day after", []Agreement{own}, []Acceleration{mine}, "2026-04-01", 45, FromAgreement},
		{"it has not started the day before", nil, []Acceleration{mine}, "2026-02-28", 120, FromTier},
		{"the fastest of overlapping accelerations wins", nil, []Acceleration{mine, all}, "2026-03-11", 5, FromAccelerated},
		{"another stakeholder's acceleration does not apply", nil, []Acceleration{other}, "2026-03-11", 120, FromTier},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			iv := Resolve(s, portfolio.TierC, account.Operational, 7, tt.ags, tt.acs, d(tt.day))
			if iv.Days != tt.days || iv.Source != tt.source {
				t.Errorf("got %d days from %s, want %d from %s", iv.Days, iv.Source, tt.days, tt.source)
			}
		})
	}
}

func TestValidationNamesTheFieldsToFix(t *testing.T) {
	bad := DefaultSettings()
	bad.CheckIn[portfolio.TierB][account.Operational] = 0
	bad.Review[portfolio.TierA] = 4000
	bad.Tolerance = 1
	bad.DueSoonDays = -1
	fields := map[string]bool{}
	for _, f := range account.ErrorFields(bad.Validate()) {
		fields[f.Field] = true
	}
	for _, want := range []string{"check_in_B_operational", "review_A", "tolerance", "due_soon_days"} {
		if !fields[want] {
			t.Errorf("no error for %s (got %v)", want, fields)
		}
	}
	tests := []struct {
		name  string
		err   error
		field string
	}{
		{"an agreement needs an interval", (&Agreement{AgreedOn: d("2026-01-01")}).Validate(), "interval_days"},
		{"an agreement needs the day it was agreed", (&Agreement{IntervalDays: 30}).Validate(), "agreed_on"},
		{"an acceleration cannot end before it starts", (&Acceleration{IntervalDays: 7, StartsOn: d("2026-03-10"), EndsOn: d("2026-03-01"), Initiative: "x"}).Validate(), "ends_on"},
		{"an acceleration serves an opportunity or an initiative", (&Acceleration{IntervalDays: 7, StartsOn: d("2026-03-01"), EndsOn: d("2026-03-10")}).Validate(), "initiative"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := account.ErrorFields(tt.err)
			if len(fs) != 1 || fs[0].Field != tt.field || account.ErrorCode(tt.err) != account.EINVALID {
				t.Errorf("got %v", tt.err)
			}
		})
	}
}

func TestCompleteFillsWhatAStoredPolicyLacks(t *testing.T) {
	s := Settings{CheckIn: map[portfolio.Tier]map[account.Level]int{portfolio.TierA: {account.Executive: 14}}, DueSoonDays: 3, Tolerance: 0.2}.Complete()
	if s.CheckIn[portfolio.TierA][account.Executive] != 14 || s.CheckIn[portfolio.TierA][account.Operational] != 30 ||
		s.Review[portfolio.TierC] != 365 || s.DueSoonDays != 3 || s.Tolerance != 0.2 {
		t.Errorf("completed = %+v", s)
	}
}
