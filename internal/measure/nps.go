package measure

import (
	"cmp"
	"slices"
	"time"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
)

// Category is how an NPS answer counts.
type Category string

const (
	Promoter  Category = "promoter"  // 9-10
	Passive   Category = "passive"   // 7-8
	Detractor Category = "detractor" // 0-6
)

// CategoryOf classifies a 0-10 answer.
func CategoryOf(score int) Category {
	switch {
	case score >= 9:
		return Promoter
	case score >= 7:
		return Passive
	default:
		return Detractor
	}
}

// ValidScore reports an NPS answer in 0-10.
func ValidScore(score int) bool { return score >= 0 && score <= 10 }

// ValidateAnswer checks an answer as typed by a respondent.
func ValidateAnswer(score int, comment string) error {
	if !ValidScore(score) {
		return account.Invalid("score", "must be a whole number from 0 to 10")
	}
	if utf8.RuneCountInString(comment) > MaxComment {
		return account.Invalid("comment", "must be at most %d characters", MaxComment)
	}
	return nil
}

// MaxComment bounds a respondent's comment.
const MaxComment = 4000

// Answer is one NPS answer with what it is grouped by.
type Answer struct {
	CampaignID   int64
	RespondentID int64 // the stakeholder
	AccountID    int64
	Tier         string // the account's tier when computed ("" untiered)
	ManagerID    int64  // the account's owner when computed (0 none)
	Year         int    // the campaign's year
	Score        int
	At           time.Time
	KeyContact   bool
}

// NPS is the score of a set of answers.
type NPS struct {
	Promoters  int `json:"promoters"`
	Passives   int `json:"passives"`
	Detractors int `json:"detractors"`
	Responses  int `json:"responses"`
	// Score is %promoters − %detractors, −100..100; meaningless when
	// Responses is 0 (see Defined).
	Score float64 `json:"score"`
}

// Defined reports whether there is any answer to score.
func (n NPS) Defined() bool { return n.Responses > 0 }

// Rounded is the score to the nearest whole number, as people read it.
func (n NPS) Rounded() int {
	if n.Score < 0 {
		return -int(-n.Score + 0.5)
	}
	return int(n.Score + 0.5)
}

// Latest keeps the latest answer of each respondent in each campaign (ties
// broken by the later position in the input, i.e. the last recorded).
func Latest(answers []Answer) []Answer {
	type key struct{ c, r int64 }
	idx := map[key]int{}
	var out []Answer
	for _, a := range answers {
		k := key{a.CampaignID, a.RespondentID}
		if i, ok := idx[k]; ok {
			if !a.At.Before(out[i].At) {
				out[i] = a
			}
			continue
		}
		idx[k] = len(out)
		out = append(out, a)
	}
	return out
}

// Score computes the NPS over the latest answer of each respondent.
func Score(answers []Answer) NPS {
	var n NPS
	for _, a := range Latest(answers) {
		switch CategoryOf(a.Score) {
		case Promoter:
			n.Promoters++
		case Passive:
			n.Passives++
		default:
			n.Detractors++
		}
	}
	n.Responses = n.Promoters + n.Passives + n.Detractors
	if n.Responses > 0 {
		n.Score = 100 * float64(n.Promoters-n.Detractors) / float64(n.Responses)
	}
	return n
}

// ResponseRate is respondents ÷ invited, 0..1 (0 when nobody was invited).
func ResponseRate(invited, responded int) float64 {
	if invited <= 0 {
		return 0
	}
	return float64(min(responded, invited)) / float64(invited)
}

// Group is the NPS of one group of answers.
type Group struct {
	Key string `json:"key"`
	NPS NPS    `json:"nps"`
}

// ScoreBy computes the NPS per group, groups in key order.
func ScoreBy(answers []Answer, key func(Answer) string) []Group {
	by := map[string][]Answer{}
	for _, a := range Latest(answers) {
		k := key(a)
		by[k] = append(by[k], a)
	}
	out := make([]Group, 0, len(by))
	for k, as := range by {
		out = append(out, Group{Key: k, NPS: Score(as)})
	}
	slices.SortFunc(out, func(a, b Group) int { return cmp.Compare(a.Key, b.Key) })
	return out
}

// YearScore is the NPS of one year's campaigns.
type YearScore struct {
	Year int `json:"year"`
	NPS  NPS `json:"nps"`
}

// Trend is the NPS per year, oldest first.
func Trend(answers []Answer) []YearScore {
	by := map[int][]Answer{}
	for _, a := range Latest(answers) {
		by[a.Year] = append(by[a.Year], a)
	}
	out := make([]YearScore, 0, len(by))
	for y, as := range by {
		out = append(out, YearScore{Year: y, NPS: Score(as)})
	}
	slices.SortFunc(out, func(a, b YearScore) int { return cmp.Compare(a.Year, b.Year) })
	return out
}
