package staffing

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/samwise-sam/samwise/internal/portfolio"
)

// Tier shorthands for the cases.
const (
	A = portfolio.TierA
	B = portfolio.TierB
	C = portfolio.TierC
)

// acct is an account of a case: its id, owner, tier and revenue.
func acct(id, owner int64, t portfolio.Tier, revenue int64) Account {
	return Account{ID: id, Name: fmt.Sprintf("account %d", id), OwnerID: owner, Tier: t, Revenue: revenue}
}

// managers gives managers 1..n the capacities listed.
func managers(caps ...int) []Manager {
	out := make([]Manager, len(caps))
	for i, c := range caps {
		out[i] = Manager{ID: int64(i + 1), Name: fmt.Sprintf("manager %d", i+1), Capacity: c, CapacitySet: true}
	}
	return out
}

// bruteForce returns the best score over every assignment of the accounts
// of overloaded managers to "stay" or to any manager within capacity, among
// those leaving every receiver within capacity. It shares no code with the
// solver beyond the Workload it reads.
func bruteForce(t *testing.T, w Workload, related map[int64][]int64) score {
	t.Helper()
	type cand struct {
		owner   int64
		load    int
		revenue int64
		rel     []int64
	}
	var cands []cand
	var receivers []int64
	caps, loads := map[int64]int{}, map[int64]int{}
	for _, m := range w.Managers {
		caps[m.ID], loads[m.ID] = m.Capacity, m.Load
		if !m.Overloaded() {
			receivers = append(receivers, m.ID)
			continue
		}
		for _, a := range w.byOwner[m.ID] {
			if l := w.Settings.Points.Of(a.Tier); l > 0 {
				cands = append(cands, cand{m.ID, l, a.Revenue, related[a.ID]})
			}
		}
	}
	if len(cands) > 9 {
		t.Fatalf("brute force over %d accounts is too slow for a test", len(cands))
	}
	best := score{overflow: 1 << 30}
	to := make([]int64, len(cands)) // 0: stays
	var walk func(i int)
	walk = func(i int) {
		if i < len(cands) {
			to[i] = 0
			walk(i + 1)
			for _, r := range receivers {
				to[i] = r
				walk(i + 1)
			}
			return
		}
		after := map[int64]int{}
		for id, l := range loads {
			after[id] = l
		}
		var sc score
		for j, r := range to {
			if r == 0 {
				continue
			}
			c := cands[j]
			after[c.owner] -= c.load
			after[r] += c.load
			sc.moves++
			sc.revenue += c.revenue
			if slices.Contains(c.rel, r) {
				sc.related++
			}
		}
		for _, r := range receivers {
			if after[r] > caps[r] {
				return // a receiver would go over capacity
			}
		}
		for id, l := range after {
			sc.overflow += max(0, l-caps[id])
		}
		if sc.less(best) {
			best = sc
		}
	}
	walk(0)
	return best
}

// check verifies that a plan keeps the rules whatever its quality: moves go
// from overloaded managers to managers within capacity, nobody receiving
// ends over capacity, and After and Overflow add up. It returns its score.
func check(t *testing.T, w Workload, related map[int64][]int64, p Plan) score {
	t.Helper()
	after := map[int64]int{}
	for _, m := range w.Managers {
		after[m.ID] = m.Load
	}
	moved := map[int64]bool{}
	var sc score
	for _, mv := range p.Moves {
		from, _ := w.Manager(mv.FromID)
		to, ok := w.Manager(mv.ToID)
		switch {
		case !from.Overloaded():
			t.Errorf("move %+v takes from a manager within capacity", mv)
		case !ok || to.Overloaded():
			t.Errorf("move %+v gives to an overloaded or unknown manager", mv)
		case moved[mv.AccountID]:
			t.Errorf("account %d moves twice", mv.AccountID)
		}
		moved[mv.AccountID] = true
		after[mv.FromID] -= mv.Load
		after[mv.ToID] += mv.Load
		sc.moves++
		sc.revenue += mv.Revenue
		if mv.Related != slices.Contains(related[mv.AccountID], mv.ToID) {
			t.Errorf("move %+v reports related=%v wrongly", mv, mv.Related)
		}
		if mv.Related {
			sc.related++
		}
	}
	for _, m := range w.Managers {
		if !m.Overloaded() && after[m.ID] > m.Capacity {
			t.Errorf("manager %d receives up to %d of capacity %d", m.ID, after[m.ID], m.Capacity)
		}
		sc.overflow += max(0, after[m.ID]-m.Capacity)
		if p.After[m.ID] != after[m.ID] {
			t.Errorf("plan says manager %d ends at %d, the moves give %d", m.ID, p.After[m.ID], after[m.ID])
		}
	}
	if sc.overflow != p.Overflow {
		t.Errorf("plan reports overflow %d, the moves leave %d", p.Overflow, sc.overflow)
	}
	return sc
}

type moveKey struct {
	account, from, to int64
}

func keys(p Plan) []moveKey {
	var out []moveKey
	for _, m := range p.Moves {
		out = append(out, moveKey{m.AccountID, m.FromID, m.ToID})
	}
	slices.SortFunc(out, func(a, b moveKey) int { return int(a.account - b.account) })
	return out
}

func TestRebalanceFindsTheKnownOptimum(t *testing.T) {
	cases := []struct {
		name     string
		settings Settings
		managers []Manager
		accounts []Account
		related  map[int64][]int64
		want     []moveKey // the optimum (among equals, the one the documented order picks)
		overflow int
	}{
		{
			name:     "nobody over capacity moves nothing",
			managers: managers(10, 10),
			accounts: []Account{acct(1, 1, A, 100), acct(2, 1, B, 50), acct(3, 2, C, 10)},
		},
		{
			name:     "one heavy account covering the excess moves alone, not two lighter ones",
			managers: managers(10, 10),
			// load 5 + 6 + 3 = 14, excess 4: the A alone covers it; two Bs would too, in two moves.
			accounts: []Account{acct(1, 1, A, 900), acct(2, 1, B, 10), acct(3, 1, B, 10), acct(4, 1, B, 10),
				acct(5, 1, C, 1), acct(6, 1, C, 1), acct(7, 1, C, 1)},
			want: []moveKey{{1, 1, 2}},
		},
		{
			name:     "of equally heavy accounts the one with the least revenue moves",
			managers: managers(4, 10),
			accounts: []Account{acct(1, 1, B, 300), acct(2, 1, B, 100), acct(3, 1, B, 200)},
			want:     []moveKey{{2, 1, 2}},
		},
		{
			name:     "a receiver with a relationship wins over one with more room",
			managers: managers(4, 10, 3),
			accounts: []Account{acct(1, 1, B, 300), acct(2, 1, B, 100), acct(3, 1, B, 200)},
			related:  map[int64][]int64{2: {3}},
			want:     []moveKey{{2, 1, 3}},
		},
		{
			name:     "of equally cheap accounts the one someone knows moves, to them",
			managers: managers(2, 5, 5),
			accounts: []Account{acct(1, 1, C, 10), acct(2, 1, C, 10), acct(3, 1, C, 10)},
			related:  map[int64][]int64{3: {3}},
			want:     []moveKey{{3, 1, 3}},
		},
		{
			name:     "when no receiver has room for the heavy account two light ones move, cheapest pair",
			managers: managers(7, 4, 3),
			// load 5+2+2+1 = 10, excess 3; gaps of 4 and 3 cannot take the A.
			accounts: []Account{acct(1, 1, A, 1), acct(2, 1, B, 100), acct(3, 1, B, 200), acct(4, 1, C, 50)},
			want:     []moveKey{{2, 1, 2}, {4, 1, 3}},
		},
		{
			name:     "a manager exactly at capacity receives nothing",
			managers: managers(2, 1, 2),
			accounts: []Account{acct(1, 1, B, 5), acct(2, 1, C, 5), acct(3, 2, C, 5)},
			want:     []moveKey{{2, 1, 3}},
		},
		{
			name:     "when there is not room enough the most load that fits moves and the rest is reported",
			managers: managers(2, 2, 1),
			// load 2+2+2+1+1 = 8, excess 6, room 3: a B and a C move, 3 stays over.
			accounts: []Account{acct(1, 1, B, 10), acct(2, 1, B, 20), acct(3, 1, B, 30), acct(4, 1, C, 1), acct(5, 1, C, 2)},
			want:     []moveKey{{1, 1, 2}, {4, 1, 3}},
			overflow: 3,
		},
		{
			name:     "two overloaded managers share scarce room so that both end within capacity",
			managers: managers(8, 10, 3, 2, 2),
			// Manager 1: A+B+3C = 10 of 8; manager 2: A+A+B = 12 of 10;
			// gaps of 2, 1 and 1. Manager 2 can only shed its B, into the
			// 2-point gap; manager 1 must then shed two Cs into the others.
			accounts: []Account{acct(1, 1, A, 1000), acct(2, 1, B, 10), acct(3, 1, C, 1), acct(4, 1, C, 1), acct(5, 1, C, 3),
				acct(8, 2, A, 1000), acct(9, 2, A, 1000), acct(10, 2, B, 50),
				acct(11, 3, C, 1), acct(12, 4, C, 1), acct(13, 5, C, 1)},
			want: []moveKey{{3, 1, 4}, {4, 1, 5}, {10, 2, 3}},
		},
		{
			name:     "accounts worth no points never move",
			settings: Settings{Points: LoadPoints{A: 5, B: 2, C: 0}, DefaultCapacity: 10},
			managers: managers(4, 10),
			accounts: []Account{acct(1, 1, B, 10), acct(2, 1, B, 20), acct(3, 1, B, 30), acct(4, 1, C, 0), acct(5, 1, C, 0)},
			want:     []moveKey{{1, 1, 2}},
		},
		{
			name:     "an untiered account weighs as a C",
			managers: managers(2, 5),
			accounts: []Account{acct(1, 1, B, 10), acct(2, 1, "", 1)},
			want:     []moveKey{{2, 1, 2}},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.settings
			if s == (Settings{}) {
				s = DefaultSettings
			}
			w := Compute(s, tc.managers, tc.accounts)
			p := Rebalance(w, tc.related)
			sc := check(t, w, tc.related, p)
			if !p.Exact {
				t.Error("a case this small should be solved exactly")
			}
			if got := keys(p); !slices.Equal(got, tc.want) {
				t.Errorf("moves %v, want %v", got, tc.want)
			}
			if p.Overflow != tc.overflow {
				t.Errorf("overflow %d, want %d", p.Overflow, tc.overflow)
			}
			if opt := bruteForce(t, w, tc.related); sc != opt {
				t.Errorf("score %+v, brute force finds %+v", sc, opt)
			}
		})
	}
}

func TestGreedyAloneMissesTheSharedRoomCaseTheSearchSolves(t *testing.T) {
	// The example of the package doc: the greedy relieves manager 1 first
	// and takes the only 2-point gap, which manager 2 needed.
	w := Compute(DefaultSettings, managers(8, 10, 3, 2, 2), []Account{
		acct(1, 1, A, 1000), acct(2, 1, B, 10), acct(3, 1, C, 1), acct(4, 1, C, 1), acct(5, 1, C, 3),
		acct(8, 2, A, 1000), acct(9, 2, A, 1000), acct(10, 2, B, 50),
		acct(11, 3, C, 1), acct(12, 4, C, 1), acct(13, 5, C, 1)})
	greedy := rebalance(w, nil, -1, 0)
	check(t, w, nil, greedy)
	if greedy.Feasible() || greedy.Exact {
		t.Fatalf("greedy plan %+v; the example expects it to leave manager 2 over capacity", greedy)
	}
	if p := Rebalance(w, nil); !p.Feasible() || !p.Exact {
		t.Fatalf("the search should find a feasible proven plan, got %+v", p)
	}
}

// randomCase is a small random portfolio whose overloaded managers own at
// most 8 accounts between them (so the brute force stays quick).
func randomCase(r *rand.Rand) (Workload, map[int64][]int64) {
	for {
		nm := 2 + r.IntN(4)
		caps := make([]int, nm)
		for i := range caps {
			caps[i] = r.IntN(12)
		}
		ms := managers(caps...)
		var as []Account
		related := map[int64][]int64{}
		tiers := []portfolio.Tier{A, B, C, C, C, ""}
		for id := int64(1); id <= int64(3+r.IntN(12)); id++ {
			owner := int64(1 + r.IntN(nm))
			as = append(as, acct(id, owner, tiers[r.IntN(len(tiers))], int64(r.IntN(5))*100))
			for range r.IntN(3) {
				if p := int64(1 + r.IntN(nm)); p != owner {
					related[id] = append(related[id], p)
				}
			}
		}
		w := Compute(DefaultSettings, ms, as)
		if n := len(w.Candidates()); n > 0 && n <= 8 {
			return w, related
		}
	}
}

func TestRebalanceMatchesBruteForceOnRandomSmallCases(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 2))
	greedyOptimal, n := 0, 1500
	for i := range n {
		w, related := randomCase(r)
		opt := bruteForce(t, w, related)
		p := Rebalance(w, related)
		if sc := check(t, w, related, p); sc != opt || !p.Exact {
			t.Fatalf("case %d: Rebalance scores %+v (exact %v), brute force %+v\nmanagers %+v\naccounts %+v\nrelated %v",
				i, sc, p.Exact, opt, w.Managers, w.byOwner, related)
		}
		g := rebalance(w, related, -1, 0)
		gs := check(t, w, related, g)
		if opt.less(gs) {
			if gs.overflow == opt.overflow && gs.moves == opt.moves && gs.revenue == opt.revenue {
				greedyOptimal++ // only the relationship tie-break differs
			}
		} else {
			greedyOptimal++
		}
	}
	t.Logf("the greedy alone reached the optimum of criteria 1-3 in %d of %d random cases", greedyOptimal, n)
}

func TestGreedyIsOptimalForOneOverloadedManagerWithAmpleRoom(t *testing.T) {
	// With a single overloaded manager and receivers each able to take all
	// of their accounts, placement never binds: the count-vector choice is
	// then exactly optimal for criteria 1-3.
	r := rand.New(rand.NewPCG(7, 7))
	for i := range 1000 {
		var as []Account
		tiers := []portfolio.Tier{A, B, B, C, C, C}
		for id := int64(1); id <= int64(1+r.IntN(8)); id++ {
			as = append(as, acct(id, 1, tiers[r.IntN(len(tiers))], int64(r.IntN(10))*10))
		}
		w := Compute(DefaultSettings, managers(r.IntN(8), 50, 50), as)
		if len(w.Overloaded()) == 0 {
			continue
		}
		opt := bruteForce(t, w, nil)
		gs := check(t, w, nil, rebalance(w, nil, -1, 0))
		if gs != opt {
			t.Fatalf("case %d: greedy %+v, optimum %+v; accounts %+v", i, gs, opt, as)
		}
	}
}

func TestTheSearchNeverReturnsWorseThanTheGreedyWhenItRunsOutOfBudget(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 1))
	for range 300 {
		w, related := randomCase(r)
		g := check(t, w, related, rebalance(w, related, -1, 0))
		p := rebalance(w, related, 100, 3) // a budget of three nodes
		if s := check(t, w, related, p); g.less(s) {
			t.Fatalf("an interrupted search scored %+v, worse than the greedy's %+v", s, g)
		}
	}
}

// benchPortfolio is 200 managers and 20,000 accounts: a Pareto-like mix of
// tiers (5% A, 15% B, 80% C), owners skewed so that about a third of the
// managers are over a capacity of 150 points, and up to three people with a
// relationship per account.
func benchPortfolio() (Workload, map[int64][]int64) {
	r := rand.New(rand.NewPCG(2026, 20000))
	const nm, na = 200, 20_000
	ms := make([]Manager, nm)
	for i := range ms {
		ms[i] = Manager{ID: int64(i + 1), Name: fmt.Sprintf("manager %03d", i+1), Capacity: 150, CapacitySet: true}
	}
	as := make([]Account, na)
	related := map[int64][]int64{}
	for i := range as {
		t := C
		switch x := r.Float64(); {
		case x < 0.05:
			t = A
		case x < 0.20:
			t = B
		}
		// Owners skewed: a third of the managers draw half the accounts.
		owner := int64(1 + r.IntN(nm))
		if r.IntN(2) == 0 {
			owner = int64(1 + r.IntN(nm/3))
		}
		id := int64(i + 1)
		as[i] = Account{ID: id, Name: fmt.Sprintf("account %05d", id), OwnerID: owner, Tier: t, Revenue: int64(r.IntN(1_000_000)) * 100}
		for range r.IntN(4) {
			related[id] = append(related[id], int64(1+r.IntN(nm)))
		}
	}
	return Compute(DefaultSettings, ms, as), related
}

func TestTheBenchmarkPortfolioIsRebalancedWithinCapacity(t *testing.T) {
	w, related := benchPortfolio()
	over := len(w.Overloaded())
	if over < 30 {
		t.Fatalf("only %d managers over capacity; the benchmark should be a real problem", over)
	}
	p := Rebalance(w, related)
	check(t, w, related, p)
	if !p.Feasible() {
		t.Errorf("overflow %d left", p.Overflow)
	}
	t.Logf("%d managers over capacity, %d accounts of theirs; %d moves, %d to a related receiver",
		over, len(w.Candidates()), len(p.Moves), countRelated(p))
}

func countRelated(p Plan) int {
	n := 0
	for _, m := range p.Moves {
		if m.Related {
			n++
		}
	}
	return n
}

// BenchmarkRebalance200Managers20000Accounts measures what a workload view
// computes: the board and the plan (BENCHMARKS.md, "Staffing").
func BenchmarkRebalance200Managers20000Accounts(b *testing.B) {
	w, related := benchPortfolio()
	ms := slices.Clone(w.Managers)
	var accounts []Account
	for _, list := range w.byOwner {
		accounts = append(accounts, list...)
	}
	managers := make([]Manager, len(ms))
	for i, m := range ms {
		managers[i] = m.Manager
	}
	b.ResetTimer()
	for b.Loop() {
		w := Compute(DefaultSettings, managers, accounts)
		p := Rebalance(w, related)
		if !p.Feasible() {
			b.Fatal("not feasible")
		}
	}
}
