package portfolio

import "github.com/samwise-sam/samwise/internal/account"

// Tier is an A-B-C class.
type Tier string

const (
	TierA Tier = "A"
	TierB Tier = "B"
	TierC Tier = "C"
)

// Thresholds are the cumulative revenue shares (0..1) that end tiers A and B.
// The defaults are 80% and 95%.
type Thresholds struct {
	A float64
	B float64
}

// DefaultThresholds are the Pareto defaults: A up to 80%, B up to 95%.
var DefaultThresholds = Thresholds{A: 0.80, B: 0.95}

// Revenue is one account's revenue for tiering (trailing twelve months, in
// minor units).
type Revenue struct {
	AccountID int64
	Name      string
	Amount    int64
}

// ParetoTiers classifies accounts by revenue. Accounts are sorted by revenue
// descending, ties by name then id, so the order is stable. Walking that
// list, an account is A while the cumulative share *before* it is below t.A
// (so the account that crosses the threshold is still A), B while below t.B,
// C otherwise. Accounts with zero or negative revenue are always C.
//
// Example (DOMAIN.md): revenues 50, 30, 10, 6, 4 have shares before of 0, 50,
// 80, 90, 96 percent → A, A, B, B, C.
func ParetoTiers(rs []Revenue, t Thresholds) map[int64]Tier {
	accts := make([]Account, len(rs))
	for i, r := range rs {
		accts[i].ID, accts[i].Name, accts[i].Revenue = r.AccountID, r.Name, r.Amount
	}
	tiers := pareto(accts, t).tier
	out := make(map[int64]Tier, len(rs))
	for i, a := range accts {
		out[a.ID] = tiers[i]
	}
	return out
}

// Valid reports whether t is A, B or C.
func (t Tier) Valid() bool { return t == TierA || t == TierB || t == TierC }

// Method is how an organisation computes tiers.
type Method string

const (
	ByPareto Method = "pareto" // by trailing-12-month revenue (ParetoTiers)
	ByScore  Method = "score"  // by Strategic Score floors (ScoreTier)
)

// Methods lists the tiering methods.
var Methods = []Method{ByPareto, ByScore}

// ScoreFloors are the lowest Strategic Scores of tiers A and B when tiering
// by score.
type ScoreFloors struct {
	A float64
	B float64
}

// DefaultScoreFloors: A from 70, B from 40.
var DefaultScoreFloors = ScoreFloors{A: 70, B: 40}

// ScoreTier is the tier of a score: A at or above f.A, B at or above f.B, C
// below. An account that is not scored is C: until someone rates it there is
// nothing to put it higher on (the strategic pipeline lists it as waiting to
// be scored).
func ScoreTier(score float64, scored bool, f ScoreFloors) Tier {
	switch {
	case !scored:
		return TierC
	case score >= f.A:
		return TierA
	case score >= f.B:
		return TierB
	}
	return TierC
}

// Policy is an organisation's tiering policy.
type Policy struct {
	Method Method      `json:"method"`
	Pareto Thresholds  `json:"pareto"`
	Score  ScoreFloors `json:"score"`
}

// DefaultPolicy tiers by Pareto at 80% and 95%, with score floors of 70 and
// 40 ready for when the method changes.
func DefaultPolicy() Policy {
	return Policy{Method: ByPareto, Pareto: DefaultThresholds, Score: DefaultScoreFloors}
}

// Validate checks the policy: a known method, Pareto shares with
// 0 < A ≤ B ≤ 1, and score floors with 0 ≤ B ≤ A ≤ 100.
func (p Policy) Validate() error {
	e := &account.Error{Code: account.EINVALID, Message: "The tiering policy is not valid."}
	add := func(field, msg string) { e.Fields = append(e.Fields, account.FieldError{Field: field, Message: msg}) }
	if p.Method != ByPareto && p.Method != ByScore {
		add("method", "must be pareto or score")
	}
	switch {
	case !(p.Pareto.A > 0 && p.Pareto.A <= 1):
		add("pareto.a", "must be a share above 0 and at most 1 (e.g. 0.8)")
	case !(p.Pareto.B >= p.Pareto.A && p.Pareto.B <= 1):
		add("pareto.b", "must be at least the A share and at most 1 (e.g. 0.95)")
	}
	switch {
	case !(p.Score.A >= 0 && p.Score.A <= 100):
		add("score.a", "must be from 0 to 100")
	case !(p.Score.B >= 0 && p.Score.B <= p.Score.A):
		add("score.b", "must be from 0 to the A floor")
	}
	if len(e.Fields) > 0 {
		return e
	}
	return nil
}

// ParetoBands counts the accounts of each tier when revenues — highest
// first, as ParetoTiers orders them — are classified by ParetoTiers' rule:
// how many are A, B and C. Charts use it to shade the tiers' bands.
func ParetoBands(sorted []int64, t Thresholds) [3]int {
	var total, before int64
	for _, r := range sorted {
		total += max(r, 0)
	}
	var out [3]int
	for _, r := range sorted {
		if r <= 0 || total == 0 {
			out[2]++
			continue
		}
		switch share := float64(before) / float64(total); {
		case share < t.A-1e-12:
			out[0]++
		case share < t.B-1e-12:
			out[1]++
		default:
			out[2]++
		}
		before += r
	}
	return out
}
