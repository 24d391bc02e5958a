package web

import (
	"cmp"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/health"
	"github.com/samwise-sam/samwise/internal/store"
)

// Health and churn risk: the portfolio's health list with its alerts, the
// back-test with proposed weights a leader can adopt, the churn model's
// status, the weights form, and the account page's Health section. The
// rules live in package health; docs/health.md has the formulas.

// healthPages registers this feature's pages.
func (h *handler) healthPages(handle handleFunc) {
	handle("GET /health", access.ReadRecords, h.healthPage)
	handle("GET /health/export", access.ReadRecords, h.exportHealth)
	handle("POST /health/alerts/{id}/close", access.WriteRecords, h.closeHealthAlert)
	handle("GET /health/backtest", access.ReadRecords, h.healthBacktestPage)
	handle("POST /health/backtest/adopt", access.SetPolicy, h.adoptHealthWeights)
	handle("GET /health/model", access.ReadRecords, h.healthModelPage)
	handle("GET /health/weights", access.SetPolicy, h.healthWeightsPage)
	handle("POST /health/weights", access.SetPolicy, h.saveHealthWeights)
}

// ---- The account page's section ----------------------------------------------

// healthSection is the account page's Health section.
type healthSection struct {
	AccountID int64
	Score     health.Score
	Scored    bool
	Bar       chartSVG
	Parts     []health.Contribution // signals with data and weight
	NoData    []string              // labels of signals without data
	Spark     chartSVG
	HasTrend  bool
	Change    string // "+4 in 30 days"
	Risk      *riskView
	RiskNote  string
	Alerts    []store.HealthAlert
}

// riskView is a churn risk for display.
type riskView struct {
	Percent   string
	Level     string // low, medium, high
	Factors   []factorView
	TrainedAt string
}

type factorView struct {
	Name   string
	Effect string // "+0.62"
	Up     bool   // raises the risk
	Width  int    // 1-100, for the bar's class
}

func newRiskView(r *store.HealthRisk, h *handler) *riskView {
	if r == nil {
		return nil
	}
	v := &riskView{Percent: fmt.Sprintf("%.0f%%", 100*r.Probability), Level: riskLevel(r.Probability), TrainedAt: formatDay(r.TrainedAt, h.loc())}
	top := 0.0
	for _, f := range r.Factors {
		top = math.Max(top, math.Abs(f.Effect))
	}
	for _, f := range r.Factors {
		w := 0
		if top > 0 {
			w = int(math.Round(10*math.Abs(f.Effect)/top)) * 10
		}
		v.Factors = append(v.Factors, factorView{Name: f.Name, Effect: fmt.Sprintf("%+.2f", f.Effect), Up: f.Effect > 0, Width: max(w, 10)})
	}
	return v
}

// riskLevel bands a churn probability: high from 50%, medium from 20%.
func riskLevel(p float64) string {
	switch {
	case p >= 0.5:
		return "high"
	case p >= 0.2:
		return "medium"
	}
	return "low"
}

// healthSummary loads this feature's section of the account page (nil:
// none, for prospects and former customers without any history).
func (h *handler) healthSummary(r *http.Request, a account.Account) (any, error) {
	if a.Lifecycle == account.Prospect {
		return nil, nil
	}
	ctx := r.Context()
	today := h.today()
	ah, err := h.db.AccountHealth(ctx, h.guard.Scope(ctx), a.ID, today)
	if err != nil {
		return nil, err
	}
	if a.Lifecycle != account.Customer && len(ah.History) == 0 {
		return nil, nil
	}
	v := &healthSection{AccountID: a.ID, Score: ah.Score, Scored: ah.Score.Scored, RiskNote: ah.RiskNote, Alerts: ah.Alerts,
		Risk: newRiskView(ah.Risk, h)}
	for _, c := range ah.Score.Contributions {
		switch {
		case c.NoData:
			v.NoData = append(v.NoData, c.Label)
		case c.Points > 0 || c.Weight > 0:
			v.Parts = append(v.Parts, c)
		}
	}
	v.Bar = contributionBar(ah.Score)
	var pts []float64
	for _, s := range ah.History {
		if s.Score != nil {
			pts = append(pts, *s.Score)
		}
	}
	if len(pts) >= 2 {
		v.HasTrend = true
		v.Spark = sparkline(pts, "Health over the last 180 days")
		if ah.Score.Scored {
			// The change against the snapshot about 30 days ago.
			cut := today.AddDays(-30)
			for _, s := range ah.History {
				if s.Score != nil && !cut.Before(s.Day) {
					v.Change = fmt.Sprintf("%+.0f since %s", ah.Score.Value-*s.Score, formatDate(s.Day))
				}
			}
		}
	}
	return v, nil
}

// ---- /health --------------------------------------------------------------------

type healthQuery struct{ Sort string }

func (q healthQuery) column(key string) sortColumn {
	c := sortColumn{AriaSort: "none"}
	next := key
	switch q.Sort {
	case key:
		next, c.Arrow, c.AriaSort = "-"+key, "▲", "ascending"
	case "-" + key:
		next, c.Arrow, c.AriaSort = key, "▼", "descending"
	}
	c.URL = "/health?sort=" + url.QueryEscape(next)
	return c
}

type healthRowView struct {
	store.HealthRow
	Owner     string
	ScoreText string
	Change    string
	ChangeDir string // up, down, ""
	Risk      string
	RiskLevel string
}

type healthAlertView struct {
	store.HealthAlert
	Owner    string
	Drop     float64
	CanClose bool
}

type healthListView struct {
	page
	Q            healthQuery
	Rows         []healthRowView
	Columns      map[string]sortColumn
	Alerts       []healthAlertView
	Scope        string
	Healthy      int
	Watch        int
	AtRisk       int
	NoData       int
	Model        modelView
	CanSetPolicy bool
	// ExportCSV and ExportXLSX download the table as sorted.
	ExportCSV, ExportXLSX string
	// Cap and AlertCap cut Rows and Alerts to their first rows on the
	// page; the band counts and the exports cover every account.
	Cap, AlertCap capped
}

// healthList builds the page's table: the customer accounts visible to the
// reader with their score, change and risk, in the order asked ("sort").
func (h *handler) healthList(r *http.Request) (healthListView, map[int64]string, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	person := h.guard.VisibleTo(ctx)
	today := h.today()
	rows, run, err := h.db.HealthPortfolio(ctx, sc, person, today)
	if err != nil {
		return healthListView{}, nil, err
	}
	people, err := h.db.AllPeople(ctx, sc)
	if err != nil {
		return healthListView{}, nil, err
	}
	names := personNames(people)
	q := healthQuery{Sort: r.URL.Query().Get("sort")}
	if !slices.Contains([]string{"name", "-name", "score", "-score", "change", "-change", "risk", "-risk"}, q.Sort) {
		q.Sort = "score"
	}
	v := healthListView{page: page{Title: "Account health", Section: "health"}, Q: q, Columns: map[string]sortColumn{},
		Scope: "the whole organisation", Model: newModelView(run, h), CanSetPolicy: h.guard.Allow(ctx, access.SetPolicy) == nil}
	if person != 0 {
		v.Scope = "your accounts"
	}
	for _, k := range []string{"name", "score", "change", "risk"} {
		v.Columns[k] = q.column(k)
	}
	for _, row := range rows {
		rv := healthRowView{HealthRow: row, Owner: names[row.OwnerID], ScoreText: "—", Risk: "—"}
		switch row.Score.Band {
		case health.Healthy:
			v.Healthy++
		case health.Watch:
			v.Watch++
		case health.AtRisk:
			v.AtRisk++
		default:
			v.NoData++
		}
		if row.Score.Scored {
			rv.ScoreText = fmt.Sprintf("%.0f", row.Score.Value)
		}
		if row.Change != nil {
			rv.Change = fmt.Sprintf("%+.0f", *row.Change)
			switch {
			case *row.Change >= 0.5:
				rv.ChangeDir = "up"
			case *row.Change <= -0.5:
				rv.ChangeDir = "down"
			}
		}
		if row.Risk != nil {
			rv.Risk, rv.RiskLevel = fmt.Sprintf("%.0f%%", 100*row.Risk.Probability), riskLevel(row.Risk.Probability)
		}
		v.Rows = append(v.Rows, rv)
	}
	sortHealthRows(v.Rows, q.Sort)
	ex := url.Values{"sort": {q.Sort}}
	ex.Set("format", "csv")
	v.ExportCSV = "/health/export?" + ex.Encode()
	ex.Set("format", "xlsx")
	v.ExportXLSX = "/health/export?" + ex.Encode()
	return v, names, nil
}

func (h *handler) healthPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	v, names, err := h.healthList(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	alerts, err := h.db.HealthAlerts(ctx, h.guard.Scope(ctx), h.guard.VisibleTo(ctx), 0, false)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for _, a := range alerts {
		av := healthAlertView{HealthAlert: a, Owner: names[a.OwnerID], Drop: a.PrevScore - a.Score}
		av.CanClose = h.guard.CanEdit(ctx, a.AccountID, access.PartAccount) == nil
		v.Alerts = append(v.Alerts, av)
	}
	v.Rows, v.Cap = capRows(r, v.Rows)
	v.Alerts, v.AlertCap = capRows(r, v.Alerts)
	h.render(w, r, http.StatusOK, "health", v)
}

// exportHealth answers the page's table, in its order, as CSV or Excel:
// blank cells where the page shows "—"; risk is a percentage.
func (h *handler) exportHealth(w http.ResponseWriter, r *http.Request) {
	v, _, err := h.healthList(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(v.Rows))
	for _, x := range v.Rows {
		var score, change, risk any = "", "", ""
		if x.Score.Scored {
			score = math.Round(x.Score.Value)
		}
		if x.HealthRow.Change != nil {
			change = math.Round(*x.HealthRow.Change)
		}
		if x.HealthRow.Risk != nil {
			risk = math.Round(1000*x.HealthRow.Risk.Probability) / 10
		}
		rows = append(rows, []any{x.AccountID, x.Name, x.Tier, x.Owner, score, string(x.Score.Band), change, risk, x.Day.String()})
	}
	if err := writeTable(w, r.URL.Query().Get("format"), "account-health",
		[]string{"id", "account", "tier", "manager", "health", "band", "change_30_days", "churn_risk_pct", "snapshot"}, rows); err != nil {
		h.log.ErrorContext(r.Context(), "export health", "err", err)
	}
}

// sortHealthRows orders the list; unscored rows (and rows without a
// change or a risk) always come last, ties by name.
func sortHealthRows(rows []healthRowView, by string) {
	desc := strings.HasPrefix(by, "-")
	key := strings.TrimPrefix(by, "-")
	val := func(r healthRowView) (float64, bool) {
		switch key {
		case "score":
			return r.Score.Value, r.Score.Scored
		case "change":
			if r.HealthRow.Change != nil {
				return *r.HealthRow.Change, true
			}
		case "risk":
			if r.HealthRow.Risk != nil {
				return r.HealthRow.Risk.Probability, true
			}
		}
		return 0, false
	}
	slices.SortStableFunc(rows, func(a, b healthRowView) int {
		if key != "name" {
			va, oka := val(a)
			vb, okb := val(b)
			switch {
			case oka && !okb:
				return -1
			case !oka && okb:
				return 1
			case oka && okb && va != vb:
				if desc {
					return cmp.Compare(vb, va)
				}
				return cmp.Compare(va, vb)
			}
		} else if c := cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)); c != 0 {
			if desc {
				return -c
			}
			return c
		}
		return cmp.Or(cmp.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)), cmp.Compare(a.AccountID, b.AccountID))
	})
}

func (h *handler) closeHealthAlert(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		h.fail(w, r, account.Errorf(account.ENOTFOUND, "Health alert not found."))
		return
	}
	sc := h.guard.Scope(ctx)
	acct, err := h.db.HealthAlertAccount(ctx, sc, id)
	if err == nil {
		err = h.guard.CanEdit(ctx, acct, access.PartAccount)
	}
	if err == nil {
		err = h.db.CloseHealthAlert(ctx, sc, id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	back := "/health#alerts"
	if r.FormValue("back") == "account" {
		back = fmt.Sprintf("/accounts/%d#health", acct)
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// ---- /health/backtest -----------------------------------------------------------

type backtestRow struct {
	health.SignalResult
	AUCText  string
	AUCClass string // good, fair, poor
	Proposed string
	Current  string
}

type backtestView struct {
	page
	B           health.Backtest
	Rows        []backtestRow
	ScoreAUC    string
	ProposedAUC string
	CanAdopt    bool
	Adopted     bool
	History     []weightVersionView
}

type weightVersionView struct {
	At, Source, Reason, Weights string
}

// aucText shows an AUC with two decimals and a class: 0.7 and above good,
// 0.6 fair, below poor.
func aucText(v float64, ok bool) (string, string) {
	if !ok {
		return "—", ""
	}
	class := "poor"
	switch {
	case v >= 0.7:
		class = "good"
	case v >= 0.6:
		class = "fair"
	}
	return fmt.Sprintf("%.2f", v), class
}

func weightsText(w health.Weights) string {
	var parts []string
	for _, k := range health.Keys {
		parts = append(parts, fmt.Sprintf("%s %s", k.Label(), trimFloat(w[k])))
	}
	return strings.Join(parts, " · ")
}

func trimFloat(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

func (h *handler) healthBacktestPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	b, _, err := h.db.HealthBacktest(ctx, sc, h.today())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	hist, err := h.db.HealthWeightHistory(ctx, sc, 10)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := backtestView{page: page{Title: "Health back-test", Section: "health"}, B: b,
		CanAdopt: h.guard.Allow(ctx, access.SetPolicy) == nil && b.Proposed != nil, Adopted: r.URL.Query().Get("adopted") == "1"}
	v.ScoreAUC, _ = aucText(b.ScoreAUC, b.HasScoreAUC)
	v.ProposedAUC, _ = aucText(b.ProposedAUC, b.Proposed != nil)
	for _, s := range b.Signals {
		row := backtestRow{SignalResult: s, Current: trimFloat(s.Weight), Proposed: "—"}
		row.AUCText, row.AUCClass = aucText(s.AUC, s.HasAUC)
		if b.Proposed != nil {
			row.Proposed = trimFloat(s.Proposed)
		}
		v.Rows = append(v.Rows, row)
	}
	for _, x := range hist {
		src := "Set by hand"
		if x.Source == store.WeightsBacktest {
			src = "Adopted from a back-test"
		}
		v.History = append(v.History, weightVersionView{At: formatTime(x.At, h.loc()), Source: src, Reason: x.Reason, Weights: weightsText(x.Settings.Weights)})
	}
	h.render(w, r, http.StatusOK, "health_backtest", v)
}

// adoptHealthWeights adopts the weights the back-test proposes now (it is
// run again rather than trusting numbers posted by the browser).
func (h *handler) adoptHealthWeights(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	b, set, err := h.db.HealthBacktest(ctx, sc, h.today())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if b.Proposed == nil {
		h.fail(w, r, account.Errorf(account.EINVALID, "There is too little history to propose weights."))
		return
	}
	set.Weights = b.Proposed
	reason := fmt.Sprintf("Back-test of %d outcomes: AUC %.2f → %.2f", b.Examples, b.ScoreAUC, b.ProposedAUC)
	if err := h.db.SetHealthSettings(ctx, sc, set, store.WeightsBacktest, reason); err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/health/backtest?adopted=1", http.StatusSeeOther)
}

// ---- /health/model --------------------------------------------------------------

type modelView struct {
	Status    string // none, trained, too_little
	Message   string
	TrainedAt string
	Outcomes  int
	Churned   int
	Train     int
	Test      int
	AUC       string
	ScoreAUC  string
	Bins      []binView
	Coefs     []factorView
}

type binView struct {
	Decile              int
	N                   int
	Predicted, Observed string
}

func newModelView(run *store.HealthModelRun, h *handler) modelView {
	if run == nil {
		return modelView{Status: "none"}
	}
	v := modelView{Status: run.Status, Message: run.Message, TrainedAt: formatTime(run.TrainedAt, h.loc()), Outcomes: run.Outcomes, Churned: run.Churned}
	if m := run.Model; m != nil {
		mt := m.Metrics
		v.Train, v.Test = mt.Train, mt.Test
		v.AUC, _ = aucText(mt.AUC, mt.HasAUC)
		v.ScoreAUC, _ = aucText(mt.ScoreAUC, mt.HasScoreAUC)
		for _, b := range mt.Calibration {
			v.Bins = append(v.Bins, binView{Decile: b.Decile, N: b.N, Predicted: fmt.Sprintf("%.0f%%", 100*b.Predicted), Observed: fmt.Sprintf("%.0f%%", 100*b.Observed)})
		}
		var fs []health.Factor
		for j, n := range m.Encoder.Names() {
			if j < len(m.Coef) && math.Abs(m.Coef[j]) >= 0.005 {
				fs = append(fs, health.Factor{Name: n, Effect: m.Coef[j]})
			}
		}
		slices.SortFunc(fs, func(a, b health.Factor) int { return cmp.Compare(math.Abs(b.Effect), math.Abs(a.Effect)) })
		v.Coefs = newRiskView(&store.HealthRisk{Factors: fs}, h).Factors
	}
	return v
}

type healthModelView struct {
	page
	Model modelView
}

func (h *handler) healthModelPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	run, err := h.db.LatestHealthModel(ctx, h.guard.Scope(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.render(w, r, http.StatusOK, "health_model", healthModelView{page: page{Title: "Churn model", Section: "health"}, Model: newModelView(run, h)})
}

// ---- /health/weights ------------------------------------------------------------

type weightField struct {
	Name, Label, Value, Error string
}

type healthWeightsView struct {
	page
	Fields    []weightField
	DropAlert string
	Reason    string
	Errors    formErrors
	Saved     bool
}

func (h *handler) healthWeightsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	s, err := h.db.HealthSettings(ctx, h.guard.Scope(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := healthWeightsView{page: page{Title: "Health weights", Section: "health"}, DropAlert: trimFloat(s.DropAlert), Saved: r.URL.Query().Get("saved") == "1"}
	for _, k := range health.Keys {
		v.Fields = append(v.Fields, weightField{Name: "w_" + string(k), Label: k.Label(), Value: trimFloat(s.Weights[k])})
	}
	h.render(w, r, http.StatusOK, "health_weights", v)
}

func (h *handler) saveHealthWeights(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := r.ParseForm(); err != nil {
		h.fail(w, r, account.Errorf(account.EINVALID, "The form could not be read."))
		return
	}
	v := healthWeightsView{page: page{Title: "Health weights", Section: "health"}, DropAlert: r.PostForm.Get("drop_alert"), Reason: r.PostForm.Get("reason")}
	s := health.Settings{Weights: health.Weights{}}
	labels := map[string]string{"drop_alert": "Sharp drop", "weights": "Weights"}
	var errs formErrors
	for _, k := range health.Keys {
		name := "w_" + string(k)
		raw := strings.TrimSpace(r.PostForm.Get(name))
		f := weightField{Name: name, Label: k.Label(), Value: raw}
		labels["weights."+string(k)] = k.Label()
		x, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			f.Error = "must be a number"
			errs.add(name, k.Label(), f.Error)
		}
		s.Weights[k] = x
		v.Fields = append(v.Fields, f)
	}
	d, err := strconv.ParseFloat(strings.TrimSpace(v.DropAlert), 64)
	if err != nil {
		errs.add("drop_alert", "Sharp drop", "must be a number")
	}
	s.DropAlert = d
	if !errs.Any() {
		err = h.db.SetHealthSettings(ctx, h.guard.Scope(ctx), s, store.WeightsManual, v.Reason)
		if err == nil {
			http.Redirect(w, r, "/health/weights?saved=1", http.StatusSeeOther)
			return
		}
		if account.ErrorCode(err) != account.EINVALID {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, labels)
		// Field errors name weights.<key>; show them under the inputs.
		for i, f := range v.Fields {
			if m := errs.Field("weights." + strings.TrimPrefix(f.Name, "w_")); m != "" {
				v.Fields[i].Error = m
			}
		}
	}
	if errs.Summary == "" {
		errs.Summary = "Please correct the highlighted fields."
	}
	v.Errors = errs
	h.render(w, r, http.StatusUnprocessableEntity, "health_weights", v)
}
