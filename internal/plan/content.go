package plan

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
)

// Section names a part of the plan document. The situation is not stored:
// it is drawn live from the account's records whenever the plan is shown.
type Section string

const (
	SecSituation   Section = "situation"
	SecSummary     Section = "summary"
	SecObjectives  Section = "objectives"
	SecInitiatives Section = "initiatives"
	SecKPIs        Section = "kpis"
	SecRevenue     Section = "revenue"
	SecRisks       Section = "risks"
	SecResolution  Section = "resolution"
)

// Sections lists the sections in the order the plan shows them.
var Sections = []Section{SecSituation, SecSummary, SecObjectives, SecInitiatives, SecKPIs, SecRevenue, SecRisks, SecResolution}

// Label is the section's heading.
func (s Section) Label() string {
	switch s {
	case SecSituation:
		return "Situation"
	case SecSummary:
		return "Summary"
	case SecObjectives:
		return "Objectives"
	case SecInitiatives:
		return "Initiatives"
	case SecKPIs:
		return "KPIs"
	case SecRevenue:
		return "Revenue targets"
	case SecRisks:
		return "Risks and mitigations"
	case SecResolution:
		return "Resolving problems: who does what, when and how"
	}
	return string(s)
}

// ValidSection reports whether s is a known section.
func ValidSection(s Section) bool { return slices.Contains(Sections, s) }

// InitiativeStatus is how an initiative is going.
type InitiativeStatus string

const (
	NotStarted InitiativeStatus = "not_started"
	OnTrack    InitiativeStatus = "on_track"
	AtRisk     InitiativeStatus = "at_risk"
	OffTrack   InitiativeStatus = "off_track"
	Done       InitiativeStatus = "done"
)

// InitiativeStatuses lists them in order.
var InitiativeStatuses = []InitiativeStatus{NotStarted, OnTrack, AtRisk, OffTrack, Done}

// Content is the plan document of one version. Every item carries a Key,
// stable across versions, so that versions can be compared item by item and
// tracking (KPI actuals, initiative status) survives a revision.
type Content struct {
	Title       string           `json:"title"`
	StartsOn    account.Date     `json:"starts_on"`
	EndsOn      account.Date     `json:"ends_on"`
	Summary     string           `json:"summary"`
	Objectives  []Objective      `json:"objectives"`
	Initiatives []Initiative     `json:"initiatives"`
	KPIs        []KPI            `json:"kpis"`
	Revenue     []RevenueTarget  `json:"revenue"`
	Risks       []Risk           `json:"risks"`
	Resolution  []Resolution     `json:"resolution"`
	Internal    map[Section]bool `json:"internal,omitempty"` // whole sections kept from the client
}

// Objective is what the plan aims at, ideally tied to the client's vision.
type Objective struct {
	Key          string `json:"key"`
	Title        string `json:"title"`
	Detail       string `json:"detail"`
	VisionItemID int64  `json:"vision_item_id,omitempty"` // the client's vision item it serves (0: none)
	Internal     bool   `json:"internal,omitempty"`
}

// Initiative is a piece of work with an owner on each side.
type Initiative struct {
	Key          string           `json:"key"`
	Title        string           `json:"title"`
	ObjectiveKey string           `json:"objective_key,omitempty"`
	OurOwner     string           `json:"our_owner"`   // our person
	TheirOwner   string           `json:"their_owner"` // the client's stakeholder
	StartsOn     account.Date     `json:"starts_on"`
	DueOn        account.Date     `json:"due_on"`
	Status       InitiativeStatus `json:"status"`
	Internal     bool             `json:"internal,omitempty"`
}

// KPI is a measure with a baseline and a target.
type KPI struct {
	Key      string       `json:"key"`
	Name     string       `json:"name"`
	Unit     string       `json:"unit"`
	Baseline float64      `json:"baseline"`
	Target   float64      `json:"target"`
	DueOn    account.Date `json:"due_on"`
	Internal bool         `json:"internal,omitempty"`
}

// RevenueTarget is a revenue goal for a period, in minor units.
type RevenueTarget struct {
	Key      string `json:"key"`
	Period   string `json:"period"` // "2027", "FY27 H1"
	Amount   int64  `json:"amount"`
	Currency string `json:"currency"`
	Note     string `json:"note"`
	Internal bool   `json:"internal,omitempty"`
}

// Risk is something that may go wrong and what we do about it.
type Risk struct {
	Key        string `json:"key"`
	Risk       string `json:"risk"`
	Mitigation string `json:"mitigation"`
	Owner      string `json:"owner"`
	Internal   bool   `json:"internal,omitempty"`
}

// Resolution is one line of the agreement on resolving problems before they
// arise: who does what, when and how.
type Resolution struct {
	Key      string `json:"key"`
	Who      string `json:"who"`
	What     string `json:"what"`
	When     string `json:"when"`
	How      string `json:"how"`
	Internal bool   `json:"internal,omitempty"`
}

// Limits on the document, so a plan stays a plan.
const (
	MaxItems = 50
	maxText  = 4000
	maxShort = 200
)

type problems []account.FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, account.FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) text(field, v string, max int, required bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		p.add(field, "is required")
	case utf8.RuneCountInString(v) > max:
		p.add(field, "must be at most %d characters", max)
	}
}

// Normalize trims text, fills missing keys and defaults.
func (c *Content) Normalize() {
	c.Title = strings.TrimSpace(c.Title)
	c.Summary = strings.TrimSpace(c.Summary)
	used := map[string]bool{}
	key := func(k *string, prefix string) {
		*k = strings.TrimSpace(*k)
		if *k != "" && !used[*k] {
			used[*k] = true
			return
		}
		for i := 1; ; i++ {
			cand := fmt.Sprintf("%s%d", prefix, i)
			if !used[cand] {
				*k, used[cand] = cand, true
				return
			}
		}
	}
	for i := range c.Objectives {
		o := &c.Objectives[i]
		key(&o.Key, "o")
		o.Title, o.Detail = strings.TrimSpace(o.Title), strings.TrimSpace(o.Detail)
	}
	for i := range c.Initiatives {
		in := &c.Initiatives[i]
		key(&in.Key, "i")
		in.Title, in.OurOwner, in.TheirOwner = strings.TrimSpace(in.Title), strings.TrimSpace(in.OurOwner), strings.TrimSpace(in.TheirOwner)
		if in.Status == "" {
			in.Status = NotStarted
		}
	}
	for i := range c.KPIs {
		k := &c.KPIs[i]
		key(&k.Key, "k")
		k.Name, k.Unit = strings.TrimSpace(k.Name), strings.TrimSpace(k.Unit)
	}
	for i := range c.Revenue {
		r := &c.Revenue[i]
		key(&r.Key, "r")
		r.Period, r.Note = strings.TrimSpace(r.Period), strings.TrimSpace(r.Note)
		r.Currency = strings.ToUpper(strings.TrimSpace(r.Currency))
		if r.Currency == "" {
			r.Currency = "USD"
		}
	}
	for i := range c.Risks {
		r := &c.Risks[i]
		key(&r.Key, "x")
		r.Risk, r.Mitigation, r.Owner = strings.TrimSpace(r.Risk), strings.TrimSpace(r.Mitigation), strings.TrimSpace(r.Owner)
	}
	for i := range c.Resolution {
		r := &c.Resolution[i]
		key(&r.Key, "w")
		r.Who, r.What, r.When, r.How = strings.TrimSpace(r.Who), strings.TrimSpace(r.What), strings.TrimSpace(r.When), strings.TrimSpace(r.How)
	}
	for s, v := range c.Internal {
		if !v || !ValidSection(s) {
			delete(c.Internal, s)
		}
	}
}

// Validate checks the document; field names are JSON paths
// ("initiatives[2].due_on").
func (c *Content) Validate() error {
	var p problems
	p.text("title", c.Title, maxShort, true)
	p.text("summary", c.Summary, maxText, false)
	if c.StartsOn.IsZero() {
		p.add("starts_on", "is required")
	}
	if c.EndsOn.IsZero() {
		p.add("ends_on", "is required")
	}
	if !c.StartsOn.IsZero() && !c.EndsOn.IsZero() {
		switch d := c.EndsOn.DaysSince(c.StartsOn); {
		case d < 0:
			p.add("ends_on", "must not be before the start")
		case d > 3*366:
			p.add("ends_on", "must be within 3 years of the start: a plan covers 1 to 3 years")
		}
	}
	count := func(field string, n int) {
		if n > MaxItems {
			p.add(field, "must have at most %d entries", MaxItems)
		}
	}
	count("objectives", len(c.Objectives))
	count("initiatives", len(c.Initiatives))
	count("kpis", len(c.KPIs))
	count("revenue", len(c.Revenue))
	count("risks", len(c.Risks))
	count("resolution", len(c.Resolution))
	objectives := map[string]bool{}
	for i, o := range c.Objectives {
		f := fmt.Sprintf("objectives[%d].", i)
		p.text(f+"title", o.Title, maxShort, true)
		p.text(f+"detail", o.Detail, maxText, false)
		if o.VisionItemID < 0 {
			p.add(f+"vision_item_id", "must not be negative")
		}
		objectives[o.Key] = true
	}
	for i, in := range c.Initiatives {
		f := fmt.Sprintf("initiatives[%d].", i)
		p.text(f+"title", in.Title, maxShort, true)
		p.text(f+"our_owner", in.OurOwner, maxShort, false)
		p.text(f+"their_owner", in.TheirOwner, maxShort, false)
		if in.ObjectiveKey != "" && !objectives[in.ObjectiveKey] {
			p.add(f+"objective_key", "refers to no objective of this plan")
		}
		if !slices.Contains(InitiativeStatuses, in.Status) {
			p.add(f+"status", "must be one of not_started, on_track, at_risk, off_track, done")
		}
		if !in.StartsOn.IsZero() && !in.DueOn.IsZero() && in.DueOn.Before(in.StartsOn) {
			p.add(f+"due_on", "must not be before the start")
		}
	}
	for i, k := range c.KPIs {
		f := fmt.Sprintf("kpis[%d].", i)
		p.text(f+"name", k.Name, maxShort, true)
		p.text(f+"unit", k.Unit, 40, false)
		for name, v := range map[string]float64{"baseline": k.Baseline, "target": k.Target} {
			if math.IsNaN(v) || math.IsInf(v, 0) || math.Abs(v) > 1e15 {
				p.add(f+name, "must be a number")
			}
		}
	}
	for i, r := range c.Revenue {
		f := fmt.Sprintf("revenue[%d].", i)
		p.text(f+"period", r.Period, 40, true)
		p.text(f+"note", r.Note, maxText, false)
		if r.Amount < 0 {
			p.add(f+"amount", "must not be negative")
		}
		if len(r.Currency) != 3 {
			p.add(f+"currency", "must be a three-letter currency code")
		}
	}
	for i, r := range c.Risks {
		f := fmt.Sprintf("risks[%d].", i)
		p.text(f+"risk", r.Risk, maxText, true)
		p.text(f+"mitigation", r.Mitigation, maxText, false)
		p.text(f+"owner", r.Owner, maxShort, false)
	}
	for i, r := range c.Resolution {
		f := fmt.Sprintf("resolution[%d].", i)
		p.text(f+"who", r.Who, maxShort, true)
		p.text(f+"what", r.What, maxText, true)
		p.text(f+"when", r.When, maxShort, false)
		p.text(f+"how", r.How, maxText, false)
	}
	if len(p) > 0 {
		return &account.Error{Code: account.EINVALID, Message: "The plan is not valid.", Fields: p}
	}
	return nil
}

// Hidden reports whether a whole section is internal.
func (c Content) Hidden(s Section) bool { return c.Internal[s] }

// ForClient returns the document as the client may see it: internal
// sections emptied, internal items removed, the internal flags dropped.
// Every page, export and API answer meant for the client goes through it.
func (c Content) ForClient() Content {
	out := Content{Title: c.Title, StartsOn: c.StartsOn, EndsOn: c.EndsOn}
	if !c.Hidden(SecSummary) {
		out.Summary = c.Summary
	}
	if !c.Hidden(SecObjectives) {
		out.Objectives = keep(c.Objectives, func(o Objective) bool { return o.Internal })
	}
	if !c.Hidden(SecInitiatives) {
		out.Initiatives = keep(c.Initiatives, func(o Initiative) bool { return o.Internal })
	}
	if !c.Hidden(SecKPIs) {
		out.KPIs = keep(c.KPIs, func(o KPI) bool { return o.Internal })
	}
	if !c.Hidden(SecRevenue) {
		out.Revenue = keep(c.Revenue, func(o RevenueTarget) bool { return o.Internal })
	}
	if !c.Hidden(SecRisks) {
		out.Risks = keep(c.Risks, func(o Risk) bool { return o.Internal })
	}
	if !c.Hidden(SecResolution) {
		out.Resolution = keep(c.Resolution, func(o Resolution) bool { return o.Internal })
	}
	if c.Hidden(SecSituation) {
		out.Internal = map[Section]bool{SecSituation: true} // tells the page to leave the situation out
	}
	// Initiatives that served an internal objective keep no link to it.
	objectives := map[string]bool{}
	for _, o := range out.Objectives {
		objectives[o.Key] = true
	}
	for i := range out.Initiatives {
		if !objectives[out.Initiatives[i].ObjectiveKey] {
			out.Initiatives[i].ObjectiveKey = ""
		}
	}
	return out
}

func keep[T any](items []T, internal func(T) bool) []T {
	var out []T
	for _, it := range items {
		if !internal(it) {
			out = append(out, it)
		}
	}
	return out
}

// ClientSections lists the sections the client sees (and may comment on).
func (c Content) ClientSections() []Section {
	var out []Section
	for _, s := range Sections {
		if !c.Hidden(s) {
			out = append(out, s)
		}
	}
	return out
}

// NewContent is the skeleton of a new plan: a title, a horizon of one year
// from start, and the situation kept internal until the team decides to show
// it (it includes our pipeline).
func NewContent(title string, start account.Date) Content {
	return Content{Title: title, StartsOn: start, EndsOn: start.AddDays(365).AddDays(-1),
		Internal: map[Section]bool{SecSituation: true}}
}
