package health

import (
	"fmt"
	"math"

	"gonum.org/v1/gonum/optimize"

	"github.com/samwise-sam/samwise/internal/account"
)

// Minimum history for back-testing and for the churn model: outcomes in
// all, and outcomes of each class (churned, kept).
const (
	MinOutcomes = 30
	MinEach     = 5
)

// Example is one account's signals at a past snapshot and what happened at
// the renewal after it.
type Example struct {
	AccountID int64        `json:"account_id"`
	At        account.Date `json:"at"`         // the snapshot's day
	OutcomeOn account.Date `json:"outcome_on"` // the renewal (or churn) day
	Signals   Signals      `json:"signals"`
	// Churned: churned or contracted; false: renewed or expanded.
	Churned bool `json:"churned"`
}

// Enough says whether outcomes with churned of them are enough history, and
// if not, why in words.
func Enough(outcomes, churned int) (bool, string) {
	kept := outcomes - churned
	if outcomes >= MinOutcomes && churned >= MinEach && kept >= MinEach {
		return true, ""
	}
	return false, fmt.Sprintf("Too little history: %d renewal outcomes (%d churned, %d kept); samwise needs at least %d, with %d of each, so it uses the rule-based health score instead.",
		outcomes, churned, kept, MinOutcomes, MinEach)
}

// SignalResult is how well one signal would have predicted retention.
type SignalResult struct {
	Key      Key     `json:"key"`
	Label    string  `json:"label"`
	N        int     `json:"n"`       // examples where the signal had data
	AUC      float64 `json:"auc"`     // meaningful only when HasAUC
	HasAUC   bool    `json:"has_auc"` // both outcomes occur among the N
	Weight   float64 `json:"weight"`  // the weight in force, as a share of 100
	Proposed float64 `json:"proposed"`
}

// Backtest is the result of back-testing the health score.
type Backtest struct {
	Examples int    `json:"examples"`
	Churned  int    `json:"churned"`
	Kept     int    `json:"kept"`
	Enough   bool   `json:"enough"`
	Message  string `json:"message,omitempty"`
	// ScoreAUC: how well the score with the weights in force would have
	// told kept accounts (higher score) from churned ones.
	ScoreAUC    float64        `json:"score_auc"`
	HasScoreAUC bool           `json:"has_score_auc"`
	Signals     []SignalResult `json:"signals"`
	// Proposed are weights (summing to 100) fitted to the history, and
	// ProposedAUC the score's AUC with them; nil when there is too little
	// history.
	Proposed    Weights `json:"proposed,omitempty"`
	ProposedAUC float64 `json:"proposed_auc"`
}

// Better reports whether the proposed weights would have predicted better.
func (b Backtest) Better() bool {
	return b.Proposed != nil && (!b.HasScoreAUC || b.ProposedAUC > b.ScoreAUC+1e-9)
}

// shares turns weights into shares of 100.
func shares(w Weights) Weights {
	t := 0.0
	for _, k := range Keys {
		t += math.Max(w[k], 0)
	}
	out := Weights{}
	for _, k := range Keys {
		if t > 0 {
			out[k] = 100 * math.Max(w[k], 0) / t
		}
	}
	return out
}

// BackTest scores each example with weights w and measures how well the
// score and each signal would have predicted its outcome (AUC: kept
// accounts should score higher). With enough history it proposes weights:
// a logistic regression of churn on the signals (each ÷ 100, missing ones
// replaced by the signal's mean over the examples), with every coefficient
// constrained to push towards health (β ≥ 0 on "higher is healthier"),
// normalised to shares of 100. Signals with no data in the history keep
// their current share.
func BackTest(ex []Example, w Weights) Backtest {
	b := Backtest{Examples: len(ex)}
	kept := make([]bool, len(ex))
	scores := make([]float64, len(ex))
	for i, e := range ex {
		kept[i] = !e.Churned
		if e.Churned {
			b.Churned++
		}
		s := Compute(e.Signals, w)
		scores[i] = math.NaN()
		if s.Scored {
			scores[i] = s.Value
		}
	}
	b.Kept = b.Examples - b.Churned
	b.Enough, b.Message = Enough(b.Examples, b.Churned)
	b.ScoreAUC, b.HasScoreAUC = AUC(scores, kept)
	cur := shares(w)
	present := map[Key]int{}
	for _, k := range Keys {
		vals := make([]float64, len(ex))
		for i, e := range ex {
			v, ok := e.Signals[k]
			if !ok {
				v = math.NaN()
			} else {
				present[k]++
			}
			vals[i] = v
		}
		r := SignalResult{Key: k, Label: k.Label(), N: present[k], Weight: cur[k]}
		r.AUC, r.HasAUC = AUC(vals, kept)
		b.Signals = append(b.Signals, r)
	}
	if !b.Enough {
		return b
	}
	b.Proposed = proposeWeights(ex, present, cur)
	for i := range b.Signals {
		b.Signals[i].Proposed = b.Proposed[b.Signals[i].Key]
	}
	for i, e := range ex {
		s := Compute(e.Signals, b.Proposed)
		scores[i] = math.NaN()
		if s.Scored {
			scores[i] = s.Value
		}
	}
	b.ProposedAUC, _ = AUC(scores, kept)
	return b
}

// proposeWeights fits P(churn) = σ(b₀ − Σ βₖ·xₖ) with βₖ ≥ 0 on the mean
// log-loss plus a small ridge (1e-3·Σβ²). The constraint is kept by fitting
// θₖ with βₖ = θₖ² (L-BFGS from gonum's optimize): a projected gradient
// descent gives the same answer but needed seconds for 10,000 outcomes.
func proposeWeights(ex []Example, present map[Key]int, cur Weights) Weights {
	var keys []Key
	for _, k := range Keys {
		if present[k] > 0 {
			keys = append(keys, k)
		}
	}
	means := make([]float64, len(keys))
	for j, k := range keys {
		for _, e := range ex {
			if v, ok := e.Signals[k]; ok {
				means[j] += v / 100
			}
		}
		means[j] /= float64(present[k])
	}
	x := make([][]float64, len(ex))
	y := make([]float64, len(ex))
	for i, e := range ex {
		x[i] = make([]float64, len(keys))
		for j, k := range keys {
			if v, ok := e.Signals[k]; ok {
				x[i][j] = v / 100
			} else {
				x[i][j] = means[j]
			}
		}
		if e.Churned {
			y[i] = 1
		}
	}
	const ridge = 1e-3
	n := float64(len(ex))
	// w[0] is b₀, w[1:] the θ.
	p := optimize.Problem{
		Func: func(w []float64) float64 {
			loss := 0.0
			for i, xi := range x {
				z := w[0]
				for j, v := range xi {
					z -= w[j+1] * w[j+1] * v
				}
				loss += softplus(z) - y[i]*z
			}
			reg := 0.0
			for _, t := range w[1:] {
				reg += t * t * t * t
			}
			return loss/n + ridge/2*reg
		},
		Grad: func(g, w []float64) {
			clear(g)
			for i, xi := range x {
				z := w[0]
				for j, v := range xi {
					z -= w[j+1] * w[j+1] * v
				}
				r := sigmoid(z) - y[i]
				g[0] += r
				for j, v := range xi {
					g[j+1] -= r * v * 2 * w[j+1]
				}
			}
			for j := range g {
				g[j] /= n
				if j > 0 {
					g[j] += ridge * 2 * w[j] * w[j] * w[j]
				}
			}
		},
	}
	init := make([]float64, len(keys)+1)
	for j := range keys {
		init[j+1] = 1
	}
	beta := make([]float64, len(keys))
	if res, err := optimize.Minimize(p, init, &optimize.Settings{GradientThreshold: 1e-8}, &optimize.LBFGS{}); res != nil {
		_ = err // a stalled line search still leaves the best point found
		for j := range keys {
			if b := res.X[j+1] * res.X[j+1]; !math.IsNaN(b) && !math.IsInf(b, 0) {
				beta[j] = b
			}
		}
	}
	// Signals without data keep their share; the rest is split by β.
	out := Weights{}
	rest := 100.0
	for _, k := range Keys {
		if present[k] == 0 {
			out[k] = cur[k]
			rest -= cur[k]
		}
	}
	total := 0.0
	for j := range keys {
		total += beta[j]
	}
	for j, k := range keys {
		if total > 0 {
			out[k] = rest * beta[j] / total
		} else {
			out[k] = cur[k]
		}
	}
	for k, v := range out {
		out[k] = math.Round(v*10) / 10
	}
	return out
}

func sigmoid(z float64) float64 {
	if z >= 0 {
		return 1 / (1 + math.Exp(-z))
	}
	e := math.Exp(z)
	return e / (1 + e)
}
