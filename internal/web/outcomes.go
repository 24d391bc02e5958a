package web

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/outcome"
	"github.com/samwise-sam/samwise/internal/store"
)

// The outcome pages: the leader's page (/outcomes: retention against the
// target, revenue and pipeline, resolution, and whether the program pays),
// the problem board (/problems) with its forms, the renewal calendar
// (/renewals), the assumptions (/outcomes/settings), CSV and Excel exports
// of the lists, and the account page's outcome section. The formulas are
// package outcome's; every figure is shown beside its inputs.

// outcomePages registers this feature's pages.
func (h *handler) outcomePages(handle handleFunc) {
	handle("GET /outcomes", access.ReadRecords, h.outcomesPage)
	handle("GET /outcomes/settings", access.ReadRecords, h.outcomeSettingsPage)
	handle("POST /outcomes/settings", access.SetPolicy, h.saveOutcomeSettings)
	handle("GET /problems", access.ReadRecords, h.problemsPage)
	handle("GET /problems/export", access.ReadRecords, h.exportProblems)
	handle("GET /problems/new", access.ReadRecords, h.newProblemPage)
	handle("POST /problems", access.WriteRecords, h.createProblem)
	handle("GET /problems/{id}", access.ReadRecords, h.editProblemPage)
	handle("POST /problems/{id}", access.WriteRecords, h.updateProblem)
	handle("GET /renewals", access.ReadRecords, h.renewalsPage)
	handle("GET /renewals/export", access.ReadRecords, h.exportRenewals)
	handle("POST /renewals/{id}", access.WriteRecords, h.updateRenewal)
	handle("POST /accounts/{id}/escalation-path", access.WriteRecords, h.saveEscalation)
}

// ---- Formatting ------------------------------------------------------------

// ratio is a fraction shown as a percentage with one decimal ("66.7%").
type ratio float64

func (r ratio) String() string {
	return strconv.FormatFloat(math.Round(float64(r)*1000)/10, 'f', 1, 64) + "%"
}

// hoursOf shows a duration in hours ("13 h", "1.5 h", "30 min").
func hoursOf(d time.Duration) string {
	switch {
	case d <= 0:
		return "—"
	case d < time.Hour:
		return strconv.Itoa(int(d.Round(time.Minute)/time.Minute)) + " min"
	}
	return strings.TrimSuffix(strconv.FormatFloat(math.Round(d.Hours()*10)/10, 'f', 1, 64), ".0") + " h"
}

func dayParam(v url.Values, key string, def account.Date) (account.Date, string) {
	s := strings.TrimSpace(v.Get(key))
	if s == "" {
		return def, ""
	}
	d, err := account.ParseDate(s)
	if err != nil {
		return def, "The " + key + " date must be a day such as 2026-01-31."
	}
	return d, ""
}

// ---- The leader's page -----------------------------------------------------

type retentionRow struct {
	Label string
	Key   bool // the row the target is about
	R     outcome.Retention
}

func (r retentionRow) Logo() ratio { return ratio(r.R.Logo) }
func (r retentionRow) GRR() ratio  { return ratio(r.R.GRR) }
func (r retentionRow) NRR() ratio  { return ratio(r.R.NRR) }

type stageRow struct {
	outcome.StageLine
	Label string
}

type managerRevenueRow struct {
	ID   int64
	Name string
	R    outcome.Revenue
}

func (m managerRevenueRow) WinRate() ratio   { return ratio(m.R.WinRate) }
func (m managerRevenueRow) GoalShare() ratio { return ratio(m.R.GoalShare) }

type resolutionRow struct {
	Label string
	R     outcome.Resolution
}

func (r resolutionRow) RespondMedian() string { return hoursOf(r.R.Respond.Median) }
func (r resolutionRow) RespondP90() string    { return hoursOf(r.R.Respond.P90) }
func (r resolutionRow) ResolveMedian() string { return hoursOf(r.R.Resolve.Median) }
func (r resolutionRow) ResolveP90() string    { return hoursOf(r.R.Resolve.P90) }

type touchCostRow struct {
	outcome.TouchCount
	Hours float64
}

type outcomesView struct {
	page
	From, To, Tier string
	Problem        string
	Currency       string
	Settings       outcome.Settings
	Target         ratio
	Ret            outcome.RetentionReport
	KeyLogo        ratio
	RetRows        []retentionRow
	RetChart       chartSVG
	Rev            store.RevenueMeasures
	WinRate        ratio
	Stages         []stageRow
	Managers       []managerRevenueRow
	RevChart       chartSVG
	Resolution     []resolutionRow
	ROI            outcome.ROI
	ROIValue       ratio
	StrategicNRR   ratio
	RestNRR        ratio
	Touches        []touchCostRow
	CanSet         bool
	Periods        []periodLink
}

type periodLink struct {
	Label, URL string
	Current    bool
}

func (h *handler) outcomesPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	today := account.DateOf(h.now().In(h.loc()))
	q := r.URL.Query()
	v := outcomesView{page: page{Title: "Outcomes", Section: "outcomes"}, CanSet: h.guard.Allow(ctx, access.SetPolicy) == nil}
	from, p1 := dayParam(q, "from", account.Date{Year: today.Year - 1, Month: 1, Day: 1})
	to, p2 := dayParam(q, "to", account.Date{Year: today.Year, Month: 1, Day: 1})
	if from == (account.Date{Year: today.Year - 1, Month: 1, Day: 1}) && q.Get("from") == "" && q.Get("to") == "" && today.Month > 6 {
		// Past mid-year, the year so far says more than last year.
		from, to = account.Date{Year: today.Year, Month: 1, Day: 1}, today
	}
	v.Problem = p1 + p2
	if !from.Before(to) {
		v.Problem = "The period must end after it starts; showing last year instead."
		from, to = account.Date{Year: today.Year - 1, Month: 1, Day: 1}, account.Date{Year: today.Year, Month: 1, Day: 1}
	}
	switch t := q.Get("tier"); t {
	case "A", "B", "C", "-":
		v.Tier = t
	}
	v.From, v.To = from.String(), to.String()
	for _, p := range []struct {
		label    string
		from, to account.Date
	}{
		{"Last year", account.Date{Year: today.Year - 1, Month: 1, Day: 1}, account.Date{Year: today.Year, Month: 1, Day: 1}},
		{"This year so far", account.Date{Year: today.Year, Month: 1, Day: 1}, today},
		{"Last 12 months", today.AddDays(-365), today},
	} {
		u := "/outcomes?from=" + p.from.String() + "&to=" + p.to.String()
		if v.Tier != "" {
			u += "&tier=" + v.Tier
		}
		v.Periods = append(v.Periods, periodLink{Label: p.label, URL: u, Current: p.from == from && p.to == to})
	}
	var err error
	if v.Settings, err = h.db.OutcomeSettings(ctx, sc); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Target = ratio(v.Settings.RetentionTarget)
	if v.Ret, err = h.db.RetentionReport(ctx, sc, from, to, v.Tier); err != nil {
		h.fail(w, r, err)
		return
	}
	key := v.Ret.Strategic
	if !key.Defined {
		key = v.Ret.All
	}
	v.KeyLogo = ratio(key.Logo)
	v.RetRows = []retentionRow{{"Whole portfolio", !v.Ret.Strategic.Defined, v.Ret.All}, {"Strategic accounts", true, v.Ret.Strategic},
		{"Other accounts", false, v.Ret.Rest}}
	for _, t := range []string{"A", "B", "C", ""} {
		if rr := v.Ret.Tiers[t]; rr.Cohort > 0 {
			label := "Tier " + t
			if t == "" {
				label = "Not tiered"
			}
			v.RetRows = append(v.RetRows, retentionRow{Label: label, R: rr})
		}
	}
	v.RetChart = retentionChart(v.RetRows[:3], v.Settings.RetentionTarget)

	if v.Rev, err = h.db.Revenue(ctx, sc, from, to, v.Tier); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Currency = v.Rev.Currency
	v.WinRate = ratio(v.Rev.All.WinRate)
	for _, s := range v.Rev.All.Pipeline {
		v.Stages = append(v.Stages, stageRow{StageLine: s, Label: account.Label(s.Stage)})
	}
	for id, m := range v.Rev.Managers {
		name := v.Rev.Names[id]
		if id == 0 {
			name = "No owner"
		}
		v.Managers = append(v.Managers, managerRevenueRow{ID: id, Name: name, R: *m})
	}
	slices.SortFunc(v.Managers, func(a, b managerRevenueRow) int {
		if a.R.Won != b.R.Won {
			return int(min(max(b.R.Won-a.R.Won, -1), 1))
		}
		return strings.Compare(a.Name, b.Name)
	})
	v.RevChart = pipelineChart(v.Stages, v.Currency)

	res, err := h.db.Resolution(ctx, sc, 0, from.Time(), to.Time(), h.now())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Resolution = append(v.Resolution, resolutionRow{"Whole portfolio", res.All})
	for _, t := range []string{"A", "B", "C", ""} {
		if rr, ok := res.Tiers[t]; ok {
			label := "Tier " + t
			if t == "" {
				label = "Not tiered"
			}
			v.Resolution = append(v.Resolution, resolutionRow{label, rr})
		}
	}
	roi, _, err := h.db.ProgramROI(ctx, sc, from, to, h.loc())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.ROI, v.ROIValue, v.StrategicNRR, v.RestNRR = roi, ratio(roi.Value), ratio(roi.StrategicNRR), ratio(roi.RestNRR)
	for _, t := range roi.Touches {
		v.Touches = append(v.Touches, touchCostRow{TouchCount: t, Hours: float64(t.Count) * t.Hours})
	}
	h.render(w, r, http.StatusOK, "outcomes", v)
}

// retentionChart draws logo retention, GRR and NRR of each row as bars,
// with the target as a dashed line on the logo scale.
func retentionChart(rows []retentionRow, target float64) chartSVG {
	const w, rowH, left, right, top = 640, 66, 150, 60, 24
	h := top + rowH*len(rows) + 24
	scale := 1.2
	for _, r := range rows {
		scale = max(scale, math.Ceil(r.R.NRR*10)/10)
	}
	x := func(v float64) float64 { return left + (w-left-right)*min(max(v, 0), scale)/scale }
	var b strings.Builder
	var alt []string
	fmt.Fprintf(&b, `<svg class="chart outcome-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="ret-chart-title" focusable="false">`, w, h)
	b.WriteString(`<title id="ret-chart-title">Logo retention, gross and net revenue retention</title>`)
	for _, g := range []float64{0, 0.5, 1} {
		fmt.Fprintf(&b, `<line class="grid" x1="%s" x2="%s" y1="%d" y2="%d"/><text class="axis" x="%s" y="%d" text-anchor="middle">%s</text>`,
			f1(x(g)), f1(x(g)), top-6, h-20, f1(x(g)), h-6, ratio(g))
	}
	for i, r := range rows {
		y := top + i*rowH
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, left-10, y+32, template.HTMLEscapeString(r.Label))
		if !r.R.Defined {
			fmt.Fprintf(&b, `<text class="axis" x="%d" y="%d">No accounts with revenue at the start</text>`, left+4, y+32)
			alt = append(alt, r.Label+": no cohort")
			continue
		}
		for j, m := range []struct {
			cls string
			v   float64
			tag string
		}{{"bar-logo", r.R.Logo, "Logo"}, {"bar-grr", r.R.GRR, "GRR"}, {"bar-nrr", r.R.NRR, "NRR"}} {
			by := y + 6 + j*18
			fmt.Fprintf(&b, `<rect class="%s" x="%d" y="%d" width="%s" height="14"><title>%s %s</title></rect>`,
				m.cls, left, by, f1(x(m.v)-left), m.tag, ratio(m.v))
			fmt.Fprintf(&b, `<text class="value" x="%s" y="%d">%s %s</text>`, f1(x(m.v)+4), by+11, m.tag, ratio(m.v))
		}
		alt = append(alt, fmt.Sprintf("%s: logo %s, GRR %s, NRR %s", r.Label, ratio(r.R.Logo), ratio(r.R.GRR), ratio(r.R.NRR)))
	}
	fmt.Fprintf(&b, `<line class="target" x1="%s" x2="%s" y1="%d" y2="%d"/><text class="axis target-label" x="%s" y="%d" text-anchor="middle">target %s</text>`,
		f1(x(target)), f1(x(target)), top-4, h-20, f1(x(target)), top-10, ratio(target))
	b.WriteString(`</svg>`)
	return chartSVG{SVG: template.HTML(b.String()), Label: strings.Join(alt, "; ")}
}

// pipelineChart draws each open stage's amount with its weighted part.
func pipelineChart(stages []stageRow, currency string) chartSVG {
	const w, rowH, left, right, top = 640, 40, 110, 150, 10
	h := top + rowH*len(stages) + 10
	var most int64 = 1
	for _, s := range stages {
		most = max(most, s.Amount)
	}
	x := func(v int64) float64 { return float64(w-left-right) * float64(v) / float64(most) }
	var b strings.Builder
	var alt []string
	fmt.Fprintf(&b, `<svg class="chart outcome-chart" viewBox="0 0 %d %d" role="img" aria-labelledby="pipe-chart-title" focusable="false">`, w, h)
	b.WriteString(`<title id="pipe-chart-title">Open pipeline by stage, amount and probability-weighted amount</title>`)
	for i, s := range stages {
		y := top + i*rowH
		fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, left-10, y+20, template.HTMLEscapeString(s.Label))
		fmt.Fprintf(&b, `<rect class="bar-open" x="%d" y="%d" width="%s" height="22"><title>%s open</title></rect>`, left, y+4, f1(x(s.Amount)), moneyFull(s.Amount, currency))
		fmt.Fprintf(&b, `<rect class="bar-weighted" x="%d" y="%d" width="%s" height="22"><title>%s weighted</title></rect>`, left, y+4, f1(x(s.Weighted)), moneyFull(s.Weighted, currency))
		fmt.Fprintf(&b, `<text class="value" x="%s" y="%d">%s · %s weighted</text>`, f1(float64(left)+x(s.Amount)+6), y+20,
			template.HTMLEscapeString(moneyCompact(s.Amount, currency)), template.HTMLEscapeString(moneyCompact(s.Weighted, currency)))
		alt = append(alt, fmt.Sprintf("%s: %s open, %s weighted", s.Label, moneyCompact(s.Amount, currency), moneyCompact(s.Weighted, currency)))
	}
	b.WriteString(`</svg>`)
	return chartSVG{SVG: template.HTML(b.String()), Label: strings.Join(alt, "; ")}
}

// ---- Settings --------------------------------------------------------------

type targetField struct {
	Tier, Severity   string
	Respond, Resolve string
}

type outcomeSettingsForm struct {
	Target, Margin, Discount, Source, Fixed, CostPerHour string
	Hours                                                []kv
	Probs                                                []kv
	Targets                                              []targetField
}

type kv struct{ Key, Label, Value string }

type outcomeSettingsView struct {
	page
	Notice   string
	CanSet   bool
	Currency string
	Form     outcomeSettingsForm
	Errors   formErrors
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func settingsFormOf(s outcome.Settings, ts outcome.Targets, currency string) outcomeSettingsForm {
	f := outcomeSettingsForm{Target: num(math.Round(s.RetentionTarget*10000) / 100), Margin: num(s.MarginPercent),
		Discount: num(math.Round(s.DiscountRate*10000) / 100), Source: s.RetentionSource, Fixed: num(math.Round(s.FixedRetention*10000) / 100),
		CostPerHour: moneyInput(s.CostPerHour, currency)}
	for _, k := range account.TouchKinds {
		f.Hours = append(f.Hours, kv{string(k), account.Label(k), num(s.HoursPerTouch[k])})
	}
	for _, k := range outcome.OpenStages {
		f.Probs = append(f.Probs, kv{string(k), account.Label(k), num(s.Probabilities[k])})
	}
	for _, t := range ts.List() {
		f.Targets = append(f.Targets, targetField{Tier: t.Tier, Severity: string(t.Severity), Respond: num(t.Respond.Hours()), Resolve: num(t.Resolve.Hours())})
	}
	return f
}

func (h *handler) orgCurrency(r *http.Request) string {
	c, err := h.db.OutcomeCurrency(r.Context(), h.guard.Scope(r.Context()))
	if err != nil || c == "" {
		return "USD"
	}
	return c
}

func (h *handler) outcomeSettingsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	s, err := h.db.OutcomeSettings(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	ts, err := h.db.ResolutionTargets(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := outcomeSettingsView{page: page{Title: "Outcome settings", Section: "outcomes"}, CanSet: h.guard.Allow(ctx, access.SetPolicy) == nil,
		Currency: h.orgCurrency(r)}
	v.Form = settingsFormOf(s, ts, v.Currency)
	if r.URL.Query().Get("done") == "saved" {
		v.Notice = "The settings are saved; the outcome figures use them now."
	}
	h.render(w, r, http.StatusOK, "outcome_settings", v)
}

var outcomeSettingsLabels = map[string]string{"retention_target": "Retention target", "margin_percent": "Margin",
	"discount_rate": "Discount rate", "retention_source": "Retention source", "fixed_retention": "Fixed retention",
	"cost_per_hour": "Cost per hour"}

func (h *handler) saveOutcomeSettings(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	pf := r.PostForm
	v := outcomeSettingsView{page: page{Title: "Outcome settings", Section: "outcomes"}, CanSet: true, Currency: h.orgCurrency(r)}
	f := outcomeSettingsForm{Target: pf.Get("retention_target"), Margin: pf.Get("margin_percent"), Discount: pf.Get("discount_rate"),
		Source: pf.Get("retention_source"), Fixed: pf.Get("fixed_retention"), CostPerHour: pf.Get("cost_per_hour")}
	number := func(field, s string, scale float64) float64 {
		x, err := strconv.ParseFloat(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(s), "%")), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			v.Errors.add(field, outcomeSettingsLabels[field]+":", "must be a number")
			return 0
		}
		return x / scale
	}
	s := outcome.Settings{RetentionTarget: number("retention_target", f.Target, 100), MarginPercent: number("margin_percent", f.Margin, 1),
		DiscountRate: number("discount_rate", f.Discount, 100), RetentionSource: f.Source, FixedRetention: number("fixed_retention", f.Fixed, 100),
		HoursPerTouch: map[account.TouchKind]float64{}, Probabilities: map[account.Stage]float64{}}
	cost, err := parseMoney(f.CostPerHour, v.Currency)
	if err != nil {
		v.Errors.add("cost_per_hour", "Cost per hour", "must be an amount such as 85.50")
	}
	s.CostPerHour = cost
	for _, k := range account.TouchKinds {
		val := pf.Get("hours_" + string(k))
		f.Hours = append(f.Hours, kv{string(k), account.Label(k), val})
		s.HoursPerTouch[k] = number("hours_"+string(k), val, 1)
	}
	for _, k := range outcome.OpenStages {
		val := pf.Get("prob_" + string(k))
		f.Probs = append(f.Probs, kv{string(k), account.Label(k), val})
		s.Probabilities[k] = number("prob_"+string(k), val, 1)
	}
	var ts []outcome.Target
	for _, tier := range outcome.Tiers {
		for _, sev := range outcome.Severities {
			key := tier + "_" + string(sev)
			tf := targetField{Tier: tier, Severity: string(sev), Respond: pf.Get("respond_" + key), Resolve: pf.Get("resolve_" + key)}
			f.Targets = append(f.Targets, tf)
			resp, res := number("respond_"+key, tf.Respond, 1), number("resolve_"+key, tf.Resolve, 1)
			ts = append(ts, outcome.Target{Tier: tier, Severity: sev, Respond: hours(resp), Resolve: hours(res)})
		}
	}
	v.Form = f
	if !v.Errors.Any() {
		if err := s.Validate(); err != nil {
			v.Errors.fromError(err, outcomeSettingsLabels)
		} else if err := outcome.ValidateTargets(ts); err != nil {
			v.Errors.fromError(err, nil)
		}
	}
	if v.Errors.Any() {
		if v.Errors.Summary == "" {
			v.Errors.Summary = "Some settings need fixing."
		}
		h.render(w, r, http.StatusUnprocessableEntity, "outcome_settings", v)
		return
	}
	if err := h.db.SetOutcomeSettings(ctx, sc, s); err != nil {
		h.fail(w, r, err)
		return
	}
	if err := h.db.SetResolutionTargets(ctx, sc, ts); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/outcomes/settings?done=saved", http.StatusSeeOther)
}

func hours(h float64) time.Duration { return time.Duration(h * float64(time.Hour)).Round(time.Minute) }
