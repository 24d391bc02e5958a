package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/staffing"
)

// The account team: the "Account team" section of the account page (who
// holds which role, each role's deliverable and how current it is), the
// deliverable form, and /team, the deliverables needing attention across
// the portfolio.
//
// Who may change what: seating and unseating people is an edit of the
// account's team (access.PartTeam: leaders, and the account's manager). A
// deliverable is kept by its role: besides those who may edit the team, the
// people holding that role on the account and the deliverable's owner may
// update it.

// teamMessages are shown in the team section after a change (?team=…), and
// teamProblems after a refused one (?team_problem=…): codes rather than
// text, so a link cannot make the page say anything else.
var teamMessages = map[string]string{
	"added":   "Added to the team.",
	"removed": "Removed from the team.",
	"saved":   "The deliverable is saved.",
}

var teamProblems = map[string]string{
	"choose":    "Choose a person and one of the six roles.",
	"duplicate": "That person already holds that role on this account.",
	"unknown":   "That person is not one of our people.",
}

type memberView struct {
	PersonID int64
	Name     string
	AsNeeded bool
	Owner    bool // the account's owner, the account manager without a seat
}

type slotView struct {
	Role      auth.TeamRole
	Duty      string
	Members   []memberView
	D         *staffing.Deliverable
	Title     string // the deliverable's title, or the role's default
	OwnerName string
	State     staffing.DeliverableState
	DueOn     account.Date
	EditURL   string
	CanEdit   bool
}

type teamView struct {
	AccountID int64
	Slots     []slotView
	CanEdit   bool // seat and unseat people
	People    []account.Person
	Roles     []auth.TeamRole
	Attention int // roles whose deliverable is missing, stale or due soon
	Message   string
	Problem   string
}

// accountTeam builds the team section of an account's page.
func (h *handler) accountTeam(r *http.Request, a account.Account, people []account.Person) (teamView, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	teamErr := h.guard.CanEdit(ctx, a.ID, access.PartTeam)
	v := teamView{AccountID: a.ID, People: people, Roles: auth.TeamRoles, CanEdit: teamErr == nil}
	seats, err := h.db.TeamSeats(ctx, sc, a.ID)
	if err != nil {
		return v, err
	}
	ds, err := h.db.Deliverables(ctx, sc, a.ID)
	if err != nil {
		return v, err
	}
	owner := int64(0)
	if a.OwnerID != nil {
		owner = *a.OwnerID
	}
	names := personNames(people)
	for _, s := range staffing.Slots(owner, seats, ds, h.today()) {
		sv := slotView{Role: s.Role, Duty: staffing.RoleDuty(s.Role), D: s.Deliverable, State: s.State,
			Title: staffing.DefaultTitle(s.Role), EditURL: deliverableURL(a.ID, s.Role)}
		if s.Owner != 0 {
			sv.Members = append(sv.Members, memberView{PersonID: s.Owner, Name: names[s.Owner], Owner: true})
		}
		for _, st := range s.Seats {
			sv.Members = append(sv.Members, memberView{PersonID: st.PersonID, Name: names[st.PersonID], AsNeeded: st.AsNeeded})
		}
		if d := s.Deliverable; d != nil {
			sv.Title, sv.DueOn = d.Title, d.DueOn()
			if d.OwnerID != nil {
				sv.OwnerName = names[*d.OwnerID]
			}
		}
		sv.CanEdit = h.deliverableRight(r, teamErr, s.Role, seats, s.Deliverable) == nil
		if s.State.NeedsAttention() {
			v.Attention++
		}
		v.Slots = append(v.Slots, sv)
	}
	q := r.URL.Query()
	v.Message = teamMessages[q.Get("team")]
	v.Problem = teamProblems[q.Get("team_problem")]
	return v, nil
}

// today is the current day in the zone pages are shown in.
func (h *handler) today() account.Date { return account.DateOf(h.now().In(h.loc())) }

func deliverableURL(accountID int64, r auth.TeamRole) string {
	return accountURL(accountID) + "/deliverables/" + string(r)
}

// canEditDeliverable applies the rule of the file comment.
func (h *handler) canEditDeliverable(r *http.Request, accountID int64, role auth.TeamRole, seats []staffing.Seat, d *staffing.Deliverable) error {
	return h.deliverableRight(r, h.guard.CanEdit(r.Context(), accountID, access.PartTeam), role, seats, d)
}

// deliverableRight decides from the answer to "may they edit the team"
// (asked once per page, not once per role).
func (h *handler) deliverableRight(r *http.Request, teamErr error, role auth.TeamRole, seats []staffing.Seat, d *staffing.Deliverable) error {
	ctx := r.Context()
	if teamErr == nil || account.ErrorCode(teamErr) != account.EFORBIDDEN || h.guard.Allow(ctx, access.WriteRecords) != nil {
		return teamErr
	}
	if staffing.KeepsDeliverable(h.guard.PersonID(ctx), role, seats, d) {
		return nil
	}
	return account.Errorf(account.EFORBIDDEN, "Only the people holding the %s role on this account, the deliverable's owner and those who manage the team may update it.", role.Label())
}

// teamBack returns to the team section of the account page with a message.
func teamBack(w http.ResponseWriter, r *http.Request, accountID int64, key, value string) {
	http.Redirect(w, r, accountURL(accountID)+"?"+key+"="+url.QueryEscape(value)+"#team", http.StatusSeeOther)
}

// teamAccount reads the account of a team change: readable, and its team
// editable by the principal.
func (h *handler) teamAccount(w http.ResponseWriter, r *http.Request) (int64, bool) {
	ctx := r.Context()
	id, err := pathID(r)
	if err == nil {
		err = h.guard.CanReadAccount(ctx, id)
	}
	if err == nil {
		err = h.guard.CanEdit(ctx, id, access.PartTeam)
	}
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return 0, false
	}
	return id, true
}

// addMember seats a person in a role on the account's team.
func (h *handler) addMember(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := h.teamAccount(w, r)
	if !ok {
		return
	}
	person, err := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
	role, rerr := auth.ParseTeamRole(r.PostForm.Get("role"))
	if err != nil || person <= 0 || rerr != nil {
		teamBack(w, r, id, "team_problem", "choose")
		return
	}
	s := staffing.Seat{AccountID: id, PersonID: person, Role: role, AsNeeded: r.PostForm.Has("as_needed")}
	if err := h.db.AddSeat(ctx, h.guard.Scope(ctx), &s); err != nil {
		switch account.ErrorCode(err) {
		case account.ECONFLICT:
			teamBack(w, r, id, "team_problem", "duplicate")
			return
		case account.EINVALID:
			teamBack(w, r, id, "team_problem", "unknown")
			return
		}
		h.fail(w, r, err)
		return
	}
	teamBack(w, r, id, "team", "added")
}

// removeMember takes a person's role on the account's team away.
func (h *handler) removeMember(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, ok := h.teamAccount(w, r)
	if !ok {
		return
	}
	person, err := strconv.ParseInt(r.PostForm.Get("person_id"), 10, 64)
	role, rerr := auth.ParseTeamRole(r.PostForm.Get("role"))
	if err != nil || rerr != nil {
		h.fail(w, r, account.Invalid("person_id", "must name a seat on the team"))
		return
	}
	if err := h.db.RemoveTeamMember(ctx, h.guard.Scope(ctx), auth.TeamMember{AccountID: id, PersonID: person, Role: role}); err != nil {
		h.fail(w, r, err)
		return
	}
	teamBack(w, r, id, "team", "removed")
}

// deliverableForm is the deliverable form as typed.
type deliverableForm struct {
	Title, Link, Note, OwnerID, UpdatedOn, RefreshDays string
	Errors                                             formErrors
}

var deliverableLabels = map[string]string{"title": "Title", "link": "Link", "note": "Note", "owner_id": "Owner",
	"updated_on": "Last updated", "refresh_days": "Refresh every"}

var deliverableFieldOrder = []string{"title", "link", "note", "owner_id", "updated_on", "refresh_days"}

type deliverableFormView struct {
	page
	Account account.Account
	Role    auth.TeamRole
	Duty    string
	Form    deliverableForm
	People  []account.Person
	Default int // the role's default refresh interval
	State   staffing.DeliverableState
	DueOn   account.Date
	Today   string
}

// deliverableTarget reads the account and role of a deliverable route and
// checks that the principal may update that role's deliverable.
func (h *handler) deliverableTarget(r *http.Request) (account.Account, auth.TeamRole, *staffing.Deliverable, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	id, err := pathID(r)
	if err != nil {
		return account.Account{}, "", nil, err
	}
	role, err := auth.ParseTeamRole(r.PathValue("role"))
	if err != nil {
		return account.Account{}, "", nil, account.Errorf(account.ENOTFOUND, "There is no such team role.")
	}
	if err := h.guard.CanReadAccount(ctx, id); err != nil {
		return account.Account{}, "", nil, err
	}
	a, err := h.db.Account(ctx, sc, id)
	if err != nil {
		return a, role, nil, err
	}
	seats, err := h.db.TeamSeats(ctx, sc, id)
	if err != nil {
		return a, role, nil, err
	}
	ds, err := h.db.Deliverables(ctx, sc, id)
	if err != nil {
		return a, role, nil, err
	}
	var d *staffing.Deliverable
	for i := range ds {
		if ds[i].Role == role {
			d = &ds[i]
		}
	}
	return a, role, d, h.canEditDeliverable(r, id, role, seats, d)
}

func (h *handler) renderDeliverableForm(w http.ResponseWriter, r *http.Request, status int, a account.Account, role auth.TeamRole, d *staffing.Deliverable, f deliverableForm) {
	ctx := r.Context()
	people, err := h.db.AllPeople(ctx, h.guard.Scope(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := deliverableFormView{page: page{Title: role.Label() + " deliverable · " + a.Name, Section: "accounts"},
		Account: a, Role: role, Duty: staffing.RoleDuty(role), Form: f, People: people,
		Default: staffing.DefaultRefreshDays(role), Today: h.today().String()}
	if d != nil {
		v.State, v.DueOn = d.State(h.today()), d.DueOn()
	}
	v.Form.Errors.arrange(deliverableFieldOrder, nil)
	h.render(w, r, status, "deliverable_form", v)
}

func (h *handler) editDeliverable(w http.ResponseWriter, r *http.Request) {
	a, role, d, err := h.deliverableTarget(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := deliverableForm{Title: staffing.DefaultTitle(role), UpdatedOn: h.today().String(),
		RefreshDays: strconv.Itoa(staffing.DefaultRefreshDays(role))}
	if me := h.guard.PersonID(r.Context()); me != 0 {
		f.OwnerID = strconv.FormatInt(me, 10)
	}
	if d != nil {
		f = deliverableForm{Title: d.Title, Link: d.Link, Note: d.Note, UpdatedOn: d.UpdatedOn.String(), RefreshDays: strconv.Itoa(d.RefreshDays)}
		if d.OwnerID != nil {
			f.OwnerID = strconv.FormatInt(*d.OwnerID, 10)
		}
	}
	h.renderDeliverableForm(w, r, http.StatusOK, a, role, d, f)
}

func (h *handler) saveDeliverable(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a, role, d, err := h.deliverableTarget(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	g := r.PostForm.Get
	f := deliverableForm{Title: g("title"), Link: g("link"), Note: g("note"), OwnerID: g("owner_id"),
		UpdatedOn: g("updated_on"), RefreshDays: g("refresh_days")}
	if r.PostForm.Has("refreshed") {
		f.UpdatedOn = h.today().String() // "Save, updated today"
	}
	rec := staffing.Deliverable{AccountID: a.ID, Role: role, Title: f.Title, Link: f.Link, Note: f.Note}
	if rec.OwnerID, err = optionalID(f.OwnerID); err != nil {
		f.Errors.add("owner_id", deliverableLabels["owner_id"], err.Error())
	}
	if rec.UpdatedOn, err = account.ParseDate(strings.TrimSpace(f.UpdatedOn)); err != nil {
		f.Errors.add("updated_on", deliverableLabels["updated_on"], "must be a date such as 2026-03-02")
	} else if h.today().Before(rec.UpdatedOn) {
		f.Errors.add("updated_on", deliverableLabels["updated_on"], "cannot be in the future")
	}
	if days, err := wholeNumber(f.RefreshDays); err != nil {
		f.Errors.add("refresh_days", deliverableLabels["refresh_days"], "must be a whole number of days")
	} else {
		rec.RefreshDays = int(min(days, staffing.MaxRefreshDays+1))
		if strings.TrimSpace(f.RefreshDays) != "" && days == 0 {
			rec.RefreshDays = -1 // "0 days" is refused, not defaulted
		}
	}
	if !f.Errors.Any() {
		err = h.db.SetDeliverable(ctx, h.guard.Scope(ctx), &rec)
		if err == nil {
			teamBack(w, r, a.ID, "team", "saved")
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, deliverableLabels)
	} else {
		check := rec
		check.Normalize()
		f.Errors.fromError(check.Validate(), deliverableLabels)
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	h.renderDeliverableForm(w, r, http.StatusUnprocessableEntity, a, role, d, f)
}

// teamRow is one line of /team.
type teamRow struct {
	AccountID   int64
	AccountName string
	Role        auth.TeamRole
	Title       string
	Link        string
	OwnerName   string
	UpdatedOn   account.Date
	DueOn       account.Date
	State       staffing.DeliverableState
	EditURL     string
}

type teamPageView struct {
	page
	Rows   []teamRow
	Counts map[staffing.DeliverableState]int
	State  string // the filter
	States []staffing.DeliverableState
	Cut    bool
	// DueSoonDays is how far ahead "due soon" looks.
	DueSoonDays int
}

// teamListLimit caps each of the two lists /team reads.
const teamListLimit = 500

// teamPage lists the deliverables needing attention across the accounts
// the principal may read: missing, stale, then due soon.
func (h *handler) teamPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	today := h.today()
	items, err := h.db.DeliverablesNeedingAttention(ctx, sc, today.AddDays(staffing.DueSoonDays), h.guard.VisibleTo(ctx), teamListLimit)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names := personNames(people)
	v := teamPageView{page: page{Title: "Team deliverables", Section: "workload"}, Counts: map[staffing.DeliverableState]int{},
		State: r.URL.Query().Get("state"), States: []staffing.DeliverableState{staffing.Missing, staffing.Stale, staffing.DueSoon},
		Cut: len(items) >= teamListLimit, DueSoonDays: staffing.DueSoonDays}
	for _, it := range items {
		state := staffing.Missing
		if it.Recorded {
			state = it.State(today)
		}
		v.Counts[state]++
		if v.State != "" && string(state) != v.State {
			continue
		}
		row := teamRow{AccountID: it.AccountID, AccountName: it.AccountName, Role: it.Role, Title: it.Title, Link: it.Link,
			UpdatedOn: it.UpdatedOn, DueOn: it.DueOn(), State: state, EditURL: deliverableURL(it.AccountID, it.Role)}
		if it.OwnerID != nil {
			row.OwnerName = names[*it.OwnerID]
		}
		v.Rows = append(v.Rows, row)
	}
	rank := func(s staffing.DeliverableState) int { return slices.Index(staffing.DeliverableStates, s) }
	slices.SortStableFunc(v.Rows, func(a, b teamRow) int {
		if d := rank(a.State) - rank(b.State); d != 0 {
			return d
		}
		return strings.Compare(a.DueOn.String(), b.DueOn.String())
	})
	h.render(w, r, http.StatusOK, "team", v)
}
