package intel

import (
	"slices"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
)

// State is where a product stands in an account's technology roadmap.
type State string

const (
	InPlace         State = "in_place"          // in use (since when, under which contract)
	NotUsed         State = "not_used"          // owned but not used
	CouldUse        State = "could_use"         // a fit (how good, worth how much)
	NeededForVision State = "needed_for_vision" // the client's vision needs it (which vision item)
	NotRelevant     State = "not_relevant"      // no fit
)

// States lists the roadmap states in display order.
var States = []State{InPlace, NotUsed, CouldUse, NeededForVision, NotRelevant}

// StateLabel names a state on screen.
func StateLabel(s State) string {
	switch s {
	case InPlace:
		return "In place"
	case NotUsed:
		return "Not used"
	case CouldUse:
		return "Could use"
	case NeededForVision:
		return "Needed for vision"
	case NotRelevant:
		return "Not relevant"
	}
	return "Not assessed"
}

// Whitespace reports whether a state is room to sell into: the estimated
// values of could-use and needed-for-vision products are the whitespace.
func (s State) Whitespace() bool { return s == CouldUse || s == NeededForVision }

// RoadmapItem is one product's state in one account.
type RoadmapItem struct {
	ID             int64        `json:"id"`
	AccountID      int64        `json:"account_id"`
	ProductID      int64        `json:"product_id"`
	ProductName    string       `json:"product_name,omitempty"` // read only
	State          State        `json:"state"`
	Since          account.Date `json:"since"`           // in place / not used: since when
	ContractID     *int64       `json:"contract_id"`     // in place / not used: under which contract
	Fit            int          `json:"fit"`             // could use: 1-5 (0 not rated)
	EstimatedValue int64        `json:"estimated_value"` // could use / needed: minor units
	VisionItemID   *int64       `json:"vision_item_id"`  // needed for vision: which vision item
	OpportunityID  *int64       `json:"opportunity_id"`  // the opportunity pursuing it, if any
	Note           string       `json:"note"`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

// Normalize trims the note and clears links of id 0.
func (r *RoadmapItem) Normalize() {
	r.Note = strings.TrimSpace(r.Note)
	for _, p := range []**int64{&r.ContractID, &r.VisionItemID, &r.OpportunityID} {
		if *p != nil && **p == 0 {
			*p = nil
		}
	}
}

// Validate reports every field that breaks a rule.
func (r *RoadmapItem) Validate() error {
	var ps problems
	if r.AccountID <= 0 {
		ps.add("account_id", "is required")
	}
	if r.ProductID <= 0 {
		ps.add("product_id", "is required")
	}
	if !slices.Contains(States, r.State) {
		ps.add("state", "must be one of in_place, not_used, could_use, needed_for_vision, not_relevant")
	}
	if r.Fit < 0 || r.Fit > 5 {
		ps.add("fit", "must be from 1 to 5 (0: not rated)")
	}
	if r.EstimatedValue < 0 {
		ps.add("estimated_value", "must not be negative")
	}
	if r.State == NeededForVision && r.VisionItemID == nil {
		ps.add("vision_item_id", "is required: which vision item needs it?")
	}
	ps.max("note", r.Note, 1000)
	return ps.err("roadmap entry")
}

// Cell is one account × product square of the whitespace matrix.
type Cell struct {
	ProductID      int64  `json:"product_id"`
	State          State  `json:"state,omitempty"` // "" when not assessed
	EstimatedValue int64  `json:"estimated_value"`
	Fit            int    `json:"fit,omitempty"`
	OpportunityID  *int64 `json:"opportunity_id,omitempty"`
}

// Whitespace reports whether the cell is room to sell into.
func (c Cell) Whitespace() bool { return c.State.Whitespace() }

// WhitespaceRow is one account's row.
type WhitespaceRow struct {
	AccountID   int64  `json:"account_id"`
	AccountName string `json:"account_name"`
	Cells       []Cell `json:"cells"` // one per product, in the matrix's product order
	Total       int64  `json:"total"` // estimated whitespace value of the row
	InPlace     int    `json:"in_place"`
}

// WhitespaceColumn is one product's column with its totals.
type WhitespaceColumn struct {
	Product Product `json:"product"`
	Total   int64   `json:"total"`    // estimated whitespace value of the column
	InPlace int     `json:"in_place"` // accounts where it is in place
	Open    int     `json:"open"`     // accounts where it is whitespace
}

// WhitespaceMatrix is the portfolio's accounts × products matrix.
type WhitespaceMatrix struct {
	Products []WhitespaceColumn `json:"products"`
	Rows     []WhitespaceRow    `json:"accounts"`
	Total    int64              `json:"total"`
}

// AccountRef names an account in a matrix.
type AccountRef struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// Whitespace builds the matrix: rows in the order accounts are given,
// columns in the order products are given, totals of estimated value over
// whitespace cells (could use, needed for vision). Roadmap items of other
// accounts or products are ignored.
func Whitespace(accounts []AccountRef, products []Product, items []RoadmapItem) WhitespaceMatrix {
	col := make(map[int64]int, len(products))
	m := WhitespaceMatrix{Products: make([]WhitespaceColumn, len(products))}
	for i, p := range products {
		col[p.ID] = i
		m.Products[i].Product = p
	}
	row := make(map[int64]int, len(accounts))
	m.Rows = make([]WhitespaceRow, len(accounts))
	for i, a := range accounts {
		row[a.ID] = i
		m.Rows[i] = WhitespaceRow{AccountID: a.ID, AccountName: a.Name, Cells: make([]Cell, len(products))}
		for j, p := range products {
			m.Rows[i].Cells[j].ProductID = p.ID
		}
	}
	for _, it := range items {
		i, ok := row[it.AccountID]
		j, ok2 := col[it.ProductID]
		if !ok || !ok2 {
			continue
		}
		m.Rows[i].Cells[j] = Cell{ProductID: it.ProductID, State: it.State, EstimatedValue: it.EstimatedValue, Fit: it.Fit, OpportunityID: it.OpportunityID}
		switch {
		case it.State.Whitespace():
			m.Rows[i].Total += it.EstimatedValue
			m.Products[j].Total += it.EstimatedValue
			m.Products[j].Open++
			m.Total += it.EstimatedValue
		case it.State == InPlace:
			m.Rows[i].InPlace++
			m.Products[j].InPlace++
		}
	}
	return m
}

// Horizon says whether a need is a current one or anticipated.
type Horizon string

const (
	CurrentNeed Horizon = "current"
	FutureNeed  Horizon = "future"
)

// Horizons of needs.
var NeedHorizons = []Horizon{CurrentNeed, FutureNeed}

// Priority of a need.
type Priority string

const (
	HighPriority   Priority = "high"
	MediumPriority Priority = "medium"
	LowPriority    Priority = "low"
)

// Priorities from high to low.
var Priorities = []Priority{HighPriority, MediumPriority, LowPriority}

// NeedStatus says where a need stands.
type NeedStatus string

const (
	Open      NeedStatus = "open"
	Addressed NeedStatus = "addressed"
	NoFit     NeedStatus = "no_fit"
)

// NeedStatuses lists the statuses.
var NeedStatuses = []NeedStatus{Open, Addressed, NoFit}

// Need is a current or anticipated need or issue of the client.
type Need struct {
	ID           int64      `json:"id"`
	AccountID    int64      `json:"account_id"`
	Text         string     `json:"text"`
	Horizon      Horizon    `json:"horizon"`
	Priority     Priority   `json:"priority"`
	VisionItemID *int64     `json:"vision_item_id"` // the vision item it serves
	Status       NeedStatus `json:"status"`
	Note         string     `json:"note"`
	ProductIDs   []int64    `json:"product_ids"` // the offerings that answer it
	CreatedAt    time.Time  `json:"created_at"`
	UpdatedAt    time.Time  `json:"updated_at"`
}

// Normalize trims text, fills defaults and deduplicates product ids.
func (n *Need) Normalize() {
	n.Text = strings.TrimSpace(n.Text)
	n.Note = strings.TrimSpace(n.Note)
	if n.Horizon == "" {
		n.Horizon = CurrentNeed
	}
	if n.Priority == "" {
		n.Priority = MediumPriority
	}
	if n.Status == "" {
		n.Status = Open
	}
	if n.VisionItemID != nil && *n.VisionItemID == 0 {
		n.VisionItemID = nil
	}
	ids := make([]int64, 0, len(n.ProductIDs))
	for _, id := range n.ProductIDs {
		if id > 0 && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	n.ProductIDs = ids
}

// Validate reports every field that breaks a rule.
func (n *Need) Validate() error {
	var ps problems
	if n.AccountID <= 0 {
		ps.add("account_id", "is required")
	}
	ps.required("text", n.Text, 1000)
	ps.max("note", n.Note, 1000)
	if !slices.Contains(NeedHorizons, n.Horizon) {
		ps.add("horizon", "must be current or future")
	}
	if !slices.Contains(Priorities, n.Priority) {
		ps.add("priority", "must be high, medium or low")
	}
	if !slices.Contains(NeedStatuses, n.Status) {
		ps.add("status", "must be open, addressed or no_fit")
	}
	if len(n.ProductIDs) > 50 {
		ps.add("product_ids", "may name at most 50 products")
	}
	return ps.err("need")
}

// Signal is a growth signal: an open need answered by a product the account
// does not have in place yet.
type Signal struct {
	NeedID    int64    `json:"need_id"`
	NeedText  string   `json:"need_text"`
	Priority  Priority `json:"priority"`
	ProductID int64    `json:"product_id"`
	State     State    `json:"state,omitempty"` // the product's roadmap state ("" not assessed)
}

// GrowthSignals lists the intersections of open needs and the offerings
// that answer them, leaving out products already in place, high priority
// first.
func GrowthSignals(needs []Need, roadmap []RoadmapItem) []Signal {
	state := map[int64]State{}
	for _, r := range roadmap {
		state[r.ProductID] = r.State
	}
	var out []Signal
	for _, n := range needs {
		if n.Status != Open {
			continue
		}
		for _, p := range n.ProductIDs {
			if state[p] == InPlace {
				continue
			}
			out = append(out, Signal{NeedID: n.ID, NeedText: n.Text, Priority: n.Priority, ProductID: p, State: state[p]})
		}
	}
	slices.SortStableFunc(out, func(a, b Signal) int {
		return slices.Index(Priorities, a.Priority) - slices.Index(Priorities, b.Priority)
	})
	return out
}
