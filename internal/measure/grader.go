package measure

import (
	"fmt"
	"strconv"

	"github.com/samwise-sam/samwise/internal/account"
)

// GraderInput is everything the ten checks read about one account, gathered
// by the store. Zero values mean "not recorded".
type GraderInput struct {
	AccountID   int64
	AccountName string
	Today       account.Date

	// 1. Owner.
	OwnerID      int64
	OwnerName    string
	Exempt       bool // exempt from needing an owner (marked, or by the revenue policy)
	ExemptReason string

	// 2. The owner's load and capacity in load points.
	ManagerLoad, ManagerCapacity int

	// 3. The owner's goals for the current year or quarter.
	GoalsPeriod                   string // the period the goals below are for ("" none)
	GoalRevenue                   int64
	GoalRetention, GoalTouches    int
	CurrentYear, CurrentQuarter   string // the periods that would count, for the message
	TierPlan                      bool   // 4. the organisation saved its cadence policy
	Tier                          string // 4. "A", "B", "C" or "" untiered
	CheckInDays                   int    // 5. the tier's shortest check-in interval (0 unknown)
	Agreed                        bool   // 5. a cadence agreed with the client on the account
	ActiveStakeholders            int    // 5 and 7
	ReviewDays                    int    // 6. the tier's business-review interval
	LastReviewHeld, NextReviewDue account.Date

	// 7. The levels of the active stakeholders, and the levels at which
	// someone on our side knows them.
	Levels, KnownLevels []string

	RoadmapItems   int   // 8
	VisionHorizons []int // 9. the horizons (years) of the documented vision
	LastKeyNPS     account.Date
}

// Check is the result of one check.
type Check struct {
	N        int    `json:"n"`
	Key      string `json:"key"`
	Title    string `json:"title"`
	Pass     bool   `json:"pass"`
	Why      string `json:"why"`
	FixURL   string `json:"fix_url,omitempty"`
	FixLabel string `json:"fix_label,omitempty"`
}

// Band names a grader score's band.
type Band string

const (
	DoingWell Band = "doing_well" // 9-10
	WorkOn    Band = "work_on"    // 7-8
	AtRisk    Band = "at_risk"    // 0-6
)

// BandOf returns the band of a score out of 10.
func BandOf(score int) Band {
	switch {
	case score >= 9:
		return DoingWell
	case score >= 7:
		return WorkOn
	default:
		return AtRisk
	}
}

// Label is the band in words.
func (b Band) Label() string {
	switch b {
	case DoingWell:
		return "Doing well"
	case WorkOn:
		return "Areas to work on"
	default:
		return "At risk"
	}
}

// Grade is an account's ten checks and score.
type Grade struct {
	AccountID   int64   `json:"account_id"`
	AccountName string  `json:"account_name"`
	Score       int     `json:"score"`
	Band        Band    `json:"band"`
	Checks      []Check `json:"checks"`
}

// Failing returns the checks that did not pass.
func (g Grade) Failing() []Check {
	var out []Check
	for _, c := range g.Checks {
		if !c.Pass {
			out = append(out, c)
		}
	}
	return out
}

// CheckDef names one of the ten checks.
type CheckDef struct {
	N     int
	Key   string
	Title string
}

// Checks are the ten checks, in order.
var Checks = []CheckDef{
	{1, "owner", "An account manager is assigned"},
	{2, "capacity", "The manager's load is within capacity"},
	{3, "goals", "The manager has revenue, retention and communication goals"},
	{4, "tier", "The account has an A-B-C tier and a tier plan"},
	{5, "checkins", "Check-in intervals are defined by tier"},
	{6, "review", "A business review was held in the last interval and the next is scheduled"},
	{7, "matrix", "The relationship matrix knows key players at more than one level"},
	{8, "roadmap", "A technology roadmap exists"},
	{9, "vision", "The client's 1-3 year vision is documented (5-year for tier A)"},
	{10, "nps", "An NPS answer from a key contact within 12 months"},
}

// NPSWindowDays is how recent check 10's answer must be.
const NPSWindowDays = 365

// GradeAccount runs the ten checks. It is a pure function of in.
func GradeAccount(in GraderInput) Grade {
	acct := "/accounts/" + strconv.FormatInt(in.AccountID, 10)
	g := Grade{AccountID: in.AccountID, AccountName: in.AccountName, Checks: make([]Check, 0, len(Checks))}
	add := func(n int, pass bool, why, url, label string) {
		d := Checks[n-1]
		c := Check{N: d.N, Key: d.Key, Title: d.Title, Pass: pass, Why: why}
		if !pass {
			c.FixURL, c.FixLabel = url, label
		}
		g.Checks = append(g.Checks, c)
	}
	hasOwner := in.OwnerID != 0

	// 1
	switch {
	case hasOwner:
		add(1, true, in.OwnerName+" manages the account.", "", "")
	case in.Exempt:
		add(1, true, "Exempt from needing an owner: "+in.ExemptReason, "", "")
	default:
		add(1, false, "Nobody is accountable for this account.", acct+"/edit", "Assign an account manager")
	}
	// 2
	switch {
	case !hasOwner && in.Exempt:
		add(2, true, "Not applicable: the account is exempt and has no manager.", "", "")
	case !hasOwner:
		add(2, false, "There is no manager whose load could be checked.", acct+"/edit", "Assign an account manager")
	case in.ManagerLoad <= in.ManagerCapacity:
		add(2, true, fmt.Sprintf("%s carries %d of %d load points.", in.OwnerName, in.ManagerLoad, in.ManagerCapacity), "", "")
	default:
		add(2, false, fmt.Sprintf("%s carries %d load points, over a capacity of %d.", in.OwnerName, in.ManagerLoad, in.ManagerCapacity),
			"/workload", "Rebalance the workload")
	}
	// 3
	switch {
	case !hasOwner && in.Exempt:
		add(3, true, "Not applicable: the account is exempt and has no manager.", "", "")
	case !hasOwner:
		add(3, false, "There is no manager to set goals for.", acct+"/edit", "Assign an account manager")
	default:
		goalsURL := "/people/" + strconv.FormatInt(in.OwnerID, 10) + "#goals"
		var missing []string
		if in.GoalsPeriod == "" {
			add(3, false, fmt.Sprintf("%s has no goals for %s or %s.", in.OwnerName, in.CurrentYear, in.CurrentQuarter), goalsURL, "Set goals")
			break
		}
		if in.GoalRevenue <= 0 {
			missing = append(missing, "revenue")
		}
		if in.GoalRetention <= 0 {
			missing = append(missing, "retention")
		}
		if in.GoalTouches <= 0 {
			missing = append(missing, "communication")
		}
		if len(missing) == 0 {
			add(3, true, fmt.Sprintf("%s has revenue, retention and communication goals for %s.", in.OwnerName, in.GoalsPeriod), "", "")
		} else {
			add(3, false, fmt.Sprintf("%s's goals for %s lack %s.", in.OwnerName, in.GoalsPeriod, joinWords(missing)), goalsURL, "Complete the goals")
		}
	}
	// 4
	switch {
	case in.Tier == "":
		add(4, false, "The account has no A-B-C tier yet.", "/portfolio", "Tier the portfolio")
	case !in.TierPlan:
		add(4, false, "Tier "+in.Tier+", but no tier plan: the cadence policy was never set.", "/cadence/policy", "Set the tier plan")
	default:
		add(4, true, "Tier "+in.Tier+", with the organisation's tier plan.", "", "")
	}
	// 5
	switch {
	case in.ActiveStakeholders == 0:
		add(5, false, "No active stakeholders to check in with.", acct+"/stakeholders/new", "Add a stakeholder")
	case in.Agreed:
		add(5, true, "A cadence is agreed with the client.", "", "")
	case in.TierPlan && in.CheckInDays > 0:
		add(5, true, fmt.Sprintf("Check-ins at least every %d days by the tier's policy.", in.CheckInDays), "", "")
	default:
		add(5, false, "No check-in intervals are set for the tier, nor agreed with the client.", "/cadence/policy", "Set check-in intervals")
	}
	// 6
	held := !in.LastReviewHeld.IsZero() && in.ReviewDays > 0 && in.Today.DaysSince(in.LastReviewHeld) <= in.ReviewDays &&
		!in.Today.Before(in.LastReviewHeld)
	next := !in.NextReviewDue.IsZero() && !in.NextReviewDue.Before(in.Today)
	switch {
	case held && next:
		add(6, true, "Last review held "+in.LastReviewHeld.String()+"; next on "+in.NextReviewDue.String()+".", "", "")
	case !held && in.LastReviewHeld.IsZero():
		add(6, false, "No business review has been held.", "/reviews", "Schedule a business review")
	case !held:
		add(6, false, fmt.Sprintf("The last review (%s) is older than the %d-day interval.", in.LastReviewHeld, in.ReviewDays), "/reviews", "Schedule a business review")
	default:
		add(6, false, "No next business review is scheduled.", "/reviews", "Schedule the next review")
	}
	// 7
	switch levels, known := distinct(in.Levels), distinct(in.KnownLevels); {
	case levels < 2:
		add(7, false, fmt.Sprintf("Key players are known at %d level%s.", levels, plural(levels)), acct+"/stakeholders/new", "Add key players at another level")
	case known < 2:
		add(7, false, fmt.Sprintf("We have relationships at %d level%s only.", known, plural(known)), acct, "Map relationships")
	default:
		add(7, true, fmt.Sprintf("Key players at %d levels, relationships at %d.", levels, known), "", "")
	}
	// 8
	if in.RoadmapItems > 0 {
		add(8, true, fmt.Sprintf("%d roadmap item%s.", in.RoadmapItems, plural(in.RoadmapItems)), "", "")
	} else {
		add(8, false, "No technology roadmap is recorded.", acct+"#intel", "Start the roadmap")
	}
	// 9
	short, long := false, false
	for _, h := range in.VisionHorizons {
		short = short || (h >= 1 && h <= 3)
		long = long || h >= 5
	}
	switch {
	case !short:
		add(9, false, "The client's 1-3 year vision is not documented.", acct+"#intel", "Document the vision")
	case in.Tier == "A" && !long:
		add(9, false, "A tier-A account needs its 5-year vision too.", acct+"#intel", "Document the 5-year vision")
	default:
		add(9, true, "The client's vision is documented.", "", "")
	}
	// 10
	if !in.LastKeyNPS.IsZero() && in.Today.DaysSince(in.LastKeyNPS) <= NPSWindowDays {
		add(10, true, "A key contact answered on "+in.LastKeyNPS.String()+".", "", "")
	} else if in.LastKeyNPS.IsZero() {
		add(10, false, "No key contact has answered an NPS survey.", "/measures/surveys", "Run an NPS survey")
	} else {
		add(10, false, "The last key-contact answer ("+in.LastKeyNPS.String()+") is over 12 months old.", "/measures/surveys", "Run an NPS survey")
	}

	for _, c := range g.Checks {
		if c.Pass {
			g.Score++
		}
	}
	g.Band = BandOf(g.Score)
	return g
}

func distinct(ss []string) int {
	m := map[string]bool{}
	for _, s := range ss {
		if s != "" {
			m[s] = true
		}
	}
	return len(m)
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func joinWords(ws []string) string {
	switch len(ws) {
	case 0:
		return ""
	case 1:
		return ws[0]
	}
	s := ws[0]
	for _, w := range ws[1 : len(ws)-1] {
		s += ", " + w
	}
	return s + " and " + ws[len(ws)-1]
}

// Portfolio summarises many grades.
type Portfolio struct {
	Accounts     int            `json:"accounts"`
	Distribution [11]int        `json:"distribution"` // accounts per score 0..10
	Bands        map[Band]int   `json:"bands"`
	Average      float64        `json:"average"`
	Weakest      []CheckFailure `json:"weakest"` // checks by failures, most first
}

// CheckFailure is how many accounts fail a check.
type CheckFailure struct {
	N       int    `json:"n"`
	Key     string `json:"key"`
	Title   string `json:"title"`
	Failing int    `json:"failing"`
}

// Summarise builds the portfolio view of grades.
func Summarise(grades []Grade) Portfolio {
	p := Portfolio{Accounts: len(grades), Bands: map[Band]int{DoingWell: 0, WorkOn: 0, AtRisk: 0}}
	fails := make([]int, len(Checks))
	sum := 0
	for _, g := range grades {
		p.Distribution[min(max(g.Score, 0), 10)]++
		p.Bands[g.Band]++
		sum += g.Score
		for _, c := range g.Checks {
			if !c.Pass && c.N >= 1 && c.N <= len(Checks) {
				fails[c.N-1]++
			}
		}
	}
	if len(grades) > 0 {
		p.Average = float64(sum) / float64(len(grades))
	}
	for i, d := range Checks {
		p.Weakest = append(p.Weakest, CheckFailure{N: d.N, Key: d.Key, Title: d.Title, Failing: fails[i]})
	}
	// Stable: most failures first, then check order.
	for i := 1; i < len(p.Weakest); i++ {
		for j := i; j > 0 && p.Weakest[j].Failing > p.Weakest[j-1].Failing; j-- {
			p.Weakest[j], p.Weakest[j-1] = p.Weakest[j-1], p.Weakest[j]
		}
	}
	return p
}
