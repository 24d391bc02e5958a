package web

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/cadence"
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// Cadence pages and the account page's Cadence section. Days are calendar
// days in the pages' zone (see the package doc: the server's zone until
// users have zones of their own).

// cadenceRowView is one stakeholder's line in a cadence table.
type cadenceRowView struct {
	cadence.Row
	LevelLabel string
	Source     string // "Tier A default", "Agreed", "Accelerated"
	SourceNote string // who agreed and when; what the acceleration serves and until when
	Due        string // "in 12 days", "today", "3 days ago"
	Every      string // "30 days", "1 day"
}

// days says a number of days in words.
func days(n int) string {
	if n == 1 {
		return "1 day"
	}
	return strconv.Itoa(n) + " days"
}

func (h *handler) cadenceRow(r cadence.Row, names map[int64]string, opps map[int64]string) cadenceRowView {
	v := cadenceRowView{Row: r, LevelLabel: account.Label(r.Level), Every: days(r.Interval.Days)}
	switch r.Interval.Source {
	case cadence.FromAgreement:
		v.Source = "Agreed"
		if a := r.Interval.Agreement; a != nil {
			who := names[a.AgreedBy]
			if who == "" {
				who = "the client"
			}
			v.SourceNote = fmt.Sprintf("with %s on %s", who, formatDate(a.AgreedOn))
			if a.StakeholderID == 0 {
				v.SourceNote = "for the whole account, " + v.SourceNote
			}
		}
	case cadence.FromAccelerated:
		v.Source = "Accelerated"
		if a := r.Interval.Acceleration; a != nil {
			what := a.Initiative
			if o := opps[a.OpportunityID]; o != "" {
				what = o
			}
			v.SourceNote = fmt.Sprintf("%s, until %s", what, formatDate(a.EndsOn))
		}
	default:
		v.Source = "Tier " + string(r.Tier) + " default"
	}
	v.Due = dueIn(r.DaysLeft)
	return v
}

// dueIn says when something falls due, d days from today.
func dueIn(d int) string {
	switch {
	case d == 0:
		return "today"
	case d == 1:
		return "tomorrow"
	case d > 1:
		return fmt.Sprintf("in %d days", d)
	case d == -1:
		return "1 day ago"
	}
	return fmt.Sprintf("%d days ago", -d)
}

// cadenceSection is the account page's Cadence section.
type cadenceSection struct {
	Tier          portfolio.Tier
	Rows          []cadenceRowView
	Review        cadence.Status // the account's business reviews
	ReviewDays    int
	Agreements    []agreementView
	Accelerations []accelerationView
	Stakeholders  []account.Stakeholder // active ones, for the forms
	Opportunities []account.Opportunity // open ones, for the acceleration form
	CanEdit       bool
	Agree         agreementForm
	Accel         accelerationForm
	Today         string
}

type agreementView struct {
	cadence.Agreement
	Who, AgreedByName string
}

type accelerationView struct {
	cadence.Acceleration
	Who, What string
	State     string // "active", "upcoming", "ended"
}

// agreementForm and accelerationForm are the two forms as typed.
type agreementForm struct {
	Stakeholder, Interval, AgreedBy, AgreedOn, Note string
	Errors                                          formErrors
}

type accelerationForm struct {
	Stakeholder, Interval, StartsOn, EndsOn, Opportunity, Initiative string
	Errors                                                           formErrors
}

var agreementLabels = map[string]string{"stakeholder_id": "Stakeholder", "interval_days": "Every (days)",
	"agreed_by": "Agreed by", "agreed_on": "Agreed on", "note": "Note"}
var accelerationLabels = map[string]string{"stakeholder_id": "Stakeholder", "interval_days": "Every (days)",
	"starts_on": "From", "ends_on": "Until", "opportunity_id": "Opportunity", "initiative": "Initiative"}

// cadenceSection builds the section for account a; stakeholders and opps are
// the account's, already loaded by the page.
func (h *handler) cadenceSection(r *http.Request, a account.Account, stakeholders []account.Stakeholder, opps []account.Opportunity) (*cadenceSection, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	loc := h.loc()
	today := cadence.Day(h.now(), loc)
	rows, settings, err := h.db.Adherence(ctx, sc, store.CadenceScope{AccountID: a.ID}, loc, today)
	if err != nil {
		return nil, err
	}
	o, err := h.db.CadenceOverrides(ctx, sc, a.ID)
	if err != nil {
		return nil, err
	}
	reviews, err := h.db.LastReviews(ctx, sc, store.CadenceScope{AccountID: a.ID})
	if err != nil {
		return nil, err
	}
	names := map[int64]string{}
	for _, s := range stakeholders {
		names[s.ID] = s.Name
	}
	oppNames := map[int64]string{}
	for _, op := range opps {
		oppNames[op.ID] = op.Name
	}
	v := &cadenceSection{Tier: portfolio.TierC, CanEdit: h.guard.CanEdit(ctx, a.ID, access.PartStakeholder) == nil,
		Today: today.String()}
	slices.SortFunc(rows, func(x, y cadence.Row) int {
		return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.StakeholderID, y.StakeholderID))
	})
	for _, row := range rows {
		v.Tier = row.Tier
		v.Rows = append(v.Rows, h.cadenceRow(row, names, oppNames))
	}
	if len(rows) == 0 {
		if tiers, err := h.db.AccountTiers(ctx, sc); err == nil && tiers[a.ID] != "" {
			v.Tier = tiers[a.ID]
		}
	}
	// Business reviews: the account's own cadence, by tier, from the
	// latest business_review touch; never reviewed is due from the day the
	// account was added.
	v.ReviewDays = settings.Review[v.Tier]
	var last account.Date
	if t, ok := reviews[a.ID]; ok {
		last = cadence.Day(t, loc)
	}
	v.Review = cadence.Evaluate(cadence.Policy{IntervalDays: v.ReviewDays, DueSoonDays: settings.DueSoonDays * 2,
		StartedOn: cadence.Day(a.CreatedAt, loc).AddDays(v.ReviewDays)}, today, last, account.Date{})
	for _, ag := range o.Agreements[a.ID] {
		who := "Whole account"
		if ag.StakeholderID != 0 {
			who = names[ag.StakeholderID]
		}
		v.Agreements = append(v.Agreements, agreementView{Agreement: ag, Who: who, AgreedByName: names[ag.AgreedBy]})
	}
	for _, ac := range o.Accelerations[a.ID] {
		av := accelerationView{Acceleration: ac, Who: "Whole account", What: ac.Initiative, State: "active"}
		if ac.StakeholderID != 0 {
			av.Who = names[ac.StakeholderID]
		}
		if n := oppNames[ac.OpportunityID]; n != "" {
			av.What = n
		}
		switch {
		case ac.EndsOn.Before(today):
			av.State = "ended"
		case today.Before(ac.StartsOn):
			av.State = "upcoming"
		}
		v.Accelerations = append(v.Accelerations, av)
	}
	for _, s := range stakeholders {
		if s.Active {
			v.Stakeholders = append(v.Stakeholders, s)
		}
	}
	for _, op := range opps {
		if !op.Stage.Closed() {
			v.Opportunities = append(v.Opportunities, op)
		}
	}
	v.Agree = agreementForm{AgreedOn: today.String()}
	v.Accel = accelerationForm{StartsOn: today.String(), EndsOn: today.AddDays(90).String()}
	return v, nil
}

// cadenceAccount checks the path's account may be read and its cadence
// edited, and parses the form.
func (h *handler) cadenceAccount(w http.ResponseWriter, r *http.Request) (int64, bool) {
	ctx := r.Context()
	id, err := pathID(r)
	if err == nil {
		err = h.guard.CanReadAccount(ctx, id)
	}
	if err == nil {
		err = h.guard.CanEdit(ctx, id, access.PartStakeholder)
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

// formInt reads a whole number field; "" is 0.
func formInt(errs *formErrors, field, label, s string) int64 {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		errs.add(field, label, "must be a whole number")
	}
	return n
}

func formDate(errs *formErrors, field, label, s string) account.Date {
	d, err := account.ParseDate(strings.TrimSpace(s))
	if err != nil {
		errs.add(field, label, "must be a date such as 2026-03-02")
	}
	return d
}

func (h *handler) setAgreement(w http.ResponseWriter, r *http.Request) {
	id, ok := h.cadenceAccount(w, r)
	if !ok {
		return
	}
	f := agreementForm{Stakeholder: r.PostForm.Get("stakeholder_id"), Interval: r.PostForm.Get("interval_days"),
		AgreedBy: r.PostForm.Get("agreed_by"), AgreedOn: r.PostForm.Get("agreed_on"), Note: r.PostForm.Get("note")}
	var errs formErrors
	a := cadence.Agreement{AccountID: id, Note: strings.TrimSpace(f.Note),
		StakeholderID: formInt(&errs, "stakeholder_id", agreementLabels["stakeholder_id"], f.Stakeholder),
		IntervalDays:  int(formInt(&errs, "interval_days", agreementLabels["interval_days"], f.Interval)),
		AgreedBy:      formInt(&errs, "agreed_by", agreementLabels["agreed_by"], f.AgreedBy),
		AgreedOn:      formDate(&errs, "agreed_on", agreementLabels["agreed_on"], f.AgreedOn)}
	if !errs.Any() {
		err := h.db.SetAgreement(r.Context(), h.guard.Scope(r.Context()), &a)
		if err == nil {
			http.Redirect(w, r, accountURL(id)+"#cadence", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, agreementLabels)
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	errs.arrange([]string{"stakeholder_id", "interval_days", "agreed_by", "agreed_on", "note"}, map[string]string{
		"stakeholder_id": "agree-stakeholder", "interval_days": "agree-interval", "agreed_by": "agree-by", "agreed_on": "agree-on", "note": "agree-note"})
	f.Errors = errs
	h.showAccount(w, r, id, nil, http.StatusUnprocessableEntity, func(v *accountPageView) { v.Cadence.Agree = f })
}

func (h *handler) addAcceleration(w http.ResponseWriter, r *http.Request) {
	id, ok := h.cadenceAccount(w, r)
	if !ok {
		return
	}
	f := accelerationForm{Stakeholder: r.PostForm.Get("stakeholder_id"), Interval: r.PostForm.Get("interval_days"),
		StartsOn: r.PostForm.Get("starts_on"), EndsOn: r.PostForm.Get("ends_on"),
		Opportunity: r.PostForm.Get("opportunity_id"), Initiative: r.PostForm.Get("initiative")}
	var errs formErrors
	a := cadence.Acceleration{AccountID: id, Initiative: strings.TrimSpace(f.Initiative),
		StakeholderID: formInt(&errs, "stakeholder_id", accelerationLabels["stakeholder_id"], f.Stakeholder),
		IntervalDays:  int(formInt(&errs, "interval_days", accelerationLabels["interval_days"], f.Interval)),
		StartsOn:      formDate(&errs, "starts_on", accelerationLabels["starts_on"], f.StartsOn),
		EndsOn:        formDate(&errs, "ends_on", accelerationLabels["ends_on"], f.EndsOn),
		OpportunityID: formInt(&errs, "opportunity_id", accelerationLabels["opportunity_id"], f.Opportunity)}
	if !errs.Any() {
		err := h.db.AddAcceleration(r.Context(), h.guard.Scope(r.Context()), &a)
		if err == nil {
			http.Redirect(w, r, accountURL(id)+"#cadence", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, accelerationLabels)
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	errs.arrange([]string{"stakeholder_id", "interval_days", "starts_on", "ends_on", "opportunity_id", "initiative"}, map[string]string{
		"stakeholder_id": "accel-stakeholder", "interval_days": "accel-interval", "starts_on": "accel-from", "ends_on": "accel-until",
		"opportunity_id": "accel-opportunity", "initiative": "accel-initiative"})
	f.Errors = errs
	h.showAccount(w, r, id, nil, http.StatusUnprocessableEntity, func(v *accountPageView) { v.Cadence.Accel = f })
}

func (h *handler) deleteAgreement(w http.ResponseWriter, r *http.Request) {
	h.deleteOverride(w, r, h.db.DeleteAgreement)
}

func (h *handler) deleteAcceleration(w http.ResponseWriter, r *http.Request) {
	h.deleteOverride(w, r, h.db.DeleteAcceleration)
}

func (h *handler) deleteOverride(w http.ResponseWriter, r *http.Request, del func(ctx context.Context, sc account.Scope, accountID, id int64) error) {
	id, ok := h.cadenceAccount(w, r)
	if !ok {
		return
	}
	oid, err := strconv.ParseInt(r.PathValue("oid"), 10, 64)
	if err != nil {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "There is no such page."))
		return
	}
	if err := del(r.Context(), h.guard.Scope(r.Context()), id, oid); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, accountURL(id)+"#cadence", http.StatusSeeOther)
}

// ---- /adherence ---------------------------------------------------------

type adherenceQuery struct {
	By     string // tier, manager, account
	Sort   string // label, percent, overdue, over (a leading "-" reverses)
	Months int
}

func (q adherenceQuery) url() string {
	v := url.Values{}
	v.Set("by", q.By)
	if q.Sort != "" {
		v.Set("sort", q.Sort)
	}
	v.Set("months", strconv.Itoa(q.Months))
	return "/adherence?" + v.Encode()
}

func (q adherenceQuery) column(key string) sortColumn {
	next := q
	c := sortColumn{AriaSort: "none"}
	switch q.Sort {
	case key:
		next.Sort, c.Arrow, c.AriaSort = "-"+key, "▲", "ascending"
	case "-" + key:
		next.Sort, c.Arrow, c.AriaSort = key, "▼", "descending"
	default:
		next.Sort = key
	}
	c.URL = next.url()
	return c
}

type adherenceView struct {
	page
	Q         adherenceQuery
	Total     cadence.Tally
	Groups    []cadence.Tally
	Columns   map[string]sortColumn
	Chart     trendChart
	Trend     []cadence.Point
	Scope     string // "the whole organisation" or "your accounts"
	Periods   []int
	ByKeys    []string
	ByLabels  map[string]string
	ByHeading string
	// CanSetPolicy shows the link to the policy page to those who may edit it.
	CanSetPolicy bool
	TrendSkipped bool // more than trendLimit stakeholders
	TrendLimit   int
	// ExportCSV and ExportXLSX download the table as grouped and sorted.
	ExportCSV, ExportXLSX string
	// Cap cuts Groups to its first rows on the page (by account lists
	// every account); the exports keep every group.
	Cap capped
}

// trendLimit is the most stakeholders /adherence draws a trend for.
const trendLimit = 5000

// adherenceScope decides whose stakeholders a page covers: leaders and
// everyone when need-to-know is off see the organisation; the others their
// own accounts.
func (h *handler) adherenceScope(r *http.Request) (store.CadenceScope, string) {
	if p := h.guard.VisibleTo(r.Context()); p != 0 {
		return store.CadenceScope{PersonID: p}, "your accounts"
	}
	return store.CadenceScope{}, "the whole organisation"
}

// adherenceTable builds the page's counts: the tally of every stakeholder
// in the reader's scope and its groups (by, sort from the query), with the
// rows and policy the trend is drawn from.
func (h *handler) adherenceTable(r *http.Request) (adherenceView, store.CadenceScope, []cadence.Row, cadence.Settings, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	q := adherenceQuery{By: r.URL.Query().Get("by"), Sort: r.URL.Query().Get("sort")}
	if !slices.Contains([]string{"tier", "manager", "account"}, q.By) {
		q.By = "tier"
	}
	q.Months, _ = strconv.Atoi(r.URL.Query().Get("months"))
	if !slices.Contains([]int{3, 6, 12, 24}, q.Months) {
		q.Months = 12
	}
	scope, label := h.adherenceScope(r)
	tally := scope
	tally.TallyOnly = true // the page counts stakeholders, never names one
	rows, settings, err := h.db.Adherence(ctx, sc, tally, h.loc(), cadence.Day(h.now(), h.loc()))
	if err != nil {
		return adherenceView{}, scope, nil, settings, err
	}
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		return adherenceView{}, scope, nil, settings, err
	}
	names := personNames(people)
	v := adherenceView{page: page{Title: "Cadence adherence", Section: "adherence"}, Q: q, Total: cadence.Total(rows),
		Scope: label, Periods: []int{3, 6, 12, 24}, Columns: map[string]sortColumn{},
		ByKeys: []string{"tier", "manager", "account"}, ByLabels: map[string]string{"tier": "Tier", "manager": "Account manager", "account": "Account"}}
	v.CanSetPolicy = h.guard.Allow(ctx, access.SetPolicy) == nil
	v.TrendLimit = trendLimit
	v.ByHeading = map[string]string{"tier": "By tier", "manager": "By account manager", "account": "By account"}[q.By]
	v.Groups = cadence.GroupBy(rows, func(r cadence.Row) (string, string) {
		switch q.By {
		case "manager":
			if r.OwnerID == 0 {
				return "0", "Unassigned"
			}
			return strconv.FormatInt(r.OwnerID, 10), names[r.OwnerID]
		case "account":
			return strconv.FormatInt(r.AccountID, 10), r.AccountName
		}
		return string(r.Tier), "Tier " + string(r.Tier)
	})
	sortTallies(v.Groups, q.Sort)
	for _, k := range []string{"label", "stakeholders", "percent", "overdue", "due_soon", "over"} {
		v.Columns[k] = q.column(k)
	}
	ex := url.Values{"by": {q.By}}
	if q.Sort != "" {
		ex.Set("sort", q.Sort)
	}
	ex.Set("format", "csv")
	v.ExportCSV = "/adherence/export?" + ex.Encode()
	ex.Set("format", "xlsx")
	v.ExportXLSX = "/adherence/export?" + ex.Encode()
	return v, scope, rows, settings, nil
}

func (h *handler) adherencePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	loc := h.loc()
	today := cadence.Day(h.now(), loc)
	v, scope, rows, settings, err := h.adherenceTable(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Groups, v.Cap = capRows(r, v.Groups)
	q := v.Q
	// The trend: adherence at each month end, from every check-in since
	// the longest interval before the first month. Its cost grows with the
	// touches in that window (about 9 s for 10,000 accounts with 50 touches
	// each), so past trendLimit stakeholders the page leaves it out and
	// says so rather than keep the reader waiting.
	if len(rows) > trendLimit {
		v.TrendSkipped = true
		h.render(w, r, http.StatusOK, "adherence", v)
		return
	}
	ends := cadence.MonthEnds(today, q.Months)
	since := ends[0].AddDays(-maxInterval(settings) - 1).Time()
	hs, err := h.db.CadenceHistories(ctx, sc, scope, since, loc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	o, err := h.db.CadenceOverrides(ctx, sc, 0)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	tiers := map[int64]portfolio.Tier{}
	for _, row := range rows {
		tiers[row.AccountID] = row.Tier
	}
	for i := range hs {
		hs[i].Tier = tiers[hs[i].AccountID]
	}
	v.Trend = cadence.Trend(settings, o, hs, ends)
	v.Chart = newTrendChart(v.Trend)
	h.render(w, r, http.StatusOK, "adherence", v)
}

// exportAdherence answers the page's table (by tier, manager or account,
// in its order) as CSV or Excel; adherence is a percentage.
func (h *handler) exportAdherence(w http.ResponseWriter, r *http.Request) {
	v, _, _, _, err := h.adherenceTable(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(v.Groups))
	for _, g := range v.Groups {
		label := g.Label
		if label == "" {
			label = "Unknown"
		}
		rows = append(rows, []any{label, math.Round(g.Percent()*10) / 10, g.Stakeholders, g.Overdue, g.DueSoon, g.OverContacted})
	}
	if err := writeTable(w, r.URL.Query().Get("format"), "adherence-by-"+v.Q.By,
		[]string{v.Q.By, "adherence_pct", "stakeholders", "overdue", "due_soon", "over_contacted"}, rows); err != nil {
		h.log.ErrorContext(r.Context(), "export adherence", "err", err)
	}
}

// maxInterval is the longest check-in interval of a policy: the history a
// trend needs before its first day.
func maxInterval(s cadence.Settings) int {
	m := 0
	for _, byLevel := range s.CheckIn {
		for _, d := range byLevel {
			m = max(m, d)
		}
	}
	return m
}

func sortTallies(ts []cadence.Tally, key string) {
	desc := strings.HasPrefix(key, "-")
	key = strings.TrimPrefix(key, "-")
	slices.SortStableFunc(ts, func(a, b cadence.Tally) int {
		var c int
		switch key {
		case "stakeholders":
			c = cmp.Compare(a.Stakeholders, b.Stakeholders)
		case "percent":
			c = cmp.Compare(a.Percent(), b.Percent())
		case "overdue":
			c = cmp.Compare(a.Overdue, b.Overdue)
		case "due_soon":
			c = cmp.Compare(a.DueSoon, b.DueSoon)
		case "over":
			c = cmp.Compare(a.OverContacted, b.OverContacted)
		case "label":
			c = cmp.Compare(strings.ToLower(a.Label), strings.ToLower(b.Label))
		}
		if desc {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.Key, b.Key))
	})
}

// ---- /week ----------------------------------------------------------------

type weekView struct {
	page
	Person   string
	Overdue  []weekRowView
	DueSoon  []weekRowView
	Over     []weekRowView
	Accounts int
	Total    cadence.Tally
	NoPerson bool
	// Business reviews of the person's accounts: late ones, and those
	// coming up within weekReviewDays (reviews.go).
	ReviewsLate, ReviewsSoon []reviewRow
	ReviewDays               int
	// Periodic reviews of agreed account plans due within ReviewDays
	// (plans_track.go); Today tells the late ones.
	PlanReviews []store.PlanReview
	Today       account.Date
}

// weekReviewDays is how far ahead /week lists business reviews.
const weekReviewDays = 30

// weekRowView is a line of /week with its one-click "log touch" form: a call
// now, with the signed-in person and the stakeholder present. Its fields are
// flat, ready-made strings: a manager's week may list hundreds of rows, and
// rendering them through nested structs and template functions cost three
// quarters of the page's time (BenchmarkMyWeek).
type weekRowView struct {
	StakeholderID, AccountID int64
	Name, Level, AccountName string
	Last, Prev, NextDue, Due string
	Every                    string
	State                    cadence.State
	OverContacted, CanLog    bool
	Now                      string // datetime-local
	PersonID                 int64
}

func newWeekRow(r cadence.Row, canLog bool, now string, person int64) weekRowView {
	return weekRowView{StakeholderID: r.StakeholderID, AccountID: r.AccountID, Name: r.Name, Level: account.Label(r.Level),
		AccountName: r.AccountName, Last: formatDate(r.LastTouch), Prev: formatDate(r.Prev), NextDue: formatDate(r.NextDue),
		Due: dueIn(r.DaysLeft), Every: days(r.Interval.Days), State: r.State, OverContacted: r.OverContacted,
		CanLog: canLog, Now: now, PersonID: person}
}

func (h *handler) weekPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	pid := h.guard.PersonID(ctx)
	v := weekView{page: page{Title: "My week", Section: "week"}}
	now := h.now().In(h.loc()).Format(datetimeLocal)
	if pid == 0 {
		v.NoPerson = true
		h.render(w, r, http.StatusOK, "week", v)
		return
	}
	if p := auth.FromContext(ctx); p.SignedIn() {
		v.Person = p.User.Name
	}
	loc := h.loc()
	rows, _, err := h.db.Adherence(ctx, sc, store.CadenceScope{PersonID: pid}, loc, cadence.Day(h.now(), loc))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Total = cadence.Total(rows)
	// Most urgent first: the longest overdue, the soonest due.
	slices.SortFunc(rows, func(x, y cadence.Row) int {
		return cmp.Or(cmp.Compare(x.DaysLeft, y.DaysLeft), cmp.Compare(x.AccountName, y.AccountName), cmp.Compare(x.Name, y.Name))
	})
	// Every account here is one the person owns or sits on the team of,
	// and every account-team role covers logging touches: whether they may
	// log one is their role's right to write at all. (Asking CanEdit per
	// account would cost a query each; the POST checks again anyway.)
	canLog := h.guard.Allow(ctx, access.WriteRecords) == nil
	accounts := map[int64]bool{}
	for _, row := range rows {
		accounts[row.AccountID] = true
		rv := newWeekRow(row, canLog, now, pid)
		switch row.State {
		case cadence.Overdue:
			v.Overdue = append(v.Overdue, rv)
		case cadence.DueSoon:
			v.DueSoon = append(v.DueSoon, rv)
		}
		if row.OverContacted {
			v.Over = append(v.Over, rv)
		}
	}
	v.Accounts = len(accounts)
	if err := h.weekReviews(r, &v, pid); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "week", v)
}

// ---- /cadence/policy --------------------------------------------------------

type policyView struct {
	page
	Tiers  []portfolio.Tier
	Form   map[string]string
	Errors formErrors
	Saved  bool
}

// policyRow is one line of the policy's table: a level, or business reviews.
type policyRow struct {
	Label string
	Cells []policyCell
}

type policyCell struct {
	Field, Label, Value, Error string
}

// Matrix lays the intervals out as the table shows them.
func (v policyView) Matrix() []policyRow {
	var out []policyRow
	for _, l := range account.Levels {
		row := policyRow{Label: account.Label(l)}
		for _, t := range v.Tiers {
			f := policyField(t, l)
			row.Cells = append(row.Cells, policyCell{Field: f, Label: "Tier " + string(t) + " " + strings.ToLower(account.Label(l)),
				Value: v.Form[f], Error: v.Errors.Field(f)})
		}
		out = append(out, row)
	}
	row := policyRow{Label: "Business reviews"}
	for _, t := range v.Tiers {
		f := "review_" + string(t)
		row.Cells = append(row.Cells, policyCell{Field: f, Label: "Tier " + string(t) + " business reviews", Value: v.Form[f], Error: v.Errors.Field(f)})
	}
	return append(out, row)
}

func policyField(t portfolio.Tier, l account.Level) string {
	return "check_in_" + string(t) + "_" + string(l)
}

func (h *handler) cadencePolicyPage(w http.ResponseWriter, r *http.Request) {
	s, err := h.db.CadenceSettings(r.Context(), h.guard.Scope(r.Context()))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "cadence_policy", newPolicyView(s, r.URL.Query().Get("saved") == "1"))
}

func newPolicyView(s cadence.Settings, saved bool) policyView {
	v := policyView{page: page{Title: "Cadence policy", Section: "policy"}, Tiers: cadence.Tiers, Form: map[string]string{}, Saved: saved}
	for _, t := range cadence.Tiers {
		for _, l := range account.Levels {
			v.Form[policyField(t, l)] = strconv.Itoa(s.CheckIn[t][l])
		}
		v.Form["review_"+string(t)] = strconv.Itoa(s.Review[t])
	}
	v.Form["due_soon_days"] = strconv.Itoa(s.DueSoonDays)
	v.Form["tolerance"] = strconv.FormatFloat(s.Tolerance*100, 'f', -1, 64)
	return v
}

func (h *handler) saveCadencePolicy(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	s := cadence.Settings{CheckIn: map[portfolio.Tier]map[account.Level]int{}, Review: map[portfolio.Tier]int{}}
	v := newPolicyView(cadence.DefaultSettings(), false)
	var errs formErrors
	num := func(field, label string) int {
		raw := strings.TrimSpace(r.PostForm.Get(field))
		v.Form[field] = raw
		n, err := strconv.Atoi(raw)
		if err != nil {
			errs.add(field, label, "must be a whole number of days")
		}
		return n
	}
	for _, t := range cadence.Tiers {
		s.CheckIn[t] = map[account.Level]int{}
		for _, l := range account.Levels {
			s.CheckIn[t][l] = num(policyField(t, l), "Tier "+string(t)+" "+strings.ToLower(account.Label(l)))
		}
		s.Review[t] = num("review_"+string(t), "Tier "+string(t)+" business reviews")
	}
	s.DueSoonDays = num("due_soon_days", "Due-soon window")
	raw := strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(r.PostForm.Get("tolerance")), "%"))
	v.Form["tolerance"] = raw
	if pct, err := strconv.ParseFloat(raw, 64); err != nil {
		errs.add("tolerance", "Tolerance", "must be a percentage such as 50")
	} else {
		s.Tolerance = pct / 100
	}
	if !errs.Any() {
		err := h.db.SetCadenceSettings(r.Context(), h.guard.Scope(r.Context()), s)
		if err == nil {
			http.Redirect(w, r, "/cadence/policy?saved=1", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		labels := map[string]string{"due_soon_days": "Due-soon window", "tolerance": "Tolerance"}
		for _, t := range cadence.Tiers {
			for _, l := range account.Levels {
				labels[policyField(t, l)] = "Tier " + string(t) + " " + strings.ToLower(account.Label(l))
			}
			labels["review_"+string(t)] = "Tier " + string(t) + " business reviews"
		}
		errs.fromError(err, labels)
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	v.Errors = errs
	h.render(w, r, http.StatusUnprocessableEntity, "cadence_policy", v)
}

// weekReviews adds the person's late and coming business reviews to /week.
func (h *handler) weekReviews(r *http.Request, v *weekView, pid int64) error {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	today := h.today()
	v.ReviewDays = weekReviewDays
	v.Today = today
	var err error
	if v.PlanReviews, err = h.db.PlanReviewsDue(ctx, sc, pid, today.AddDays(weekReviewDays)); err != nil {
		return err
	}
	late, _, err := h.db.Reviews(ctx, sc, store.ReviewFilter{PersonID: pid, State: cadence.ReviewLate, Today: today, Page: account.Page{Limit: 100}})
	if err != nil {
		return err
	}
	soon, _, err := h.db.Reviews(ctx, sc, store.ReviewFilter{PersonID: pid, State: cadence.ReviewUpcoming, Today: today,
		To: today.AddDays(weekReviewDays), Page: account.Page{Limit: 100}})
	if err != nil {
		return err
	}
	names, err := h.db.ReviewAccountNames(ctx, sc, reviewAccountIDs(append(slices.Clip(late), soon...)))
	if err != nil {
		return err
	}
	for _, rv := range late {
		v.ReviewsLate = append(v.ReviewsLate, newReviewRow(rv, names[rv.AccountID], today))
	}
	for _, rv := range soon {
		v.ReviewsSoon = append(v.ReviewsSoon, newReviewRow(rv, names[rv.AccountID], today))
	}
	return nil
}
