package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/plan"
	"github.com/samwise-sam/samwise/internal/store"
)

// Tracking after agreement (initiative status, KPI actuals with a chart,
// adjustments and why), share links, and version comparison.

type kpiRowView struct {
	Status   plan.KPIStatus
	Chart    chartSVG
	Actuals  []plan.KPIActual
	Progress string // "45%"
	Latest   string
	Due      string
}

type initiativeRowView struct {
	plan.Initiative
	Note    string
	Updated time.Time
}

type actualForm struct {
	KPI, On, Value, Note string
	Errors               formErrors
}

type adjustmentForm struct {
	Reason, Note string
	Errors       formErrors
}

type planTrackView struct {
	page
	PlanHead
	Tracked     bool
	Health      plan.Health
	Counts      healthCounts
	Initiatives []initiativeRowView
	KPIs        []kpiRowView
	Adjustments []plan.Adjustment
	Reasons     []plan.AdjustmentReason
	Statuses    []plan.InitiativeStatus
	Actual      actualForm
	Adjust      adjustmentForm
	Notice      string
}

var trackNotices = map[string]string{"actual": "Progress recorded.", "initiative": "Initiative updated.", "adjustment": "Adjustment recorded."}

func (h *handler) trackPage(w http.ResponseWriter, r *http.Request) {
	h.showTrack(w, r, http.StatusOK, nil, nil)
}

func (h *handler) showTrack(w http.ResponseWriter, r *http.Request, status int, af *actualForm, jf *adjustmentForm) {
	o, err := h.loadPlan(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := o.Current()
	today := account.DateOf(h.now())
	tv := planTrackView{page: page{Title: "Tracking · " + o.Plan.Title, Section: "plans"}, PlanHead: h.head(r, o, v, "track"),
		Health: planHealth(v.Content, o.Actuals, o.Updates, today), Adjustments: o.Adjustments,
		Reasons: plan.AdjustmentReasons, Statuses: plan.InitiativeStatuses, Notice: trackNotices[r.URL.Query().Get("done")]}
	tv.Counts = countsOf(tv.Health)
	for _, ver := range o.Versions {
		tv.Tracked = tv.Tracked || !ver.AgreedAt.IsZero()
	}
	for _, in := range plan.Tracked(v.Content.Initiatives, o.Updates) {
		row := initiativeRowView{Initiative: in}
		if u, ok := o.Updates[in.Key]; ok {
			row.Note, row.Updated = u.Note, u.UpdatedAt
		}
		tv.Initiatives = append(tv.Initiatives, row)
	}
	as := actualsOf(o.Actuals)
	for _, k := range v.Content.KPIs {
		st := plan.EvaluateKPI(k, as, v.Content.StartsOn, v.Content.EndsOn, today)
		row := kpiRowView{Status: st, Chart: kpiChart(k, o.Actuals, v.Content.StartsOn, v.Content.EndsOn)}
		for _, a := range o.Actuals {
			if a.KPIKey == k.Key {
				row.Actuals = append(row.Actuals, a)
			}
		}
		if st.HasData {
			row.Progress = strconv.Itoa(int(st.Progress*100+0.5)) + "%"
			row.Latest = plan.Number(st.Latest) + " " + k.Unit
		}
		due := k.DueOn
		if due.IsZero() {
			due = v.Content.EndsOn
		}
		row.Due = formatDate(due)
		tv.KPIs = append(tv.KPIs, row)
	}
	tv.Actual = actualForm{On: today.String()}
	if len(v.Content.KPIs) > 0 {
		tv.Actual.KPI = v.Content.KPIs[0].Key
	}
	if af != nil {
		tv.Actual = *af
	}
	if jf != nil {
		tv.Adjust = *jf
	}
	h.render(w, r, status, "plan_track", tv)
}

var actualLabels = map[string]string{"kpi_key": "KPI", "on": "Measured on", "value": "Value", "note": "Note"}

func (h *handler) recordActual(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	f := actualForm{KPI: r.PostForm.Get("kpi_key"), On: r.PostForm.Get("on"), Value: r.PostForm.Get("value"), Note: r.PostForm.Get("note")}
	var errs formErrors
	a := plan.KPIActual{KPIKey: f.KPI, On: formDate(&errs, "on", actualLabels["on"], f.On), Note: f.Note}
	if a.On.IsZero() && errs.Field("on") == "" {
		errs.add("on", actualLabels["on"], "is required")
	}
	val, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSpace(f.Value), ",", ""), 64)
	if err != nil {
		errs.add("value", actualLabels["value"], "must be a number such as 12 or 3.5")
	}
	a.Value = val
	if !errs.Any() {
		err := h.db.RecordKPIActual(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, &a)
		if err == nil {
			http.Redirect(w, r, planURL(o.Plan.ID)+"/track?done=actual#kpi-"+a.KPIKey, http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, actualLabels)
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	errs.arrange([]string{"kpi_key", "on", "value", "note"}, map[string]string{"kpi_key": "actual-kpi", "on": "actual-on", "value": "actual-value", "note": "actual-note"})
	f.Errors = errs
	h.showTrack(w, r, http.StatusUnprocessableEntity, &f, nil)
}

func (h *handler) setInitiative(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	u := plan.InitiativeUpdate{Key: r.PostForm.Get("key"), Status: plan.InitiativeStatus(r.PostForm.Get("status")), Note: r.PostForm.Get("note")}
	if err := h.db.SetInitiativeStatus(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, &u); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planURL(o.Plan.ID)+"/track?done=initiative#initiatives", http.StatusSeeOther)
}

var adjustmentLabels = map[string]string{"reason": "Why", "note": "What changed"}

func (h *handler) addAdjustment(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	f := adjustmentForm{Reason: r.PostForm.Get("reason"), Note: r.PostForm.Get("note")}
	a := plan.Adjustment{Reason: plan.AdjustmentReason(f.Reason), Note: f.Note}
	err := h.db.AddPlanAdjustment(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, &a)
	if err == nil {
		http.Redirect(w, r, planURL(o.Plan.ID)+"/track?done=adjustment#adjustments", http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		h.fail(w, r, err)
		return
	}
	var errs formErrors
	errs.fromError(err, adjustmentLabels)
	errs.arrange([]string{"reason", "note"}, map[string]string{"reason": "adjust-reason", "note": "adjust-note"})
	f.Errors = errs
	h.showTrack(w, r, http.StatusUnprocessableEntity, nil, &f)
}

// healthCounts are the health summary's figures.
type healthCounts struct {
	Good, Risky, Off, KPIGood, KPIBehind int
}

func countsOf(hl plan.Health) healthCounts {
	return healthCounts{Good: hl.Initiatives[plan.OnTrack] + hl.Initiatives[plan.Done], Risky: hl.Initiatives[plan.AtRisk] + hl.Late,
		Off: hl.Initiatives[plan.OffTrack], KPIGood: hl.KPIs[plan.Met] + hl.KPIs[plan.KPIOnTrack], KPIBehind: hl.KPIs[plan.Behind]}
}

// Sharing.

type shareRowView struct {
	plan.Share
	State string
}

type shareForm struct {
	Label, Expires string
	Errors         formErrors
}

type planSharesView struct {
	page
	PlanHead
	Shares    []shareRowView
	Shareable bool
	Form      shareForm
	Token     string // a new link's token, shown once
	Link      string
	Comments  []plan.Comment
	SignOffs  []plan.SignOff
	Notice    string
}

func (h *handler) sharesPage(w http.ResponseWriter, r *http.Request) {
	h.showShares(w, r, http.StatusOK, nil, "")
}

func (h *handler) showShares(w http.ResponseWriter, r *http.Request, status int, f *shareForm, token string) {
	o, err := h.loadPlan(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := o.Current()
	sv := planSharesView{page: page{Title: "Sharing · " + o.Plan.Title, Section: "plans"}, PlanHead: h.head(r, o, v, "shares"),
		Shareable: v.Status.Shareable(), Form: shareForm{Expires: account.DateOf(h.now()).AddDays(30).String()},
		Comments: o.Comments, SignOffs: o.SignOffs}
	if r.URL.Query().Get("done") == "revoked" {
		sv.Notice = "The link was withdrawn. Whoever opens it now is told so, and sees nothing of the plan."
	}
	for _, s := range o.Shares {
		sv.Shares = append(sv.Shares, shareRowView{Share: s, State: s.State(h.now())})
	}
	if f != nil {
		sv.Form = *f
	}
	if token != "" {
		sv.Token = token
		sv.Link = sharedURL(r, token)
		// The token is shown this once: keep the page out of every cache.
		w.Header().Set("Cache-Control", "no-store")
	}
	h.render(w, r, status, "plan_shares", sv)
}

// sharedURL is the full address of the client's page, for copying.
func sharedURL(r *http.Request, token string) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + "/shared/plans/" + token
}

func (h *handler) createShare(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	f := shareForm{Label: r.PostForm.Get("label"), Expires: r.PostForm.Get("expires")}
	var errs formErrors
	var exp time.Time
	if d := formDate(&errs, "expires", "Expires", f.Expires); !d.IsZero() {
		// The link works through the whole of its last day, in the pages' zone.
		exp = time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, h.loc()).AddDate(0, 0, 1)
	}
	if !errs.Any() {
		token, _, err := h.db.CreatePlanShare(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, o.Plan.CurrentVersion, f.Label, exp)
		if err == nil {
			// Shown once, in the answer to the POST itself: it is never stored
			// in a form that could show it again.
			h.showShares(w, r, http.StatusOK, nil, token)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, map[string]string{"label": "For", "expires_at": "Expires"})
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	f.Errors = errs
	h.showShares(w, r, http.StatusUnprocessableEntity, &f, "")
}

func (h *handler) revokeShare(w http.ResponseWriter, r *http.Request) {
	o, ok := h.editablePlanRequest(w, r)
	if !ok {
		return
	}
	sid, err := strconv.ParseInt(r.PathValue("sid"), 10, 64)
	if err != nil {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "There is no such link."))
		return
	}
	if err := h.db.RevokePlanShare(r.Context(), h.guard.Scope(r.Context()), o.Plan.ID, sid); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, planURL(o.Plan.ID)+"/shares?done=revoked", http.StatusSeeOther)
}

// Comparing versions.

type planCompareView struct {
	page
	PlanHead
	A, B    plan.Version
	Diffs   []plan.SectionDiff
	Changes int
	Choices []plan.Version
}

func (h *handler) comparePage(w http.ResponseWriter, r *http.Request) {
	o, err := h.loadPlan(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	pick := func(key string, def int) (plan.Version, bool) {
		n, err := strconv.Atoi(r.URL.Query().Get(key))
		if err != nil {
			n = def
		}
		for _, v := range o.Versions {
			if v.N == n {
				return v, true
			}
		}
		return plan.Version{}, false
	}
	cur := o.Plan.CurrentVersion
	b, okB := pick("b", cur)
	a, okA := pick("a", b.N-1)
	if !okA || !okB {
		a, b = o.Versions[0], o.Current()
	}
	cv := planCompareView{page: page{Title: "Compare · " + o.Plan.Title, Section: "plans"}, PlanHead: h.head(r, o, o.Current(), "compare"),
		A: a, B: b, Diffs: plan.Diff(a.Content, b.Content), Choices: o.Versions}
	for _, d := range cv.Diffs {
		for _, it := range d.Items {
			if it.Change != plan.Same {
				cv.Changes++
			}
		}
		if d.OldInternal != d.NewInternal {
			cv.Changes++
		}
	}
	h.render(w, r, http.StatusOK, "plan_compare", cv)
}

// PlanReviews is for the "my week" page: the periodic reviews of plans due
// within days for the signed-in person (see store.PlanReviewsDue).
func (h *handler) planReviewsDue(r *http.Request, days int) ([]store.PlanReview, error) {
	ctx := r.Context()
	person := h.guard.PersonID(ctx)
	if person == 0 {
		return nil, nil
	}
	return h.db.PlanReviewsDue(ctx, h.guard.Scope(ctx), person, account.DateOf(h.now()).AddDays(days))
}
