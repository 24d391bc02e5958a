package web

import (
	"bytes"
	"cmp"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/pdf"
	"github.com/samwise-sam/samwise/internal/store"
)

// Business reviews: the list of every review (upcoming, late, held), one
// review's page (edit, mark held with its outcome), scheduling a review
// from an account, the account page's section, and the Operations Review
// Report as a printable page, Markdown and PDF. Calendar feeds are in
// calendar.go. The rules are in package cadence (review*.go).

// reviewPages registers this feature's pages.
func (h *handler) reviewPages(handle handleFunc) {
	handle("GET /reviews", access.ReadRecords, h.reviewList)
	handle("GET /reviews/export", access.ReadRecords, h.exportReviews)
	handle("GET /accounts/{id}/reviews/new", access.WriteRecords, h.newReview)
	handle("POST /accounts/{id}/reviews", access.WriteRecords, h.createReview)
	handle("GET /reviews/{id}", access.ReadRecords, h.reviewPage)
	handle("POST /reviews/{id}", access.WriteRecords, h.updateReview)
	handle("POST /reviews/{id}/held", access.WriteRecords, h.markReviewHeld)
	handle("POST /reviews/{id}/delete", access.WriteRecords, h.deleteReview)
	handle("GET /reviews/{id}/report", access.ReadRecords, h.reviewReportPage)
	handle("GET /reviews/{id}/report.md", access.ReadRecords, h.reviewReportMarkdown)
	handle("GET /reviews/{id}/report.pdf", access.ReadRecords, h.reviewReportPDF)
	h.calendarPages(handle)
}

// reviewRow is one review in a list.
type reviewRow struct {
	ID, AccountID  int64
	AccountName    string
	Kind           string
	Scheduled      string
	Held           string
	State          cadence.ReviewState
	StateLabel     string
	DaysLate       int
	Attendees      int
	Recommendation bool
}

func newReviewRow(r cadence.Review, name string, today account.Date) reviewRow {
	st := r.State(today)
	row := reviewRow{ID: r.ID, AccountID: r.AccountID, AccountName: name, Kind: r.Kind.Label(), Scheduled: formatDate(r.ScheduledOn),
		State: st, StateLabel: st.Label(), DaysLate: r.DaysLate(today), Attendees: len(r.PeopleIDs) + len(r.StakeholderIDs),
		Recommendation: r.Recommendations != ""}
	if !r.HeldOn.IsZero() {
		row.Held = formatDate(r.HeldOn)
	}
	return row
}

// ---- /reviews ---------------------------------------------------------------

type reviewTab struct {
	Key, Label string
	Count      int
}

type reviewListView struct {
	page
	Tab      string
	Kind     string
	Mine     bool
	CanMine  bool
	Tabs     []reviewTab
	Kinds    []cadence.ReviewKind
	Rows     []reviewRow
	Next     string
	MoreURL  string
	NoPerson bool
	// ExportCSV and ExportXLSX download the list as filtered.
	ExportCSV, ExportXLSX string
}

func (v reviewListView) TabURL(tab string) string { return reviewListURL(tab, v.Kind, v.Mine, "") }

func reviewListURL(tab, kind string, mine bool, cursor string) string {
	q := url.Values{}
	if tab != "" && tab != "upcoming" {
		q.Set("state", tab)
	}
	if kind != "" {
		q.Set("kind", kind)
	}
	if mine {
		q.Set("mine", "1")
	}
	if cursor != "" {
		q.Set("cursor", cursor)
	}
	if len(q) == 0 {
		return "/reviews"
	}
	return "/reviews?" + q.Encode()
}

var reviewTabs = []reviewTab{{Key: "upcoming", Label: "Upcoming"}, {Key: "late", Label: "Late"}, {Key: "held", Label: "Held"}, {Key: "all", Label: "All"}}

// reviewQuery reads the list's filters: the view with its tab, kind and
// "mine", and the store filter every tab starts from.
func (h *handler) reviewQuery(r *http.Request) (reviewListView, store.ReviewFilter) {
	ctx := r.Context()
	q := r.URL.Query()
	v := reviewListView{page: page{Title: "Business reviews", Section: "reviews"}, Tab: cmp.Or(q.Get("state"), "upcoming"),
		Kinds: cadence.ReviewKinds, Mine: q.Get("mine") == "1"}
	if !slices.ContainsFunc(reviewTabs, func(t reviewTab) bool { return t.Key == v.Tab }) {
		v.Tab = "upcoming"
	}
	if k := cadence.ReviewKind(q.Get("kind")); slices.Contains(cadence.ReviewKinds, k) {
		v.Kind = string(k)
	}
	pid := h.guard.PersonID(ctx)
	v.CanMine = pid != 0
	base := store.ReviewFilter{Kind: cadence.ReviewKind(v.Kind), Today: h.today(), Page: account.Page{VisibleTo: h.guard.VisibleTo(ctx)}}
	if v.Mine && pid != 0 {
		base.PersonID = pid
	}
	v.ExportCSV, v.ExportXLSX = reviewExportURL(v, "csv"), reviewExportURL(v, "xlsx")
	return v, base
}

// reviewTabFilter narrows base to a tab's reviews in the tab's order.
func reviewTabFilter(base store.ReviewFilter, tab string) store.ReviewFilter {
	f := base
	switch tab {
	case "upcoming", "late":
		f.State = cadence.ReviewState(tab)
	case "held":
		f.State, f.Sort = cadence.ReviewWasHeld, "-scheduled_on"
	case "all":
		f.Sort = "-scheduled_on"
	}
	return f
}

// reviewExportURL is the list's filters as an export download of format.
func reviewExportURL(v reviewListView, format string) string {
	u := reviewListURL(v.Tab, v.Kind, v.Mine, "")
	_, params, _ := strings.Cut(u, "?")
	if params != "" {
		params = "&" + params
	}
	return "/reviews/export?format=" + format + params
}

func (h *handler) reviewList(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v, base := h.reviewQuery(r)
	today := base.Today
	// Counts for the tabs: late and upcoming matter most; bounded lists.
	for _, t := range reviewTabs {
		tab := t
		if t.Key == "late" || t.Key == "upcoming" {
			f := base
			f.State, f.Limit = cadence.ReviewState(t.Key), account.MaxLimit
			rs, _, err := h.db.Reviews(ctx, sc, f)
			if err != nil {
				h.fail(w, r, err)
				return
			}
			tab.Count = len(rs)
		}
		v.Tabs = append(v.Tabs, tab)
	}
	f := reviewTabFilter(base, v.Tab)
	f.Cursor, f.Limit = r.URL.Query().Get("cursor"), 100
	rs, next, err := h.db.Reviews(ctx, sc, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.db.ReviewAccountNames(ctx, sc, reviewAccountIDs(rs))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, rv := range rs {
		v.Rows = append(v.Rows, newReviewRow(rv, names[rv.AccountID], today))
	}
	if next != "" {
		v.MoreURL = reviewListURL(v.Tab, v.Kind, v.Mine, next)
	}
	h.render(w, r, http.StatusOK, "reviews", v)
}

// exportReviews answers the list as filtered, every page of it, as CSV or
// Excel.
func (h *handler) exportReviews(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v, base := h.reviewQuery(r)
	f := reviewTabFilter(base, v.Tab)
	f.Limit = account.MaxLimit
	var rows [][]any
	for {
		rs, next, err := h.db.Reviews(ctx, sc, f)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		names, err := h.db.ReviewAccountNames(ctx, sc, reviewAccountIDs(rs))
		if err != nil {
			h.fail(w, r, err)
			return
		}
		for _, rv := range rs {
			row := newReviewRow(rv, names[rv.AccountID], base.Today)
			rows = append(rows, []any{rv.ID, row.AccountName, row.Kind, rv.ScheduledOn.String(), rv.HeldOn.String(),
				row.StateLabel, row.DaysLate})
		}
		if next == "" || next == f.Cursor {
			break
		}
		f.Cursor = next
	}
	if err := writeTable(w, r.URL.Query().Get("format"), "reviews-"+v.Tab,
		[]string{"id", "account", "review", "scheduled", "held", "state", "days_late"}, rows); err != nil {
		h.log.ErrorContext(ctx, "export reviews", "err", err)
	}
}

func reviewAccountIDs(rs []cadence.Review) []int64 {
	var ids []int64
	for _, r := range rs {
		if !slices.Contains(ids, r.AccountID) {
			ids = append(ids, r.AccountID)
		}
	}
	return ids
}

// ---- the form ---------------------------------------------------------------

// reviewForm is the review form as typed.
type reviewForm struct {
	Kind, ScheduledOn, Status, HeldOn string
	Agenda, Outcome, Recommendations  string
	People, Stakeholders              idSet
	Errors                            formErrors
}

var reviewLabels = map[string]string{"kind": "Kind", "scheduled_on": "Scheduled for", "status": "Status", "held_on": "Held on",
	"agenda": "Agenda", "outcome": "Outcome", "recommendations": "Recommendations", "people_ids": "Our people",
	"stakeholder_ids": "Their people"}

var reviewFieldOrder = []string{"kind", "scheduled_on", "status", "held_on", "people_ids", "stakeholder_ids", "agenda", "outcome", "recommendations"}

func reviewFormOf(r cadence.Review) reviewForm {
	f := reviewForm{Kind: string(r.Kind), ScheduledOn: r.ScheduledOn.String(), Status: string(r.Status), Agenda: r.Agenda,
		Outcome: r.Outcome, Recommendations: r.Recommendations, People: setOf(r.PeopleIDs), Stakeholders: setOf(r.StakeholderIDs)}
	if !r.HeldOn.IsZero() {
		f.HeldOn = r.HeldOn.String()
	}
	return f
}

// readReviewForm reads the posted form into r (keeping r's id and account)
// and the form as typed, with the errors of fields that do not parse.
func readReviewForm(r *http.Request, rv *cadence.Review) reviewForm {
	f := reviewForm{Kind: trimmed(r, "kind"), ScheduledOn: trimmed(r, "scheduled_on"), Status: cmp.Or(trimmed(r, "status"), "scheduled"),
		HeldOn: trimmed(r, "held_on"), Agenda: r.PostFormValue("agenda"), Outcome: r.PostFormValue("outcome"),
		Recommendations: r.PostFormValue("recommendations")}
	rv.Kind, rv.Status = cadence.ReviewKind(f.Kind), cadence.ReviewStatus(f.Status)
	rv.Agenda, rv.Outcome, rv.Recommendations = f.Agenda, f.Outcome, f.Recommendations
	rv.ScheduledOn, rv.HeldOn = account.Date{}, account.Date{}
	if f.ScheduledOn != "" {
		d, err := account.ParseDate(f.ScheduledOn)
		if err != nil {
			f.Errors.add("scheduled_on", reviewLabels["scheduled_on"], "must be a date such as 2026-03-02")
		}
		rv.ScheduledOn = d
	}
	if f.HeldOn != "" {
		d, err := account.ParseDate(f.HeldOn)
		if err != nil {
			f.Errors.add("held_on", reviewLabels["held_on"], "must be a date such as 2026-03-02")
		}
		rv.HeldOn = d
	}
	var err error
	if rv.PeopleIDs, err = ids(r.PostForm["people_ids"]); err != nil {
		f.Errors.add("people_ids", reviewLabels["people_ids"], err.Error())
	}
	if rv.StakeholderIDs, err = ids(r.PostForm["stakeholder_ids"]); err != nil {
		f.Errors.add("stakeholder_ids", reviewLabels["stakeholder_ids"], err.Error())
	}
	f.People, f.Stakeholders = setOf(rv.PeopleIDs), setOf(rv.StakeholderIDs)
	return f
}

type reviewFormView struct {
	page
	Account      account.Account
	Review       cadence.Review // ID 0 for a new one
	Form         reviewForm
	Kinds        []cadence.ReviewKind
	Statuses     []cadence.ReviewStatus
	People       []account.Person
	Stakeholders []account.Stakeholder
	Today        string
	Interval     int // the tier's review interval, days

	// The review page (ID ≠ 0).
	Row       reviewRow
	CanEdit   bool
	AttendOur []string
	AttendThe []string
	Notice    string
}

// reviewAccount loads the account of a review page with what the form
// offers: our people and the account's active stakeholders.
func (h *handler) reviewFormView(r *http.Request, a account.Account, rv cadence.Review, f reviewForm) (reviewFormView, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v := reviewFormView{Account: a, Review: rv, Form: f, Kinds: cadence.ReviewKinds, Statuses: cadence.ReviewStatuses, Today: h.today().String()}
	var err error
	if v.People, err = h.db.AllPeople(ctx, sc); err != nil {
		return v, err
	}
	active := true
	v.Stakeholders, _, err = h.db.Stakeholders(ctx, sc, account.StakeholderFilter{AccountID: a.ID, Active: &active, Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		return v, err
	}
	s, err := h.db.CadenceSettings(ctx, sc)
	if err != nil {
		return v, err
	}
	tiers, err := h.db.AccountTiers(ctx, sc)
	if err != nil {
		return v, err
	}
	v.Interval = cadence.ReviewInterval(s, tiers[a.ID])
	return v, nil
}

func (h *handler) reviewableAccount(r *http.Request, id int64) (account.Account, error) {
	ctx := r.Context()
	if err := h.guard.CanReadAccount(ctx, id); err != nil {
		return account.Account{}, err
	}
	if err := h.guard.CanEdit(ctx, id, access.PartTouch); err != nil {
		return account.Account{}, err
	}
	return h.db.Account(ctx, h.guard.Scope(ctx), id)
}

func (h *handler) newReview(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.reviewableAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.reviewFormView(r, a, cadence.Review{}, reviewForm{})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// Suggest the day the cadence calls for: the tier's interval after the
	// last held review, or today when there is none or it is overdue.
	ctx := r.Context()
	day := h.today()
	held, _, err := h.db.Reviews(ctx, h.guard.Scope(ctx), store.ReviewFilter{AccountID: id, State: cadence.ReviewWasHeld, Page: account.Page{Sort: "-scheduled_on", Limit: 1}})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if len(held) == 1 {
		if due := held[0].Day().AddDays(v.Interval); day.Before(due) {
			day = due
		}
	}
	v.Form = reviewForm{Kind: string(cadence.QBR), Status: string(cadence.ReviewScheduled), ScheduledOn: day.String(),
		People: idSet{}, Stakeholders: idSet{}}
	if pid := h.guard.PersonID(ctx); pid != 0 {
		v.Form.People[pid] = true
	}
	h.renderReviewForm(w, r, http.StatusOK, v)
}

func (h *handler) renderReviewForm(w http.ResponseWriter, r *http.Request, status int, v reviewFormView) {
	v.Section = "reviews"
	v.Form.Errors.arrange(reviewFieldOrder, nil)
	if v.Review.ID == 0 {
		v.Title = "Schedule a review · " + v.Account.Name
		h.render(w, r, status, "review_form", v)
		return
	}
	v.Title = v.Review.Kind.Label() + " · " + v.Account.Name
	h.render(w, r, status, "review", v)
}

func (h *handler) createReview(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.reviewableAccount(r, id)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rv := cadence.Review{AccountID: id}
	f := readReviewForm(r, &rv)
	if !f.Errors.Any() {
		err = h.db.CreateReview(ctx, h.guard.Scope(ctx), &rv)
		if err == nil {
			http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10)+"?done=scheduled", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, reviewLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	v, verr := h.reviewFormView(r, a, cadence.Review{}, f)
	if verr != nil {
		h.fail(w, r, verr)
		return
	}
	h.renderReviewForm(w, r, http.StatusUnprocessableEntity, v)
}

// review loads a review the principal may read, with its account.
func (h *handler) review(r *http.Request) (cadence.Review, account.Account, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return cadence.Review{}, account.Account{}, err
	}
	sc := h.guard.Scope(ctx)
	rv, err := h.db.Review(ctx, sc, id)
	if err != nil {
		return rv, account.Account{}, err
	}
	if err := h.guard.CanReadAccount(ctx, rv.AccountID); err != nil {
		// Not allowed to read the account: the review does not exist for them.
		return rv, account.Account{}, account.Errorf(account.ENOTFOUND, "Review %d not found.", id)
	}
	a, err := h.db.Account(ctx, sc, rv.AccountID)
	return rv, a, err
}

var reviewNotices = map[string]string{"scheduled": "The review is scheduled.", "saved": "The review is saved.",
	"held": "The review is marked held.", "held-next": "The review is marked held, and the next one is scheduled."}

func (h *handler) reviewPage(w http.ResponseWriter, r *http.Request) {
	rv, a, err := h.review(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := h.reviewView(r, a, rv, reviewFormOf(rv))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Notice = reviewNotices[r.URL.Query().Get("done")]
	h.renderReviewForm(w, r, http.StatusOK, v)
}

func (h *handler) reviewView(r *http.Request, a account.Account, rv cadence.Review, f reviewForm) (reviewFormView, error) {
	v, err := h.reviewFormView(r, a, rv, f)
	if err != nil {
		return v, err
	}
	v.Row = newReviewRow(rv, a.Name, h.today())
	v.CanEdit = h.guard.CanEdit(r.Context(), a.ID, access.PartTouch) == nil
	for _, p := range v.People {
		if slices.Contains(rv.PeopleIDs, p.ID) {
			v.AttendOur = append(v.AttendOur, p.Name)
		}
	}
	// Stakeholders who attended may be inactive by now: name them all.
	ctx := r.Context()
	all, _, err := h.db.Stakeholders(ctx, h.guard.Scope(ctx), account.StakeholderFilter{AccountID: a.ID, Page: account.Page{Limit: account.MaxLimit}})
	if err != nil {
		return v, err
	}
	for _, s := range all {
		if slices.Contains(rv.StakeholderIDs, s.ID) {
			v.AttendThe = append(v.AttendThe, s.Name)
		}
	}
	return v, nil
}

func (h *handler) editableReview(w http.ResponseWriter, r *http.Request) (cadence.Review, account.Account, bool) {
	rv, a, err := h.review(r)
	if err == nil {
		err = h.guard.CanEdit(r.Context(), a.ID, access.PartTouch)
	}
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return rv, a, false
	}
	return rv, a, true
}

func (h *handler) updateReview(w http.ResponseWriter, r *http.Request) {
	cur, a, ok := h.editableReview(w, r)
	if !ok {
		return
	}
	rv := cadence.Review{ID: cur.ID, AccountID: cur.AccountID}
	f := readReviewForm(r, &rv)
	h.saveReview(w, r, a, cur, rv, f, "saved")
}

// markReviewHeld is the short form on a scheduled review's page: the day
// it was held, the outcome and the recommendations.
func (h *handler) markReviewHeld(w http.ResponseWriter, r *http.Request) {
	cur, a, ok := h.editableReview(w, r)
	if !ok {
		return
	}
	rv := cur
	f := reviewFormOf(cur)
	f.Status, f.HeldOn, f.Outcome, f.Recommendations = string(cadence.ReviewHeld), trimmed(r, "held_on"), r.PostFormValue("outcome"), r.PostFormValue("recommendations")
	rv.Status, rv.Outcome, rv.Recommendations, rv.HeldOn = cadence.ReviewHeld, f.Outcome, f.Recommendations, account.Date{}
	if f.HeldOn != "" {
		d, err := account.ParseDate(f.HeldOn)
		if err != nil {
			f.Errors.add("held_on", reviewLabels["held_on"], "must be a date such as 2026-03-02")
		}
		rv.HeldOn = d
	}
	h.saveReview(w, r, a, cur, rv, f, "held")
}

func (h *handler) saveReview(w http.ResponseWriter, r *http.Request, a account.Account, cur, rv cadence.Review, f reviewForm, done string) {
	ctx := r.Context()
	if !f.Errors.Any() {
		next, err := h.db.UpdateReview(ctx, h.guard.Scope(ctx), &rv)
		if err == nil {
			if done == "saved" && cur.Status != cadence.ReviewHeld && rv.Status == cadence.ReviewHeld {
				done = "held"
			}
			if next != nil {
				done = "held-next"
			}
			http.Redirect(w, r, "/reviews/"+strconv.FormatInt(rv.ID, 10)+"?done="+done, http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, reviewLabels)
	} else {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	v, err := h.reviewView(r, a, cur, f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderReviewForm(w, r, http.StatusUnprocessableEntity, v)
}

func (h *handler) deleteReview(w http.ResponseWriter, r *http.Request) {
	rv, a, ok := h.editableReview(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	if err := h.db.DeleteReview(ctx, h.guard.Scope(ctx), rv.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, accountURL(a.ID)+"#reviews", http.StatusSeeOther)
}

// ---- the account page's section --------------------------------------------

type reviewSummaryView struct {
	AccountID int64
	Rows      []reviewRow // the latest few: scheduled first, then held
	Late      int
	Next      *reviewRow
	LastHeld  *reviewRow
	Interval  int
	CanEdit   bool
}

// reviewSummary loads this feature's section of the account page (nil: none).
func (h *handler) reviewSummary(r *http.Request, a account.Account) (any, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	today := h.today()
	rs, _, err := h.db.Reviews(ctx, sc, store.ReviewFilter{AccountID: a.ID, Page: account.Page{Sort: "-scheduled_on", Limit: 8}})
	if err != nil {
		return nil, err
	}
	s, err := h.db.CadenceSettings(ctx, sc)
	if err != nil {
		return nil, err
	}
	tier, err := h.db.AccountTiers(ctx, sc)
	if err != nil {
		return nil, err
	}
	v := &reviewSummaryView{AccountID: a.ID, Interval: cadence.ReviewInterval(s, tier[a.ID]),
		CanEdit: h.guard.CanEdit(ctx, a.ID, access.PartTouch) == nil}
	for _, rv := range rs {
		row := newReviewRow(rv, a.Name, today)
		v.Rows = append(v.Rows, row)
		switch row.State {
		case cadence.ReviewLate:
			v.Late++
			fallthrough
		case cadence.ReviewUpcoming:
			// Sorted newest first: the last one seen is the soonest.
			rc := row
			v.Next = &rc
		case cadence.ReviewWasHeld:
			if v.LastHeld == nil {
				rc := row
				v.LastHeld = &rc
			}
		}
	}
	return v, nil
}

// ---- the Operations Review Report ------------------------------------------

type reviewReportView struct {
	page
	Report  cadence.Report
	Account account.Account
	ID      int64
	// Doc is the stylesheet inlined in the standalone document (PDF).
	Doc bool
	CSS template.CSS
}

// reviewReport compiles the report of the review in the path.
func (h *handler) reviewReport(r *http.Request) (reviewReportView, error) {
	rv, a, err := h.review(r)
	if err != nil {
		return reviewReportView{}, err
	}
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	s, err := h.db.CadenceSettings(ctx, sc)
	if err != nil {
		return reviewReportView{}, err
	}
	tiers, err := h.db.AccountTiers(ctx, sc)
	if err != nil {
		return reviewReportView{}, err
	}
	prev, err := h.db.PreviousHeldReview(ctx, sc, rv)
	if err != nil {
		return reviewReportView{}, err
	}
	from, to := cadence.ReviewPeriod(s, tiers[a.ID], rv, prev)
	data, err := h.db.ReviewReport(ctx, sc, a.ID, from, to, h.loc())
	if err != nil {
		return reviewReportView{}, err
	}
	in := cadence.ReportInput{Account: a.Name, Review: rv, From: from, To: to, Money: moneyFull}
	for _, t := range data.Touches {
		rt := cadence.ReportTouch{Day: account.DateOf(t.OccurredAt.In(h.loc())), Kind: labelOf(t.Kind), Summary: t.Summary}
		for _, id := range t.StakeholderIDs {
			if n := data.Stakeholders[id]; n != "" {
				rt.With = append(rt.With, n)
			}
		}
		in.Touches = append(in.Touches, rt)
	}
	for _, o := range data.Won {
		in.Won = append(in.Won, cadence.ReportDeal{Name: o.Name, Product: o.Product, Amount: o.Amount, Currency: o.Currency, ClosedOn: o.ActualClose})
	}
	for _, c := range data.Contracts {
		in.Contracts = append(in.Contracts, cadence.ReportContract{Product: c.Product, AnnualValue: c.AnnualValue, Currency: c.Currency,
			Start: c.Start, End: c.End, Status: labelOf(c.Status), AutoRenew: c.AutoRenew})
	}
	for _, d := range data.Deliverables {
		in.Deliverables = append(in.Deliverables, cadence.ReportDeliverable{Role: d.Role, Title: d.Title, UpdatedOn: d.UpdatedOn})
	}
	rep := cadence.BuildReport(in)
	if err := h.addResolution(r, &rep, a.ID, from, to); err != nil {
		return reviewReportView{}, err
	}
	return reviewReportView{page: page{Title: "Operations Review Report · " + a.Name, Section: "reviews"}, Report: rep, Account: a, ID: rv.ID}, nil
}

func (h *handler) reviewReportPage(w http.ResponseWriter, r *http.Request) {
	v, err := h.reviewReport(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "review_report", v)
}

// reportFileName is the download name of a report: account and day.
func reportFileName(v reviewReportView, ext string) string {
	name := strings.Map(func(c rune) rune {
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-':
			return c
		}
		return '-'
	}, v.Account.Name)
	return "operations-review-" + strings.Trim(name, "-") + "-" + v.Report.To.String() + ext
}

func (h *handler) reviewReportMarkdown(w http.ResponseWriter, r *http.Request) {
	v, err := h.reviewReport(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/markdown; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="`+reportFileName(v, ".md")+`"`)
	w.Header().Set("Cache-Control", "private, no-cache")
	_, _ = w.Write([]byte(v.Report.Markdown()))
}

func (h *handler) reviewReportPDF(w http.ResponseWriter, r *http.Request) {
	v, err := h.reviewReport(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	// The standalone document: the report's own template with the
	// stylesheet inlined, given to the browser directly (never served, so
	// the page's Content-Security-Policy does not apply to it).
	css, err := h.staticFile("app.css")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Doc, v.CSS = true, template.CSS(css) // our own embedded stylesheet
	var buf bytes.Buffer
	if err := h.pages["review_report"].ExecuteTemplate(&buf, "report-doc", v); err != nil {
		h.serverError(w, r, err)
		return
	}
	doc, err := pdf.FromHTML(r.Context(), buf.Bytes())
	if err != nil {
		h.serverError(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+reportFileName(v, ".pdf")+`"`)
	w.Header().Set("Cache-Control", "private, no-cache")
	_, _ = w.Write(doc)
}

// staticFile reads one of the embedded static files.
func (h *handler) staticFile(name string) (string, error) {
	b, err := fs.ReadFile(h.static, name)
	return string(b), err
}

// addResolution adds to the report the problems resolved and the risks
// avoided in its period (the R of Resolution: what we fixed, and what never
// became a problem because we saw it coming).
func (h *handler) addResolution(r *http.Request, rep *cadence.Report, accountID int64, from, to account.Date) error {
	ctx := r.Context()
	loc := h.loc()
	start := time.Date(from.Year, from.Month, from.Day, 0, 0, 0, 0, loc)
	end := time.Date(to.Year, to.Month, to.Day, 0, 0, 0, 0, loc).AddDate(0, 0, 1)
	ps, err := h.db.ProblemsResolved(ctx, h.guard.Scope(ctx), accountID, start, end)
	if err != nil {
		return err
	}
	sec := cadence.Section{Key: "resolution", Title: "Problems resolved and risks avoided",
		Empty: "No problem was resolved or risk avoided in this period."}
	var fixed, avoided int
	for _, p := range ps {
		it := cadence.Item{Title: p.Title, Detail: labelOf(string(p.Severity))}
		if p.ResolvedAt != nil {
			it.Day = account.DateOf(p.ResolvedAt.In(loc))
		}
		if p.Kind == outcome.KindAvoided {
			avoided++
			it.Detail = "Avoided · " + it.Detail
		} else {
			fixed++
			if p.ResolvedAt != nil {
				it.Detail += " · resolved in " + durationText(p.ResolvedAt.Sub(p.OpenedAt))
			}
		}
		sec.Items = append(sec.Items, it)
	}
	if len(ps) > 0 {
		sec.Figures = []cadence.Figure{{Label: "Problems resolved", Value: strconv.Itoa(fixed)}, {Label: "Risks avoided", Value: strconv.Itoa(avoided)}}
	}
	rep.Add(sec)
	return nil
}

// durationText says how long something took in hours or days.
func durationText(d time.Duration) string {
	if d < 48*time.Hour {
		return strconv.Itoa(int(d.Round(time.Hour)/time.Hour)) + " h"
	}
	return strconv.Itoa(int(d.Round(24*time.Hour)/(24*time.Hour))) + " days"
}
