package measure

import (
	"fmt"

	"github.com/samwise-sam/samwise/internal/account"
)

// Section is one of the four R's the assessment covers.
type Section struct {
	Key        string   `json:"key"`
	Name       string   `json:"name"`
	Statements []int    `json:"statements"` // 1-based statement numbers
	Practices  []string `json:"practices"`  // good practices that answer a weak section
}

// Statement is one of the fifteen statements, in samwise's own words.
type Statement struct {
	N       int    `json:"n"`
	Section string `json:"section"`
	Text    string `json:"text"`
}

// Sections of the assessment, in order.
var Sections = []Section{
	{Key: "resolution", Name: "Resolution", Statements: []int{1, 2, 3, 4}, Practices: []string{
		"Write down one escalation path per key account — who is called, within what time, who decides — and agree it with the client.",
		"Review open problems of key accounts every week and name an owner for each.",
		"Look for problems before the client does: review incidents, usage and support trends with the account team.",
	}},
	{Key: "retention", Name: "Retention", Statements: []int{5, 6}, Practices: []string{
		"Ask each key account what keeps them with you — in an interview or a survey — and record it in the profile.",
		"Hold business reviews at several levels on a cadence agreed with the client, covering goals, what works and what does not.",
	}},
	{Key: "revenue", Name: "Revenue", Statements: []int{7, 8, 9, 10, 11}, Practices: []string{
		"Give every account-team role its part in new business, in writing.",
		"Train and coach the new habits you expect, and set goals that reward them.",
		"Celebrate wins publicly; when duties are added, take something less important away.",
	}},
	{Key: "relationships", Name: "Relationships", Statements: []int{12, 13, 14, 15}, Practices: []string{
		"Require an account plan, a relationship matrix and a cadence on every key account.",
		"Give your executives reasons to meet the client's executives regularly — a standing executive review.",
		"Measure relationship-building (coverage by level, cadence adherence) and train account managers in it.",
	}},
}

// Statements are the fifteen statements.
var Statements = []Statement{
	{1, "resolution", "When a client has a problem, we have a simple, fast process that solves it and makes someone accountable."},
	{2, "resolution", "We step in personally to rescue a situation before it goes wrong."},
	{3, "resolution", "Preventing problems comes before fixing them."},
	{4, "resolution", "Who does what when a problem arises is agreed with the client beforehand."},
	{5, "retention", "We find out what keeps each key account satisfied."},
	{6, "retention", "We meet regularly, at several levels, to review goals, what works and what does not."},
	{7, "revenue", "Everyone knows their part in winning new business from our accounts."},
	{8, "revenue", "The new behaviours that bring revenue are trained and supported."},
	{9, "revenue", "There are incentives for bringing in new business."},
	{10, "revenue", "We celebrate successes."},
	{11, "revenue", "When people are given new duties, something less important is taken off their plate."},
	{12, "relationships", "Account-planning tools are required on our key accounts."},
	{13, "relationships", "We find reasons to meet our clients' executives regularly."},
	{14, "relationships", "We measure the behaviours that build relationships."},
	{15, "relationships", "Our account managers are trained in building relationships."},
}

// Rating labels, 1..5.
var RatingLabels = []string{"Strongly disagree", "Disagree", "Neutral", "Agree", "Strongly agree"}

// NumStatements is the number of statements.
const NumStatements = 15

// AssessmentBand names a total's band.
type AssessmentBand string

const (
	Excellent   AssessmentBand = "excellent"     // 60-75
	Good        AssessmentBand = "good"          // 50-59
	Concern     AssessmentBand = "concern"       // 40-49
	CallForHelp AssessmentBand = "call_for_help" // 15-39
)

// AssessmentBandOf returns the band of a total (15-75).
func AssessmentBandOf(total int) AssessmentBand {
	switch {
	case total >= 60:
		return Excellent
	case total >= 50:
		return Good
	case total >= 40:
		return Concern
	default:
		return CallForHelp
	}
}

// Label is the band in words.
func (b AssessmentBand) Label() string {
	switch b {
	case Excellent:
		return "Excellent"
	case Good:
		return "Good — target the weak areas"
	case Concern:
		return "Cause for concern"
	default:
		return "Call for help"
	}
}

// ValidateRatings checks a respondent's fifteen ratings.
func ValidateRatings(r []int) error {
	if len(r) != NumStatements {
		return account.Invalid("ratings", "must rate all %d statements", NumStatements)
	}
	for i, v := range r {
		if v < 1 || v > 5 {
			return account.Invalid(fmt.Sprintf("s%d", i+1), "must be rated from 1 (strongly disagree) to 5 (strongly agree)")
		}
	}
	return nil
}

// Total sums valid ratings (15-75).
func Total(r []int) int {
	t := 0
	for _, v := range r {
		t += v
	}
	return t
}

// WeakBelow is the section average below which a section is weak.
const WeakBelow = 3.5

// SectionResult is a section's average over the respondents.
type SectionResult struct {
	Key       string   `json:"key"`
	Name      string   `json:"name"`
	Average   float64  `json:"average"` // mean rating 1..5
	Weak      bool     `json:"weak"`
	Practices []string `json:"practices,omitempty"` // only when weak
}

// Results are a round's figures over many respondents.
type Results struct {
	Respondents  int             `json:"respondents"`
	AverageTotal float64         `json:"average_total"`
	Band         AssessmentBand  `json:"band"`       // of the rounded average total; "" without respondents
	Statements   []float64       `json:"statements"` // mean per statement, index 0 = statement 1
	Sections     []SectionResult `json:"sections"`
}

// Summarise computes averages over respondents' ratings (each slice valid:
// 15 ratings 1-5; invalid ones are skipped).
func SummariseRatings(all [][]int) Results {
	res := Results{Statements: make([]float64, NumStatements)}
	var totals float64
	for _, r := range all {
		if ValidateRatings(r) != nil {
			continue
		}
		res.Respondents++
		totals += float64(Total(r))
		for i, v := range r {
			res.Statements[i] += float64(v)
		}
	}
	if res.Respondents > 0 {
		n := float64(res.Respondents)
		for i := range res.Statements {
			res.Statements[i] /= n
		}
		res.AverageTotal = totals / n
		res.Band = AssessmentBandOf(int(res.AverageTotal + 0.5))
	}
	for _, s := range Sections {
		sr := SectionResult{Key: s.Key, Name: s.Name}
		if res.Respondents > 0 {
			sum := 0.0
			for _, n := range s.Statements {
				sum += res.Statements[n-1]
			}
			sr.Average = sum / float64(len(s.Statements))
			sr.Weak = sr.Average < WeakBelow
			if sr.Weak {
				sr.Practices = s.Practices
			}
		}
		res.Sections = append(res.Sections, sr)
	}
	return res
}
