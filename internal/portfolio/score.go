package portfolio

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"

	"github.com/samwise-sam/samwise/internal/account"
)

// Criterion is one dimension of the Strategic Score, rated 1-5 with a weight.
type Criterion struct {
	ID     int64     `json:"id"`
	Key    string    `json:"key"`
	Name   string    `json:"name"`
	Weight float64   `json:"weight"`
	Levels [5]string `json:"levels"` // what a rating of 1..5 means
}

// DefaultCriteria are the six criteria of good practice, equally weighted.
func DefaultCriteria() []Criterion {
	return []Criterion{
		{Key: "continuity", Name: "Likelihood of a continued relationship", Weight: 1,
			Levels: [5]string{"Likely to leave", "At risk", "Uncertain", "Likely to stay", "Committed for years"}},
		{Key: "growth", Name: "The client's ability to grow", Weight: 1,
			Levels: [5]string{"Shrinking", "Flat", "Modest growth", "Growing", "Growing fast"}},
		{Key: "fit", Name: "Fit of our offerings to the client's needs", Weight: 1,
			Levels: [5]string{"Poor fit", "Narrow fit", "Partial fit", "Good fit", "Ideal fit"}},
		{Key: "potential", Name: "Projected revenue potential", Weight: 1,
			Levels: [5]string{"Minimal", "Small", "Medium", "Large", "Very large"}},
		{Key: "relationships", Name: "Pre-existing personal relationships", Weight: 1,
			Levels: [5]string{"None", "One contact", "A few contacts", "Several levels", "Deep at every level"}},
		{Key: "financial_health", Name: "The client's current financial health", Weight: 1,
			Levels: [5]string{"Distressed", "Weak", "Stable", "Strong", "Excellent"}},
	}
}

// Score is the weighted Strategic Score of one account on 0-100:
//
//	score = 100 × Σ w·(rating−1)/4 ÷ Σ w
//
// All ones give 0, all fives 100. ok is false — "not scored", never zero —
// when a criterion with a positive weight has no rating, or no criterion
// carries weight. Ratings outside 1-5 are an error.
func Score(criteria []Criterion, ratings map[int64]int) (score float64, ok bool, err error) {
	var num, den float64
	for _, c := range criteria {
		if c.Weight < 0 {
			return 0, false, fmt.Errorf("criterion %q has a negative weight", c.Name)
		}
		if c.Weight == 0 {
			continue
		}
		r, rated := ratings[c.ID]
		if !rated {
			return 0, false, nil
		}
		if r < 1 || r > 5 {
			return 0, false, fmt.Errorf("criterion %q is rated %d; ratings run from 1 to 5", c.Name, r)
		}
		num += c.Weight * float64(r-1) / 4
		den += c.Weight
	}
	if den == 0 {
		return 0, false, nil
	}
	return 100 * num / den, true, nil
}

// Rating is one criterion's rating of an account, 1-5.
type Rating struct {
	CriterionID int64 `json:"criterion_id"`
	Value       int   `json:"value"`
}

// Limits on criteria, so that a form or an API call cannot make the score
// unreadable.
const (
	MaxCriteria  = 20
	MaxWeight    = 100
	maxNameLen   = 100
	maxLevelLen  = 200
	maxKeyLen    = 40
	MaxNoteLen   = 2000
	MaxReasonLen = 2000
)

var keyPattern = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// KeyOf makes a criterion key from a name: "Growth ability" → "growth_ability".
func KeyOf(name string) string {
	var b strings.Builder
	sep := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9' && b.Len() > 0:
			if sep && b.Len() > 0 {
				b.WriteByte('_')
			}
			b.WriteRune(r)
			sep = false
		default:
			sep = true
		}
		if b.Len() >= maxKeyLen {
			break
		}
	}
	return b.String()
}

// Normalize trims the criterion's text and fills a missing key from the name.
func (c *Criterion) Normalize() {
	c.Name = strings.TrimSpace(c.Name)
	c.Key = strings.TrimSpace(c.Key)
	if c.Key == "" {
		c.Key = KeyOf(c.Name)
	}
	for i := range c.Levels {
		c.Levels[i] = strings.TrimSpace(c.Levels[i])
	}
}

// LevelText is what a rating of r (1-5) means, or "Level r" when the
// criterion does not say.
func (c Criterion) LevelText(r int) string {
	if r < 1 || r > 5 {
		return ""
	}
	if s := c.Levels[r-1]; s != "" {
		return s
	}
	return fmt.Sprintf("Level %d", r)
}

// ValidateCriteria checks a whole set of criteria: between one and
// MaxCriteria of them, each with a name and a unique key of lowercase
// letters, digits and underscores, a weight from 0 to MaxWeight, short level
// texts, and at least one positive weight (else no account could be
// scored). Field names are "criteria[i].field".
func ValidateCriteria(cs []Criterion) error {
	e := &account.Error{Code: account.EINVALID, Message: "The criteria are not valid."}
	add := func(i int, field, msg string) {
		e.Fields = append(e.Fields, account.FieldError{Field: fmt.Sprintf("criteria[%d].%s", i, field), Message: msg})
	}
	switch {
	case len(cs) == 0:
		return account.Invalid("criteria", "must hold at least one criterion")
	case len(cs) > MaxCriteria:
		return account.Invalid("criteria", "may hold at most %d criteria", MaxCriteria)
	}
	seen := map[string]bool{}
	total := 0.0
	for i, c := range cs {
		switch {
		case c.Name == "":
			add(i, "name", "is required")
		case len([]rune(c.Name)) > maxNameLen:
			add(i, "name", fmt.Sprintf("must be at most %d characters", maxNameLen))
		}
		switch {
		case c.Key == "":
			add(i, "key", "is required")
		case len(c.Key) > maxKeyLen || !keyPattern.MatchString(c.Key):
			add(i, "key", fmt.Sprintf("must start with a letter and hold only a-z, 0-9 and _ (at most %d)", maxKeyLen))
		case seen[c.Key]:
			add(i, "key", "is used by another criterion")
		}
		seen[c.Key] = true
		if math.IsNaN(c.Weight) || c.Weight < 0 || c.Weight > MaxWeight {
			add(i, "weight", fmt.Sprintf("must be from 0 to %d", MaxWeight))
		} else {
			total += c.Weight
		}
		for j, l := range c.Levels {
			if len([]rune(l)) > maxLevelLen {
				add(i, fmt.Sprintf("levels[%d]", j), fmt.Sprintf("must be at most %d characters", maxLevelLen))
			}
		}
	}
	if len(e.Fields) > 0 {
		return e
	}
	if total == 0 {
		return account.Invalid("criteria", "need at least one criterion with a weight above 0, or no account can be scored")
	}
	return nil
}

// Scorer scores many accounts under one set of criteria: it does the
// per-criterion work of Score once, so that scoring 100,000 accounts costs
// a few map lookups each.
type Scorer struct {
	// ids and weights of the weighted criteria, side by side. A linear
	// search of a handful of ids beats a map lookup.
	ids      []int64
	weights  []float64
	weighted int // how many criteria carry weight
	den      float64
}

// NewScorer prepares criteria for scoring. Negative weights are an error, as
// for Score.
func NewScorer(criteria []Criterion) (*Scorer, error) {
	s := &Scorer{}
	for _, c := range criteria {
		if c.Weight < 0 || math.IsNaN(c.Weight) {
			return nil, fmt.Errorf("criterion %q has a negative weight", c.Name)
		}
		if c.Weight == 0 {
			continue
		}
		s.ids = append(s.ids, c.ID)
		s.weights = append(s.weights, c.Weight)
		s.den += c.Weight
	}
	if len(s.weights) > 64 {
		return nil, fmt.Errorf("%d weighted criteria; at most 64 can be scored", len(s.weights))
	}
	s.weighted = len(s.weights)
	return s, nil
}

// Weighted is the number of criteria that must be rated for a score.
func (s *Scorer) Weighted() int { return s.weighted }

// Score is Score's formula for one account's ratings. rated counts the
// weighted criteria among them; ok is false ("not scored") unless every
// weighted criterion is rated. Ratings of unknown or zero-weight criteria
// are ignored; a rating outside 1-5 makes the account not scored (the store
// never holds one). The score is rounded to 1e-6 so that equal ratings in
// any order give equal scores (and so equal ranks).
func (s *Scorer) Score(rs []Rating) (score float64, rated int, ok bool) {
	if s.weighted == 0 {
		return 0, 0, false
	}
	var num float64
	var seen uint64 // slots seen, for up to 64 criteria; MaxCriteria is lower
	for _, r := range rs {
		i := slices.Index(s.ids, r.CriterionID)
		if i < 0 || seen&(1<<uint(i)) != 0 {
			continue
		}
		if r.Value < 1 || r.Value > 5 {
			return 0, rated, false
		}
		seen |= 1 << uint(i)
		rated++
		num += s.weights[i] * float64(r.Value-1) / 4
	}
	if rated < s.weighted {
		return 0, rated, false
	}
	return roundScore(100 * num / s.den), rated, true
}

func roundScore(v float64) float64 { return math.Round(v*1e6) / 1e6 }
