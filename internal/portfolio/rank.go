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
//
// Everything is first computed in compact per-account arrays, indexed as
// the accounts are given; the rows are written once, in rank order, at the
// end. Building the rows first and sorting them moved every 200-byte row
// (pointers included, so with the garbage collector's write barriers)
// several times over.
func Rank(criteria []Criterion, p Policy, accounts []Account, past *Past) (*Ranking, error) {
	sc, err := NewScorer(criteria)
	if err != nil {
		return nil, err
	}
	n := len(accounts)
	// The Pareto order needs revenue only and the scores need ratings only:
	// compute them side by side.
	var par paretoResult
	done := make(chan struct{})
	go func() {
		defer close(done)
		par = pareto(accounts, p.Pareto)
	}()
	st := make([]standing, n)
	for i := range accounts {
		s, rated, ok := sc.Score(accounts[i].Ratings)
		st[i] = standing{score: s, rated: int32(rated), scored: ok}
	}
	prev, err := rankPast(accounts, past)
	<-done
	if err != nil {
		return nil, err
	}
	r := &Ranking{Policy: p, Criteria: criteria, Revenue: par.total}
	// One integer key per account: the score (in millionths, which is how
	// finely scores are rounded), inverted so that higher scores sort first
	// and unscored accounts last, then the Pareto place — also the
	// tie-break of equal scores. Sorting plain integers is several times
	// faster than sorting structs through a comparison.
	byPlace := make([]int32, n) // Pareto place → account
	keys := make([]uint64, n)
	for i := range st {
		byPlace[par.place[i]] = int32(i)
		keys[i] = scoreKey(st[i].score, st[i].scored)<<32 | uint64(par.place[i])
	}
	sortUint64(keys)
	rows := make([]Row, n)
	r.ParetoOrder = make([]int32, n)
	for pos, k := range keys {
		place := int32(k & 0xFFFFFFFF)
		i := byPlace[place]
		r.ParetoOrder[place] = int32(pos)
		a, s := &accounts[i], &st[i]
		row := &rows[pos]
		row.Account = *a
		row.Score, row.Rated, row.Scored = s.score, int(s.rated), s.scored
		row.ShareBefore = par.share[i]
		row.Computed = par.tier[i]
		if p.Method == ByScore {
			row.Computed = ScoreTier(s.score, s.scored, p.Score)
		}
		if past != nil {
			row.PastKnown, row.PrevRank = true, int(prev[i])
		}
		row.Tier = row.Computed
		if a.Override.Valid() {
			row.Tier = a.Override
		}
		if row.Tier != a.Stored {
			r.Pending++
		}
		sum := &r.Summary[tierIndex(row.Tier)]
		sum.Accounts++
		sum.Revenue += max(a.Revenue, 0)
		if s.scored {
			r.Scored++
			if pos > 0 && rows[pos-1].Scored && rows[pos-1].Score == s.score {
				row.Rank = rows[pos-1].Rank
			} else {
				row.Rank = pos + 1
			}
		}
	}
	r.Summary[0].Tier, r.Summary[1].Tier, r.Summary[2].Tier = TierA, TierB, TierC
	r.Rows = rows
	return r, nil
}

// standing is one account's score as Rank computes it.
type standing struct {
	score  float64
	rated  int32
	scored bool
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

// rankPast returns, per account, the competition rank its score at the
// start of the period had among all scores then (0: not scored then); nil
// when past is nil.
func rankPast(accounts []Account, past *Past) ([]int32, error) {
	if past == nil {
		return nil, nil
	}
	prev := make([]int32, len(accounts))
	if past.Criteria == nil {
		return prev, nil // nobody was scored
	}
	sc, err := NewScorer(past.Criteria)
	if err != nil {
		return nil, err
	}
	// Rank the scores then as the ranking does now: sort keys of (score
	// descending, account), then walk them giving equal scores equal ranks.
	keys := make([]uint64, 0, len(accounts))
	for i := range accounts {
		rs := accounts[i].Ratings
		if old, changed := past.Ratings[accounts[i].ID]; changed {
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
			prev[i] = prev[int(keys[pos-1]&0xFFFFFFFF)]
		} else {
			prev[i] = int32(pos + 1)
		}
	}
	return prev, nil
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

// paretoResult is the Pareto walk over the accounts, indexed as given.
type paretoResult struct {
	total int64     // total positive revenue
	place []int32   // each account's place in Pareto order
	share []float64 // revenue share of the accounts before it
	tier  []Tier    // the tier by ParetoTiers' rule
}

// pareto walks the accounts in Pareto order (revenue highest first, then
// name, then id) and tiers them by ParetoTiers' rule.
func pareto(accts []Account, t Thresholds) paretoResult {
	// Sort by revenue (highest first) and the first eight bytes of the
	// name with a radix sort; then order the few runs those do not decide
	// (equal revenue and prefix) by the whole name and the id.
	n := len(accts)
	keys := make([]wideKey, n)
	for i := range accts {
		keys[i] = wideKey{hi: ^(uint64(accts[i].Revenue) ^ 1<<63), lo: namePrefix(accts[i].Name), idx: int32(i)}
	}
	sortWide(keys)
	for start := 0; start < len(keys); {
		end := start + 1
		for end < len(keys) && keys[end].hi == keys[start].hi && keys[end].lo == keys[start].lo {
			end++
		}
		if end-start > 1 {
			slices.SortFunc(keys[start:end], func(a, b wideKey) int {
				x, y := &accts[a.idx], &accts[b.idx]
				if c := strings.Compare(x.Name, y.Name); c != 0 {
					return c
				}
				return cmp.Compare(x.ID, y.ID)
			})
		}
		start = end
	}
	res := paretoResult{place: make([]int32, n), share: make([]float64, n), tier: make([]Tier, n)}
	for i := range accts {
		if accts[i].Revenue > 0 {
			res.total += accts[i].Revenue
		}
	}
	var before int64
	for pos, k := range keys {
		i := k.idx
		res.place[i] = int32(pos)
		rev := accts[i].Revenue
		if res.total > 0 {
			res.share[i] = float64(before) / float64(res.total)
		}
		if rev <= 0 || res.total == 0 {
			res.tier[i] = TierC
			continue
		}
		// The epsilon keeps an exact boundary exact: a share of 80/100
		// computed in floating point is not "below" 0.80.
		switch share := res.share[i]; {
		case share < t.A-1e-12:
			res.tier[i] = TierA
		case share < t.B-1e-12:
			res.tier[i] = TierB
		default:
			res.tier[i] = TierC
		}
		before += rev
	}
	return res
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
