package staffing

import (
	"cmp"
	"slices"

	"github.com/samwise-sam/samwise/internal/portfolio"
)

// Account is what staffing needs to know about one account.
type Account struct {
	ID      int64          `json:"id"`
	Name    string         `json:"name"`
	OwnerID int64          `json:"owner_id,omitempty"` // 0: no owner
	Tier    portfolio.Tier `json:"tier,omitempty"`     // "": not tiered yet (counts as C)
	Revenue int64          `json:"revenue"`            // minor units; see the package doc
	// Currency is the account's currency, for showing Revenue.
	Currency string `json:"currency,omitempty"`
	// Exempt marks an account that may stay without an owner, with why.
	Exempt       bool   `json:"exempt,omitempty"`
	ExemptReason string `json:"exempt_reason,omitempty"`
}

// Manager is a person who can own accounts, with their capacity in load
// points. CapacitySet tells an own capacity from the organisation default.
type Manager struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Capacity    int    `json:"capacity"`
	CapacitySet bool   `json:"capacity_set"`
}

// TierCounts counts accounts by tier.
type TierCounts struct {
	A, B, C, Untiered int
}

func (c *TierCounts) add(t portfolio.Tier) {
	switch t {
	case portfolio.TierA:
		c.A++
	case portfolio.TierB:
		c.B++
	case portfolio.TierC:
		c.C++
	default:
		c.Untiered++
	}
}

// ManagerLoad is one manager's row on the workload board.
type ManagerLoad struct {
	Manager
	Load     int
	Accounts int
	Tiers    TierCounts
	Revenue  int64
}

// Overloaded reports whether the manager carries more than their capacity.
func (m ManagerLoad) Overloaded() bool { return m.Load > m.Capacity }

// Spare is the capacity left (negative when overloaded).
func (m ManagerLoad) Spare() int { return m.Capacity - m.Load }

// Percent is load as a whole percentage of capacity (for bars); a manager
// with no capacity and some load is shown as far over.
func (m ManagerLoad) Percent() int {
	if m.Capacity <= 0 {
		if m.Load > 0 {
			return 999
		}
		return 0
	}
	return (m.Load*100 + m.Capacity/2) / m.Capacity
}

// Workload is the board: every manager's load against capacity, the
// accounts that need an owner and those exempt from needing one.
type Workload struct {
	Settings Settings
	// Managers, most loaded (by share of capacity) first, then by name.
	Managers []ManagerLoad
	// Unassigned are accounts without an owner that need one, heaviest
	// first, then by revenue.
	Unassigned []Account
	// Exempt are accounts without an owner that may stay so, with the
	// reason in ExemptReason; their Exempt flag is set when they are marked
	// exempt, and false when the revenue policy exempts them.
	Exempt []Account

	byOwner  map[int64][]Account
	index    map[int64]int // manager id → position in Managers
	accounts map[int64]Account
}

// Compute builds the board. Accounts owned by someone missing from managers
// (which the store does not produce) are given a manager row with the
// default capacity, so no load is ever lost.
func Compute(s Settings, managers []Manager, accounts []Account) Workload {
	w := Workload{Settings: s, byOwner: map[int64][]Account{}, index: map[int64]int{}, accounts: make(map[int64]Account, len(accounts))}
	for _, m := range managers {
		if _, dup := w.index[m.ID]; dup {
			continue
		}
		w.index[m.ID] = len(w.Managers)
		w.Managers = append(w.Managers, ManagerLoad{Manager: m})
	}
	for _, a := range accounts {
		w.accounts[a.ID] = a
		if a.OwnerID == 0 {
			if exempt, why := s.exempt(a); exempt {
				a.ExemptReason = why
				w.Exempt = append(w.Exempt, a)
			} else {
				w.Unassigned = append(w.Unassigned, a)
			}
			continue
		}
		i, ok := w.index[a.OwnerID]
		if !ok {
			i = len(w.Managers)
			w.index[a.OwnerID] = i
			w.Managers = append(w.Managers, ManagerLoad{Manager: Manager{ID: a.OwnerID, Capacity: s.DefaultCapacity}})
		}
		m := &w.Managers[i]
		m.Load += s.Points.Of(a.Tier)
		m.Accounts++
		m.Tiers.add(a.Tier)
		m.Revenue += a.Revenue
		w.byOwner[a.OwnerID] = append(w.byOwner[a.OwnerID], a)
	}
	slices.SortStableFunc(w.Managers, func(a, b ManagerLoad) int {
		// Compare load/capacity without division: a.L/a.C vs b.L/b.C.
		return cmp.Or(cmp.Compare(b.Load*max(a.Capacity, 1), a.Load*max(b.Capacity, 1)),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	for i, m := range w.Managers {
		w.index[m.ID] = i
	}
	heaviest := func(a, b Account) int {
		return cmp.Or(cmp.Compare(s.Points.Of(b.Tier), s.Points.Of(a.Tier)), cmp.Compare(b.Revenue, a.Revenue),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	}
	slices.SortFunc(w.Unassigned, heaviest)
	slices.SortFunc(w.Exempt, heaviest)
	return w
}

// exempt says whether an account without an owner may stay so, and why.
func (s Settings) exempt(a Account) (bool, string) {
	switch {
	case a.Exempt:
		return true, cmp.Or(a.ExemptReason, "Marked exempt")
	case s.ExemptBelow > 0 && a.Revenue < s.ExemptBelow:
		return true, "Revenue below the policy threshold"
	}
	return false, ""
}

// Manager returns the board row of one manager.
func (w Workload) Manager(id int64) (ManagerLoad, bool) {
	i, ok := w.index[id]
	if !ok {
		return ManagerLoad{}, false
	}
	return w.Managers[i], true
}

// Account returns one account of the board (not former customers).
func (w Workload) Account(id int64) (Account, bool) {
	a, ok := w.accounts[id]
	return a, ok
}

// Currency is the currency most of the board's accounts are in (USD when
// there are none), for organisation-wide amounts such as the exemption
// threshold and revenue goals; ties go to the alphabetically first.
func (w Workload) Currency() string {
	counts := map[string]int{}
	for _, a := range w.accounts {
		if a.Currency != "" {
			counts[a.Currency]++
		}
	}
	best, n := "USD", 0
	for c, k := range counts {
		if k > n || (k == n && c < best) {
			best, n = c, k
		}
	}
	return best
}

// Load returns an account's load points.
func (w Workload) Load(a Account) int { return w.Settings.Points.Of(a.Tier) }

// Overloaded lists the overloaded managers, most over capacity first.
func (w Workload) Overloaded() []ManagerLoad {
	var out []ManagerLoad
	for _, m := range w.Managers {
		if m.Overloaded() {
			out = append(out, m)
		}
	}
	slices.SortStableFunc(out, func(a, b ManagerLoad) int { return cmp.Compare(b.Load-b.Capacity, a.Load-a.Capacity) })
	return out
}

// Totals returns the load and capacity of all managers together.
func (w Workload) Totals() (load, capacity int) {
	for _, m := range w.Managers {
		load += m.Load
		capacity += m.Capacity
	}
	return load, capacity
}

// AccountsOf returns the accounts a manager owns, heaviest first.
func (w Workload) AccountsOf(id int64) []Account {
	out := slices.Clone(w.byOwner[id])
	slices.SortFunc(out, func(a, b Account) int {
		return cmp.Or(cmp.Compare(w.Settings.Points.Of(b.Tier), w.Settings.Points.Of(a.Tier)),
			cmp.Compare(b.Revenue, a.Revenue), cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// Candidates are the ids of the accounts rebalancing may move: those of
// overloaded managers. The store looks up their relationships (Rebalance's
// related argument) for these alone.
func (w Workload) Candidates() []int64 {
	var out []int64
	for _, m := range w.Managers {
		if m.Overloaded() {
			for _, a := range w.byOwner[m.ID] {
				out = append(out, a.ID)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Suggest proposes an owner for an account without one: among managers with
// room for its load, one with a relationship with it, else the one with the
// most spare capacity. ok is false when nobody has room.
func (w Workload) Suggest(a Account, related []int64) (ManagerLoad, bool) {
	load := w.Settings.Points.Of(a.Tier)
	best, found := ManagerLoad{}, false
	better := func(m ManagerLoad) bool {
		if !found {
			return true
		}
		rm, rb := slices.Contains(related, m.ID), slices.Contains(related, best.ID)
		if rm != rb {
			return rm
		}
		if m.Spare() != best.Spare() {
			return m.Spare() > best.Spare()
		}
		return m.ID < best.ID
	}
	for _, m := range w.Managers {
		if m.Spare() >= load && better(m) {
			best, found = m, true
		}
	}
	return best, found
}

// CheckMove says whether moving the account from one owner to another is
// still what a proposal meant: the account is still owned by from, and the
// receiver has room for it. It returns a message for people, or "".
func (w Workload) CheckMove(a Account, from, to int64) string {
	switch {
	case a.OwnerID != from:
		return "This proposal is out of date: the account's owner has changed since it was made. Look at the new proposals."
	case from == to:
		return "The account already belongs to that manager."
	}
	m, ok := w.Manager(to)
	if !ok {
		return "The receiving manager is not on the workload board (give them a capacity first)."
	}
	if m.Load+w.Settings.Points.Of(a.Tier) > m.Capacity {
		return "This proposal is out of date: " + cmp.Or(m.Name, "the receiving manager") + " no longer has room for the account."
	}
	return ""
}
