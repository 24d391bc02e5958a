package web

import (
	"cmp"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
)

// timelineItem is one entry of an account's timeline: a touch or a change.
type timelineItem struct {
	At     time.Time
	Touch  *touchEntry
	Change *changeEntry
}

type touchEntry struct {
	ID        int64
	Kind      account.TouchKind
	OurPeople []string
	Their     []string
	Summary   string
	NextStep  string
}

// changeEntry reads as a sentence: "<Actor> <Text>", then Lines as a list.
type changeEntry struct {
	Actor string
	Text  string
	Lines []string
}

// timeline merges the account's newest touches and audit entries, newest
// first. Creating a touch is audited too, but the touch itself is already
// on the timeline, so that entry is left out. cut reports whether older
// entries exist beyond what is shown.
func (h *handler) timeline(r *http.Request, a account.Account, people []account.Person, stakeholders []account.Stakeholder,
	opps []account.Opportunity, contracts []account.Contract) (items []timelineItem, cut bool, err error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	touches, moreTouches, err := h.db.Touches(ctx, sc, account.TouchFilter{Page: account.Page{Limit: timelineLimit}, AccountID: a.ID})
	if err != nil {
		return nil, false, err
	}
	entries, moreAudit, err := h.db.Audit(ctx, sc, store.AuditFilter{Page: account.Page{Limit: timelineLimit}, AccountID: a.ID})
	if err != nil {
		return nil, false, err
	}
	d := describer{
		people:       personNames(people),
		stakeholders: map[int64]string{},
		accounts:     map[int64]string{a.ID: a.Name},
		currency:     a.Currency,
		loc:          h.loc(),
		byEmail:      map[string]string{},
		nouns:        map[string]map[int64]string{"stakeholder": {}, "opportunity": {}, "contract": {}, "touch": {}},
	}
	for _, p := range people {
		d.byEmail[strings.ToLower(p.Email)] = p.Name
	}
	for _, s := range stakeholders {
		d.stakeholders[s.ID] = s.Name
		d.nouns["stakeholder"][s.ID] = s.Name
	}
	for _, o := range opps {
		d.nouns["opportunity"][o.ID] = o.Name
	}
	for _, c := range contracts {
		d.nouns["contract"][c.ID] = c.Product
	}
	for _, t := range touches {
		d.nouns["touch"][t.ID] = strings.ToLower(account.Label(t.Kind)) + " of " + formatDay(t.OccurredAt, d.loc)
	}
	if err := h.nameParents(r, entries, &d); err != nil {
		return nil, false, err
	}

	for _, t := range touches {
		e := &touchEntry{ID: t.ID, Kind: t.Kind, Summary: t.Summary, NextStep: t.NextStep}
		for _, id := range t.PeopleIDs {
			e.OurPeople = append(e.OurPeople, cmp.Or(d.people[id], fmt.Sprintf("Person %d", id)))
		}
		for _, id := range t.StakeholderIDs {
			e.Their = append(e.Their, cmp.Or(d.stakeholders[id], fmt.Sprintf("Stakeholder %d", id)))
		}
		items = append(items, timelineItem{At: t.OccurredAt, Touch: e})
	}
	for _, e := range entries {
		if e.Entity == "touch" && e.Action == "create" {
			continue
		}
		if c := d.change(e); c != nil {
			items = append(items, timelineItem{At: e.At, Change: c})
		}
	}
	slices.SortStableFunc(items, func(x, y timelineItem) int { return y.At.Compare(x.At) })
	cut = moreTouches != "" || moreAudit != ""
	if len(items) > timelineLimit {
		items, cut = items[:timelineLimit], true
	}
	return items, cut, nil
}

// nameParents looks up, in one query, the accounts that audit entries name
// as former or new parents, and names those the principal may read.
func (h *handler) nameParents(r *http.Request, entries []store.AuditEntry, d *describer) error {
	var want []int64
	for _, e := range entries {
		if c, ok := e.Changes["parent_id"]; ok && e.Entity == "account" {
			for _, v := range []any{c.Old, c.New} {
				if f, ok := v.(float64); ok && f > 0 && d.accounts[int64(f)] == "" {
					want = append(want, int64(f))
				}
			}
		}
	}
	if len(want) == 0 {
		return nil
	}
	ctx := r.Context()
	found, err := h.db.AccountsByID(ctx, h.guard.Scope(ctx), want)
	if err != nil {
		return err
	}
	for id, acc := range found {
		if h.guard.CanReadAccount(ctx, id) == nil {
			d.accounts[id] = acc.Name
		}
	}
	return nil
}

// describer turns audit entries into sentences with names instead of ids.
type describer struct {
	people       map[int64]string
	byEmail      map[string]string // actor e-mail → person name
	stakeholders map[int64]string
	accounts     map[int64]string
	nouns        map[string]map[int64]string // entity → id → what to call it now
	currency     string
	loc          *time.Location
}

// fieldLabels name fields in sentences; fields not listed are not shown
// (ids and bookkeeping that mean nothing to a reader).
var fieldLabels = map[string]string{
	"name": "name", "domain": "domain", "industry": "industry", "employees": "employees",
	"annual_revenue": "annual revenue", "currency": "currency", "region": "region", "country": "country",
	"parent_id": "parent account", "lifecycle": "lifecycle", "owner_id": "owner", "external_id": "external ID",
	"title": "title", "email": "e-mail", "phone": "phone", "level": "level", "buying_role": "buying role",
	"active": "active", "kind": "kind", "occurred_at": "time", "people_ids": "our people",
	"stakeholder_ids": "stakeholders", "summary": "summary", "next_step": "next step", "product": "product",
	"stage": "stage", "amount": "amount", "expected_close": "expected close", "actual_close": "actual close",
	"annual_value": "annual value", "start": "start", "end": "end", "auto_renew": "auto-renew", "status": "status",
}

// fieldOrder puts the fields people care about first.
var fieldOrder = []string{"name", "product", "stage", "lifecycle", "owner_id", "industry", "kind", "occurred_at",
	"summary", "next_step", "title", "level", "buying_role", "active", "amount", "annual_value", "annual_revenue"}

func fieldRank(f string) int {
	if i := slices.Index(fieldOrder, f); i >= 0 {
		return i
	}
	return len(fieldOrder)
}

func (d describer) actor(e store.AuditEntry) string {
	if name := d.byEmail[strings.ToLower(e.Actor)]; name != "" {
		return name
	}
	if e.Actor == "" || e.Actor == "system" {
		return "samwise"
	}
	return e.Actor
}

func (d describer) change(e store.AuditEntry) *changeEntry {
	c := &changeEntry{Actor: d.actor(e)}
	if text, ok := portfolioChange(e); ok { // ratings, designation, tier (portfolio.go)
		c.Text = text
		return c
	}
	var lines []string
	fields := make([]string, 0, len(e.Changes))
	for f := range e.Changes {
		if _, shown := fieldLabels[f]; shown {
			fields = append(fields, f)
		}
	}
	slices.SortFunc(fields, func(a, b string) int { return cmp.Or(cmp.Compare(fieldRank(a), fieldRank(b)), strings.Compare(a, b)) })
	for _, f := range fields {
		ch := e.Changes[f]
		lines = append(lines, d.sentence(f, ch.Old, ch.New))
	}
	noun := d.noun(e)
	switch {
	case e.Entity == "account" && e.Action == "create":
		c.Text = "created the account"
	case e.Entity == "account" && e.Action == "delete":
		c.Text = "deleted the account"
	case e.Entity == "account" && len(lines) == 1:
		c.Text = lines[0]
	case e.Entity == "account":
		c.Text, c.Lines = "changed the account:", lines
	case e.Action == "create":
		c.Text = "added " + noun
	case e.Action == "delete":
		c.Text = "removed " + noun
	case len(lines) == 0:
		return nil // only bookkeeping changed
	default:
		c.Text, c.Lines = "updated "+noun+":", lines
	}
	return c
}

// noun says what an entry is about: "stakeholder Bob Smith".
func (d describer) noun(e store.AuditEntry) string {
	name := d.nouns[e.Entity][e.EntityID]
	if name == "" {
		// Deleted or beyond the page: take the name the entry itself carries.
		for _, f := range []string{"name", "product"} {
			if ch, ok := e.Changes[f]; ok {
				if s, ok := cmp.Or(ch.New, ch.Old).(string); ok {
					name = s
				}
			}
		}
	}
	if e.Entity == "touch" {
		return "a " + cmp.Or(name, "touch")
	}
	return strings.TrimSpace(e.Entity + " " + name)
}

func (d describer) sentence(field string, old, new any) string {
	label := fieldLabels[field]
	o, n := d.value(field, old), d.value(field, new)
	switch {
	case o == "" && n == "":
		return "changed " + label
	case o == "":
		return "set " + label + " to " + n
	case n == "":
		return "cleared " + label + " (was " + o + ")"
	}
	return "changed " + label + " from " + o + " to " + n
}

// value renders one audited value (as decoded from JSON) for people; ""
// means empty.
func (d describer) value(field string, v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		n := int64(x)
		switch field {
		case "owner_id":
			return cmp.Or(d.people[n], fmt.Sprintf("person %d", n))
		case "parent_id":
			return cmp.Or(d.accounts[n], fmt.Sprintf("account %d", n))
		case "annual_revenue", "amount", "annual_value":
			return moneyFull(n, d.currency)
		}
		if n == 0 {
			return ""
		}
		return groupThousands(n)
	case string:
		switch field {
		case "lifecycle", "level", "buying_role", "kind", "stage", "status":
			return strings.ToLower(account.Label(x))
		case "occurred_at":
			if t, err := time.Parse(time.RFC3339Nano, x); err == nil {
				return formatTime(t, d.loc)
			}
		case "expected_close", "actual_close", "start", "end":
			if dt, err := account.ParseDate(x); err == nil && !dt.IsZero() {
				return formatDate(dt)
			}
		}
		return shorten(x, 80)
	case []any:
		var names []string
		for _, el := range x {
			f, ok := el.(float64)
			if !ok {
				continue
			}
			if field == "people_ids" {
				names = append(names, cmp.Or(d.people[int64(f)], fmt.Sprintf("person %d", int64(f))))
			} else {
				names = append(names, cmp.Or(d.stakeholders[int64(f)], fmt.Sprintf("stakeholder %d", int64(f))))
			}
		}
		if len(names) == 0 {
			return "nobody"
		}
		return strings.Join(names, ", ")
	}
	return fmt.Sprint(v)
}

// shorten cuts s to at most n characters, marking the cut.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// touchIcons are small line icons (constant markup, never user data), one per
// touch kind, drawn in the text colour.
var touchIcons = map[account.TouchKind]string{
	account.Meeting:        `<path d="M7 11a3 3 0 1 0 0-6 3 3 0 0 0 0 6zm10 0a3 3 0 1 0 0-6 3 3 0 0 0 0 6zM2 20c0-3 2.5-5 5-5s5 2 5 5m0 0c0-3 2.5-5 5-5s5 2 5 5"/>`,
	account.Call:           `<path d="M5 4h4l2 5-2.5 1.5a11 11 0 0 0 5 5L15 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 6a2 2 0 0 1 2-2z"/>`,
	account.Email:          `<rect x="3" y="5" width="18" height="14" rx="2"/><path d="m3 7 9 6 9-6"/>`,
	account.BusinessReview: `<path d="M4 20V10m6 10V4m6 16v-7m5 7H3"/>`,
	account.Event:          `<rect x="3" y="5" width="18" height="16" rx="2"/><path d="M3 10h18M8 3v4m8-4v4"/>`,
	account.OtherTouch:     `<circle cx="12" cy="12" r="9"/><path d="M8 12h.01M12 12h.01M16 12h.01"/>`,
}

// touchIcon returns the SVG icon for a touch kind; unknown kinds get the
// "other" icon.
func touchIcon(kind account.TouchKind) template.HTML {
	p, ok := touchIcons[kind]
	if !ok {
		p = touchIcons[account.OtherTouch]
	}
	return template.HTML(`<svg class="icon" viewBox="0 0 24 24" width="20" height="20" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round">` + p + `</svg>`)
}
