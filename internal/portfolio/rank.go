package portfolio

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"time"
)

// Decision is the SAM leader's decision on an account: designated strategic,
// declined, or not decided yet.
type Decision string

const (
	Undecided  Decision = ""
	Designated Decision = "designated"
	Declined   Decision = "declined"
)

// Valid reports whether d is one of the three decisions.
func (d Decision) Valid() bool { return d == Undecided || d == Designated || d == Declined }

// Account is one account as ranking sees it.
type Account struct {
	ID      int64
	Name    string // breaks ties: the store passes the lower-cased name
	OwnerID int64  // 0: nobody
	// Revenue is the trailing-12-month revenue in minor units (see the
	// package doc for the rule).
	Revenue  int64
	Ratings  []Rating
	Override Tier     // a manual tier that wins over the computed one; "" for none
	Stored   Tier     // the effective tier as last recorded; "" if never tiered
	Decision Decision // the designation
}

// Row is an account placed in the ranking.
type Row struct {
	Account
	Score  float64 // 0-100, meaningful only when Scored
	Scored bool
	Rated  int // how many weighted criteria are rated
	// Rank is the place by score, 1 for the highest; accounts with equal
	// scores share a rank and the next rank skips (1, 2, 2, 4). 0 when the
	// account is not scored.
	Rank int
	// PrevRank is the rank the account had at the start of the movement
	// period, 0 when it was not scored then; PastKnown is false when the
	// ranking was made without the past (no movement to show).
	PrevRank  int
	PastKnown bool
	// Computed is the tier by the policy's method from today's figures;
	// Tier is Override when set, else Computed.
	Computed Tier
	Tier     Tier
	// ShareBefore is the share of the portfolio's revenue held by the
	// accounts before this one in Pareto order (0..1); its own share is
	// Revenue / Ranking.Revenue.
	ShareBefore float64
}

// Movement is how many places the account rose since the start of the
// period (negative when it fell); 0 when it was or is not scored.
func (r Row) Movement() int {
	if r.Rank == 0 || r.PrevRank == 0 {
		return 0
	}
	return r.PrevRank - r.Rank
}

// IsNew reports whether the account is scored now but was not at the start
// of the period.
func (r Row) IsNew() bool { return r.PastKnown && r.Rank != 0 && r.PrevRank == 0 }

// Strategic reports whether the account is designated strategic.
func (r Row) Strategic() bool { return r.Decision == Designated }

// Past is what the portfolio looked like at the start of the movement
// period, as far as scores go.
type Past struct {
	// Criteria in force then; nil when the organisation had none (no
	// account was scored).
	Criteria []Criterion
	// Ratings then of the accounts whose ratings changed since; an account
	// absent here had the ratings it has today. A nil slice: not rated then.
	Ratings map[int64][]Rating
}

// TierSummary counts one tier of the portfolio.
type TierSummary struct {
	Tier     Tier
	Accounts int
	Revenue  int64
}

// Ranking is the whole portfolio ranked and tiered.
type Ranking struct {
	Policy   Policy
	Criteria []Criterion
	// Rows in rank order: scored accounts by score (highest first), then the
	// accounts not scored; within equal scores, and among the unscored, by
	// revenue (highest first), then name, then id.
	Rows []Row
	// ParetoOrder lists indexes into Rows by revenue, highest first (ties
	// by name, then id): the order the Pareto rule walks.
	ParetoOrder []int32
	Revenue     int64 // total positive revenue
	Scored      int   // accounts with a score
	// Summary counts A, B and C by effective tier.
	Summary [3]TierSummary
	// Pending counts accounts whose recorded tier differs from the tier
	// today's figures give (overrides included): what recomputing would
	// change.
	Pending int
}

// Rank scores, ranks and tiers the accounts. past may be nil (no movement
// is then shown). It fails only on criteria that cannot score (a negative
// weight).
func Rank(criteria []Criterion, p Policy, accounts []Account, past *Past) (*Ranking, error) {
	sc, err := NewScorer(criteria)
	if err != nil {
		return nil, err
	}
	rows := make([]Row, len(accounts))
	for i, a := range accounts {
		rows[i].Account = a
	}
	// The Pareto order needs revenue only and the scores need ratings only:
	// compute them side by side. They write different fields of the rows.
	r := &Ranking{Policy: p, Criteria: criteria}
	var order []int32
	done := make(chan struct{})
	go func() {
		defer close(done)
		r.Revenue, order = pareto(rows, p.Pareto)
	}()
	for i := range rows {
		rows[i].Score, rows[i].Rated, rows[i].Scored = sc.Score(rows[i].Ratings)
	}
	err = rankPast(rows, past)
	<-done
	if err != nil {
		return nil, err
	}
	if p.Method == ByScore {
		for i := range rows {
			rows[i].Computed = ScoreTier(rows[i].Score, rows[i].Scored, p.Score)
		}
	}
	for i := range rows {
		row := &rows[i]
		row.Tier = row.Computed
		if row.Override.Valid() {
			row.Tier = row.Override
		}
		if row.Tier != row.Stored {
			r.Pending++
		}
		s := &r.Summary[tierIndex(row.Tier)]
		s.Accounts++
		s.Revenue += max(row.Revenue, 0)
	}
	r.Summary[0].Tier, r.Summary[1].Tier, r.Summary[2].Tier = TierA, TierB, TierC
	r.Rows, r.ParetoOrder, r.Scored = rankOrder(rows, order)
	return r, nil
}

func tierIndex(t Tier) int {
	switch t {
	case TierA:
		return 0
	case TierB:
		return 1
	}
	return 2
}

// rankOrder sorts rows into rank order and numbers the scored ones. order
// is each row's place in Pareto order (revenue, name, id), which is also the
// tie-break of equal scores, so the sort compares small numeric keys only:
// at 100,000 rows, chasing each comparison into the rows themselves costs
// more than everything else Rank does.
func rankOrder(rows []Row, order []int32) ([]Row, []int32, int) {
	// One integer key per row: the score (in millionths, which is how
	// finely scores are rounded), inverted so that higher scores sort first
	// and unscored rows last, then the Pareto place. Sorting plain integers
	// is several times faster than sorting structs through a comparison.
	byPos := make([]int32, len(rows)) // Pareto place → row
	keys := make([]uint64, len(rows))
	for i := range rows {
		byPos[order[i]] = int32(i)
		keys[i] = scoreKey(rows[i].Score, rows[i].Scored)<<32 | uint64(order[i])
	}
	sortUint64(keys)
	// Put the rows in that order in place, following the permutation's
	// cycles: no second copy of 100,000 rows.
	perm := make([]int32, len(keys)) // perm[pos] = index of the row to go there
	byRevenue := make([]int32, len(keys))
	for pos, k := range keys {
		place := int32(k & 0xFFFFFFFF)
		perm[pos] = byPos[place]
		byRevenue[place] = int32(pos)
	}
	for start := range perm {
		if perm[start] < 0 || int(perm[start]) == start {
			continue
		}
		tmp := rows[start]
		pos := start
		for {
			from := int(perm[pos])
			perm[pos] = -1
			if from == start {
				rows[pos] = tmp
				break
			}
			rows[pos] = rows[from]
			pos = from
		}
	}
	out := rows
	scored := 0
	for pos := range out {
		if !out[pos].Scored {
			continue
		}
		scored++
		if pos > 0 && out[pos-1].Scored && out[pos-1].Score == out[pos].Score {
			out[pos].Rank = out[pos-1].Rank
		} else {
			out[pos].Rank = pos + 1
		}
	}
	return out, byRevenue, scored
}

// rankPast sets PrevRank: the competition rank each account's score at the
// start of the period had among all scores then.
func rankPast(rows []Row, past *Past) error {
	if past == nil {
		return nil
	}
	for i := range rows {
		rows[i].PastKnown = true
	}
	if past.Criteria == nil {
		return nil // nobody was scored
	}
	sc, err := NewScorer(past.Criteria)
	if err != nil {
		return err
	}
	// Rank the scores then as the ranking does now: sort keys of (score
	// descending, row), then walk them giving equal scores equal ranks.
	keys := make([]uint64, 0, len(rows))
	for i := range rows {
		rs := rows[i].Ratings
		if old, changed := past.Ratings[rows[i].ID]; changed {
			rs = old
		}
		if s, _, ok := sc.Score(rs); ok {
			keys = append(keys, scoreKey(s, true)<<32|uint64(i))
		}
	}
	sortUint64(keys)
	for pos, k := range keys {
		i := int(k & 0xFFFFFFFF)
		if pos > 0 && keys[pos-1]>>32 == k>>32 {
			rows[i].PrevRank = rows[int(keys[pos-1]&0xFFFFFFFF)].PrevRank
		} else {
			rows[i].PrevRank = pos + 1
		}
	}
	return nil
}

// scoreKey maps a score to 32 bits that sort the highest score first and
// unscored accounts last: 0-100 in millionths (the rounding of scores) fits
// in 27 bits.
func scoreKey(score float64, scored bool) uint64 {
	if !scored {
		return 1<<32 - 1
	}
	return uint64(100_000_000 - int64(math.Round(score*1e6)))
}

// pareto sets each row's Computed tier by ParetoTiers' rule and its
// ShareBefore. It returns the total positive revenue and each row's place in
// Pareto order.
func pareto(rows []Row, t Thresholds) (int64, []int32) {
	// Sort by revenue (highest first) and the first eight bytes of the
	// name with a radix sort; then order the few runs those do not decide
	// (equal revenue and prefix) by the whole name and the id.
	keys := make([]wideKey, len(rows))
	for i := range rows {
		keys[i] = wideKey{hi: ^(uint64(rows[i].Revenue) ^ 1<<63), lo: namePrefix(rows[i].Name), idx: int32(i)}
	}
	sortWide(keys)
	for start := 0; start < len(keys); {
		end := start + 1
		for end < len(keys) && keys[end].hi == keys[start].hi && keys[end].lo == keys[start].lo {
			end++
		}
		if end-start > 1 {
			slices.SortFunc(keys[start:end], func(a, b wideKey) int {
				x, y := &rows[a.idx], &rows[b.idx]
				if c := strings.Compare(x.Name, y.Name); c != 0 {
					return c
				}
				return cmp.Compare(x.ID, y.ID)
			})
		}
		start = end
	}
	var total int64
	for i := range rows {
		if rows[i].Revenue > 0 {
			total += rows[i].Revenue
		}
	}
	order := make([]int32, len(rows))
	var before int64
	for pos, k := range keys {
		order[k.idx] = int32(pos)
		r := &rows[k.idx]
		if total > 0 {
			r.ShareBefore = float64(before) / float64(total)
		}
		if r.Revenue <= 0 || total == 0 {
			r.Computed = TierC
			continue
		}
		// The epsilon keeps an exact boundary exact: a share of 80/100
		// computed in floating point is not "below" 0.80.
		switch share := r.ShareBefore; {
		case share < t.A-1e-12:
			r.Computed = TierA
		case share < t.B-1e-12:
			r.Computed = TierB
		default:
			r.Computed = TierC
		}
		before += r.Revenue
	}
	return total, order
}

// namePrefix packs the first eight bytes of a name big-endian, so that
// comparing prefixes orders names as comparing the strings would, up to a
// tie on those bytes.
func namePrefix(s string) uint64 {
	var p uint64
	for i := range 8 {
		p <<= 8
		if i < len(s) {
			p |= uint64(s[i])
		}
	}
	return p
}

// MovementPeriod is how far back movement in the ranking looks.
const MovementPeriod = 30 * 24 * time.Hour
