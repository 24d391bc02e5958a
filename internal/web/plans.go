package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
)

// Strategic account plans: the portfolio of plans, an account's plans, a
// plan version with its live situation and the client's feedback inline, the
// editor, tracking (plans_track.go), sharing (plans_share.go), comparison,
// print and exports (plans_export.go); the client's page is shared.go.
// Changing a plan is a change to its account (access.PartAccount).

// planPages registers this feature's pages.
func (h *handler) planPages(handle handleFunc) {
	handle("GET /plans", access.ReadRecords, h.plansPage)
	handle("GET /plans/export", access.ReadRecords, h.exportPlans)
	handle("GET /accounts/{id}/plans", access.ReadRecords, h.accountPlansPage)
	handle("POST /accounts/{id}/plans", access.WriteRecords, h.draftPlan)
	handle("GET /plans/{id}", access.ReadRecords, h.planPage)
	handle("GET /plans/{id}/versions/{n}", access.ReadRecords, h.planPage)
	handle("GET /plans/{id}/versions/{n}/edit", access.WriteRecords, h.editPlanPage)
	handle("POST /plans/{id}/versions/{n}/edit", access.WriteRecords, h.savePlan)
	handle("POST /plans/{id}/versions/{n}/move", access.WriteRecords, h.movePlan)
	handle("POST /plans/{id}/revise", access.WriteRecords, h.revisePlan)
	handle("POST /plans/{id}/delete", access.WriteRecords, h.deletePlan)
	handle("GET /plans/{id}/compare", access.ReadRecords, h.comparePage)
	handle("GET /plans/{id}/track", access.ReadRecords, h.trackPage)
	handle("POST /plans/{id}/actuals", access.WriteRecords, h.recordActual)
	handle("POST /plans/{id}/initiatives", access.WriteRecords, h.setInitiative)
	handle("POST /plans/{id}/adjustments", access.WriteRecords, h.addAdjustment)
	handle("GET /plans/{id}/shares", access.ReadRecords, h.sharesPage)
	handle("POST /plans/{id}/shares", access.WriteRecords, h.createShare)
	handle("POST /plans/{id}/shares/{sid}/revoke", access.WriteRecords, h.revokeShare)
	handle("GET /plans/{id}/versions/{n}/print", access.ReadRecords, h.printPlan)
	handle("GET /plans/{id}/versions/{n}/plan.md", access.ReadRecords, h.planMarkdown)
	handle("GET /plans/{id}/versions/{n}/plan.pdf", access.ReadRecords, h.planPDF)
	h.sharedPages(handle)
}

// planRowView is one plan in a list.
type planRowView struct {
	Plan      plan.Plan
	Health    plan.Health
	Awaiting  bool
	Comments  int
	SignedOff bool
	Review    string // "due 3 May 2027" or ""
	ReviewDue bool
}

func (h *handler) planRows(rows []store.PlanRow) []planRowView {
	today := account.DateOf(h.now())
	var out []planRowView
	for _, r := range rows {
		v := planRowView{Plan: r.Plan, Awaiting: r.Plan.Status.AwaitingSignOff(), Comments: r.Comments, SignedOff: r.SignedOff,
			Health: planHealth(r.Content, r.Actuals, r.Updates, today)}
		if !r.Plan.NextReviewOn.IsZero() && (r.Plan.Status == plan.Active || r.Plan.Status == plan.Reviewed) {
			v.Review = formatDate(r.Plan.NextReviewOn)
			v.ReviewDue = !today.Before(r.Plan.NextReviewOn)
		}
		out = append(out, v)
	}
	return out
}

// planHealth judges a plan's current document with its tracking on day.
func planHealth(c plan.Content, acts []plan.KPIActual, updates map[string]plan.InitiativeUpdate, day account.Date) plan.Health {
	var kpis []plan.KPIStatus
	as := actualsOf(acts)
	for _, k := range c.KPIs {
		kpis = append(kpis, plan.EvaluateKPI(k, as, c.StartsOn, c.EndsOn, day))
	}
	return plan.Assess(plan.Tracked(c.Initiatives, updates), kpis, day)
}

func actualsOf(acts []plan.KPIActual) []plan.Actual {
	out := make([]plan.Actual, len(acts))
	for i, a := range acts {
		out[i] = plan.Actual{KPIKey: a.KPIKey, On: a.On, Value: a.Value}
	}
	return out
}

type plansView struct {
	page
	Rows     []planRowView
	Filter   string
	Filters  []planFilterView
	Total    int
	Accounts bool // any account exists to draft a plan for
	// ExportCSV and ExportXLSX download the list as filtered.
	ExportCSV, ExportXLSX string
}

type planFilterView struct {
	Key, Label string
	Count      int
}

// planFilters are the list's filters: every plan, those awaiting the
// client's sign-off, those being followed, those still being written.
var planFilters = []struct {
	key, label string
	match      func(planRowView) bool
}{
	{"", "All", func(planRowView) bool { return true }},
	{"awaiting", "Awaiting sign-off", func(r planRowView) bool { return r.Awaiting }},
	{"tracked", "Agreed and active", func(r planRowView) bool { return r.Plan.Status.Tracked() }},
	{"drafting", "Being written", func(r planRowView) bool { return r.Plan.Status.Editable() }},
	{"review", "Review due", func(r planRowView) bool { return r.ReviewDue }},
}

// planList builds the list as the page shows it: every plan the reader
// may see, counted per filter, and the rows of the chosen one ("show").
func (h *handler) planList(r *http.Request) (plansView, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	rows, err := h.db.PlanPortfolio(ctx, sc, store.PlanFilter{VisibleTo: h.guard.VisibleTo(ctx)})
	if err != nil {
		return plansView{}, err
	}
	all := h.planRows(rows)
	v := plansView{page: page{Title: "Account plans", Section: "plans"}, Filter: r.URL.Query().Get("show"), Total: len(all)}
	known := false
	for _, f := range planFilters {
		n := 0
		for _, row := range all {
			if f.match(row) {
				n++
			}
		}
		v.Filters = append(v.Filters, planFilterView{f.key, f.label, n})
		if f.key == v.Filter {
			known = true
			for _, row := range all {
				if f.match(row) {
					v.Rows = append(v.Rows, row)
				}
			}
		}
	}
	if !known {
		v.Filter, v.Rows = "", all
	}
	q := url.Values{}
	if v.Filter != "" {
		q.Set("show", v.Filter)
	}
	q.Set("format", "csv")
	v.ExportCSV = "/plans/export?" + q.Encode()
	q.Set("format", "xlsx")
	v.ExportXLSX = "/plans/export?" + q.Encode()
	return v, nil
}

func (h *handler) plansPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v, err := h.planList(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Total == 0 {
		accts, _, err := h.db.Accounts(ctx, sc, account.AccountFilter{Page: account.Page{Limit: 1}})
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Accounts = len(accts) > 0
	}
	h.render(w, r, http.StatusOK, "plan_list", v)
}

// exportPlans answers the list as filtered as CSV or Excel.
func (h *handler) exportPlans(w http.ResponseWriter, r *http.Request) {
	v, err := h.planList(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(v.Rows))
	for _, x := range v.Rows {
		p := x.Plan
		review := ""
		if x.Review != "" {
			review = p.NextReviewOn.String()
		}
		rows = append(rows, []any{p.ID, p.AccountName, p.Title, p.CurrentVersion, p.Status.Label(), x.Awaiting, x.Comments,
			x.Health.Level.Label(), review, p.UpdatedAt.In(h.loc()).Format(time.DateOnly)})
	}
	name := "plans"
	if v.Filter != "" {
		name += "-" + v.Filter
	}
	if err := writeTable(w, r.URL.Query().Get("format"), name,
		[]string{"id", "account", "plan", "version", "status", "awaiting_sign_off", "comments", "health", "next_review", "updated"}, rows); err != nil {
		h.log.ErrorContext(r.Context(), "export plans", "err", err)
	}
}

// draftForm is the "Draft a plan" form as typed.
type draftForm struct {
	Title, StartsOn, Years string
	Errors                 formErrors
}

var draftLabels = map[string]string{"title": "Title", "starts_on": "Starts", "years": "Covers", "ends_on": "Covers"}

type accountPlansView struct {
	page
	A       account.Account
	Rows    []planRowView
	CanEdit bool
	Form    draftForm
}

func (h *handler) accountPlansPage(w http.ResponseWriter, r *http.Request) {
	h.showAccountPlans(w, r, http.StatusOK, nil)
}

func (h *handler) showAccountPlans(w http.ResponseWriter, r *http.Request, status int, form *draftForm) {
	ctx := r.Context()
	id, err := pathID(r)
	if err == nil {
		err = h.guard.CanReadAccount(ctx, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	a, err := h.db.Account(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows, err := h.db.PlanPortfolio(ctx, sc, store.PlanFilter{AccountID: id})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := accountPlansView{page: page{Title: "Plans · " + a.Name, Section: "plans"}, A: a, Rows: h.planRows(rows),
		CanEdit: h.guard.CanEdit(ctx, id, access.PartAccount) == nil}
	if form != nil {
		v.Form = *form
	} else {
		v.Form = draftForm{Title: a.Name + " account plan", StartsOn: account.DateOf(h.now()).String(), Years: "1"}
	}
	h.render(w, r, status, "plan_account", v)
}

// draftPlan creates a plan from the account: a skeleton whose situation is
// drawn live from the account's records, and one objective per current
// client vision item, so the team starts from what it knows.
func (h *handler) draftPlan(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err == nil {
		err = h.guard.CanReadAccount(ctx, id)
	}
	if err == nil {
		err = h.guard.CanEdit(ctx, id, access.PartAccount)
	}
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := draftForm{Title: r.PostForm.Get("title"), StartsOn: r.PostForm.Get("starts_on"), Years: r.PostForm.Get("years")}
	var errs formErrors
	start := formDate(&errs, "starts_on", draftLabels["starts_on"], f.StartsOn)
	if start.IsZero() && !errs.Any() {
		errs.add("starts_on", draftLabels["starts_on"], "is required")
	}
	years, perr := strconv.Atoi(strings.TrimSpace(f.Years))
	if perr != nil || years < 1 || years > 3 {
		errs.add("years", draftLabels["years"], "must be 1, 2 or 3 years")
	}
	if !errs.Any() {
		sc := h.guard.Scope(ctx)
		c := plan.NewContent(f.Title, start)
		c.EndsOn = account.DateOf(start.Time().AddDate(years, 0, -1))
		if s, err := h.db.PlanSituation(ctx, sc, id); err == nil {
			for i, vi := range s.Vision {
				if i >= 5 {
					break
				}
				c.Objectives = append(c.Objectives, plan.Objective{Title: firstWords(vi.Text, 12), VisionItemID: vi.ID})
			}
		}
		p, err := h.db.CreatePlan(ctx, sc, id, c, 0)
		if err == nil {
			http.Redirect(w, r, planURL(p.ID)+"/versions/1/edit", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, draftLabels)
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	errs.arrange([]string{"title", "starts_on", "years"}, map[string]string{"title": "plan-title", "starts_on": "plan-start", "years": "plan-years"})
	f.Errors = errs
	h.showAccountPlans(w, r, http.StatusUnprocessableEntity, &f)
}

// firstWords shortens a text to n words.
func firstWords(s string, n int) string {
	w := strings.Fields(s)
	if len(w) <= n {
		return strings.Join(w, " ")
	}
	return strings.Join(w[:n], " ") + "…"
}

func planURL(id int64) string { return "/plans/" + strconv.FormatInt(id, 10) }

func versionURL(id int64, n int) string { return planURL(id) + "/versions/" + strconv.Itoa(n) }

// loadPlan reads the {id} plan the principal may see, with everything the
// plan's pages show.
func (h *handler) loadPlan(r *http.Request) (store.PlanOverview, error) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		return store.PlanOverview{}, err
	}
	o, err := h.db.PlanOverview(ctx, h.guard.Scope(ctx), id)
	if err != nil {
		return o, err
	}
	return o, h.guard.CanReadAccount(ctx, o.Plan.AccountID)
}

// pathVersion picks the {n} version of o (the current one without {n}).
func pathVersion(r *http.Request, o store.PlanOverview) (plan.Version, error) {
	s := r.PathValue("n")
	n := o.Plan.CurrentVersion
	if s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil {
			return plan.Version{}, account.Errorf(account.ENOTFOUND, "There is no such version.")
		}
	}
	for _, v := range o.Versions {
		if v.N == n {
			return v, nil
		}
	}
	return plan.Version{}, account.Errorf(account.ENOTFOUND, "There is no version %d of this plan.", n)
}

// sectionView is one section of a version as the pages show it.
type sectionView struct {
	Section  plan.Section
	Label    string
	Internal bool
	Columns  []string
	Items    []plan.Item
	Summary  string // the summary section's text
	Comments []plan.Comment
	Empty    bool
}

// planSections lays out a version's document (already the client's copy
// when it is for the client). visions names the client's vision items by
// id, so an objective shows the vision it serves rather than a number.
func planSections(c plan.Content, secs []plan.Section, visions map[int64]string, comments []plan.Comment) []sectionView {
	objectives := map[string]string{}
	for _, o := range c.Objectives {
		objectives[o.Key] = o.Title
	}
	var out []sectionView
	for _, s := range secs {
		if s == plan.SecSituation {
			continue
		}
		sv := sectionView{Section: s, Label: s.Label(), Internal: c.Hidden(s)}
		if s == plan.SecSummary {
			sv.Summary = c.Summary
			sv.Empty = c.Summary == ""
		} else {
			sv.Items = c.Items(s)
			sv.Empty = len(sv.Items) == 0
			for i := range sv.Items {
				for j, f := range sv.Items[i].Fields {
					switch {
					case f.Name == "Vision item" && f.Value != "":
						id, _ := strconv.ParseInt(strings.TrimPrefix(f.Value, "#"), 10, 64)
						if t, ok := visions[id]; ok {
							sv.Items[i].Fields[j].Value = t
						}
					case s == plan.SecInitiatives && f.Name == "Objective":
						sv.Items[i].Fields[j].Value = objectives[f.Value]
					case s == plan.SecInitiatives && f.Name == "Status":
						sv.Items[i].Fields[j].Value = account.Label(f.Value)
					case (f.Name == "Starts" || f.Name == "Due") && f.Value != "":
						d, _ := account.ParseDate(f.Value)
						sv.Items[i].Fields[j].Value = formatDate(d)
					}
				}
			}
			if len(sv.Items) > 0 {
				for _, f := range sv.Items[0].Fields {
					sv.Columns = append(sv.Columns, f.Name)
				}
			}
		}
		for _, cm := range comments {
			if cm.Section == s {
				sv.Comments = append(sv.Comments, cm)
			}
		}
		out = append(out, sv)
	}
	return out
}

// PlanHead is the part of every plan page above its tabs.
type PlanHead struct {
	P        plan.Plan
	V        plan.Version
	Tab      string // "plan", "track", "shares", "compare"
	Versions []plan.Version
	CanEdit  bool
	SignOff  *plan.SignOff // of V
}

func (h *handler) head(r *http.Request, o store.PlanOverview, v plan.Version, tab string) PlanHead {
	hd := PlanHead{P: o.Plan, V: v, Tab: tab, Versions: o.Versions,
		CanEdit: h.guard.CanEdit(r.Context(), o.Plan.AccountID, access.PartAccount) == nil}
	for i := range o.SignOffs {
		if o.SignOffs[i].VersionID == v.ID {
			hd.SignOff = &o.SignOffs[i]
		}
	}
	return hd
}

type planPageView struct {
	page
	PlanHead
	Current   bool
	Situation *situationView
	Sections  []sectionView
	Moves     []plan.Status
	CanRevise bool
	Health    plan.Health
	Feedback  int // client comments on this version
	Active    int // usable links to this version
	Notice    string
}

var planNotices = map[string]string{
	"saved":   "Saved.",
	"moved":   "Status changed.",
	"revised": "A new version was drafted from the previous one. Edit it, then share it.",
}

func (h *handler) planPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	o, err := h.loadPlan(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v, err := pathVersion(r, o)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sit, err := h.db.PlanSituation(ctx, h.guard.Scope(ctx), o.Plan.AccountID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var comments []plan.Comment
	for _, c := range o.Comments {
		if c.VersionID == v.ID {
			comments = append(comments, c)
		}
	}
	pv := planPageView{page: page{Title: o.Plan.Title, Section: "plans"}, PlanHead: h.head(r, o, v, "plan"),
		Current: v.N == o.Plan.CurrentVersion, Situation: situationOf(sit, false),
		Sections: planSections(v.Content, plan.Sections, visionNames(sit), comments),
		Health:   planHealth(v.Content, o.Actuals, o.Updates, account.DateOf(h.now())),
		Notice:   planNotices[r.URL.Query().Get("done")]}
	for _, c := range comments {
		if c.FromClient {
			pv.Feedback++
		}
	}
	for _, s := range o.Shares {
		if s.VersionID == v.ID && s.Usable(h.now()) {
			pv.Active++
		}
	}
	if pv.Current {
		pv.Moves = plan.Next(v.Status)
		pv.CanRevise = v.Status.CanRevise()
	}
	h.render(w, r, http.StatusOK, "plan", pv)
}

func visionNames(s store.PlanSituation) map[int64]string {
	m := map[int64]string{}
	for _, v := range s.Vision {
		m[v.ID] = v.Text
	}
	return m
}

// situationView is the live situation section. For the client it leaves out
// our pipeline, revenue figures and relationship coverage.
type situationView struct {
	ForClient     bool
	Profile       string
	ARR           []string // "$1.2M" per currency
	Pipeline      []string
	Contracts     []account.Contract
	Opportunities []account.Opportunity
	Stakeholders  []account.Stakeholder
	Vision        []store.SituationVision
	Needs         []store.SituationNeed
	Coverage      string // "3 of 7 active stakeholders known well"
}

func situationOf(s store.PlanSituation, forClient bool) *situationView {
	v := &situationView{ForClient: forClient, Profile: s.Profile, Contracts: s.Contracts, Stakeholders: s.Stakeholders,
		Vision: s.Vision, Needs: s.Needs}
	if forClient {
		return v
	}
	v.Opportunities = s.Opportunities
	for _, cur := range sortedKeys(s.ARR) {
		v.ARR = append(v.ARR, moneyCompact(s.ARR[cur], cur))
	}
	for _, cur := range sortedKeys(s.Pipeline) {
		v.Pipeline = append(v.Pipeline, moneyCompact(s.Pipeline[cur], cur))
	}
	if s.Coverage > 0 {
		v.Coverage = strconv.Itoa(s.Covered) + " of " + strconv.Itoa(s.Coverage) + " active stakeholders known at least moderately by someone on our side"
	}
	return v
}

func sortedKeys(m map[string]int64) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// editablePlanRequest checks that the {id} plan may be changed and parses
// the form.
func (h *handler) editablePlanRequest(w http.ResponseWriter, r *http.Request) (store.PlanOverview, bool) {
	o, err := h.loadPlan(r)
	if err == nil {
		err = h.guard.CanEdit(r.Context(), o.Plan.AccountID, access.PartAccount)
	}
	if err == nil && r.Method == http.MethodPost {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return o, false
	}
	return o, true
}

func (h *handler) movePlan(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	v, err := pathVersion(r, o)
	if err == nil {
		_, err = h.db.MovePlanVersion(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, v.N, plan.Status(r.PostForm.Get("to")))
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, versionURL(o.Plan.ID, v.N)+"?done=moved", http.StatusSeeOther)
}

func (h *handler) revisePlan(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	v, err := h.db.RevisePlan(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, r.PostForm.Get("note"))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, versionURL(o.Plan.ID, v.N)+"/edit?done=revised", http.StatusSeeOther)
}

func (h *handler) deletePlan(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	if err := h.db.DeletePlan(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, accountURL(o.Plan.AccountID)+"/plans", http.StatusSeeOther)
}

// planSummary loads this feature's section of the account page (nil: none).
func (h *handler) planSummary(r *http.Request, a account.Account) (any, error) {
	ctx := r.Context()
	rows, err := h.db.PlanPortfolio(ctx, h.guard.Scope(ctx), store.PlanFilter{AccountID: a.ID})
	if err != nil {
		return nil, err
	}
	return &acctPlansView{Rows: h.planRows(rows), CanEdit: h.guard.CanEdit(ctx, a.ID, access.PartAccount) == nil}, nil
}

// acctPlansView is the account page's Plans section.
type acctPlansView struct {
	Rows    []planRowView
	CanEdit bool
}
