package web

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/staffing"
)

// A person's page (/people/{id}): for an account manager, the accounts they
// own with their load against capacity, and their goals for a period with
// the progress computed from the records. Leaders set the capacity and the
// goals here.

type ownedRow struct {
	staffing.Account
	Load int
}

// goalForm is the goals form as typed.
type goalForm struct {
	Revenue, Retention, Touches string
	Errors                      formErrors
}

var goalLabels = map[string]string{"revenue": "Revenue uplift", "retention": "Retention", "touches": "Touches",
	"period": "Period", "capacity": "Capacity"}

var goalFieldOrder = []string{"revenue", "retention", "touches"}

var goalAnchors = map[string]string{"revenue": "goal-revenue", "retention": "goal-retention", "touches": "goal-touches"}

// measureView is one goal with its progress bar.
type measureView struct {
	staffing.Measure
	Name   string
	Bar    barView
	Actual string // formatted
	Goal   string
	Detail string
}

type personPageView struct {
	page
	Notice      string
	Person      account.Person
	ManagerName string
	Hidden      bool // need-to-know hides their accounts and goals
	CanManage   bool
	OnBoard     bool
	Row         managerRow
	Default     int // the organisation's default capacity
	Capacity    string
	CapacityErr string
	Accounts    []ownedRow
	Currency    string

	Period   staffing.Period
	PrevURL  string
	NextURL  string
	YearURL  string
	HasGoals bool
	Measures []measureView
	Goal     goalForm
}

func (h *handler) personPage(w http.ResponseWriter, r *http.Request) {
	h.showPerson(w, r, http.StatusOK, nil, "")
}

// showPerson renders the page; gf and capErr carry a failed form to show
// again.
func (h *handler) showPerson(w http.ResponseWriter, r *http.Request, status int, gf *goalForm, capErr string) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.db.Person(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := personPageView{page: page{Title: p.Name, Section: "people"}, Person: p,
		CanManage: h.guard.Allow(ctx, access.SetPolicy) == nil, Notice: workloadNotices[r.URL.Query().Get("done")]}
	if p.ManagerID != nil {
		if m, err := h.db.Person(ctx, sc, *p.ManagerID); err == nil {
			v.ManagerName = m.Name
		}
	}
	if visible := h.guard.VisibleTo(ctx); visible != 0 && visible != id {
		v.Hidden = true
		h.render(w, r, status, "person", v)
		return
	}
	wl, err := h.db.Workload(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Currency, v.Default = wl.Currency(), wl.Settings.DefaultCapacity
	if m, ok := wl.Manager(id); ok {
		v.OnBoard = true
		v.Row = managerRow{ManagerLoad: m, URL: personURL(id), After: m.Load,
			Bar: newBar(m.Load, m.Capacity, max(m.Load, m.Capacity), fmt.Sprintf("%d of %d points", m.Load, m.Capacity))}
		if m.CapacitySet {
			v.Capacity = strconv.Itoa(m.Capacity)
		}
	}
	for _, a := range wl.AccountsOf(id) {
		v.Accounts = append(v.Accounts, ownedRow{Account: a, Load: wl.Load(a)})
	}
	if capErr != "" {
		v.Capacity, v.CapacityErr = r.PostForm.Get("capacity"), capErr
	}

	today := account.DateOf(h.now().In(h.loc()))
	v.Period = staffing.QuarterOf(today)
	if q := r.URL.Query().Get("period"); q != "" {
		if v.Period, err = staffing.ParsePeriod(q); err != nil {
			h.fail(w, r, account.Errorf(account.ENOTFOUND, "There is no period %q: use a year such as 2026 or a quarter such as 2026-Q4.", q))
			return
		}
	}
	if gf != nil {
		if v.Period, err = staffing.ParsePeriod(r.PostForm.Get("period")); err != nil {
			v.Period = staffing.QuarterOf(today)
		}
	}
	periodURL := func(p staffing.Period) string {
		return personURL(id) + "?period=" + url.QueryEscape(p.Key) + "#goals"
	}
	v.PrevURL, v.NextURL = periodURL(v.Period.Prev()), periodURL(v.Period.Next())
	if !v.Period.IsYear() {
		v.YearURL = periodURL(staffing.Period{Key: strconv.Itoa(v.Period.From.Year)})
	} else {
		v.YearURL = periodURL(staffing.QuarterOf(today))
	}
	g, has, err := h.db.Goals(ctx, sc, id, v.Period.Key)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	actuals, err := h.db.GoalActuals(ctx, sc, id, v.Period, today, h.loc())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.HasGoals = has
	pr := staffing.ProgressOf(g, actuals, v.Period, today)
	v.Measures = []measureView{
		h.measure("Revenue uplift", pr.Revenue, moneyCompact(pr.Revenue.Actual, v.Currency), moneyCompact(pr.Revenue.Goal, v.Currency),
			"Won opportunities closed in the period on the accounts they own."),
		h.measure("Retention", pr.Retention, fmt.Sprintf("%d%%", pr.Retention.Actual), fmt.Sprintf("%d%%", pr.Retention.Goal),
			retentionDetail(actuals)),
		h.measure("Communication", pr.Touches, strconv.FormatInt(pr.Touches.Actual, 10), strconv.FormatInt(pr.Touches.Goal, 10)+" touches",
			"Touches they attended in the period."),
	}
	v.Goal = goalForm{Revenue: moneyInput(g.Revenue, v.Currency), Retention: zeroBlank(g.Retention), Touches: zeroBlank(g.Touches)}
	if gf != nil {
		v.Goal = *gf
	}
	h.render(w, r, status, "person", v)
}

func zeroBlank(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func retentionDetail(a staffing.Actuals) string {
	var b strings.Builder
	switch a.Due {
	case 0:
		b.WriteString("No contract of theirs has ended in the period yet.")
	default:
		fmt.Fprintf(&b, "%d of %d contracts that ended in the period were renewed.", a.Renewed, a.Due)
	}
	if a.Upcoming > 0 {
		fmt.Fprintf(&b, " %d more end%s later in the period.", a.Upcoming, map[bool]string{true: "s", false: ""}[a.Upcoming == 1])
	}
	return b.String()
}

// measure draws a goal's bar: the actual as a share of the goal, with the
// goal at the line and, for goals paced over the period, the pace mark.
func (h *handler) measure(name string, m staffing.Measure, actual, goal, detail string) measureView {
	mv := measureView{Measure: m, Name: name, Actual: actual, Goal: goal, Detail: detail}
	if m.State == staffing.NoData {
		mv.Actual = "—" // nothing to measure yet: not 0%
	}
	if m.State != staffing.NoGoal && m.State != staffing.NoData {
		mv.Bar = newBar(m.Percent, 100, max(100, m.Percent), fmt.Sprintf("%d%% of the goal", m.Percent))
		if name != "Retention" {
			mv.Bar.Pace = strconv.FormatFloat(100*float64(m.Expected)/float64(max(100, m.Percent)), 'f', 1, 64)
		}
	}
	return mv
}

// setCapacity saves a person's capacity; an empty field returns them to
// the organisation's default.
func (h *handler) setCapacity(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	var capacity *int
	if typed := strings.TrimSpace(r.PostForm.Get("capacity")); typed != "" {
		n, err := wholeNumber(typed)
		if err != nil || n < 0 || n > staffing.MaxCapacity {
			h.showPerson(w, r, http.StatusUnprocessableEntity, nil, fmt.Sprintf("must be a whole number of points from 0 to %d", staffing.MaxCapacity))
			return
		}
		c := int(n)
		capacity = &c
	}
	if err := h.db.SetCapacity(ctx, h.guard.Scope(ctx), id, capacity); err != nil {
		if account.ErrorCode(err) == account.EINVALID {
			h.showPerson(w, r, http.StatusUnprocessableEntity, nil, account.ErrorMessage(err))
			return
		}
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, personURL(id)+"?done=capacity", http.StatusSeeOther)
}

// setGoals saves a person's goals for the period named in the form.
func (h *handler) setGoals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	if _, err := h.db.Person(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	wl, err := h.db.Workload(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	g := r.PostForm.Get
	f := goalForm{Revenue: g("revenue"), Retention: g("retention"), Touches: g("touches")}
	goals := staffing.Goals{PersonID: id, Period: g("period")}
	if goals.Revenue, err = parseMoney(f.Revenue, wl.Currency()); err != nil {
		f.Errors.add("revenue", goalLabels["revenue"], err.Error())
	}
	count := func(field, typed string, dst *int) {
		n, err := wholeNumber(strings.TrimSuffix(strings.TrimSpace(typed), "%"))
		if err != nil {
			f.Errors.add(field, goalLabels[field], err.Error())
			return
		}
		*dst = int(min(max(n, -1), 1_000_000))
	}
	count("retention", f.Retention, &goals.Retention)
	count("touches", f.Touches, &goals.Touches)
	if !f.Errors.Any() {
		err = h.db.SetGoals(ctx, sc, &goals)
		if err == nil {
			http.Redirect(w, r, personURL(id)+"?done=goals&period="+url.QueryEscape(goals.Period)+"#goals", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, goalLabels)
	}
	if f.Errors.Summary == "" {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange(goalFieldOrder, goalAnchors)
	h.showPerson(w, r, http.StatusUnprocessableEntity, &f, "")
}
