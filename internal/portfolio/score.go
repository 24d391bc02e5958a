package portfolio

import "fmt"

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
