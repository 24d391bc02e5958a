package health

import (
	"cmp"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/gonum/optimize"

	"github.com/samwise-sam/samwise/internal/account"
)

// Record is one account at one past moment, with its features and what
// happened at the renewal after it; for scoring today, Churned is unused.
type Record struct {
	AccountID int64        `json:"account_id"`
	At        account.Date `json:"at"`
	Signals   Signals      `json:"signals"`
	// Numbers are numeric features by name ("log_arr", "tenure_years",
	// custom numeric fields as "field:<key>").
	Numbers map[string]float64 `json:"numbers,omitempty"`
	// Choices are categorical features by name ("tier", custom choice fields
	// as "field:<key>").
	Choices map[string]string `json:"choices,omitempty"`
	Churned bool              `json:"churned"`
}

// Choice is a categorical feature and its levels, one indicator each.
type Choice struct {
	Name   string   `json:"name"`
	Levels []string `json:"levels"`
}

// Encoder turns records into feature vectors, always in the same order, so
// a model trained today scores tomorrow's records.
type Encoder struct {
	Signals []Key    `json:"signals"`
	Numbers []string `json:"numbers"`
	Choices []Choice `json:"choices"`
}

// NewEncoder collects the features that occur in records: every signal
// with data somewhere, every numeric feature, every choice with its levels
// (sorted, for a stable order).
func NewEncoder(recs []Record) Encoder {
	var e Encoder
	sig := map[Key]bool{}
	num := map[string]bool{}
	ch := map[string]map[string]bool{}
	for _, r := range recs {
		for k := range r.Signals {
			sig[k] = true
		}
		for n, v := range r.Numbers {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				num[n] = true
			}
		}
		for n, v := range r.Choices {
			if v == "" {
				continue
			}
			if ch[n] == nil {
				ch[n] = map[string]bool{}
			}
			ch[n][v] = true
		}
	}
	for _, k := range Keys {
		if sig[k] {
			e.Signals = append(e.Signals, k)
		}
	}
	for n := range num {
		e.Numbers = append(e.Numbers, n)
	}
	slices.Sort(e.Numbers)
	for n, levels := range ch {
		c := Choice{Name: n}
		for l := range levels {
			c.Levels = append(c.Levels, l)
		}
		slices.Sort(c.Levels)
		e.Choices = append(e.Choices, c)
	}
	slices.SortFunc(e.Choices, func(a, b Choice) int { return cmp.Compare(a.Name, b.Name) })
	return e
}

// Names are the features' names for people, in vector order.
func (e Encoder) Names() []string {
	var out []string
	for _, k := range e.Signals {
		out = append(out, k.Label())
	}
	for _, n := range e.Numbers {
		out = append(out, featureLabel(n))
	}
	for _, c := range e.Choices {
		for _, l := range c.Levels {
			out = append(out, featureLabel(c.Name)+" = "+l)
		}
	}
	return out
}

func featureLabel(n string) string {
	switch n {
	case "log_arr":
		return "Revenue (log ARR)"
	case "tenure_years":
		return "Tenure (years)"
	case "tier":
		return "Tier"
	}
	if f, ok := strings.CutPrefix(n, "field:"); ok {
		return "Field " + f
	}
	return n
}

// Encode returns r's feature vector; NaN marks a missing value. An unknown
// choice level sets no indicator.
func (e Encoder) Encode(r Record) []float64 {
	x := make([]float64, 0, len(e.Signals)+len(e.Numbers))
	for _, k := range e.Signals {
		if v, ok := r.Signals[k]; ok {
			x = append(x, v)
		} else {
			x = append(x, math.NaN())
		}
	}
	for _, n := range e.Numbers {
		if v, ok := r.Numbers[n]; ok && !math.IsInf(v, 0) {
			x = append(x, v)
		} else {
			x = append(x, math.NaN())
		}
	}
	for _, c := range e.Choices {
		v, ok := r.Choices[c.Name]
		for _, l := range c.Levels {
			switch {
			case !ok || v == "":
				x = append(x, math.NaN())
			case v == l:
				x = append(x, 1)
			default:
				x = append(x, 0)
			}
		}
	}
	return x
}

// Model is a trained churn-risk model: an L2-regularised logistic
// regression on standardised features. A missing feature is replaced by its
// training mean, so it adds nothing to the risk.
type Model struct {
	Encoder   Encoder   `json:"encoder"`
	Mean      []float64 `json:"mean"`
	Std       []float64 `json:"std"`
	Coef      []float64 `json:"coef"`
	Intercept float64   `json:"intercept"`
	Lambda    float64   `json:"lambda"`
	TrainedAt time.Time `json:"trained_at"`
	Metrics   Metrics   `json:"metrics"`
}

// Metrics are a model's figures on its held-out split.
type Metrics struct {
	Train        int     `json:"train"`
	Test         int     `json:"test"`
	TrainChurned int     `json:"train_churned"`
	TestChurned  int     `json:"test_churned"`
	AUC          float64 `json:"auc"`
	HasAUC       bool    `json:"has_auc"`
	// ScoreAUC is the rule-based health score's AUC on the same held-out
	// records (risk = 100 − score), for comparison.
	ScoreAUC    float64 `json:"score_auc"`
	HasScoreAUC bool    `json:"has_score_auc"`
	Calibration []Bin   `json:"calibration"`
}

// Bin is one decile of the calibration table: the held-out records sorted
// by predicted risk and cut in ten, with the mean prediction and the
// observed churn rate of each.
type Bin struct {
	Decile    int     `json:"decile"`
	N         int     `json:"n"`
	Predicted float64 `json:"predicted"`
	Observed  float64 `json:"observed"`
}

// Options tune training.
type Options struct {
	Lambda       float64 // L2 penalty on the standardised coefficients; 0 → DefaultLambda
	TestFraction float64 // share of accounts held out; 0 → 0.3
	Seed         uint64  // for the split
	Weights      Weights // the health weights, for the baseline's AUC
}

// DefaultLambda is a light ridge: enough to keep coefficients finite on
// separable data, little enough not to bias a few thousand records.
const DefaultLambda = 0.01

// TooLittle is the error of training on too little history.
type TooLittle struct{ Outcomes, Churned int }

func (e *TooLittle) Error() string { _, m := Enough(e.Outcomes, e.Churned); return m }

// Split holds out about frac of the accounts (all records of an account go
// to the same side, so the test never sees an account it learnt from),
// chosen by a seeded shuffle.
func Split(recs []Record, frac float64, seed uint64) (train, test []Record) {
	if frac <= 0 || frac >= 1 {
		frac = 0.3
	}
	var ids []int64
	seen := map[int64]bool{}
	for _, r := range recs {
		if !seen[r.AccountID] {
			seen[r.AccountID] = true
			ids = append(ids, r.AccountID)
		}
	}
	slices.Sort(ids)
	rng := rand.New(rand.NewPCG(seed, 0x5a5e))
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	held := map[int64]bool{}
	for _, id := range ids[:int(math.Round(frac*float64(len(ids))))] {
		held[id] = true
	}
	for _, r := range recs {
		if held[r.AccountID] {
			test = append(test, r)
		} else {
			train = append(train, r)
		}
	}
	return train, test
}

// Train checks there is enough history, splits it, fits a model on the
// training part and evaluates it on the held-out part.
func Train(recs []Record, o Options, now time.Time) (*Model, error) {
	churned := 0
	for _, r := range recs {
		if r.Churned {
			churned++
		}
	}
	if ok, _ := Enough(len(recs), churned); !ok {
		return nil, &TooLittle{Outcomes: len(recs), Churned: churned}
	}
	train, test := Split(recs, o.TestFraction, o.Seed)
	m, err := Fit(NewEncoder(recs), train, o.Lambda)
	if err != nil {
		return nil, err
	}
	m.TrainedAt = now
	m.Metrics = Evaluate(m, test, o.Weights)
	m.Metrics.Train = len(train)
	for _, r := range train {
		if r.Churned {
			m.Metrics.TrainChurned++
		}
	}
	return m, nil
}

// Fit fits the model on recs: features standardised with their training
// mean and standard deviation, then the mean log-loss plus λ/2·‖β‖²
// minimised with L-BFGS (the intercept is not penalised).
func Fit(enc Encoder, recs []Record, lambda float64) (*Model, error) {
	if len(recs) == 0 {
		return nil, fmt.Errorf("fit churn model: no records")
	}
	if lambda <= 0 {
		lambda = DefaultLambda
	}
	d := len(enc.Names())
	m := &Model{Encoder: enc, Lambda: lambda, Mean: make([]float64, d), Std: make([]float64, d), Coef: make([]float64, d)}
	raw := make([][]float64, len(recs))
	for i, r := range recs {
		raw[i] = enc.Encode(r)
	}
	for j := 0; j < d; j++ {
		var n, sum, sq float64
		for _, x := range raw {
			if !math.IsNaN(x[j]) {
				n++
				sum += x[j]
			}
		}
		if n > 0 {
			m.Mean[j] = sum / n
		}
		for _, x := range raw {
			if !math.IsNaN(x[j]) {
				sq += (x[j] - m.Mean[j]) * (x[j] - m.Mean[j])
			}
		}
		m.Std[j] = 1
		if n > 1 && sq > 0 {
			m.Std[j] = math.Sqrt(sq / n)
		}
	}
	z := make([][]float64, len(recs))
	y := make([]float64, len(recs))
	for i, x := range raw {
		z[i] = m.standardise(x)
		if recs[i].Churned {
			y[i] = 1
		}
	}
	n := float64(len(recs))
	// Parameters: w[0] the intercept, w[1:] the coefficients.
	p := optimize.Problem{
		Func: func(w []float64) float64 {
			loss := 0.0
			for i, zi := range z {
				t := w[0]
				for j, v := range zi {
					t += w[j+1] * v
				}
				// log(1 + e^t) − y·t, computed stably.
				loss += softplus(t) - y[i]*t
			}
			reg := 0.0
			for _, b := range w[1:] {
				reg += b * b
			}
			return loss/n + lambda/2*reg
		},
		Grad: func(g, w []float64) {
			clear(g)
			for i, zi := range z {
				t := w[0]
				for j, v := range zi {
					t += w[j+1] * v
				}
				r := sigmoid(t) - y[i]
				g[0] += r
				for j, v := range zi {
					g[j+1] += r * v
				}
			}
			for j := range g {
				g[j] /= n
				if j > 0 {
					g[j] += lambda * w[j]
				}
			}
		},
	}
	res, err := optimize.Minimize(p, make([]float64, d+1), &optimize.Settings{GradientThreshold: 1e-7}, &optimize.LBFGS{})
	if res == nil {
		return nil, fmt.Errorf("fit churn model: %w", err)
	}
	for _, v := range res.X {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("fit churn model: did not converge")
		}
	}
	m.Intercept = res.X[0]
	copy(m.Coef, res.X[1:])
	return m, nil
}

func softplus(t float64) float64 {
	if t > 30 {
		return t
	}
	return math.Log1p(math.Exp(t))
}

func (m *Model) standardise(x []float64) []float64 {
	z := make([]float64, len(x))
	for j, v := range x {
		if j < len(m.Mean) && !math.IsNaN(v) {
			z[j] = (v - m.Mean[j]) / m.Std[j]
		}
	}
	return z
}

// Risk is the predicted probability of churn at the next renewal, 0-1.
func (m *Model) Risk(r Record) float64 {
	z := m.standardise(m.Encoder.Encode(r))
	t := m.Intercept
	for j, v := range z {
		if j < len(m.Coef) {
			t += m.Coef[j] * v
		}
	}
	return sigmoid(t)
}

// Factor is one feature's push on a prediction: coefficient × standardised
// value, in log-odds; positive raises the risk.
type Factor struct {
	Name   string  `json:"name"`
	Effect float64 `json:"effect"`
}

// Factors returns the n features that push r's risk hardest, either way,
// strongest first; missing features push nothing and are left out.
func (m *Model) Factors(r Record, n int) []Factor {
	x := m.Encoder.Encode(r)
	z := m.standardise(x)
	names := m.Encoder.Names()
	var out []Factor
	for j, v := range z {
		if j >= len(m.Coef) || math.IsNaN(x[j]) {
			continue
		}
		if e := m.Coef[j] * v; math.Abs(e) > 1e-6 {
			out = append(out, Factor{Name: names[j], Effect: e})
		}
	}
	slices.SortFunc(out, func(a, b Factor) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Effect), math.Abs(a.Effect)), cmp.Compare(a.Name, b.Name))
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// Evaluate measures m on held-out records: AUC of the risk for churn, the
// rule-based score's AUC on the same records, and the calibration deciles.
func Evaluate(m *Model, test []Record, w Weights) Metrics {
	mt := Metrics{Test: len(test)}
	if w == nil {
		w = DefaultWeights()
	}
	risk := make([]float64, len(test))
	base := make([]float64, len(test))
	churn := make([]bool, len(test))
	for i, r := range test {
		risk[i] = m.Risk(r)
		churn[i] = r.Churned
		if r.Churned {
			mt.TestChurned++
		}
		base[i] = math.NaN()
		if s := Compute(r.Signals, w); s.Scored {
			base[i] = 100 - s.Value
		}
	}
	mt.AUC, mt.HasAUC = AUC(risk, churn)
	mt.ScoreAUC, mt.HasScoreAUC = AUC(base, churn)
	mt.Calibration = Calibration(risk, churn, 10)
	return mt
}

// Calibration sorts predictions and cuts them in bins of (nearly) equal
// size, giving each bin's mean prediction and observed rate.
func Calibration(pred []float64, actual []bool, bins int) []Bin {
	idx := make([]int, len(pred))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(pred[a], pred[b]) })
	if bins > len(idx) {
		bins = len(idx)
	}
	var out []Bin
	for b := 0; b < bins; b++ {
		lo, hi := b*len(idx)/bins, (b+1)*len(idx)/bins
		bin := Bin{Decile: b + 1, N: hi - lo}
		for _, i := range idx[lo:hi] {
			bin.Predicted += pred[i]
			if actual[i] {
				bin.Observed++
			}
		}
		if bin.N > 0 {
			bin.Predicted /= float64(bin.N)
			bin.Observed /= float64(bin.N)
		}
		out = append(out, bin)
	}
	return out
}
