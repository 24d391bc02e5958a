package portfolio

import (
	"cmp"
	"slices"
)

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
	sorted := slices.Clone(rs)
	slices.SortFunc(sorted, func(a, b Revenue) int {
		return cmp.Or(cmp.Compare(b.Amount, a.Amount), cmp.Compare(a.Name, b.Name), cmp.Compare(a.AccountID, b.AccountID))
	})
	var total int64
	for _, r := range sorted {
		if r.Amount > 0 {
			total += r.Amount
		}
	}
	out := make(map[int64]Tier, len(rs))
	var before int64
	for _, r := range sorted {
		switch {
		case r.Amount <= 0 || total == 0:
			out[r.AccountID] = TierC
		default:
			// The epsilon keeps an exact boundary exact: a share of 80/100
			// computed in floating point is not "below" 0.80.
			share := float64(before) / float64(total)
			switch {
			case share < t.A-1e-12:
				out[r.AccountID] = TierA
			case share < t.B-1e-12:
				out[r.AccountID] = TierB
			default:
				out[r.AccountID] = TierC
			}
			before += r.Amount
		}
	}
	return out
}
