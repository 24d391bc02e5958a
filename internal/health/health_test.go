package health

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

func f(v float64) *float64 { return &v }
func i(v int) *int         { return &v }
func i64(v int64) *int64   { return &v }

func near(a, b float64) bool { return math.Abs(a-b) < 1e-9 }

func TestAUCCountsTiesAsHalf(t *testing.T) {
	for _, c := range []struct {
		name   string
		scores []float64
		pos    []bool
		want   float64
		ok     bool
	}{
		{"perfect", []float64{1, 2, 3, 4}, []bool{false, false, true, true}, 1, true},
		{"reversed", []float64{1, 2, 3, 4}, []bool{true, true, false, false}, 0, true},
		{"all tied", []float64{5, 5, 5, 5}, []bool{true, false, true, false}, 0.5, true},
		{"one tie across classes", []float64{1, 2, 2, 3}, []bool{false, false, true, true}, 7.0 / 8, true},
		{"worked example", []float64{0.1, 0.4, 0.35, 0.8}, []bool{false, false, true, true}, 0.75, true},
		{"no positives", []float64{1, 2}, []bool{false, false}, 0, false},
		{"no negatives", []float64{1, 2}, []bool{true, true}, 0, false},
		{"empty", nil, nil, 0, false},
		{"NaN left out", []float64{math.NaN(), 1, 2}, []bool{true, false, true}, 1, true},
	} {
		got, ok := AUC(c.scores, c.pos)
		if ok != c.ok || !near(got, c.want) {
			t.Errorf("%s: AUC = %v, %v; want %v, %v", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestAUCEqualsPairCounting(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := 2; n < 60; n++ {
		s := make([]float64, n)
		p := make([]bool, n)
		for k := range s {
			s[k] = float64(r.IntN(5))
			p[k] = r.IntN(2) == 0
		}
		var wins, pairs float64
		for a := range s {
			for b := range s {
				if p[a] && !p[b] {
					pairs++
					switch {
					case s[a] > s[b]:
						wins++
					case s[a] == s[b]:
						wins += 0.5
					}
				}
			}
		}
		got, ok := AUC(s, p)
		if pairs == 0 {
			if ok {
				t.Fatalf("n=%d: ok without pairs", n)
			}
			continue
		}
		if !near(got, wins/pairs) {
			t.Fatalf("n=%d: AUC %v, pair count %v", n, got, wins/pairs)
		}
	}
}

func TestNormaliseFollowsTheFormulas(t *testing.T) {
	for _, c := range []struct {
		name string
		in   Inputs
		key  Key
		want float64
		none bool
	}{
		{"adherence as is", Inputs{AdherencePct: f(80)}, Adherence, 80, false},
		{"adherence clamped", Inputs{AdherencePct: f(130)}, Adherence, 100, false},
		{"adherence no data", Inputs{}, Adherence, 0, true},
		{"nps -100", Inputs{NPSValue: f(-100)}, NPS, 0, false},
		{"nps 0", Inputs{NPSValue: f(0)}, NPS, 50, false},
		{"nps 30", Inputs{NPSValue: f(30)}, NPS, 65, false},
		{"nps 100", Inputs{NPSValue: f(100)}, NPS, 100, false},
		{"no problems", Inputs{OpenSevere: i(0)}, Problems, 100, false},
		{"one problem", Inputs{OpenSevere: i(1)}, Problems, 50, false},
		{"three problems", Inputs{OpenSevere: i(3)}, Problems, 25, false},
		{"renewal far away", Inputs{RenewalDays: i(400), Forecast: ForecastAtRisk}, Renewal, 100, false},
		{"renewal at the window", Inputs{RenewalDays: i(180), Forecast: ForecastUnlikely}, Renewal, 100, false},
		{"renewal halfway at risk", Inputs{RenewalDays: i(90), Forecast: ForecastAtRisk}, Renewal, 62.5, false},
		{"renewal today likely", Inputs{RenewalDays: i(0), Forecast: ForecastLikely}, Renewal, 75, false},
		{"renewal overdue no forecast", Inputs{RenewalDays: i(-5)}, Renewal, 50, false},
		{"renewal today commit", Inputs{RenewalDays: i(0), Forecast: ForecastCommit}, Renewal, 100, false},
		{"coverage", Inputs{CoveragePct: f(40)}, Coverage, 40, false},
		{"plan", Inputs{PlanPct: f(55)}, Plan, 55, false},
		{"revenue flat", Inputs{ARRNow: i64(100), ARRYearAgo: i64(100)}, Revenue, 50, false},
		{"revenue +20%", Inputs{ARRNow: i64(120), ARRYearAgo: i64(100)}, Revenue, 70, false},
		{"revenue +50%", Inputs{ARRNow: i64(150), ARRYearAgo: i64(100)}, Revenue, 100, false},
		{"revenue doubled", Inputs{ARRNow: i64(200), ARRYearAgo: i64(100)}, Revenue, 100, false},
		{"revenue -50%", Inputs{ARRNow: i64(50), ARRYearAgo: i64(100)}, Revenue, 0, false},
		{"revenue new", Inputs{ARRNow: i64(50), ARRYearAgo: i64(0)}, Revenue, 100, false},
		{"revenue none", Inputs{ARRNow: i64(0), ARRYearAgo: i64(0)}, Revenue, 0, true},
	} {
		s := Normalise(c.in)
		v, ok := s[c.key]
		if ok == c.none || (ok && !near(v, c.want)) {
			t.Errorf("%s: %s = %v (present %v); want %v (no data %v)", c.name, c.key, v, ok, c.want, c.none)
		}
	}
}

func TestScoreIsTheWeightedMeanOfAvailableSignals(t *testing.T) {
	w := Weights{Adherence: 20, NPS: 15, Problems: 15, Renewal: 20, Coverage: 10, Plan: 10, Revenue: 10}
	// Worked example: adherence 80, renewal 50, revenue 70; the rest no data.
	// Σw = 50 → score = (20·80 + 20·50 + 10·70) / 50 = 3300 / 50 = 66.
	s := Compute(Signals{Adherence: 80, Renewal: 50, Revenue: 70}, w)
	if !s.Scored || !near(s.Value, 66) || s.Band != Watch {
		t.Fatalf("score = %+v; want 66, watch", s)
	}
	sum := 0.0
	for _, c := range s.Contributions {
		sum += c.Points
		if c.Key == NPS && !c.NoData {
			t.Errorf("NPS should say no data")
		}
		if c.Key == Adherence && !near(c.Points, 32) {
			t.Errorf("adherence adds %v points; want 32", c.Points)
		}
	}
	if !near(sum, s.Value) {
		t.Errorf("contributions add to %v, score %v", sum, s.Value)
	}
	if s := Compute(Signals{}, w); s.Scored || s.Band != Unscored {
		t.Errorf("no signals: %+v; want unscored", s)
	}
	if s := Compute(Signals{NPS: 90}, Weights{NPS: 0, Adherence: 10}); s.Scored {
		t.Errorf("only a zero-weighted signal: %+v; want unscored", s)
	}
}

func TestBandsAtTheirBoundaries(t *testing.T) {
	for v, want := range map[float64]Band{100: Healthy, 70: Healthy, 69.99: Watch, 40: Watch, 39.99: AtRisk, 0: AtRisk} {
		if got := BandOf(v); got != want {
			t.Errorf("BandOf(%v) = %s; want %s", v, got, want)
		}
	}
}

func TestASharpDropIsAtLeastTheThreshold(t *testing.T) {
	sc := func(v float64) Score { return Score{Value: v, Scored: true} }
	for _, c := range []struct {
		prev, cur, th float64
		want          bool
	}{
		{80, 65, 15, true}, {80, 65.01, 15, false}, {80, 50, 15, true}, {50, 80, 15, false}, {80, 50, 0, false},
	} {
		if got := Drop(sc(c.prev), sc(c.cur), c.th); got != c.want {
			t.Errorf("Drop(%v→%v, %v) = %v", c.prev, c.cur, c.th, got)
		}
	}
	if Drop(Score{}, sc(0), 15) {
		t.Error("an unscored previous snapshot cannot drop")
	}
}

func TestSettingsValidation(t *testing.T) {
	if err := DefaultSettings().Validate(); err != nil {
		t.Fatal(err)
	}
	for name, s := range map[string]Settings{
		"negative":  {Weights: Weights{NPS: -1}, DropAlert: 15},
		"unknown":   {Weights: Weights{"mood": 3}, DropAlert: 15},
		"all zero":  {Weights: Weights{NPS: 0, Plan: 0}, DropAlert: 15},
		"nan":       {Weights: Weights{NPS: math.NaN()}, DropAlert: 15},
		"drop >100": {Weights: Weights{NPS: 1}, DropAlert: 101},
	} {
		if err := s.Validate(); err == nil {
			t.Errorf("%s: valid", name)
		}
	}
	c := Settings{Weights: Weights{NPS: 5}}.Complete()
	if c.Weights[NPS] != 5 || c.Weights[Adherence] != 20 {
		t.Errorf("Complete: %v", c.Weights)
	}
}

// history draws examples whose churn depends on adherence and renewal but
// not on NPS, which is noise.
func history(n int, seed uint64) []Example {
	r := rand.New(rand.NewPCG(seed, 9))
	var ex []Example
	for k := 0; k < n; k++ {
		a, rn, nps := r.Float64()*100, r.Float64()*100, r.Float64()*100
		z := 3 - 0.05*a - 0.03*rn
		ex = append(ex, Example{AccountID: int64(k), Signals: Signals{Adherence: a, Renewal: rn, NPS: nps},
			Churned: r.Float64() < sigmoid(z)})
	}
	return ex
}

func TestBackTestProposesWeightsThatPredictBetter(t *testing.T) {
	ex := history(600, 1)
	b := BackTest(ex, Weights{NPS: 80, Adherence: 10, Renewal: 10})
	if !b.Enough || b.Proposed == nil {
		t.Fatalf("not enough: %+v", b)
	}
	if !b.Better() || b.ProposedAUC < b.ScoreAUC+0.05 {
		t.Errorf("proposed AUC %.3f, current %.3f: want clearly better", b.ProposedAUC, b.ScoreAUC)
	}
	if b.Proposed[Adherence] <= b.Proposed[Renewal] || b.Proposed[NPS] > 10 {
		t.Errorf("proposed %v: want adherence > renewal, NPS small", b.Proposed)
	}
	for _, s := range b.Signals {
		if s.Key == Adherence && (!s.HasAUC || s.AUC < 0.7) {
			t.Errorf("adherence AUC %v", s.AUC)
		}
		if s.Key == Coverage && (s.N != 0 || s.HasAUC) {
			t.Errorf("coverage had no data: %+v", s)
		}
	}
	total := 0.0
	for _, v := range b.Proposed {
		total += v
	}
	if math.Abs(total-100) > 0.5 {
		t.Errorf("proposed weights sum to %v", total)
	}
}

func TestBackTestWithTooLittleHistorySaysSo(t *testing.T) {
	for _, c := range []struct {
		n, churned int
		ok         bool
	}{{29, 10, false}, {30, 4, false}, {30, 26, false}, {30, 5, true}, {30, 25, true}} {
		if ok, msg := Enough(c.n, c.churned); ok != c.ok || (!ok && msg == "") {
			t.Errorf("Enough(%d, %d) = %v %q", c.n, c.churned, ok, msg)
		}
	}
	b := BackTest(history(10, 2), DefaultWeights())
	if b.Enough || b.Proposed != nil || b.Message == "" {
		t.Errorf("%+v", b)
	}
	if _, err := Train(nil, Options{}, time.Now()); err == nil {
		t.Error("training on nothing succeeded")
	}
}

// synthetic draws records from a known logistic model over numeric
// features, with a tier choice, and returns the true log-odds of each.
func synthetic(n int, seed uint64) ([]Record, map[int64]float64) {
	r := rand.New(rand.NewPCG(seed, 77))
	beta := []float64{1.2, -0.8, 0.5, 0, -0.3}
	tierEffect := map[string]float64{"A": -0.6, "B": 0, "C": 0.4}
	truth := map[int64]float64{}
	var recs []Record
	for k := 0; k < n; k++ {
		nums := map[string]float64{}
		z := -0.7
		for j, b := range beta {
			v := r.NormFloat64()
			nums[string(rune('a'+j))] = v*3 + 10 // scaled and shifted: standardising must undo it
			z += b * v
		}
		tier := []string{"A", "B", "C"}[r.IntN(3)]
		z += tierEffect[tier]
		id := int64(k + 1)
		truth[id] = z
		recs = append(recs, Record{AccountID: id, Numbers: nums, Choices: map[string]string{"tier": tier},
			Churned: r.Float64() < sigmoid(z)})
	}
	return recs, truth
}

func TestTrainedModelIsWithinTwoHundredthsOfTheTrueModelsAUC(t *testing.T) {
	recs, truth := synthetic(4000, 42)
	m, err := Train(recs, Options{TestFraction: 0.5, Seed: 7}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, test := Split(recs, 0.5, 7)
	tz := make([]float64, len(test))
	y := make([]bool, len(test))
	for k, r := range test {
		tz[k], y[k] = truth[r.AccountID], r.Churned
	}
	trueAUC, _ := AUC(tz, y)
	if !m.Metrics.HasAUC || math.Abs(m.Metrics.AUC-trueAUC) > 0.02 {
		t.Fatalf("model AUC %.4f, true model %.4f on the same %d held-out records", m.Metrics.AUC, trueAUC, len(test))
	}
	t.Logf("model AUC %.4f, true %.4f (n test %d)", m.Metrics.AUC, trueAUC, len(test))
	if len(m.Metrics.Calibration) != 10 {
		t.Fatalf("calibration has %d bins", len(m.Metrics.Calibration))
	}
	for _, b := range m.Metrics.Calibration {
		if math.Abs(b.Predicted-b.Observed) > 0.12 {
			t.Errorf("decile %d: predicted %.2f observed %.2f", b.Decile, b.Predicted, b.Observed)
		}
	}
	// The strongest true effect (feature a, +1.2) leads the factors of an
	// account with an extreme a.
	r := Record{Numbers: map[string]float64{"a": 25, "b": 10, "c": 10, "d": 10, "e": 10}, Choices: map[string]string{"tier": "B"}}
	fs := m.Factors(r, 3)
	if len(fs) == 0 || fs[0].Name != "a" || fs[0].Effect <= 0 {
		t.Errorf("factors %+v", fs)
	}
	if p := m.Risk(r); p < 0.9 {
		t.Errorf("risk %v; want high", p)
	}
}

func TestSplitKeepsAnAccountOnOneSide(t *testing.T) {
	var recs []Record
	for k := 0; k < 200; k++ {
		recs = append(recs, Record{AccountID: int64(k % 50)})
	}
	train, test := Split(recs, 0.3, 1)
	side := map[int64]bool{}
	for _, r := range train {
		side[r.AccountID] = true
	}
	for _, r := range test {
		if side[r.AccountID] {
			t.Fatalf("account %d on both sides", r.AccountID)
		}
	}
	if len(test) != 60 {
		t.Errorf("held out %d records; want 15 accounts × 4", len(test))
	}
}

func TestCalibrationBins(t *testing.T) {
	pred := []float64{0.1, 0.2, 0.3, 0.4}
	bins := Calibration(pred, []bool{false, false, true, true}, 2)
	if len(bins) != 2 || !near(bins[0].Predicted, 0.15) || bins[0].Observed != 0 || bins[1].Observed != 1 {
		t.Errorf("%+v", bins)
	}
	if len(Calibration(nil, nil, 10)) != 0 {
		t.Error("bins from nothing")
	}
}
