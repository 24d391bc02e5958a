package web

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
)

// ---- Problem board ---------------------------------------------------------

type problemRow struct {
	store.BoardProblem
	Age   string
	Owner string
	DueIn string
}

type problemsView struct {
	page
	Notice      string
	Board       store.ProblemBoard
	Rows        []problemRow // the first rows of those the filter matches (list_cap.go)
	Cap         capped
	Resolved    []problemRow // recently resolved and avoided, newest first
	Filter      problemFilter
	Severities  []outcome.Severity
	ExportQuery string
}

type problemFilter struct {
	Severity, State, Q string
}

func readProblemFilter(q url.Values) problemFilter {
	return problemFilter{Severity: q.Get("severity"), State: q.Get("state"), Q: strings.TrimSpace(q.Get("q"))}
}

// match reports whether the page (and its export) lists p.
func (f problemFilter) match(p store.BoardProblem) bool {
	return (f.Severity == "" || string(p.Severity) == f.Severity) &&
		(f.State == "" || string(p.Standing.State) == f.State) &&
		(f.Q == "" || strings.Contains(strings.ToLower(p.Title+" "+p.AccountName), strings.ToLower(f.Q)))
}

// ExportURL is the export of what the filter lists, in format.
func (f problemFilter) ExportURL(format string) string {
	q := url.Values{"format": {format}}
	for k, v := range map[string]string{"severity": f.Severity, "state": f.State, "q": f.Q} {
		if v != "" {
			q.Set(k, v)
		}
	}
	return "/problems/export?" + q.Encode()
}

// ageOf says how long ago t was, in days or hours.
func ageOf(t, now time.Time) string {
	d := now.Sub(t)
	if d < 48*time.Hour {
		return hoursOf(d)
	}
	return strconv.Itoa(int(d.Hours()/24)) + " days"
}

func (h *handler) peopleNames(r *http.Request) (map[int64]string, error) {
	ps, err := h.db.AllPeople(r.Context(), h.guard.Scope(r.Context()))
	names := map[int64]string{}
	for _, p := range ps {
		names[p.ID] = p.Name
	}
	return names, err
}

func nameOf(names map[int64]string, id *int64) string {
	if id == nil {
		return ""
	}
	return names[*id]
}

func (h *handler) problemsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	now := h.now()
	q := r.URL.Query()
	v := problemsView{page: page{Title: "Problems", Section: "outcomes"}, Severities: outcome.Severities,
		Filter: readProblemFilter(q)}
	switch q.Get("done") {
	case "created":
		v.Notice = "The problem is recorded."
	case "avoided":
		v.Notice = "The avoided risk is recorded: prevention shows in the resolution figures."
	case "saved":
		v.Notice = "The problem is saved."
	}
	var err error
	if v.Board, err = h.db.OpenProblems(ctx, sc, 0, h.guard.VisibleTo(ctx), now); err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.peopleNames(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range v.Board.Open {
		if !v.Filter.match(p) {
			continue
		}
		row := problemRow{BoardProblem: p, Age: ageOf(p.OpenedAt, now), Owner: nameOf(names, p.OwnerID)}
		if d := p.Standing.Due.Sub(now); d > 0 {
			row.DueIn = hoursOf(d)
		} else {
			row.DueIn = hoursOf(-d) + " late"
		}
		v.Rows = append(v.Rows, row)
	}
	v.Rows, v.Cap = capRows(r, v.Rows)
	done, _, err := h.db.Problems(ctx, sc, store.ProblemFilter{Page: account.Page{Limit: 10, Sort: "-updated_at", VisibleTo: h.guard.VisibleTo(ctx)},
		Status: "resolved"})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ids := make([]int64, 0, len(done))
	for _, p := range done {
		ids = append(ids, p.AccountID)
	}
	accts, err := h.db.AccountsByID(ctx, sc, ids)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, p := range done {
		row := problemRow{BoardProblem: store.BoardProblem{Problem: p, AccountName: accts[p.AccountID].Name}, Owner: nameOf(names, p.OwnerID)}
		if p.ResolvedAt != nil {
			row.Age = ageOf(*p.ResolvedAt, now) + " ago"
		}
		v.Resolved = append(v.Resolved, row)
	}
	v.ExportQuery = r.URL.RawQuery
	h.render(w, r, http.StatusOK, "problems", v)
}

// ---- Problem form ----------------------------------------------------------

type problemForm struct {
	AccountID                     string
	Kind                          string
	Title, Detail, Severity       string
	Status, Escalation            string
	ReportedBy, Owner, Accountble string
	OpenedAt                      string
}

type problemFormView struct {
	page
	IsNew        bool
	Avoided      bool
	ID           int64
	Action       string
	Account      account.Account
	Form         problemForm
	Errors       formErrors
	Severities   []outcome.Severity
	Statuses     []outcome.Status
	People       []account.Person
	Stakeholders []account.Stakeholder
	Steps        []string
	Standing     outcome.Standing
	Target       outcome.Target
	Due          string
	TargetText   string
}

var problemLabels = map[string]string{"title": "Title", "detail": "Detail", "severity": "Severity", "status": "Status",
	"escalation": "Escalation", "reported_by": "Reported by", "owner_id": "Owner", "accountable_id": "Accountable",
	"opened_at": "Opened", "resolved_at": "Resolved", "responded_at": "Responded", "account_id": "Account"}

const localTime = "2006-01-02T15:04"

// idText (an optional id as form text) is shared with intel_portfolio.go.

func (h *handler) problemFormView(r *http.Request, v *problemFormView) error {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v.Severities, v.Statuses = outcome.Severities, outcome.Statuses
	var err error
	if v.People, err = h.db.AllPeople(ctx, sc); err != nil {
		return err
	}
	if v.Account.ID != 0 {
		if v.Stakeholders, _, err = h.db.Stakeholders(ctx, sc, account.StakeholderFilter{Page: account.Page{Limit: 500}, AccountID: v.Account.ID}); err != nil {
			return err
		}
		p, err := h.db.EscalationPath(ctx, sc, v.Account.ID)
		if err != nil {
			return err
		}
		v.Steps = p.Steps
	}
	return nil
}

func (h *handler) newProblemPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	v := problemFormView{page: page{Title: "New problem", Section: "outcomes"}, IsNew: true, Action: "/problems",
		Avoided: q.Get("kind") == "avoided"}
	v.Form = problemForm{Severity: "medium", Status: "open", Kind: "problem", OpenedAt: h.now().In(h.loc()).Format(localTime)}
	if v.Avoided {
		v.Title, v.Form.Kind, v.Form.Status, v.Form.Severity = "Record an avoided risk", "avoided", "resolved", "high"
	}
	if id, err := strconv.ParseInt(q.Get("account"), 10, 64); err == nil && id > 0 {
		if err := h.guard.CanReadAccount(ctx, id); err != nil {
			h.fail(w, r, err)
			return
		}
		a, err := h.db.Account(ctx, h.guard.Scope(ctx), id)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Account, v.Form.AccountID = a, strconv.FormatInt(id, 10)
		if a.OwnerID != nil {
			v.Form.Owner, v.Form.Accountble = idText(a.OwnerID), idText(a.OwnerID)
		}
	}
	if err := h.problemFormView(r, &v); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "problem_form", v)
}

func (h *handler) editProblemPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, err := h.db.Problem(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanReadAccount(ctx, p.AccountID); err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.db.Account(ctx, sc, p.AccountID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := problemFormView{page: page{Title: p.Title, Section: "outcomes"}, ID: p.ID, Action: "/problems/" + strconv.FormatInt(p.ID, 10),
		Account: a, Avoided: p.Kind == outcome.KindAvoided}
	v.Form = problemForm{AccountID: strconv.FormatInt(a.ID, 10), Kind: string(p.Kind), Title: p.Title, Detail: p.Detail,
		Severity: string(p.Severity), Status: string(p.Status), Escalation: strconv.Itoa(p.Escalation), ReportedBy: idText(p.ReportedBy),
		Owner: idText(p.OwnerID), Accountble: idText(p.AccountableID), OpenedAt: p.OpenedAt.In(h.loc()).Format(localTime)}
	if err := h.problemFormView(r, &v); err != nil {
		h.fail(w, r, err)
		return
	}
	ts, err := h.db.ResolutionTargets(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	badges, err := h.db.AccountBadges(ctx, sc, []int64{a.ID})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Target = ts.For(string(badges[a.ID].Tier), p.Severity)
	v.Standing = outcome.Stand(p, v.Target, h.now())
	if !v.Standing.Due.IsZero() {
		v.Due = formatTime(v.Standing.Due, h.loc())
	}
	v.TargetText = hoursOf(v.Target.Respond) + " to respond, " + hoursOf(v.Target.Resolve) + " to resolve"
	h.render(w, r, http.StatusOK, "problem_form", v)
}

// readProblemForm reads a posted problem; field errors go into v.
func (h *handler) readProblemForm(r *http.Request, v *problemFormView) outcome.Problem {
	pf := r.PostForm
	v.Form = problemForm{AccountID: pf.Get("account_id"), Kind: pf.Get("kind"), Title: pf.Get("title"), Detail: pf.Get("detail"),
		Severity: pf.Get("severity"), Status: pf.Get("status"), Escalation: pf.Get("escalation"), ReportedBy: pf.Get("reported_by"),
		Owner: pf.Get("owner_id"), Accountble: pf.Get("accountable_id"), OpenedAt: pf.Get("opened_at")}
	f := v.Form
	p := outcome.Problem{Kind: outcome.Kind(f.Kind), Title: f.Title, Detail: f.Detail, Severity: outcome.Severity(f.Severity),
		Status: outcome.Status(f.Status)}
	if f.Escalation != "" {
		n, err := strconv.Atoi(f.Escalation)
		if err != nil {
			v.Errors.add("escalation", "Escalation", "must be a step number")
		}
		p.Escalation = n
	}
	for _, x := range []struct {
		field, val string
		dst        **int64
	}{{"reported_by", f.ReportedBy, &p.ReportedBy}, {"owner_id", f.Owner, &p.OwnerID}, {"accountable_id", f.Accountble, &p.AccountableID}} {
		id, err := optionalID(x.val)
		if err != nil {
			v.Errors.add(x.field, problemLabels[x.field], "must be chosen from the list")
		}
		*x.dst = id
	}
	if s := strings.TrimSpace(f.OpenedAt); s != "" {
		t, err := time.ParseInLocation(localTime, s, h.loc())
		if err != nil {
			v.Errors.add("opened_at", "Opened", "must be a date and time such as 2026-03-02T09:30")
		} else if t.After(h.now().Add(time.Minute)) {
			v.Errors.add("opened_at", "Opened", "must not be in the future")
		}
		p.OpenedAt = t
	}
	return p
}

func (h *handler) createProblem(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	v := problemFormView{page: page{Title: "New problem", Section: "outcomes"}, IsNew: true, Action: "/problems"}
	p := h.readProblemForm(r, &v)
	v.Avoided = p.Kind == outcome.KindAvoided
	id, err := strconv.ParseInt(strings.TrimSpace(v.Form.AccountID), 10, 64)
	if err != nil || id <= 0 {
		v.Errors.add("account_id", "Account", "is required: start from the account's page")
	} else if err := h.guard.CanReadAccount(ctx, id); err != nil {
		v.Errors.add("account_id", "Account", "refers to no account you may see")
	} else if err := h.guard.CanEdit(ctx, id, access.PartTouch); err != nil {
		h.fail(w, r, err)
		return
	} else if v.Account, err = h.db.Account(ctx, sc, id); err != nil {
		h.fail(w, r, err)
		return
	}
	p.AccountID = id
	if !v.Errors.Any() {
		if err := h.db.CreateProblem(ctx, sc, &p); err != nil {
			if !formProblem(err) {
				h.fail(w, r, err)
				return
			}
			v.Errors.fromError(err, problemLabels)
		}
	}
	if v.Errors.Any() {
		h.problemFormAgain(w, r, &v)
		return
	}
	done := "created"
	if v.Avoided {
		done = "avoided"
	}
	http.Redirect(w, r, "/problems?done="+done, http.StatusSeeOther)
}

func (h *handler) problemFormAgain(w http.ResponseWriter, r *http.Request, v *problemFormView) {
	if v.Errors.Summary == "" {
		v.Errors.Summary = "The problem could not be saved."
	}
	if err := h.problemFormView(r, v); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusUnprocessableEntity, "problem_form", v)
}

func (h *handler) updateProblem(w http.ResponseWriter, r *http.Request) {
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
	cur, err := h.db.Problem(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanReadAccount(ctx, cur.AccountID); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanEdit(ctx, cur.AccountID, access.PartTouch); err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.db.Account(ctx, sc, cur.AccountID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := problemFormView{page: page{Title: cur.Title, Section: "outcomes"}, ID: id, Action: "/problems/" + strconv.FormatInt(id, 10), Account: a}
	p := h.readProblemForm(r, &v)
	p.ID, p.AccountID = id, cur.AccountID
	v.Avoided = p.Kind == outcome.KindAvoided
	// Keep the recorded instants while the status does not move back.
	p.RespondedAt, p.ResolvedAt = cur.RespondedAt, cur.ResolvedAt
	if !v.Errors.Any() {
		if err := h.db.UpdateProblem(ctx, sc, &p); err != nil {
			if !formProblem(err) {
				h.fail(w, r, err)
				return
			}
			v.Errors.fromError(err, problemLabels)
		}
	}
	if v.Errors.Any() {
		h.problemFormAgain(w, r, &v)
		return
	}
	http.Redirect(w, r, "/problems?done=saved", http.StatusSeeOther)
}

// ---- Renewals --------------------------------------------------------------

type renewalRow struct {
	store.Renewal
	Owner    string
	Window   int
	Days     int
	Currency string
	Error    string
}

type windowTab struct {
	Days    int
	Count   int
	Value   int64
	URL     string
	Current bool
}

type renewalsView struct {
	page
	Notice, Problem string
	Within          int
	Forecast        string
	Tabs            []windowTab
	Rows            []renewalRow // the window's first rows (list_cap.go)
	Cap             capped
	AtRisk          []renewalRow // the first renewals forecast at risk
	AtRiskCap       capped
	Currency        string
	Forecasts       []outcome.Forecast
	Outcomes        []outcome.RenewalOutcome
	Query           template.URL // within, forecast and all (url.Values.Encode): where a saved renewal returns to
}

// renewalWindow selects the renewals of the calendar's window.
func renewalWindow(today account.Date, within int, forecast string, visible int64) store.RenewalFilter {
	return store.RenewalFilter{From: today, To: today.AddDays(within + 1), Forecast: forecast, VisibleTo: visible}
}

// renewalsAtRisk selects the undecided renewals forecast at risk, from a
// month ago to six months ahead.
func renewalsAtRisk(today account.Date, visible int64) store.RenewalFilter {
	return store.RenewalFilter{From: today.AddDays(-30), To: today.AddDays(181), Forecast: "at_risk", Outcome: "none", VisibleTo: visible}
}

// renewalQuery is the renewals page's own query: window, forecast and,
// when asked for, every row.
func renewalQuery(r *http.Request, within int, forecast string) string {
	q := url.Values{"within": {strconv.Itoa(within)}}
	if forecast != "" {
		q.Set("forecast", forecast)
	}
	if showAll(r) {
		q.Set("all", "1")
	}
	return q.Encode()
}

// ExportURL is the export of the window's renewals (list "" ) or of those at
// risk (list "at_risk"), in format: every row.
func (v renewalsView) ExportURL(list, format string) string {
	q := url.Values{"format": {format}, "within": {strconv.Itoa(v.Within)}}
	if v.Forecast != "" {
		q.Set("forecast", v.Forecast)
	}
	if list != "" {
		q = url.Values{"format": {format}, "list": {list}}
	}
	return "/renewals/export?" + q.Encode()
}

// cappedRenewals lists the first renewals f selects on the page of r (every
// one with ?all=1), with the true count.
func (h *handler) cappedRenewals(r *http.Request, f store.RenewalFilter) ([]store.Renewal, capped, error) {
	ctx := r.Context()
	f.Limit, f.All = listShown, showAll(r)
	rs, total, err := h.db.RenewalList(ctx, h.guard.Scope(ctx), f)
	c := capOf(r, total)
	c.Shown = len(rs)
	return rs, c, err
}

func (h *handler) renewals(r *http.Request, v *renewalsView) error {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	today := account.DateOf(h.now().In(h.loc()))
	visible := h.guard.VisibleTo(ctx)
	v.Forecasts, v.Outcomes = outcome.Forecasts, outcome.RenewalOutcomes
	v.Currency = h.orgCurrency(r)
	counts, err := h.db.RenewalCounts(ctx, sc, today, visible)
	if err != nil {
		return err
	}
	for _, d := range outcome.Windows {
		u := "/renewals?within=" + strconv.Itoa(d)
		if v.Forecast != "" {
			u += "&forecast=" + v.Forecast
		}
		v.Tabs = append(v.Tabs, windowTab{Days: d, Count: counts[d].Count, Value: counts[d].Value, URL: u, Current: d == v.Within})
	}
	names, err := h.peopleNames(r)
	if err != nil {
		return err
	}
	rs, c, err := h.cappedRenewals(r, renewalWindow(today, v.Within, v.Forecast, visible))
	if err != nil {
		return err
	}
	v.Cap = c
	for _, x := range rs {
		v.Rows = append(v.Rows, renewalRowOf(x, names, today))
	}
	risky, c, err := h.cappedRenewals(r, renewalsAtRisk(today, visible))
	if err != nil {
		return err
	}
	v.AtRiskCap = c
	for _, x := range risky {
		v.AtRisk = append(v.AtRisk, renewalRowOf(x, names, today))
	}
	v.Query = template.URL(renewalQuery(r, v.Within, v.Forecast))
	return nil
}

// renewalRowOf is a renewal as the page and the exports show it.
func renewalRowOf(x store.Renewal, names map[int64]string, today account.Date) renewalRow {
	return renewalRow{Renewal: x, Owner: nameOf(names, x.OwnerID), Window: outcome.Window(x.RenewsOn, today), Days: x.RenewsOn.DaysSince(today),
		Currency: x.Currency}
}

func readWithin(q url.Values) (int, string) {
	within := 90
	if n, err := strconv.Atoi(q.Get("within")); err == nil && (n == 30 || n == 60 || n == 90 || n == 180) {
		within = n
	}
	forecast := ""
	switch f := q.Get("forecast"); f {
	case "likely", "at_risk", "lost", "none":
		forecast = f
	}
	return within, forecast
}

func (h *handler) renewalsPage(w http.ResponseWriter, r *http.Request) {
	v := renewalsView{page: page{Title: "Renewals", Section: "outcomes"}}
	v.Within, v.Forecast = readWithin(r.URL.Query())
	if r.URL.Query().Get("done") == "saved" {
		v.Notice = "The renewal is saved."
	}
	if err := h.renewals(r, &v); err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "renewals", v)
}

func (h *handler) updateRenewal(w http.ResponseWriter, r *http.Request) {
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
	cur, err := h.db.Renewal(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanReadAccount(ctx, cur.AccountID); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.guard.CanEdit(ctx, cur.AccountID, access.PartContract); err != nil {
		h.fail(w, r, err)
		return
	}
	pf := r.PostForm
	u := store.RenewalUpdate{RenewalDate: cur.RenewalDate, NoticeDays: cur.NoticeDays, OwnerID: cur.OwnerID, SuccessorID: cur.SuccessorID,
		Forecast: outcome.Forecast(pf.Get("forecast")), Outcome: outcome.RenewalOutcome(pf.Get("outcome")), Reason: strings.TrimSpace(pf.Get("reason"))}
	msg := ""
	if s := strings.TrimSpace(pf.Get("renewed_value")); s != "" {
		if u.RenewedValue, err = parseMoney(s, cur.Currency); err != nil {
			msg = "The renewed value must be an amount such as 120000."
		}
	}
	if msg == "" {
		if _, err := h.db.UpdateRenewal(ctx, sc, id, u); err != nil {
			if !formProblem(err) {
				h.fail(w, r, err)
				return
			}
			var parts []string
			for _, f := range account.ErrorFields(err) {
				parts = append(parts, strings.ReplaceAll(f.Field, "_", " ")+" "+f.Message)
			}
			msg = cur.AccountName + " · " + cur.Product + ": " + strings.Join(parts, "; ") + "."
		}
	}
	back := pf.Get("back")
	if !strings.HasPrefix(back, "/renewals") && !strings.HasPrefix(back, "/accounts/") {
		back = "/renewals"
	}
	if msg != "" {
		v := renewalsView{page: page{Title: "Renewals", Section: "outcomes"}, Problem: msg}
		v.Within, v.Forecast = readWithin(r.URL.Query())
		if err := h.renewals(r, &v); err != nil {
			h.fail(w, r, err)
			return
		}
		h.render(w, r, http.StatusUnprocessableEntity, "renewals", v)
		return
	}
	sep := "?"
	if strings.Contains(back, "?") {
		sep = "&"
	}
	http.Redirect(w, r, back+sep+"done=saved", http.StatusSeeOther)
}

// ---- Exports ---------------------------------------------------------------

func (h *handler) exportProblems(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	b, err := h.db.OpenProblems(ctx, h.guard.Scope(ctx), 0, h.guard.VisibleTo(ctx), h.now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.peopleNames(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	var rows [][]any
	f := readProblemFilter(r.URL.Query())
	for _, p := range b.Open {
		if !f.match(p) {
			continue
		}
		rows = append(rows, []any{p.ID, p.AccountName, p.Title, string(p.Severity), string(p.Status), string(p.Standing.State),
			p.OpenedAt.In(h.loc()).Format(localTime), p.Standing.Due.In(h.loc()).Format(localTime), nameOf(names, p.OwnerID), p.Escalation})
	}
	if err := writeTable(w, r.URL.Query().Get("format"), "open-problems",
		[]string{"id", "account", "title", "severity", "status", "standing", "opened", "due", "owner", "escalation"}, rows); err != nil {
		h.log.ErrorContext(ctx, "export problems", "err", err)
	}
}

// exportRenewals answers every renewal of the page's window (as filtered),
// or with ?list=at_risk every renewal forecast at risk.
func (h *handler) exportRenewals(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	q := r.URL.Query()
	today := account.DateOf(h.now().In(h.loc()))
	visible := h.guard.VisibleTo(ctx)
	within, forecast := readWithin(q)
	f, name := renewalWindow(today, within, forecast, visible), "renewals-"+strconv.Itoa(within)+"-days"
	switch list := q.Get("list"); list {
	case "":
	case "at_risk":
		f, name = renewalsAtRisk(today, visible), "renewals-at-risk"
	default:
		h.fail(w, r, account.Invalid("list", "must be at_risk, or absent for the calendar (is %q)", list))
		return
	}
	f.All = true
	rs, err := h.db.Renewals(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	names, err := h.peopleNames(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(rs))
	for _, x := range rs {
		rows = append(rows, []any{x.ContractID, x.AccountName, x.Product, x.RenewsOn.String(), x.NoticeBy.String(),
			float64(x.AnnualValue) / 100, x.Currency, string(x.Forecast), string(x.Outcome), x.Reason, nameOf(names, x.OwnerID)})
	}
	if err := writeTable(w, q.Get("format"), name,
		[]string{"contract", "account", "product", "renews_on", "notice_by", "annual_value", "currency", "forecast", "outcome", "reason", "owner"}, rows); err != nil {
		h.log.ErrorContext(ctx, "export renewals", "err", err)
	}
}

// ---- The account page's section --------------------------------------------

type outcomeSummaryView struct {
	AccountID   int64
	Open        int
	Breached    int
	Approaching int
	Resolved    int
	Avoided     int
	Respond     string
	Resolve     string
	Next        *renewalRow
	CLV         outcome.CLV
	Currency    string
	Escalation  store.EscalationPath // agreed with the client; no steps when none
	R, D        ratio
	CanEdit     bool
}

// outcomeSummary loads this feature's section of the account page (nil: none).
func (h *handler) outcomeSummary(r *http.Request, a account.Account) (any, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	now := h.now()
	today := account.DateOf(now.In(h.loc()))
	v := outcomeSummaryView{AccountID: a.ID, Currency: a.Currency, CanEdit: h.guard.CanEdit(ctx, a.ID, access.PartTouch) == nil}
	b, err := h.db.OpenProblems(ctx, sc, a.ID, 0, now)
	if err != nil {
		return nil, err
	}
	v.Open, v.Breached, v.Approaching = len(b.Open), b.Breached, b.Approaching
	m, err := h.db.Resolution(ctx, sc, a.ID, time.Unix(0, 0), now.Add(time.Minute), now)
	if err != nil {
		return nil, err
	}
	v.Resolved, v.Avoided = m.All.Resolved, m.All.Avoided
	v.Respond, v.Resolve = hoursOf(m.All.Respond.Median), hoursOf(m.All.Resolve.Median)
	rs, err := h.db.Renewals(ctx, sc, store.RenewalFilter{From: today, To: today.AddDays(3 * 366), AccountID: a.ID, Outcome: "none", Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(rs) > 0 {
		v.Next = &renewalRow{Renewal: rs[0], Window: outcome.Window(rs[0].RenewsOn, today), Days: rs[0].RenewsOn.DaysSince(today), Currency: rs[0].Currency}
	}
	if v.CLV, err = h.db.AccountCLV(ctx, sc, a.ID, today); err != nil {
		return nil, err
	}
	v.R, v.D = ratio(v.CLV.R), ratio(v.CLV.D)
	if v.Escalation, err = h.db.EscalationPath(ctx, sc, a.ID); err != nil {
		return nil, err
	}
	return v, nil
}

// saveEscalation records the escalation path agreed with the client (one
// step a line), from the account page's outcomes section. Problems are
// changed with the right to log touches; their escalation path likewise.
func (h *handler) saveEscalation(w http.ResponseWriter, r *http.Request) {
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
	p := store.EscalationPath{AccountID: id, Steps: strings.Split(r.PostForm.Get("steps"), "\n")}
	if s := strings.TrimSpace(r.PostForm.Get("agreed_on")); s != "" {
		if p.AgreedOn, err = account.ParseDate(s); err != nil {
			h.fail(w, r, account.Invalid("agreed_on", "Agreed on must be a date such as 2026-03-02"))
			return
		}
	}
	if err := h.db.SetEscalationPath(ctx, h.guard.Scope(ctx), &p); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, fmt.Sprintf("/accounts/%d#outcomes", id), http.StatusSeeOther)
}
