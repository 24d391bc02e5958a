package portfolio

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/account"
)

// three equally weighted criteria, ids 1-3.
var three = []Criterion{{ID: 1, Name: "a", Weight: 1}, {ID: 2, Name: "b", Weight: 1}, {ID: 3, Name: "c", Weight: 1}}

func rated(vs ...int) []Rating {
	out := make([]Rating, len(vs))
	for i, v := range vs {
		out[i] = Rating{CriterionID: int64(i + 1), Value: v}
	}
	return out
}

func byID(r *Ranking) map[int64]Row {
	m := map[int64]Row{}
	for _, row := range r.Rows {
		m[row.ID] = row
	}
	return m
}

func TestRankOrdersByScoreAndSharesRanksBetweenEqualScores(t *testing.T) {
	accts := []Account{
		{ID: 1, Name: "low", Ratings: rated(1, 1, 1), Revenue: 900},
		{ID: 2, Name: "top", Ratings: rated(5, 5, 5)},
		{ID: 3, Name: "mid-small", Ratings: rated(3, 3, 3), Revenue: 10},
		{ID: 4, Name: "mid-big", Ratings: rated(4, 3, 2), Revenue: 20}, // the same score in another order
		{ID: 5, Name: "unrated", Revenue: 5000},
		{ID: 6, Name: "half", Ratings: rated(5, 5), Revenue: 1},
	}
	r, err := Rank(three, DefaultPolicy(), accts, nil)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	for _, row := range r.Rows {
		order = append(order, fmt.Sprintf("%s:%d", row.Name, row.Rank))
	}
	want := "top:1 mid-big:2 mid-small:2 low:4 unrated:0 half:0"
	if got := strings.Join(order, " "); got != want {
		t.Errorf("order = %s\nwant    %s", got, want)
	}
	if r.Scored != 4 {
		t.Errorf("scored = %d, want 4", r.Scored)
	}
	if row := byID(r)[6]; row.Scored || row.Rated != 2 {
		t.Errorf("a half-rated account: scored %v, rated %d; want not scored, 2 rated", row.Scored, row.Rated)
	}
}

func TestMovementComparesWithTheRankAtTheStartOfThePeriod(t *testing.T) {
	tests := []struct {
		name     string
		past     *Past
		id       int64
		movement int
		isNew    bool
	}{
		{"no past: no movement", nil, 3, 0, false},
		{"nothing changed: no movement", &Past{Criteria: three}, 3, 0, false},
		{"a rerating that lifted the account shows the places gained",
			&Past{Criteria: three, Ratings: map[int64][]Rating{3: rated(1, 1, 1)}}, 3, 1, false},
		{"an account caught up with does not fall: equal scores share a rank",
			&Past{Criteria: three, Ratings: map[int64][]Rating{3: rated(1, 1, 1)}}, 2, 0, false},
		{"an account overtaken shows the place lost",
			&Past{Criteria: three, Ratings: map[int64][]Rating{1: rated(1, 1, 1)}}, 2, -1, false},
		{"an account can rise several places",
			&Past{Criteria: three, Ratings: map[int64][]Rating{1: rated(1, 1, 1)}}, 1, 2, false},
		{"an account not rated then is new", &Past{Criteria: three, Ratings: map[int64][]Rating{3: nil}}, 3, 0, true},
		{"no criteria then: every account is new", &Past{Criteria: nil}, 1, 0, true},
		{"a reweight moves ranks too", &Past{Criteria: []Criterion{{ID: 1, Weight: 0}, {ID: 2, Weight: 1}, {ID: 3, Weight: 0}}}, 2, 1, false},
	}
	accts := []Account{
		{ID: 1, Name: "a", Ratings: rated(5, 5, 5)},
		{ID: 2, Name: "b", Ratings: rated(5, 3, 3)},
		{ID: 3, Name: "c", Ratings: rated(4, 4, 3)},
	}
	// Today: a 100, c 66.67, b 66.67 → ranks 1, 2, 2.
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Rank(three, DefaultPolicy(), accts, tt.past)
			if err != nil {
				t.Fatal(err)
			}
			row := byID(r)[tt.id]
			if row.Movement() != tt.movement || row.IsNew() != tt.isNew {
				t.Errorf("movement %d new %v (rank %d, then %d); want %d, %v", row.Movement(), row.IsNew(), row.Rank, row.PrevRank, tt.movement, tt.isNew)
			}
		})
	}
}

func TestTiersByScoreFloors(t *testing.T) {
	f := ScoreFloors{A: 70, B: 40}
	tests := []struct {
		name   string
		score  float64
		scored bool
		want   Tier
	}{
		{"exactly the A floor is A", 70, true, TierA},
		{"just below the A floor is B", 69.999, true, TierB},
		{"exactly the B floor is B", 40, true, TierB},
		{"below the B floor is C", 39.9, true, TierC},
		{"zero is C", 0, true, TierC},
		{"not scored is C", 95, false, TierC},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ScoreTier(tt.score, tt.scored, f); got != tt.want {
				t.Errorf("ScoreTier(%v, %v) = %s, want %s", tt.score, tt.scored, got, tt.want)
			}
		})
	}
}

func TestRankTiersByThePolicyAndOverridesWin(t *testing.T) {
	accts := []Account{
		{ID: 1, Name: "a", Revenue: 50, Ratings: rated(1, 1, 1)},
		{ID: 2, Name: "b", Revenue: 30, Ratings: rated(5, 5, 5)},
		{ID: 3, Name: "c", Revenue: 10, Ratings: rated(3, 3, 3)},
		{ID: 4, Name: "d", Revenue: 6, Override: TierA, Stored: TierA},
		{ID: 5, Name: "e", Revenue: 4, Stored: TierC},
	}
	tests := []struct {
		name   string
		policy Policy
		want   string // tiers of ids 1..5
	}{
		{"Pareto by revenue, the worked example, with d overridden to A", DefaultPolicy(), "AABAC"},
		{"by score: 0 → C, 100 → A, 50 → B, unscored → C, override A", Policy{Method: ByScore, Pareto: DefaultThresholds, Score: DefaultScoreFloors}, "CABAC"},
		{"Pareto with a 50% A share", Policy{Method: ByPareto, Pareto: Thresholds{A: 0.5, B: 0.9}, Score: DefaultScoreFloors}, "ABBAC"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Rank(three, tt.policy, accts, nil)
			if err != nil {
				t.Fatal(err)
			}
			m := byID(r)
			got := ""
			for id := int64(1); id <= 5; id++ {
				got += string(m[id].Tier)
			}
			if got != tt.want {
				t.Errorf("tiers = %s, want %s", got, tt.want)
			}
			if m[4].Computed == TierA && tt.policy.Method == ByPareto {
				t.Errorf("d's computed tier should not be its override")
			}
		})
	}
}

func TestRankCountsTiersAndPendingChanges(t *testing.T) {
	accts := []Account{
		{ID: 1, Name: "a", Revenue: 50, Stored: TierA},
		{ID: 2, Name: "b", Revenue: 30, Stored: TierB}, // today A
		{ID: 3, Name: "c", Revenue: 10},                // never tiered
		{ID: 4, Name: "d", Revenue: 6, Stored: TierB},
		{ID: 5, Name: "e", Revenue: 4, Stored: TierC},
		{ID: 6, Name: "f", Revenue: 0, Stored: TierC},
	}
	r, err := Rank(three, DefaultPolicy(), accts, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Pending != 2 {
		t.Errorf("pending = %d, want 2 (b moves up, c was never tiered)", r.Pending)
	}
	want := [3]TierSummary{{TierA, 2, 80}, {TierB, 2, 16}, {TierC, 2, 4}}
	if r.Summary != want {
		t.Errorf("summary = %v, want %v", r.Summary, want)
	}
	if r.Revenue != 100 {
		t.Errorf("revenue = %d, want 100", r.Revenue)
	}
	if s := byID(r)[3].ShareBefore; math.Abs(s-0.8) > 1e-12 {
		t.Errorf("c's share before = %v, want 0.8", s)
	}
	var names string
	for _, i := range r.ParetoOrder {
		names += r.Rows[i].Name
	}
	if names != "abcdef" {
		t.Errorf("Pareto order = %s, want abcdef", names)
	}
}

func TestRankRefusesANegativeWeight(t *testing.T) {
	if _, err := Rank([]Criterion{{ID: 1, Weight: -1}}, DefaultPolicy(), nil, nil); err == nil {
		t.Error("a negative weight should be an error")
	}
}

func TestScorerAgreesWithScore(t *testing.T) {
	crit := []Criterion{{ID: 1, Weight: 3}, {ID: 2, Weight: 1}, {ID: 3, Weight: 0}, {ID: 9, Weight: 2.5}}
	sc, err := NewScorer(crit)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		m := map[int64]int{}
		var rs []Rating
		for _, c := range crit {
			if rng.IntN(8) == 0 {
				continue // sometimes unrated
			}
			v := 1 + rng.IntN(5)
			m[c.ID] = v
			rs = append(rs, Rating{CriterionID: c.ID, Value: v})
		}
		want, wantOK, _ := Score(crit, m)
		got, _, ok := sc.Score(rs)
		if ok != wantOK || math.Abs(got-want) > 1e-5 {
			t.Fatalf("ratings %v: scorer %v %v, Score %v %v", m, got, ok, want, wantOK)
		}
	}
	if _, _, ok := sc.Score([]Rating{{1, 6}, {2, 1}, {9, 1}}); ok {
		t.Error("a rating of 6 should leave the account not scored")
	}
}

func TestValidateCriteria(t *testing.T) {
	ok := func() []Criterion { return DefaultCriteria() }
	tests := []struct {
		name  string
		edit  func([]Criterion) []Criterion
		field string // "" when valid
	}{
		{"the defaults are valid", func(c []Criterion) []Criterion { return c }, ""},
		{"an empty set is refused", func([]Criterion) []Criterion { return nil }, "criteria"},
		{"all weights zero is refused", func(c []Criterion) []Criterion {
			for i := range c {
				c[i].Weight = 0
			}
			return c
		}, "criteria"},
		{"a negative weight names the field", func(c []Criterion) []Criterion { c[2].Weight = -1; return c }, "criteria[2].weight"},
		{"a weight above the maximum", func(c []Criterion) []Criterion { c[0].Weight = 101; return c }, "criteria[0].weight"},
		{"a duplicate key", func(c []Criterion) []Criterion { c[1].Key = c[0].Key; return c }, "criteria[1].key"},
		{"a key with capitals", func(c []Criterion) []Criterion { c[1].Key = "Growth"; return c }, "criteria[1].key"},
		{"a missing name", func(c []Criterion) []Criterion { c[3].Name = ""; return c }, "criteria[3].name"},
		{"a long level text", func(c []Criterion) []Criterion { c[0].Levels[4] = strings.Repeat("x", 201); return c }, "criteria[0].levels[4]"},
		{"too many criteria", func(c []Criterion) []Criterion {
			for i := len(c); i <= MaxCriteria; i++ {
				c = append(c, Criterion{Key: fmt.Sprintf("k%d", i), Name: "n", Weight: 1})
			}
			return c
		}, "criteria"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateCriteria(tt.edit(ok()))
			if tt.field == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			fields := account.ErrorFields(err)
			if account.ErrorCode(err) != account.EINVALID || !slices.ContainsFunc(fields, func(f account.FieldError) bool { return f.Field == tt.field }) {
				t.Errorf("error %v; want a field error on %s", err, tt.field)
			}
		})
	}
}

func TestKeyOfMakesKeysFromNames(t *testing.T) {
	for name, want := range map[string]string{
		"Growth ability":          "growth_ability",
		"  Fit -- of offerings! ": "fit_of_offerings",
		"2025 budget":             "budget",
		"Ümlaut":                  "mlaut",
	} {
		if got := KeyOf(name); got != want {
			t.Errorf("KeyOf(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestPolicyValidation(t *testing.T) {
	tests := []struct {
		name  string
		edit  func(*Policy)
		field string
	}{
		{"the default is valid", func(*Policy) {}, ""},
		{"an unknown method", func(p *Policy) { p.Method = "magic" }, "method"},
		{"an A share of zero", func(p *Policy) { p.Pareto.A = 0 }, "pareto.a"},
		{"a B share below A", func(p *Policy) { p.Pareto.B = 0.7 }, "pareto.b"},
		{"a B share above 1", func(p *Policy) { p.Pareto.B = 1.2 }, "pareto.b"},
		{"equal shares leave no B tier but are allowed", func(p *Policy) { p.Pareto.B = p.Pareto.A }, ""},
		{"a score floor above 100", func(p *Policy) { p.Score.A = 101 }, "score.a"},
		{"a B floor above the A floor", func(p *Policy) { p.Score.B = 80 }, "score.b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := DefaultPolicy()
			tt.edit(&p)
			err := p.Validate()
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if !slices.ContainsFunc(account.ErrorFields(err), func(f account.FieldError) bool { return f.Field == tt.field }) {
				t.Errorf("error %v; want one on %s", err, tt.field)
			}
		})
	}
}

func TestPipelineStages(t *testing.T) {
	tests := []struct {
		name     string
		row      Row
		customer bool
		want     Stage
		in       bool
	}{
		{"a new customer is queued", Row{}, true, StageQueued, true},
		{"a partly rated customer is still queued", Row{Rated: 3}, true, StageQueued, true},
		{"a scored customer awaits a decision", Row{Scored: true}, true, StageScored, true},
		{"a designated customer", Row{Scored: true, Account: Account{Decision: Designated}}, true, StageDesignated, true},
		{"a declined customer", Row{Account: Account{Decision: Declined}}, true, StageDeclined, true},
		{"a designated prospect is in the pipeline", Row{Account: Account{Decision: Designated}}, false, StageDesignated, true},
		{"an undecided prospect is not", Row{Scored: true}, false, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, in := StageOf(tt.row, tt.customer)
			if s != tt.want || in != tt.in {
				t.Errorf("StageOf = %q, %v; want %q, %v", s, in, tt.want, tt.in)
			}
		})
	}
	rows := []Row{{Account: Account{ID: 1, Revenue: 5}}, {Account: Account{ID: 2, Revenue: 7}, Scored: true}, {Account: Account{ID: 3}}}
	p := Pipeline(rows, func(id int64) bool { return id != 3 })
	if len(p) != 4 || len(p[0].Rows) != 1 || len(p[1].Rows) != 1 || p[1].Revenue != 7 {
		t.Errorf("pipeline = %+v", p)
	}
}

func TestTrailingYearRevenue(t *testing.T) {
	d := func(s string) account.Date { v, _ := account.ParseDate(s); return v }
	w := TrailingYear(d("2026-11-23"))
	if w.From != d("2025-11-23") || w.Days() != 365 {
		t.Fatalf("window = %v (%d days)", w, w.Days())
	}
	if leap := TrailingYear(d("2024-03-01")); leap.Days() != 366 {
		t.Errorf("a window over 29 February has %d days, want 366", leap.Days())
	}
	tests := []struct {
		name       string
		start, end string
		want       int64
	}{
		{"a contract covering the whole window counts its annual value", "2020-01-01", "", 365_000},
		{"ending on the window's last day still covers it", "2025-11-24", "2026-11-23", 365_000},
		{"starting on the day before the window changes nothing", "2025-11-23", "2030-01-01", 365_000},
		{"a contract that ran 73 days counts a fifth", "2026-09-12", "", 73_000},
		{"a contract that ended before the window counts nothing", "2020-01-01", "2025-11-23", 0},
		{"a contract starting after today counts nothing", "2026-11-24", "", 0},
		{"one day counts one day", "2026-11-23", "2026-11-23", 1_000},
		{"a start that is not a date counts nothing", "soon", "", 0},
		{"an end that is not a date is taken as open", "2020-01-01", "later", 365_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContractRevenue(365_000, tt.start, tt.end, w); got != tt.want {
				t.Errorf("ContractRevenue = %d, want %d", got, tt.want)
			}
			if got := ContractRevenue(365_000, []byte(tt.start), []byte(tt.end), w); got != tt.want {
				t.Errorf("ContractRevenue on bytes = %d, want %d", got, tt.want)
			}
		})
	}
	for day, want := range map[string]bool{"2025-11-23": false, "2025-11-24": true, "2026-11-23": true, "2026-11-24": false, "": false} {
		if got := w.Won(d(day)); got != want {
			t.Errorf("Won(%q) = %v, want %v", day, got, want)
		}
	}
}

func TestDayNumbersMatchTheCalendar(t *testing.T) {
	start := account.Date{Year: 1999, Month: 12, Day: 25}
	for i := range 3000 {
		day := start.AddDays(i)
		n, ok := parseDay(day.String())
		if !ok || n != int(day.Time().Unix()/86400) {
			t.Fatalf("%s: day number %d, want %d", day, n, day.Time().Unix()/86400)
		}
	}
}

// synthetic makes n accounts rated on the six default criteria, with
// Pareto-like revenue.
func synthetic(n int) ([]Criterion, []Account) {
	crit := DefaultCriteria()
	for i := range crit {
		crit[i].ID = int64(i + 1)
	}
	rng := rand.New(rand.NewPCG(7, 11))
	accts := make([]Account, n)
	for i := range accts {
		rs := make([]Rating, len(crit))
		for j := range rs {
			rs[j] = Rating{CriterionID: int64(j + 1), Value: 1 + rng.IntN(5)}
		}
		accts[i] = Account{ID: int64(i + 1), Name: fmt.Sprintf("account %06d", rng.IntN(n)), OwnerID: int64(1 + rng.IntN(40)),
			Revenue: int64(1e9 * math.Pow(rng.Float64(), 6)), Ratings: rs}
	}
	return crit, accts
}

// BenchmarkReweight100k measures what a change of weights costs: ranking and
// tiering 100,000 accounts from their ratings in memory.
func BenchmarkReweight100k(b *testing.B) {
	crit, accts := synthetic(100_000)
	past := &Past{Criteria: DefaultCriteria()}
	for i := range past.Criteria {
		past.Criteria[i].ID = int64(i + 1)
	}
	b.ReportAllocs()
	cpu := cpuTime()
	for i := 0; b.Loop(); i++ {
		crit[i%len(crit)].Weight = float64(1 + i%3) // a new weighting each time
		if _, err := Rank(crit, DefaultPolicy(), accts, past); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu)/float64(b.N)/1e6, "cpu-ms/op")
}

func TestRadixSortsAgreeWithTheStandardSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 2, 255, 256, 1000, 70000} {
		for _, spread := range []uint64{1, 1 << 16, 1 << 40, math.MaxUint64} {
			keys := make([]uint64, n)
			wide := make([]wideKey, n)
			for i := range keys {
				keys[i] = rng.Uint64() % spread
				wide[i] = wideKey{hi: rng.Uint64() % spread, lo: rng.Uint64() % 3, idx: int32(i)}
			}
			want := slices.Clone(keys)
			slices.Sort(want)
			sortUint64(keys)
			if !slices.Equal(keys, want) {
				t.Fatalf("sortUint64 of %d keys (spread %d) differs", n, spread)
			}
			sortWide(wide)
			for i := 1; i < n; i++ {
				a, b := wide[i-1], wide[i]
				if a.hi > b.hi || (a.hi == b.hi && (a.lo > b.lo || (a.lo == b.lo && a.idx > b.idx))) {
					t.Fatalf("sortWide of %d keys (spread %d) is out of order or unstable at %d", n, spread, i)
				}
			}
		}
	}
}

func TestParetoOrderHandlesNegativeAndTiedRevenue(t *testing.T) {
	accts := []Account{{ID: 5, Name: "b", Revenue: 10}, {ID: 4, Name: "b", Revenue: 10}, {ID: 3, Name: "a", Revenue: 10},
		{ID: 2, Name: "z", Revenue: -7}, {ID: 1, Name: "m", Revenue: 0}, {ID: 6, Name: "longname-2", Revenue: 3}, {ID: 7, Name: "longname-1", Revenue: 3}}
	r, err := Rank(three, DefaultPolicy(), accts, nil)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for _, i := range r.ParetoOrder {
		ids = append(ids, r.Rows[i].ID)
	}
	if want := []int64{3, 4, 5, 7, 6, 1, 2}; !slices.Equal(ids, want) {
		t.Errorf("Pareto order = %v, want %v (revenue down, then name, then id; negative last)", ids, want)
	}
}
