package staffing

import (
	"cmp"
	"slices"
)

// ExactLimit is the most accounts the overloaded managers may own between
// them for Rebalance to search for the proven optimum; above it the greedy
// answer is returned.
const ExactLimit = 24

// searchBudget bounds the exact search (nodes visited), so that a page view
// never waits long; the search then returns the best answer found so far.
const searchBudget = 50_000

// Move is one proposed change of an account's owner.
type Move struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	FromID      int64  `json:"from_id"`
	ToID        int64  `json:"to_id"`
	Load        int    `json:"load"`
	Revenue     int64  `json:"revenue"`
	Currency    string `json:"currency"`
	// Related reports whether the receiver already has a relationship with
	// the account (on its team, or at one of its touches in the last year).
	Related bool `json:"related"`
}

// Plan is the proposal for bringing every manager within capacity.
type Plan struct {
	Moves []Move
	// Exact is true when the plan is proven optimal (see the package doc);
	// false when it is the greedy answer or the search ran out of budget.
	Exact bool
	// Overflow is the load still over capacity after every move: 0 when the
	// moves bring everyone within capacity.
	Overflow int
	// After is every manager's load once all the moves are made.
	After map[int64]int
}

// Feasible reports whether the plan leaves nobody over capacity.
func (p Plan) Feasible() bool { return p.Overflow == 0 }

// Rebalance proposes moves for the workload; related maps an account id to
// the people with a strong relationship with it (only the accounts of
// Workload.Candidates are looked up). See the package doc for the objective
// and the algorithms.
func Rebalance(w Workload, related map[int64][]int64) Plan {
	return rebalance(w, related, ExactLimit, searchBudget)
}

func rebalance(w Workload, related map[int64][]int64, exactLimit, budget int) Plan {
	s := newSolver(w, related)
	asg := s.greedy()
	exact := false
	if len(s.items) <= exactLimit {
		asg, exact = s.exact(asg, budget)
	}
	return s.plan(asg, exact)
}

// score is the lexicographic objective: less overflow, then fewer moves,
// then less revenue moved, then more moves to related receivers.
type score struct {
	overflow int
	moves    int
	revenue  int64
	related  int
}

func (a score) less(b score) bool {
	if a.overflow != b.overflow {
		return a.overflow < b.overflow
	}
	if a.moves != b.moves {
		return a.moves < b.moves
	}
	if a.revenue != b.revenue {
		return a.revenue < b.revenue
	}
	return a.related > b.related
}

// item is an account that may move: one of an overloaded manager's.
type item struct {
	a       Account
	owner   int   // manager index
	load    int   // load points
	related []int // indices of receivers with a relationship, ascending
}

func (it *item) relatedTo(m int) bool {
	_, ok := slices.BinarySearch(it.related, m)
	return ok
}

// solver holds one rebalancing problem by manager index (the order of
// Workload.Managers). An assignment gives, per item, the receiver's index or
// -1 when the account stays.
type solver struct {
	ids       []int64
	names     []string
	caps      []int
	loads     []int
	receivers []int // managers within capacity, by index
	isRecv    []bool
	items     []item
	donors    []int    // overloaded managers, most over capacity first
	span      [][2]int // per manager: its items' range [lo, hi) in items
}

func newSolver(w Workload, related map[int64][]int64) *solver {
	n := len(w.Managers)
	s := &solver{ids: make([]int64, n), names: make([]string, n), caps: make([]int, n), loads: make([]int, n),
		isRecv: make([]bool, n), span: make([][2]int, n)}
	byID := make(map[int64]int, n)
	for i, m := range w.Managers {
		s.ids[i], s.names[i], s.caps[i], s.loads[i] = m.ID, m.Name, m.Capacity, m.Load
		byID[m.ID] = i
		if m.Overloaded() {
			s.donors = append(s.donors, i)
		} else {
			s.receivers = append(s.receivers, i)
			s.isRecv[i] = true
		}
	}
	slices.SortStableFunc(s.donors, func(a, b int) int {
		return cmp.Or(cmp.Compare(s.loads[b]-s.caps[b], s.loads[a]-s.caps[a]), cmp.Compare(s.ids[a], s.ids[b]))
	})
	for _, d := range s.donors {
		lo := len(s.items)
		for _, a := range w.byOwner[s.ids[d]] {
			load := w.Settings.Points.Of(a.Tier)
			if load <= 0 {
				continue // moving it would not relieve anyone
			}
			it := item{a: a, owner: d, load: load}
			for _, p := range related[a.ID] {
				if r, ok := byID[p]; ok && s.isRecv[r] {
					it.related = append(it.related, r)
				}
			}
			slices.Sort(it.related)
			it.related = slices.Compact(it.related)
			s.items = append(s.items, it)
		}
		// Heaviest first (fewest moves), cheapest first within a load (least
		// revenue), accounts someone could take over with a relationship
		// first among equals, then by id for a stable answer.
		slices.SortFunc(s.items[lo:], func(x, y item) int {
			return cmp.Or(cmp.Compare(y.load, x.load), cmp.Compare(x.a.Revenue, y.a.Revenue),
				cmpBool(len(y.related) > 0, len(x.related) > 0), cmp.Compare(x.a.ID, y.a.ID))
		})
		s.span[d] = [2]int{lo, len(s.items)}
	}
	return s
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case a:
		return 1
	}
	return -1
}

// evaluate scores an assignment. It does not check receivers' capacity: the
// algorithms only build assignments that respect it (and the brute force in
// the tests filters the others out).
func (s *solver) evaluate(asg []int) score {
	loads := slices.Clone(s.loads)
	var sc score
	for i, r := range asg {
		if r < 0 {
			continue
		}
		it := &s.items[i]
		loads[it.owner] -= it.load
		loads[r] += it.load
		sc.moves++
		sc.revenue += it.a.Revenue
		if it.relatedTo(r) {
			sc.related++
		}
	}
	for m, l := range loads {
		if l > s.caps[m] {
			sc.overflow += l - s.caps[m]
		}
	}
	return sc
}

func (s *solver) plan(asg []int, exact bool) Plan {
	p := Plan{Exact: exact, Overflow: s.evaluate(asg).overflow, After: make(map[int64]int, len(s.ids))}
	for m, l := range s.loads {
		p.After[s.ids[m]] = l
	}
	for i, r := range asg {
		if r < 0 {
			continue
		}
		it := &s.items[i]
		p.After[s.ids[it.owner]] -= it.load
		p.After[s.ids[r]] += it.load
		p.Moves = append(p.Moves, Move{AccountID: it.a.ID, AccountName: it.a.Name, FromID: s.ids[it.owner], ToID: s.ids[r],
			Load: it.load, Revenue: it.a.Revenue, Currency: it.a.Currency, Related: it.relatedTo(r)})
	}
	return p
}

// bestReceiver picks where an account goes: a receiver with room, one with
// a relationship first, then the most spare capacity, then the lowest id.
// It returns -1 when nobody has room.
func (s *solver) bestReceiver(it *item, spare []int) int {
	best := -1
	bestRel := false
	for _, m := range s.receivers {
		if spare[m] < it.load {
			continue
		}
		rel := it.relatedTo(m)
		switch {
		case best < 0,
			rel && !bestRel,
			rel == bestRel && spare[m] > spare[best],
			rel == bestRel && spare[m] == spare[best] && s.ids[m] < s.ids[best]:
			best, bestRel = m, rel
		}
	}
	return best
}

// maxPackAttempts bounds how many candidate sets the greedy tries to place
// for one overloaded manager before it settles for a partial relief.
const maxPackAttempts = 2000

// greedy is the algorithm for any size (package doc).
func (s *solver) greedy() []int {
	asg := make([]int, len(s.items))
	for i := range asg {
		asg[i] = -1
	}
	spare := make([]int, len(s.ids))
	for m := range spare {
		spare[m] = -1
		if s.isRecv[m] {
			spare[m] = s.caps[m] - s.loads[m]
		}
	}
	for _, d := range s.donors {
		if !s.cover(d, spare, asg) {
			s.relieve(d, spare, asg)
		}
	}
	return asg
}

// group is one load value among an overloaded manager's accounts: its items
// cheapest first and the running sums of their revenue.
type group struct {
	load  int
	items []int
	rev   []int64 // rev[n] = revenue of the first n items
}

// cover moves a set of the manager's accounts that brings them within
// capacity with the fewest moves and then the least revenue, if such a set
// can be placed; it reports whether it did.
func (s *solver) cover(d int, spare, asg []int) bool {
	excess := s.loads[d] - s.caps[d]
	lo, hi := s.span[d][0], s.span[d][1]
	room := 0
	for _, m := range s.receivers {
		room += max(spare[m], 0)
	}
	if room < excess {
		return false
	}
	var groups []group
	for i := lo; i < hi; i++ {
		if len(groups) == 0 || groups[len(groups)-1].load != s.items[i].load {
			groups = append(groups, group{load: s.items[i].load, rev: []int64{0}})
		}
		g := &groups[len(groups)-1]
		g.items = append(g.items, i)
		g.rev = append(g.rev, g.rev[len(g.rev)-1]+s.items[i].a.Revenue)
	}
	attempts := 0
	heaviest := 0 // the load of the k heaviest accounts
	for k := 1; k <= hi-lo; k++ {
		heaviest += s.items[lo+k-1].load
		if heaviest < excess {
			continue // no k accounts cover the excess
		}
		vecs := countVectors(groups, k, excess)
		revenue := func(v []int) int64 {
			var r int64
			for g, n := range v {
				r += groups[g].rev[n]
			}
			return r
		}
		moved := func(v []int) int {
			l := 0
			for g, n := range v {
				l += n * groups[g].load
			}
			return l
		}
		slices.SortStableFunc(vecs, func(a, b []int) int {
			return cmp.Or(cmp.Compare(revenue(a), revenue(b)), cmp.Compare(moved(a), moved(b)))
		})
		for _, v := range vecs {
			if attempts++; attempts > maxPackAttempts {
				return false
			}
			var chosen []int
			for g, n := range v {
				chosen = append(chosen, groups[g].items[:n]...)
			}
			if s.place(chosen, spare, asg) {
				return true
			}
		}
	}
	return false
}

// countVectors lists how many accounts to take of each load group so that k
// accounts are taken and their load reaches excess.
//
// Groups come heaviest first, so the most load the accounts still to choose
// can add is left × the current group's load: a branch that cannot reach
// excess even so is cut, and so are the smaller counts after it (they reach
// less). Without the cut the walk visited every split of k, O(k²) per k for
// three tiers, and a manager with thousands of accounts took seconds.
func countVectors(groups []group, k, excess int) [][]int {
	var out [][]int
	cur := make([]int, len(groups))
	avail := make([]int, len(groups)+1) // accounts in groups g and after
	for g := len(groups) - 1; g >= 0; g-- {
		avail[g] = avail[g+1] + len(groups[g].items)
	}
	var walk func(g, left, sum int)
	walk = func(g, left, sum int) {
		if g == len(groups) {
			if left == 0 && sum >= excess {
				out = append(out, slices.Clone(cur))
			}
			return
		}
		if left > avail[g] || sum+left*groups[g].load < excess {
			return
		}
		for n := min(left, len(groups[g].items)); n >= 0; n-- {
			if left-n > avail[g+1] {
				break // the groups after cannot supply the rest
			}
			next := 0
			if g+1 < len(groups) {
				next = groups[g+1].load
			}
			if sum+n*groups[g].load+(left-n)*next < excess {
				break // fewer of this group reach even less
			}
			cur[g] = n
			walk(g+1, left-n, sum+n*groups[g].load)
		}
		cur[g] = 0
	}
	walk(0, k, 0)
	return out
}

// place finds receivers for all the chosen items, largest load first, and
// commits them to spare and asg; if one cannot be placed nothing changes.
func (s *solver) place(chosen, spare, asg []int) bool {
	order := slices.Clone(chosen)
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(s.items[b].load, s.items[a].load), cmp.Compare(s.items[b].a.Revenue, s.items[a].a.Revenue))
	})
	tmp := slices.Clone(spare)
	to := make([]int, len(order))
	for j, i := range order {
		r := s.bestReceiver(&s.items[i], tmp)
		if r < 0 {
			return false
		}
		tmp[r] -= s.items[i].load
		to[j] = r
	}
	copy(spare, tmp)
	for j, i := range order {
		asg[i] = to[j]
	}
	return true
}

// relieve moves what it can of a manager whose excess cannot be placed in
// full: the heaviest accounts first, wherever they fit, until the excess is
// gone or nothing more fits.
func (s *solver) relieve(d int, spare, asg []int) {
	excess := s.loads[d] - s.caps[d]
	for i := s.span[d][0]; i < s.span[d][1] && excess > 0; i++ {
		it := &s.items[i]
		if r := s.bestReceiver(it, spare); r >= 0 {
			spare[r] -= it.load
			asg[i] = r
			excess -= it.load
		}
	}
}

// exact is the branch and bound of the package doc, seeded with an
// assignment (the greedy one). complete is false when the budget ran out.
func (s *solver) exact(seed []int, budget int) (best []int, complete bool) {
	n := len(s.items)
	best = slices.Clone(seed)
	bestScore := s.evaluate(seed)
	asg := make([]int, n)
	for i := range asg {
		asg[i] = -1
	}
	loads := slices.Clone(s.loads)
	// relevant[i]: the receivers related to any item from i on. Receivers
	// outside it with equal spare capacity are interchangeable at item i.
	relevant := make([]map[int]bool, n+1)
	relevant[n] = map[int]bool{}
	for i := n - 1; i >= 0; i-- {
		relevant[i] = relevant[i+1]
		if len(s.items[i].related) > 0 {
			relevant[i] = make(map[int]bool, len(relevant[i+1])+len(s.items[i].related))
			for m := range relevant[i+1] {
				relevant[i][m] = true
			}
			for _, m := range s.items[i].related {
				relevant[i][m] = true
			}
		}
	}
	var (
		moves, related int
		revenue        int64
		nodes          int
		aborted        bool
		buf            = make([][]int, n) // per depth: receivers to try
	)
	var dfs func(i int)
	dfs = func(i int) {
		if aborted {
			return
		}
		if nodes++; nodes > budget {
			aborted = true
			return
		}
		over, more := s.bound(i, loads)
		if !(score{over, moves + more, revenue, related + (n - i)}).less(bestScore) {
			return // even the best completion is no better
		}
		if i == n {
			bestScore = score{over, moves, revenue, related}
			copy(best, asg)
			return
		}
		it := &s.items[i]
		d := it.owner
		if loads[d] > s.caps[d] {
			buf[i] = s.tryOrder(it, loads, relevant[i], buf[i][:0])
			for _, r := range buf[i] {
				rel := it.relatedTo(r)
				loads[d] -= it.load
				loads[r] += it.load
				asg[i] = r
				moves++
				revenue += it.a.Revenue
				if rel {
					related++
				}
				dfs(i + 1)
				loads[d] += it.load
				loads[r] -= it.load
				asg[i] = -1
				moves--
				revenue -= it.a.Revenue
				if rel {
					related--
				}
			}
		}
		// A manager already within capacity keeps the rest: moving more
		// could only add moves.
		dfs(i + 1)
	}
	dfs(0)
	return best, !aborted
}

// bound returns, for the items from i on, a lower bound on the overflow that
// will remain (excess the remaining accounts cannot cover even if all moved)
// and on the moves still needed (per overloaded manager, the fewest of their
// remaining accounts whose load covers the excess).
func (s *solver) bound(i int, loads []int) (over, moves int) {
	for _, d := range s.donors {
		ex := loads[d] - s.caps[d]
		if ex <= 0 {
			continue
		}
		got, k := 0, 0
		for j := max(i, s.span[d][0]); j < s.span[d][1] && got < ex; j++ {
			got += s.items[j].load // items are heaviest first
			k++
		}
		if got >= ex {
			moves += k
		} else {
			over += ex - got
		}
	}
	return over, moves
}

// tryOrder lists the receivers with room for the item, best first (related,
// then most spare, then id), skipping receivers interchangeable with one
// already listed.
func (s *solver) tryOrder(it *item, loads []int, relevant map[int]bool, out []int) []int {
	seen := map[int]bool{} // spare values of irrelevant receivers already listed
	for _, m := range s.receivers {
		spare := s.caps[m] - loads[m]
		if spare < it.load {
			continue
		}
		if !relevant[m] {
			if seen[spare] {
				continue
			}
			seen[spare] = true
		}
		out = append(out, m)
	}
	slices.SortFunc(out, func(a, b int) int {
		return cmp.Or(cmpBool(it.relatedTo(b), it.relatedTo(a)),
			cmp.Compare(s.caps[b]-loads[b], s.caps[a]-loads[a]), cmp.Compare(s.ids[a], s.ids[b]))
	})
	return out
}
