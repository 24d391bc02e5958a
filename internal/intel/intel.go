// Package intel holds what the account team knows about a client: the
// customer profile, the business vision, the relationship matrix and its
// coverage analysis, the technology roadmap and whitespace, and the needs
// assessment. Its rules are plain Go over the types below; it imports only
// the standard library and internal/account, never store, web or api.
package intel

import (
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
)

// Product is one of our products or services.
type Product struct {
	ID          int64     `json:"id"`
	Name        string    `json:"name"`
	Family      string    `json:"family"`
	ListPrice   int64     `json:"list_price"` // minor units
	Currency    string    `json:"currency"`
	Description string    `json:"description"`
	Retired     bool      `json:"retired"` // kept for history, not offered any more
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Normalize trims the product's text and fills defaults.
func (p *Product) Normalize() {
	p.Name = strings.TrimSpace(p.Name)
	p.Family = strings.TrimSpace(p.Family)
	p.Description = strings.TrimSpace(p.Description)
	p.Currency = strings.ToUpper(strings.TrimSpace(p.Currency))
	if p.Currency == "" {
		p.Currency = "USD"
	}
}

// Validate reports every field that breaks a rule.
func (p *Product) Validate() error {
	var ps problems
	ps.required("name", p.Name, 200)
	ps.max("family", p.Family, 100)
	ps.max("description", p.Description, 2000)
	if p.ListPrice < 0 {
		ps.add("list_price", "must not be negative")
	}
	if len(p.Currency) != 3 || strings.Trim(p.Currency, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != "" {
		ps.add("currency", "must be a three-letter code such as USD")
	}
	return ps.err("product")
}

// Section names one list of the customer profile.
type Section string

const (
	Buying          Section = "buying"           // who is involved in buying from us
	TargetMarket    Section = "target_market"    // the client's target markets
	GoalShort       Section = "goal_short"       // short-term goals
	GoalLong        Section = "goal_long"        // long-term goals
	Industry        Section = "industry"         // industry specifics
	Offering        Section = "offering"         // the client's own offerings
	TheirCompetitor Section = "their_competitor" // the client's primary competitors
	OurCompetitor   Section = "our_competitor"   // our competitors inside the account
)

// Sections lists the profile's lists in display order.
var Sections = []Section{Buying, TargetMarket, GoalShort, GoalLong, Industry, Offering, TheirCompetitor, OurCompetitor}

// SectionLabel is how a section is titled on screen.
func SectionLabel(s Section) string {
	switch s {
	case Buying:
		return "Involved in buying from us"
	case TargetMarket:
		return "Target markets"
	case GoalShort:
		return "Short-term goals"
	case GoalLong:
		return "Long-term goals"
	case Industry:
		return "Industry specifics"
	case Offering:
		return "Their offerings"
	case TheirCompetitor:
		return "Their primary competitors"
	case OurCompetitor:
		return "Our competitors in the account"
	}
	return string(s)
}

// Entry is one line of a profile list.
type Entry struct {
	Text          string `json:"text"`
	Note          string `json:"note,omitempty"`
	StakeholderID *int64 `json:"stakeholder_id,omitempty"` // for buying: the stakeholder, when mapped
}

// Profile is the customer profile of one account: structured lists, saved
// whole; Version counts the saves (0: never saved).
type Profile struct {
	AccountID         int64     `json:"account_id"`
	Version           int       `json:"version"`
	Summary           string    `json:"summary"`
	Buying            []Entry   `json:"buying"`
	TargetMarkets     []Entry   `json:"target_markets"`
	GoalsShort        []Entry   `json:"goals_short"`
	GoalsLong         []Entry   `json:"goals_long"`
	IndustrySpecifics []Entry   `json:"industry_specifics"`
	Offerings         []Entry   `json:"offerings"`
	TheirCompetitors  []Entry   `json:"their_competitors"`
	OurCompetitors    []Entry   `json:"our_competitors"`
	UpdatedAt         time.Time `json:"updated_at"`
	UpdatedBy         int64     `json:"updated_by"`
}

// List returns a pointer to the profile's list for a section (nil for an
// unknown section).
func (p *Profile) List(s Section) *[]Entry {
	switch s {
	case Buying:
		return &p.Buying
	case TargetMarket:
		return &p.TargetMarkets
	case GoalShort:
		return &p.GoalsShort
	case GoalLong:
		return &p.GoalsLong
	case Industry:
		return &p.IndustrySpecifics
	case Offering:
		return &p.Offerings
	case TheirCompetitor:
		return &p.TheirCompetitors
	case OurCompetitor:
		return &p.OurCompetitors
	}
	return nil
}

// Empty reports whether nothing has been written in the profile.
func (p *Profile) Empty() bool {
	if p.Summary != "" {
		return false
	}
	for _, s := range Sections {
		if len(*p.List(s)) > 0 {
			return false
		}
	}
	return true
}

// Normalize trims every entry and drops empty ones.
func (p *Profile) Normalize() {
	p.Summary = strings.TrimSpace(p.Summary)
	for _, s := range Sections {
		l := p.List(s)
		out := make([]Entry, 0, len(*l))
		for _, e := range *l {
			e.Text = strings.TrimSpace(e.Text)
			e.Note = strings.TrimSpace(e.Note)
			if e.StakeholderID != nil && *e.StakeholderID == 0 {
				e.StakeholderID = nil
			}
			if e.Text != "" {
				out = append(out, e)
			}
		}
		*l = out
	}
}

// MaxEntries bounds each profile list.
const MaxEntries = 50

// Validate reports every field that breaks a rule.
func (p *Profile) Validate() error {
	var ps problems
	ps.max("summary", p.Summary, 4000)
	for _, s := range Sections {
		l := *p.List(s)
		if len(l) > MaxEntries {
			ps.add(string(s), "may hold at most %d entries", MaxEntries)
		}
		for i, e := range l {
			ps.max(fmt.Sprintf("%s[%d].text", s, i), e.Text, 500)
			ps.max(fmt.Sprintf("%s[%d].note", s, i), e.Note, 500)
		}
	}
	return ps.err("profile")
}

// Horizons are the vision's horizons in years.
var Horizons = []int{1, 3, 5}

// VisionItem is one dated statement of the client's business vision. Items
// are never overwritten: a revision supersedes the old row, so earlier
// visions stay readable.
type VisionItem struct {
	ID                  int64        `json:"id"`
	AccountID           int64        `json:"account_id"`
	HorizonYears        int          `json:"horizon_years"` // 1, 3 or 5
	Text                string       `json:"text"`
	TargetDate          account.Date `json:"target_date"`
	SourceStakeholderID *int64       `json:"source_stakeholder_id"` // who said it
	SourceName          string       `json:"source_name,omitempty"` // read only: the stakeholder's name
	SourceNote          string       `json:"source_note"`
	StatedOn            account.Date `json:"stated_on"` // when it was said
	Version             int          `json:"version"`   // the account's vision version that wrote the row
	SupersededAt        time.Time    `json:"superseded_at,omitzero"`
	SupersededBy        *int64       `json:"superseded_by,omitempty"`
	CreatedAt           time.Time    `json:"created_at"`
	CreatedBy           int64        `json:"created_by"`
}

// Current reports whether the item belongs to today's vision.
func (v *VisionItem) Current() bool { return v.SupersededAt.IsZero() }

// Normalize trims the item's text.
func (v *VisionItem) Normalize() {
	v.Text = strings.TrimSpace(v.Text)
	v.SourceNote = strings.TrimSpace(v.SourceNote)
	if v.SourceStakeholderID != nil && *v.SourceStakeholderID == 0 {
		v.SourceStakeholderID = nil
	}
	if v.HorizonYears == 0 {
		v.HorizonYears = 3
	}
}

// Validate reports every field that breaks a rule.
func (v *VisionItem) Validate() error {
	var ps problems
	if v.AccountID <= 0 {
		ps.add("account_id", "is required")
	}
	if !slices.Contains(Horizons, v.HorizonYears) {
		ps.add("horizon_years", "must be 1, 3 or 5")
	}
	ps.required("text", v.Text, 1000)
	ps.max("source_note", v.SourceNote, 500)
	if v.SourceStakeholderID == nil && v.SourceNote == "" {
		ps.add("source_note", "say who stated it: pick a stakeholder or write a source")
	}
	if v.StatedOn.IsZero() {
		ps.add("stated_on", "is required (when was it said?)")
	}
	return ps.err("vision item")
}

// VisionVersion is one state of an account's vision: the items current
// right after a change (an item added, revised or withdrawn).
type VisionVersion struct {
	Version int          `json:"version"` // 1 for the first change, counting up
	At      time.Time    `json:"at"`
	Items   []VisionItem `json:"items"`
}

// VisionVersions rebuilds every version of a vision from all its rows
// (current and superseded), newest first. Each distinct instant at which a
// row was created or superseded is a version; its items are the rows
// created at or before that instant and not superseded by then.
func VisionVersions(rows []VisionItem) []VisionVersion {
	var instants []time.Time
	for _, r := range rows {
		instants = append(instants, r.CreatedAt)
		if !r.SupersededAt.IsZero() {
			instants = append(instants, r.SupersededAt)
		}
	}
	slices.SortFunc(instants, time.Time.Compare)
	instants = slices.CompactFunc(instants, time.Time.Equal)
	out := make([]VisionVersion, 0, len(instants))
	for i := len(instants) - 1; i >= 0; i-- {
		t := instants[i]
		vv := VisionVersion{Version: i + 1, At: t}
		for _, r := range rows {
			if !r.CreatedAt.After(t) && (r.SupersededAt.IsZero() || r.SupersededAt.After(t)) {
				vv.Items = append(vv.Items, r)
			}
		}
		SortVision(vv.Items)
		out = append(out, vv)
	}
	return out
}

// SortVision orders items by horizon, then target date, then id.
func SortVision(items []VisionItem) {
	slices.SortStableFunc(items, func(a, b VisionItem) int {
		if a.HorizonYears != b.HorizonYears {
			return a.HorizonYears - b.HorizonYears
		}
		if c := strings.Compare(a.TargetDate.String(), b.TargetDate.String()); c != 0 {
			return c
		}
		return int(a.ID - b.ID)
	})
}

// problems collects field errors while a record is validated.
type problems []account.FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, account.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) required(field, v string, max int) {
	if v == "" {
		p.add(field, "is required")
		return
	}
	p.max(field, v, max)
}

func (p *problems) max(field, v string, max int) {
	if utf8.RuneCountInString(v) > max {
		p.add(field, "must be at most %d characters", max)
	}
}

func (p problems) err(what string) error {
	if len(p) == 0 {
		return nil
	}
	return &account.Error{Code: account.EINVALID, Message: fmt.Sprintf("The %s has %d invalid field(s).", what, len(p)), Fields: p}
}
