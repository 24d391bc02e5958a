package intel

import (
	"fmt"
	"slices"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// Rule names one coverage check.
type Rule string

const (
	// LevelGap: a level (executive, senior management, middle management,
	// operational) where nobody current is known to anyone on our side.
	LevelGap Rule = "level_gap"
	// UnknownDecisionMaker: a current decision maker nobody on our side knows
	// (no relationship of at least weak).
	UnknownDecisionMaker Rule = "unknown_decision_maker"
	// SingleThreaded: every strong relationship with the account's current
	// stakeholders runs through one of our people.
	SingleThreaded Rule = "single_threaded"
	// QuietChampion: a current champion nobody touched within QuietDays.
	QuietChampion Rule = "quiet_champion"
	// InfluentialBlocker: a current blocker (buying role blocker, or an
	// opponent by attitude) with influence 4 or 5.
	InfluentialBlocker Rule = "influential_blocker"
	// DepartedKeyPlayer: a champion or decision maker who left within
	// DepartedDays; raised to the account manager at once.
	DepartedKeyPlayer Rule = "departed_key_player"
)

// Rules lists the coverage checks in the order findings are shown.
var Rules = []Rule{DepartedKeyPlayer, UnknownDecisionMaker, InfluentialBlocker, SingleThreaded, LevelGap, QuietChampion}

// RuleLabel names a rule on screen.
func RuleLabel(r Rule) string {
	switch r {
	case LevelGap:
		return "Level with no relationship"
	case UnknownDecisionMaker:
		return "Decision maker nobody knows"
	case SingleThreaded:
		return "Single-threaded"
	case QuietChampion:
		return "Champion gone quiet"
	case InfluentialBlocker:
		return "Influential blocker"
	case DepartedKeyPlayer:
		return "Key player left"
	}
	return string(r)
}

// Severity says how urgently a finding needs attention.
type Severity string

const (
	Alert  Severity = "alert"  // act now (raised to the account manager)
	High   Severity = "high"   // a real risk to the account
	Medium Severity = "medium" // a gap to close
)

// Finding is one coverage gap in one account.
type Finding struct {
	Rule            Rule          `json:"rule"`
	Severity        Severity      `json:"severity"`
	AccountID       int64         `json:"account_id"`
	AccountName     string        `json:"account_name"`
	OwnerID         *int64        `json:"owner_id"` // the account manager the finding is raised to
	OwnerName       string        `json:"owner_name"`
	StakeholderID   int64         `json:"stakeholder_id,omitempty"`
	StakeholderName string        `json:"stakeholder_name,omitempty"`
	Level           account.Level `json:"level,omitempty"`
	PersonID        int64         `json:"person_id,omitempty"` // single-threaded: the one thread
	PersonName      string        `json:"person_name,omitempty"`
	Detail          string        `json:"detail"`
}

// CoverageOptions are the thresholds of the coverage rules.
type CoverageOptions struct {
	QuietDays    int `json:"quiet_days"`    // a champion untouched for more days than this has gone quiet
	DepartedDays int `json:"departed_days"` // a departure is raised for this many days
}

// DefaultCoverageOptions are the thresholds used unless the caller says
// otherwise.
func DefaultCoverageOptions() CoverageOptions {
	return CoverageOptions{QuietDays: 60, DepartedDays: 90}
}

// Complete fills zero thresholds with the defaults.
func (o CoverageOptions) Complete() CoverageOptions {
	d := DefaultCoverageOptions()
	if o.QuietDays <= 0 {
		o.QuietDays = d.QuietDays
	}
	if o.DepartedDays <= 0 {
		o.DepartedDays = d.DepartedDays
	}
	return o
}

// Coverage runs every rule over one account's matrix as of today.
func Coverage(m AccountMap, today account.Date, o CoverageOptions) []Finding {
	o = o.Complete()
	var out []Finding
	add := func(f Finding) {
		f.AccountID, f.AccountName, f.OwnerID, f.OwnerName = m.AccountID, m.AccountName, m.OwnerID, m.OwnerName
		out = append(out, f)
	}
	current := make([]Player, 0, len(m.Players))
	for _, p := range m.Players {
		if !p.Left() {
			current = append(current, p)
		}
	}

	// Departures first: they are news.
	for _, p := range m.Players {
		if p.LeftOn.IsZero() || (p.BuyingRole != account.Champion && p.BuyingRole != account.DecisionMaker) {
			continue
		}
		if days := today.DaysSince(p.LeftOn); days >= 0 && days <= o.DepartedDays {
			d := fmt.Sprintf("%s (%s) left on %s", p.Name, roleLabel(p.BuyingRole), p.LeftOn)
			if p.LeftTo != "" {
				d += " for " + p.LeftTo
			}
			add(Finding{Rule: DepartedKeyPlayer, Severity: Alert, StakeholderID: p.StakeholderID, StakeholderName: p.Name,
				Level: p.Level, Detail: d + "; rebuild the relationship with their successor."})
		}
	}

	for _, p := range current {
		if p.BuyingRole == account.DecisionMaker && !p.Known() {
			add(Finding{Rule: UnknownDecisionMaker, Severity: High, StakeholderID: p.StakeholderID, StakeholderName: p.Name,
				Level: p.Level, Detail: fmt.Sprintf("Nobody on our side knows %s, a decision maker.", p.Name)})
		}
	}

	for _, p := range current {
		if p.Influence >= 4 && (p.BuyingRole == account.Blocker || p.Attitude < 0) {
			add(Finding{Rule: InfluentialBlocker, Severity: High, StakeholderID: p.StakeholderID, StakeholderName: p.Name,
				Level: p.Level, Detail: fmt.Sprintf("%s blocks (%s, influence %d of 5).", p.Name, strings.ToLower(p.Attitude.Label()), p.Influence)})
		}
	}

	// Single-threaded: all strong relationships through one person.
	threads := map[int64]string{}
	for _, p := range current {
		for _, l := range p.Links {
			if l.Strength == Strong {
				threads[l.PersonID] = l.PersonName
			}
		}
	}
	if len(threads) == 1 {
		for id, name := range threads {
			add(Finding{Rule: SingleThreaded, Severity: High, PersonID: id, PersonName: name,
				Detail: fmt.Sprintf("Every strong relationship runs through %s.", name)})
		}
	}

	if len(current) > 0 {
		for _, lv := range account.Levels {
			mapped, known := false, false
			for _, p := range current {
				if p.Level == lv {
					mapped = true
					known = known || p.Known()
				}
			}
			if known {
				continue
			}
			d := fmt.Sprintf("Nobody at %s level is known to our team.", levelLabel(lv))
			if !mapped {
				d = fmt.Sprintf("Nobody at %s level is mapped or known.", levelLabel(lv))
			}
			sev := Medium
			if lv == account.Executive {
				sev = High
			}
			add(Finding{Rule: LevelGap, Severity: sev, Level: lv, Detail: d})
		}
	}

	for _, p := range current {
		if p.BuyingRole != account.Champion {
			continue
		}
		switch {
		case p.LastTouch.IsZero():
			add(Finding{Rule: QuietChampion, Severity: Medium, StakeholderID: p.StakeholderID, StakeholderName: p.Name,
				Level: p.Level, Detail: fmt.Sprintf("Champion %s has never been touched.", p.Name)})
		case today.DaysSince(p.LastTouch) > o.QuietDays:
			add(Finding{Rule: QuietChampion, Severity: Medium, StakeholderID: p.StakeholderID, StakeholderName: p.Name,
				Level: p.Level, Detail: fmt.Sprintf("Champion %s last touched %d days ago (on %s).", p.Name, today.DaysSince(p.LastTouch), p.LastTouch)})
		}
	}
	return out
}

// PortfolioCoverage runs Coverage over many accounts, ordered by rule (in
// Rules order), then account name, then stakeholder name.
func PortfolioCoverage(maps []AccountMap, today account.Date, o CoverageOptions) []Finding {
	var out []Finding
	for _, m := range maps {
		out = append(out, Coverage(m, today, o)...)
	}
	SortFindings(out)
	return out
}

// SortFindings orders findings by rule, account name, account id and
// stakeholder name.
func SortFindings(fs []Finding) {
	slices.SortStableFunc(fs, func(a, b Finding) int {
		if c := slices.Index(Rules, a.Rule) - slices.Index(Rules, b.Rule); c != 0 {
			return c
		}
		if c := strings.Compare(a.AccountName, b.AccountName); c != 0 {
			return c
		}
		if a.AccountID != b.AccountID {
			return int(a.AccountID - b.AccountID)
		}
		if c := slices.Index(account.Levels, a.Level) - slices.Index(account.Levels, b.Level); c != 0 {
			return c
		}
		return strings.Compare(a.StakeholderName, b.StakeholderName)
	})
}

// CountByRule counts findings per rule.
func CountByRule(fs []Finding) map[Rule]int {
	out := map[Rule]int{}
	for _, f := range fs {
		out[f.Rule]++
	}
	return out
}

// ParseRule parses a rule name ("" is no rule, meaning all).
func ParseRule(s string) (Rule, error) {
	if s == "" || slices.Contains(Rules, Rule(s)) {
		return Rule(s), nil
	}
	names := make([]string, len(Rules))
	for i, r := range Rules {
		names[i] = string(r)
	}
	return "", account.Invalid("rule", "must be one of %s", strings.Join(names, ", "))
}

func roleLabel(r account.BuyingRole) string {
	return strings.ToLower(account.Label(r))
}

func levelLabel(l account.Level) string {
	return strings.ToLower(account.Label(l))
}
