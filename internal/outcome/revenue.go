package outcome

import (
	"math"

	"github.com/samwise-sam/samwise/internal/account"
)

// StageRow is an aggregate of opportunities sharing a stage and a group:
// open ones (any close date) and closed ones closed in the period.
type StageRow struct {
	ManagerID int64 // the account's owner, 0 for none
	Tier      string
	Strategic bool
	Stage     account.Stage
	Count     int64
	Amount    int64 // minor units
}

// StageLine is one stage of a pipeline.
type StageLine struct {
	Stage       account.Stage `json:"stage"`
	Count       int64         `json:"count"`
	Amount      int64         `json:"amount"`
	Probability float64       `json:"probability"` // percent
	Weighted    int64         `json:"weighted"`    // amount × probability
}

// Revenue is a group's pipeline, won and lost business and win rate.
type Revenue struct {
	Key        string      `json:"key"`
	Pipeline   []StageLine `json:"pipeline"` // open stages in process order
	Open       int64       `json:"open"`     // amount of the open pipeline
	Weighted   int64       `json:"weighted"` // its probability-weighted amount
	Won        int64       `json:"won"`      // amount won in the period
	WonCount   int64       `json:"won_count"`
	LostCount  int64       `json:"lost_count"`
	Lost       int64       `json:"lost"`
	WinRate    float64     `json:"win_rate"` // won ÷ (won + lost) by count; WinRateDefined says if any closed
	WinDefined bool        `json:"win_rate_defined"`
	Goal       int64       `json:"goal"`       // the revenue goal of the period (managers only; 0 none)
	GoalShare  float64     `json:"goal_share"` // Won ÷ Goal
	GoalDefine bool        `json:"goal_defined"`
}

// OpenStages are the stages of the open pipeline.
var OpenStages = []account.Stage{account.Prospecting, account.Engaging, account.Proposal}

// DefaultProbabilities are the chances of winning, percent, of each open
// stage until a leader changes them.
var DefaultProbabilities = map[account.Stage]float64{account.Prospecting: 10, account.Engaging: 30, account.Proposal: 60}

// Tally sums rows into a Revenue with the stage probabilities (percent).
func Tally(key string, rows []StageRow, probs map[account.Stage]float64) Revenue {
	r := Revenue{Key: key}
	lines := make([]StageLine, len(OpenStages))
	for i, s := range OpenStages {
		lines[i] = StageLine{Stage: s, Probability: probs[s]}
	}
	for _, row := range rows {
		switch row.Stage {
		case account.Won:
			r.Won += row.Amount
			r.WonCount += row.Count
		case account.Lost:
			r.Lost += row.Amount
			r.LostCount += row.Count
		default:
			for i := range lines {
				if lines[i].Stage == row.Stage {
					lines[i].Count += row.Count
					lines[i].Amount += row.Amount
				}
			}
		}
	}
	for i := range lines {
		lines[i].Weighted = int64(math.Round(float64(lines[i].Amount) * lines[i].Probability / 100))
		r.Open += lines[i].Amount
		r.Weighted += lines[i].Weighted
	}
	r.Pipeline = lines
	r.WinRate, r.WinDefined = WinRate(r.WonCount, r.LostCount)
	return r
}

// WithGoal sets a revenue goal and the share of it won.
func (r Revenue) WithGoal(goal int64) Revenue {
	r.Goal = goal
	if goal > 0 {
		r.GoalShare, r.GoalDefine = float64(r.Won)/float64(goal), true
	}
	return r
}

// WinRate is won ÷ (won + lost) over the opportunities closed in the
// period; open ones do not count. ok is false when none closed.
func WinRate(won, lost int64) (rate float64, ok bool) {
	if won+lost <= 0 {
		return 0, false
	}
	return float64(won) / float64(won+lost), true
}

// RevenueReport is the pipeline and won business of a period for the
// portfolio, per manager, per tier and for the strategic accounts.
type RevenueReport struct {
	From      account.Date       `json:"from"`
	To        account.Date       `json:"to"`
	All       Revenue            `json:"all"`
	Managers  map[int64]*Revenue `json:"managers"`
	Tiers     map[string]Revenue `json:"tiers"`
	Strategic Revenue            `json:"strategic"`
	Rest      Revenue            `json:"rest"`
}

// RevenueOf groups rows into a RevenueReport; tier limits it to one tier
// when not empty ("-" for untiered accounts).
func RevenueOf(rows []StageRow, from, to account.Date, tier string, probs map[account.Stage]float64) RevenueReport {
	rep := RevenueReport{From: from, To: to, Managers: map[int64]*Revenue{}, Tiers: map[string]Revenue{}}
	var all, strategic, rest []StageRow
	byManager := map[int64][]StageRow{}
	byTier := map[string][]StageRow{}
	for _, r := range rows {
		if tier != "" && r.Tier != tier && !(tier == "-" && r.Tier == "") {
			continue
		}
		all = append(all, r)
		byManager[r.ManagerID] = append(byManager[r.ManagerID], r)
		byTier[r.Tier] = append(byTier[r.Tier], r)
		if r.Strategic {
			strategic = append(strategic, r)
		} else {
			rest = append(rest, r)
		}
	}
	rep.All = Tally("all", all, probs)
	rep.Strategic = Tally("strategic", strategic, probs)
	rep.Rest = Tally("rest", rest, probs)
	for id, rs := range byManager {
		r := Tally("manager", rs, probs)
		rep.Managers[id] = &r
	}
	for _, t := range []string{"A", "B", "C", ""} {
		rep.Tiers[t] = Tally("tier "+t, byTier[t], probs)
	}
	return rep
}
