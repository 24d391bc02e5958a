package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
)

// sectionLimit caps each list on the account page. An account with more
// stakeholders, opportunities or contracts than this is far beyond what the
// page is for; the page says when a list was cut.
const sectionLimit = 200

// timelineLimit is how many touches and how many changes the timeline reads;
// it shows the newest timelineLimit of the two merged.
const timelineLimit = 50

type accountPageView struct {
	page
	A             account.Account
	OwnerName     string
	Parent        *parentChoice // nil when the account has no parent
	Children      []parentChoice
	Stakeholders  []account.Stakeholder
	Opportunities []account.Opportunity
	Contracts     []account.Contract
	// Cut names the sections that show only their first sectionLimit rows.
	Cut         map[string]bool
	Timeline    []timelineItem
	TimelineCut bool

	Touch      touchForm
	TouchKinds []account.TouchKind
	People     []account.Person
	Present    []account.Stakeholder // active stakeholders, offered as "present"

	CanEdit             bool
	CanEditStakeholders bool
	CanLogTouch         bool

	Team teamView // the account team and its deliverables (team.go)

	Cadence *cadenceSection // stakeholders' cadence states and overrides (cadence.go)

	Portfolio *standingView // score, tier, designation and their history (portfolio.go)

	Extras accountExtras // later features' sections (extensions.go)

	// Whitespace names, by opportunity id, the product of the account's
	// technology roadmap that the opportunity pursues (the whitespace it
	// fills), linking the sales pipeline to the roadmap.
	Whitespace map[int64]string
}

// touchForm is the "Log a touch" form as typed.
type touchForm struct {
	Kind         string
	When         string // datetime-local: "2026-03-02T14:05"
	Summary      string
	NextStep     string
	People       idSet
	Stakeholders idSet
	Errors       formErrors
}

var touchLabels = map[string]string{
	"kind": "Kind", "occurred_at": "When", "summary": "Summary", "next_step": "Next step",
	"people_ids": "Our people", "stakeholder_ids": "Stakeholders",
}

var touchFieldOrder = []string{"kind", "occurred_at", "people_ids", "stakeholder_ids", "summary", "next_step"}

// touchAnchors are the ids of the touch form's inputs, which are prefixed
// because they share the account page with other content.
var touchAnchors = map[string]string{"kind": "touch-kind", "occurred_at": "touch-when", "people_ids": "touch-people",
	"stakeholder_ids": "touch-stakeholders", "summary": "touch-summary", "next_step": "touch-next"}

// datetimeLocal is the layout of <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

func (h *handler) accountPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanReadAccount(r.Context(), id); err != nil {
		h.fail(w, r, err)
		return
	}
	h.showAccount(w, r, id, nil, http.StatusOK)
}

// showAccount renders the account page; tf carries a touch form that failed
// validation, to show again with its messages (nil for a fresh form); edit,
// if given, changes the view last (e.g. to show a cadence form's errors).
func (h *handler) showAccount(w http.ResponseWriter, r *http.Request, id int64, tf *touchForm, status int, edit ...func(*accountPageView)) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	a, err := h.db.Account(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := accountPageView{
		page:                page{Title: a.Name, Section: "accounts"},
		A:                   a,
		Cut:                 map[string]bool{},
		TouchKinds:          account.TouchKinds,
		CanEdit:             h.guard.CanEdit(ctx, id, access.PartAccount) == nil,
		CanEditStakeholders: h.guard.CanEdit(ctx, id, access.PartStakeholder) == nil,
		CanLogTouch:         h.guard.CanEdit(ctx, id, access.PartTouch) == nil,
	}
	if v.People, err = h.db.AllPeople(ctx, sc); err != nil {
		h.fail(w, r, err)
		return
	}
	names := personNames(v.People)
	if v.Team, err = h.accountTeam(r, a, v.People); err != nil {
		h.fail(w, r, err)
		return
	}
	if a.OwnerID != nil {
		v.OwnerName = names[*a.OwnerID]
	}
	if a.ParentID != nil {
		// Name the parent only to someone who may read it.
		p := parentChoice{ID: *a.ParentID}
		if h.guard.CanReadAccount(ctx, p.ID) == nil {
			if pa, err := h.db.Account(ctx, sc, p.ID); err == nil {
				p.Name = pa.Name
			}
		}
		v.Parent = &p
	}
	children, more, err := h.db.Accounts(ctx, sc, account.AccountFilter{
		Page: account.Page{Limit: sectionLimit, VisibleTo: h.guard.VisibleTo(ctx)}, ParentID: id})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Cut["children"] = more != ""
	for _, c := range children {
		v.Children = append(v.Children, parentChoice{c.ID, c.Name})
	}
	var allStakeholders []account.Stakeholder
	if allStakeholders, more, err = h.db.Stakeholders(ctx, sc, account.StakeholderFilter{
		Page: account.Page{Limit: sectionLimit}, AccountID: id}); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Cut["stakeholders"] = more != ""
	// Active stakeholders first: they are the ones people work with now.
	v.Stakeholders = slices.Clone(allStakeholders)
	slices.SortStableFunc(v.Stakeholders, func(x, y account.Stakeholder) int {
		switch {
		case x.Active == y.Active:
			return 0
		case x.Active:
			return -1
		}
		return 1
	})
	for _, s := range allStakeholders {
		if s.Active {
			v.Present = append(v.Present, s)
		}
	}
	if v.Opportunities, more, err = h.db.Opportunities(ctx, sc, account.OpportunityFilter{
		Page: account.Page{Limit: sectionLimit, Sort: "-expected_close"}, AccountID: id}); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Cut["opportunities"] = more != ""
	if v.Contracts, more, err = h.db.Contracts(ctx, sc, account.ContractFilter{
		Page: account.Page{Limit: sectionLimit, Sort: "-end"}, AccountID: id}); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Cut["contracts"] = more != ""
	if v.Timeline, v.TimelineCut, err = h.timeline(r, a, v.People, allStakeholders, v.Opportunities, v.Contracts); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Cadence, err = h.cadenceSection(r, a, allStakeholders, v.Opportunities); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Portfolio, err = h.standingSection(r, a); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Extras, err = h.loadExtras(r, a); err != nil {
		h.fail(w, r, err)
		return
	}
	roadmap, err := h.db.Roadmap(ctx, sc, a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Whitespace = map[int64]string{}
	for _, it := range roadmap {
		if it.OpportunityID != nil {
			v.Whitespace[*it.OpportunityID] = it.ProductName
		}
	}
	if tf != nil {
		v.Touch = *tf
		v.Touch.Errors.arrange(touchFieldOrder, touchAnchors)
	} else {
		v.Touch = touchForm{
			Kind: string(account.Meeting),
			When: h.now().In(h.loc()).Format(datetimeLocal),
			// Whoever logs the touch was most likely there.
			People:       setOf([]int64{h.guard.PersonID(ctx)}),
			Stakeholders: idSet{},
		}
	}
	for _, fn := range edit {
		fn(&v)
	}
	h.render(w, r, status, "account", v)
}

func (h *handler) logTouch(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanReadAccount(ctx, id); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanEdit(ctx, id, access.PartTouch); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := touchForm{
		Kind:     r.PostForm.Get("kind"),
		When:     r.PostForm.Get("occurred_at"),
		Summary:  r.PostForm.Get("summary"),
		NextStep: r.PostForm.Get("next_step"),
	}
	t := account.Touch{AccountID: id, Kind: account.TouchKind(f.Kind), Summary: f.Summary, NextStep: f.NextStep}
	var errs formErrors
	if strings.TrimSpace(f.When) != "" {
		if t.OccurredAt, err = time.ParseInLocation(datetimeLocal, strings.TrimSpace(f.When), h.loc()); err != nil {
			errs.add("occurred_at", touchLabels["occurred_at"], "must be a date and time such as 2026-03-02T14:05")
		}
	}
	if t.PeopleIDs, err = ids(r.PostForm["people_ids"]); err != nil {
		errs.add("people_ids", touchLabels["people_ids"], err.Error())
	}
	if t.StakeholderIDs, err = ids(r.PostForm["stakeholder_ids"]); err != nil {
		errs.add("stakeholder_ids", touchLabels["stakeholder_ids"], err.Error())
	}
	f.People, f.Stakeholders = setOf(t.PeopleIDs), setOf(t.StakeholderIDs)
	if !errs.Any() {
		err = h.db.CreateTouch(ctx, h.guard.Scope(ctx), &t)
		if err == nil {
			// The one-click forms of /week come back there.
			if r.PostForm.Get("return") == "week" {
				http.Redirect(w, r, "/week#logged", http.StatusSeeOther)
				return
			}
			http.Redirect(w, r, accountURL(id)+"#touch-"+strconv.FormatInt(t.ID, 10), http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, touchLabels)
	} else {
		check := t
		check.Normalize()
		errs.fromError(check.Validate(), touchLabels)
		errs.Summary = "Please correct the highlighted fields."
	}
	f.Errors = errs
	h.showAccount(w, r, id, &f, http.StatusUnprocessableEntity)
}
