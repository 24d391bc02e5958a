package web

import (
	"cmp"
	"context"
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
	"github.com/samwise-sam/samwise/internal/portfolio"
	"github.com/samwise-sam/samwise/internal/store"
)

// The portfolio pages: the ranking with its charts (/portfolio), the
// strategic pipeline, the leader's criteria and tiering policy, and on each
// account the rating form, the designation and the tier override. The rules
// are internal/portfolio's; the ranking is computed on every view (see
// store.Ranking) and paged here, so a portfolio of 100,000 accounts renders
// fifty rows at a time.

// portfolioPageSize is how many ranked accounts one page shows.
const portfolioPageSize = 50

// portfolioSortKeys are the ranking's sortable columns and whether a first
// click sorts descending.
var portfolioSortKeys = map[string]bool{"rank": false, "revenue": true, "movement": true, "name": false}

// portfolioQuery is the ranking's state as carried in its URL.
type portfolioQuery struct {
	Q        string
	Tier     string // "", A, B, C
	Owner    int64
	Decision string // "", designated, declined, undecided
	Scored   string // "", yes, no
	Sort     string
	Page     int   // 1-based
	Focus    int64 // an account to mark in the charts and the table
}

func readPortfolioQuery(v url.Values) portfolioQuery {
	q := portfolioQuery{Q: strings.TrimSpace(v.Get("q")), Sort: v.Get("sort"), Page: 1}
	if t := portfolio.Tier(v.Get("tier")); t.Valid() {
		q.Tier = string(t)
	}
	if id, err := strconv.ParseInt(v.Get("owner"), 10, 64); err == nil && id > 0 {
		q.Owner = id
	}
	switch d := v.Get("decision"); d {
	case "designated", "declined", "undecided":
		q.Decision = d
	}
	switch s := v.Get("scored"); s {
	case "yes", "no":
		q.Scored = s
	}
	if _, ok := portfolioSortKeys[strings.TrimPrefix(q.Sort, "-")]; !ok {
		q.Sort = ""
	}
	if p, err := strconv.Atoi(v.Get("page")); err == nil && p > 1 {
		q.Page = p
	}
	if id, err := strconv.ParseInt(v.Get("focus"), 10, 64); err == nil && id > 0 {
		q.Focus = id
	}
	return q
}

func (q portfolioQuery) filtered() bool {
	return q.Q != "" || q.Tier != "" || q.Owner != 0 || q.Decision != "" || q.Scored != ""
}

func (q portfolioQuery) url() string {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", q.Q)
	set("tier", q.Tier)
	if q.Owner != 0 {
		v.Set("owner", strconv.FormatInt(q.Owner, 10))
	}
	set("decision", q.Decision)
	set("scored", q.Scored)
	set("sort", q.Sort)
	if q.Page > 1 {
		v.Set("page", strconv.Itoa(q.Page))
	}
	if q.Focus != 0 {
		v.Set("focus", strconv.FormatInt(q.Focus, 10))
	}
	if len(v) == 0 {
		return "/portfolio"
	}
	return "/portfolio?" + v.Encode()
}

func (q portfolioQuery) column(key string) sortColumn {
	cur := q.Sort
	if cur == "" {
		cur = "rank"
	}
	next := q
	next.Page = 1
	c := sortColumn{AriaSort: "none"}
	switch cur {
	case key:
		next.Sort, c.Arrow, c.AriaSort = "-"+key, "▲", "ascending"
	case "-" + key:
		next.Sort, c.Arrow, c.AriaSort = key, "▼", "descending"
	default:
		next.Sort = key
		if portfolioSortKeys[key] {
			next.Sort = "-" + key
		}
	}
	if next.Sort == "rank" {
		next.Sort = ""
	}
	c.URL = next.url()
	return c
}

// portfolioRow is one line of the ranking.
type portfolioRow struct {
	portfolio.Row
	DisplayName string
	Owner       string
	Currency    string
	Focus       bool
}

type tierSummaryView struct {
	Tier     portfolio.Tier
	Accounts int
	Revenue  int64
	Share    float64 // of revenue
	URL      string  // the ranking filtered to the tier
}

type portfolioView struct {
	page
	Query    portfolioQuery
	Rows     []portfolioRow
	Matching int // rows matching the filters
	Accounts int // the whole (visible) portfolio
	Scored   int
	// Designated and Declined count the decisions.
	Designated, Declined int
	Summary              []tierSummaryView
	Revenue              int64
	Currency             string
	Policy               portfolio.Policy
	Criteria             []portfolio.Criterion
	TiersAt              time.Time
	Untiered             int // accounts without a recorded tier (new since the last recompute)
	Pareto               chartSVG
	Scatter              chartSVG
	People               []account.Person
	Columns              map[string]sortColumn
	PageNo               int
	Pages                int
	PrevURL              string
	NextURL              string
	Filtered             bool
	// CanSetPolicy shows the leader's actions: criteria, recompute, decide.
	CanSetPolicy bool
	Weighted     int
	// ExportCSV and ExportXLSX download the filtered ranking, every page.
	ExportCSV, ExportXLSX string
}

// visibleAccounts returns the accounts the principal may see under
// need-to-know, or nil when every account is visible.
func (h *handler) visibleAccounts(ctx context.Context, sc account.Scope) (map[int64]bool, error) {
	person := h.guard.VisibleTo(ctx)
	if person == 0 {
		return nil, nil
	}
	out := map[int64]bool{}
	f := account.AccountFilter{Page: account.Page{Limit: account.MaxLimit, VisibleTo: person}}
	for {
		as, next, err := h.db.Accounts(ctx, sc, f)
		if err != nil {
			return nil, err
		}
		for _, a := range as {
			out[a.ID] = true
		}
		if next == "" {
			return out, nil
		}
		f.Cursor = next
	}
}

// ranking loads the ranking and drops the rows hidden by need-to-know.
func (h *handler) ranking(ctx context.Context, sc account.Scope) (*portfolio.Ranking, []portfolio.Row, error) {
	r, err := h.db.Ranking(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	visible, err := h.visibleAccounts(ctx, sc)
	if err != nil {
		return nil, nil, err
	}
	if visible == nil {
		return r, r.Rows, nil
	}
	var rows []portfolio.Row
	for _, row := range r.Rows {
		if visible[row.ID] {
			rows = append(rows, row)
		}
	}
	return r, rows, nil
}

func (h *handler) portfolioPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	q := readPortfolioQuery(r.URL.Query())
	rk, all, err := h.ranking(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	_, tiersAt, err := h.db.PortfolioPolicy(ctx, sc)
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
	v := portfolioView{
		page:         page{Title: "Portfolio", Section: "portfolio"},
		Query:        q,
		Accounts:     len(all),
		Policy:       rk.Policy,
		Criteria:     rk.Criteria,
		TiersAt:      tiersAt,
		People:       people,
		Columns:      map[string]sortColumn{},
		Filtered:     q.filtered(),
		CanSetPolicy: h.guard.Allow(ctx, access.SetPolicy) == nil,
		Currency:     "USD",
		ExportCSV:    q.exportURL("csv"),
		ExportXLSX:   q.exportURL("xlsx"),
	}
	for _, c := range rk.Criteria {
		if c.Weight > 0 {
			v.Weighted++
		}
	}
	for key := range portfolioSortKeys {
		v.Columns[key] = q.column(key)
	}
	// Summary by tier over what the principal sees.
	var sum [3]tierSummaryView
	for i, t := range []portfolio.Tier{portfolio.TierA, portfolio.TierB, portfolio.TierC} {
		tq := portfolioQuery{Tier: string(t)}
		sum[i] = tierSummaryView{Tier: t, URL: tq.url()}
	}
	var untiered int
	for _, row := range all {
		if row.Scored {
			v.Scored++
		}
		switch row.Decision {
		case portfolio.Designated:
			v.Designated++
		case portfolio.Declined:
			v.Declined++
		}
		v.Revenue += max(row.Revenue, 0)
		switch row.Tier {
		case portfolio.TierA, portfolio.TierB, portfolio.TierC:
			s := &sum[tierIndexOf(row.Tier)]
			s.Accounts++
			s.Revenue += max(row.Revenue, 0)
		default:
			untiered++
		}
	}
	for i := range sum {
		if v.Revenue > 0 {
			sum[i].Share = float64(sum[i].Revenue) / float64(v.Revenue)
		}
	}
	v.Summary = sum[:]
	v.Untiered = untiered

	// Filter, sort, page.
	matching := q.match(all)
	v.Matching = len(matching)
	v.Pages = max(1, (len(matching)+portfolioPageSize-1)/portfolioPageSize)
	v.PageNo = min(q.Page, v.Pages)
	from := (v.PageNo - 1) * portfolioPageSize
	shown := matching[from:min(from+portfolioPageSize, len(matching))]
	if v.PageNo > 1 {
		p := q
		p.Page = v.PageNo - 1
		v.PrevURL = p.url()
	}
	if v.PageNo < v.Pages {
		p := q
		p.Page = v.PageNo + 1
		v.NextURL = p.url()
	}

	// The scatter shows the filtered, scored accounts.
	var pts []scatterPoint
	for _, row := range matching {
		if row.Scored {
			pts = append(pts, scatterPoint{ID: row.ID, Score: row.Score, Revenue: row.Revenue, Tier: row.Tier,
				Strategic: row.Strategic(), Focus: row.ID == q.Focus})
		}
	}
	// Display names for the rows shown and the dots drawn one by one, in
	// one query: the ranking itself carries only the sort key.
	need := make([]int64, 0, len(shown)+len(pts))
	for _, row := range shown {
		need = append(need, row.ID)
	}
	for _, p := range pts {
		if len(pts) <= scatterDots || p.Strategic || p.Focus {
			need = append(need, p.ID)
		}
	}
	focusIdx, focusName := -1, ""
	if q.Focus != 0 {
		need = append(need, q.Focus)
	}
	accts, err := h.db.AccountsByID(ctx, sc, need)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	for i := range pts {
		pts[i].Name = accts[pts[i].ID].Name
	}
	for _, row := range shown {
		a := accts[row.ID]
		v.Rows = append(v.Rows, portfolioRow{Row: row, DisplayName: a.Name, Owner: names[row.OwnerID], Currency: a.Currency, Focus: row.ID == q.Focus})
	}
	// The Pareto curve over the whole visible portfolio, in the rule's
	// order.
	revs := make([]int64, 0, len(all))
	visible := len(all) == len(rk.Rows)
	var seen map[int64]bool
	if !visible {
		seen = make(map[int64]bool, len(all))
		for _, row := range all {
			seen[row.ID] = true
		}
	}
	for _, i := range rk.ParetoOrder {
		row := rk.Rows[i]
		if !visible && !seen[row.ID] {
			continue
		}
		if row.ID == q.Focus {
			focusIdx, focusName = len(revs), accts[row.ID].Name
		}
		revs = append(revs, row.Revenue)
	}
	v.Pareto = paretoChart(paretoInput{Revenues: revs, Thresholds: rk.Policy.Pareto, Focus: focusIdx, FocusName: focusName, Currency: v.Currency})
	si := scatterInput{Points: pts, Currency: v.Currency}
	if rk.Policy.Method == portfolio.ByScore {
		f := rk.Policy.Score
		si.Floors = &f
	}
	v.Scatter = scatterChart(si)
	h.render(w, r, http.StatusOK, "portfolio", v)
}

// match returns the rows of all that pass q's filters, in q's order (the
// page and its export share it).
func (q portfolioQuery) match(all []portfolio.Row) []portfolio.Row {
	needle := strings.ToLower(q.Q)
	var matching []portfolio.Row
	for _, row := range all {
		switch {
		case q.Tier != "" && string(row.Tier) != q.Tier,
			q.Owner != 0 && row.OwnerID != q.Owner,
			q.Decision == "designated" && row.Decision != portfolio.Designated,
			q.Decision == "declined" && row.Decision != portfolio.Declined,
			q.Decision == "undecided" && row.Decision != portfolio.Undecided,
			q.Scored == "yes" && !row.Scored,
			q.Scored == "no" && row.Scored,
			needle != "" && !strings.Contains(row.Name, needle):
			continue
		}
		matching = append(matching, row)
	}
	sortRows(matching, q.Sort)
	return matching
}

// exportURL is the ranking's filters and order as an export of format.
func (q portfolioQuery) exportURL(format string) string {
	f := q
	f.Page, f.Focus = 0, 0
	_, params, _ := strings.Cut(f.url(), "?")
	v, _ := url.ParseQuery(params)
	v.Set("format", format)
	return "/portfolio/export?" + v.Encode()
}

func tierIndexOf(t portfolio.Tier) int {
	switch t {
	case portfolio.TierA:
		return 0
	case portfolio.TierB:
		return 1
	}
	return 2
}

// sortRows orders the ranking by a column; rank order is how they come.
func sortRows(rows []portfolio.Row, sort string) {
	desc := strings.HasPrefix(sort, "-")
	key := strings.TrimPrefix(sort, "-")
	var by func(a, b portfolio.Row) int
	switch key {
	case "revenue":
		by = func(a, b portfolio.Row) int { return cmp.Compare(a.Revenue, b.Revenue) }
	case "movement":
		by = func(a, b portfolio.Row) int { return cmp.Compare(a.Movement(), b.Movement()) }
	case "name":
		by = func(a, b portfolio.Row) int { return strings.Compare(a.Name, b.Name) }
	case "rank":
		if desc {
			slices.Reverse(rows)
		}
		return
	default:
		return
	}
	slices.SortStableFunc(rows, func(a, b portfolio.Row) int {
		c := by(a, b)
		if desc {
			c = -c
		}
		return c
	})
}

// ---- The strategic pipeline --------------------------------------------------

// pipelineLimit is how many accounts each stage lists.
const pipelineLimit = 25

type pipelineStageView struct {
	Stage    portfolio.Stage
	Title    string
	Hint     string
	Count    int
	Revenue  int64
	Rows     []portfolioRow
	More     int
	AllURL   string
	Weighted int
}

type pipelineView struct {
	page
	Stages       []pipelineStageView
	CanSetPolicy bool
}

var stageText = map[portfolio.Stage][2]string{
	portfolio.StageQueued:     {"Waiting to be scored", "Customers no one has rated on every criterion yet: newest customers land here."},
	portfolio.StageScored:     {"Scored, undecided", "Rated, waiting for the leader's decision."},
	portfolio.StageDesignated: {"Strategic", "Designated strategic accounts."},
	portfolio.StageDeclined:   {"Declined", "Considered, and not made strategic for now."},
}

// pipelineStages buckets the visible ranking by stage, rank order within
// each (the page and its export share it).
func (h *handler) pipelineStages(ctx context.Context, sc account.Scope) ([]portfolio.PipelineStage, error) {
	_, all, err := h.ranking(ctx, sc)
	if err != nil {
		return nil, err
	}
	customers, err := h.db.Customers(ctx, sc)
	if err != nil {
		return nil, err
	}
	return portfolio.Pipeline(all, func(id int64) bool { return customers[id] }), nil
}

func (h *handler) pipelinePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	stages, err := h.pipelineStages(ctx, sc)
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
	var need []int64
	for _, s := range stages {
		for _, row := range s.Rows[:min(len(s.Rows), pipelineLimit)] {
			need = append(need, row.ID)
		}
	}
	accts, err := h.db.AccountsByID(ctx, sc, need)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	cs, err := h.db.Criteria(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	weighted := 0
	for _, c := range cs {
		if c.Weight > 0 {
			weighted++
		}
	}
	v := pipelineView{page: page{Title: "Strategic pipeline", Section: "portfolio"}, CanSetPolicy: h.guard.Allow(ctx, access.SetPolicy) == nil}
	for _, s := range stages {
		sv := pipelineStageView{Stage: s.Stage, Title: stageText[s.Stage][0], Hint: stageText[s.Stage][1],
			Count: len(s.Rows), Revenue: s.Revenue, Weighted: weighted}
		for _, row := range s.Rows[:min(len(s.Rows), pipelineLimit)] {
			a := accts[row.ID]
			sv.Rows = append(sv.Rows, portfolioRow{Row: row, DisplayName: a.Name, Owner: names[row.OwnerID], Currency: a.Currency})
		}
		sv.More = len(s.Rows) - len(sv.Rows)
		switch s.Stage {
		case portfolio.StageQueued:
			sv.AllURL = portfolioQuery{Scored: "no", Decision: "undecided"}.url()
		case portfolio.StageScored:
			sv.AllURL = portfolioQuery{Scored: "yes", Decision: "undecided"}.url()
		default:
			sv.AllURL = portfolioQuery{Decision: string(s.Stage)}.url()
		}
		v.Stages = append(v.Stages, sv)
	}
	h.render(w, r, http.StatusOK, "portfolio_pipeline", v)
}

// ---- Criteria and tiering policy (the leader's) ------------------------------

// criterionForm is one criterion's row of the editor as typed.
type criterionForm struct {
	ID     int64
	Key    string
	Name   string
	Weight string
	Levels [5]string
	Remove bool
}

type tierPolicyForm struct {
	Method           string
	ParetoA, ParetoB string // percentages as typed
	ScoreA, ScoreB   string
}

type criteriaView struct {
	page
	Criteria     []criterionForm
	Reason       string
	Errors       formErrors
	Policy       tierPolicyForm
	PolicyErrors formErrors
	TiersAt      time.Time
	History      []criteriaVersionView
	Saved        string // what was just saved, for the notice
}

type criteriaVersionView struct {
	At      time.Time
	Who     string
	Reason  string
	Weights string
}

func criterionFormOf(c portfolio.Criterion) criterionForm {
	return criterionForm{ID: c.ID, Key: c.Key, Name: c.Name, Weight: strconv.FormatFloat(c.Weight, 'f', -1, 64), Levels: c.Levels}
}

func tierPolicyFormOf(p portfolio.Policy) tierPolicyForm {
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	return tierPolicyForm{Method: string(p.Method), ParetoA: num(p.Pareto.A * 100), ParetoB: num(p.Pareto.B * 100),
		ScoreA: num(p.Score.A), ScoreB: num(p.Score.B)}
}

func (h *handler) criteriaPage(w http.ResponseWriter, r *http.Request) {
	h.showCriteria(w, r, http.StatusOK, nil)
}

// showCriteria renders the editor; edit may replace parts of the view
// (a form that failed, with its messages).
func (h *handler) showCriteria(w http.ResponseWriter, r *http.Request, status int, edit func(*criteriaView)) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	cs, err := h.db.Criteria(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	p, tiersAt, err := h.db.PortfolioPolicy(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := criteriaView{page: page{Title: "Strategic Score criteria", Section: "portfolio"}, Policy: tierPolicyFormOf(p), TiersAt: tiersAt,
		Saved: r.URL.Query().Get("saved")}
	for _, c := range cs {
		v.Criteria = append(v.Criteria, criterionFormOf(c))
	}
	v.Criteria = append(v.Criteria, criterionForm{Weight: "1"}) // a blank row to add one
	hist, err := h.db.CriteriaHistory(ctx, sc, 10)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	users, err := h.db.Users(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	who := map[int64]string{}
	for _, u := range users {
		who[u.ID] = u.Name
	}
	for _, hv := range hist {
		var ws []string
		for _, c := range hv.Criteria {
			ws = append(ws, fmt.Sprintf("%s %s", c.Name, strconv.FormatFloat(c.Weight, 'f', -1, 64)))
		}
		name := who[hv.UserID]
		if name == "" {
			name = "the system"
		}
		v.History = append(v.History, criteriaVersionView{At: hv.At, Who: name, Reason: hv.Reason, Weights: strings.Join(ws, " · ")})
	}
	if edit != nil {
		edit(&v)
	}
	h.render(w, r, status, "portfolio_criteria", v)
}

// readCriteriaForm reads the editor's rows: fields c{i}-name, c{i}-key,
// c{i}-weight, c{i}-level{1..5}, c{i}-id and c{i}-remove, for i from 0 until
// a row is missing.
func readCriteriaForm(form url.Values) []criterionForm {
	var out []criterionForm
	for i := 0; i <= portfolio.MaxCriteria+1; i++ {
		p := fmt.Sprintf("c%d-", i)
		if _, ok := form[p+"name"]; !ok {
			break
		}
		f := criterionForm{Key: strings.TrimSpace(form.Get(p + "key")), Name: form.Get(p + "name"),
			Weight: strings.TrimSpace(form.Get(p + "weight")), Remove: form.Get(p+"remove") != ""}
		f.ID, _ = strconv.ParseInt(form.Get(p+"id"), 10, 64)
		for l := range 5 {
			f.Levels[l] = form.Get(fmt.Sprintf("%slevel%d", p, l+1))
		}
		out = append(out, f)
	}
	return out
}

func (h *handler) saveCriteria(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	rows := readCriteriaForm(r.PostForm)
	reason := r.PostForm.Get("reason")
	var cs []portfolio.Criterion
	var errs formErrors
	labels := map[string]string{}
	for i, f := range rows {
		blank := f.ID == 0 && strings.TrimSpace(f.Name) == "" && f.Key == ""
		if f.Remove || blank {
			continue
		}
		c := portfolio.Criterion{ID: f.ID, Key: f.Key, Name: f.Name, Levels: f.Levels}
		field := fmt.Sprintf("criteria[%d].weight", len(cs))
		labels[field] = "Weight of row " + strconv.Itoa(i+1)
		labels[fmt.Sprintf("criteria[%d].name", len(cs))] = "Name of row " + strconv.Itoa(i+1)
		labels[fmt.Sprintf("criteria[%d].key", len(cs))] = "Key of row " + strconv.Itoa(i+1)
		w, err := strconv.ParseFloat(strings.ReplaceAll(f.Weight, ",", "."), 64)
		if err != nil {
			errs.add(field, labels[field], "must be a number such as 1 or 2.5")
		}
		c.Weight = w
		cs = append(cs, c)
	}
	labels["criteria"] = "Criteria"
	labels["reason"] = "Reason"
	if !errs.Any() {
		_, err := h.db.SetCriteria(ctx, h.guard.Scope(ctx), cs, reason)
		if err == nil {
			http.Redirect(w, r, "/portfolio/criteria?saved=criteria", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, labels)
	} else {
		errs.Summary = "Please correct the highlighted fields."
	}
	h.showCriteria(w, r, http.StatusUnprocessableEntity, func(v *criteriaView) {
		v.Criteria, v.Reason, v.Errors = rows, reason, errs
		if len(v.Criteria) == 0 || v.Criteria[len(v.Criteria)-1].Name != "" {
			v.Criteria = append(v.Criteria, criterionForm{Weight: "1"})
		}
	})
}

func (h *handler) saveTierPolicy(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := tierPolicyForm{Method: r.PostForm.Get("method"), ParetoA: strings.TrimSpace(r.PostForm.Get("pareto_a")),
		ParetoB: strings.TrimSpace(r.PostForm.Get("pareto_b")), ScoreA: strings.TrimSpace(r.PostForm.Get("score_a")),
		ScoreB: strings.TrimSpace(r.PostForm.Get("score_b"))}
	labels := map[string]string{"method": "Method", "pareto.a": "Tier A ends at", "pareto.b": "Tier B ends at",
		"score.a": "Tier A from a score of", "score.b": "Tier B from a score of"}
	var errs formErrors
	num := func(field, s string) float64 {
		v, err := strconv.ParseFloat(strings.TrimSuffix(strings.ReplaceAll(s, ",", "."), "%"), 64)
		if err != nil {
			errs.add(field, labels[field], "must be a number")
		}
		return v
	}
	p := portfolio.Policy{Method: portfolio.Method(f.Method),
		Pareto: portfolio.Thresholds{A: num("pareto.a", f.ParetoA) / 100, B: num("pareto.b", f.ParetoB) / 100},
		Score:  portfolio.ScoreFloors{A: num("score.a", f.ScoreA), B: num("score.b", f.ScoreB)}}
	if !errs.Any() {
		err := h.db.SetPortfolioPolicy(ctx, h.guard.Scope(ctx), p)
		if err == nil {
			http.Redirect(w, r, "/portfolio/criteria?saved=policy#policy", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, labels)
	} else {
		errs.Summary = "Please correct the highlighted fields."
	}
	h.showCriteria(w, r, http.StatusUnprocessableEntity, func(v *criteriaView) { v.Policy, v.PolicyErrors = f, errs })
}

func (h *handler) recomputeTiers(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	n, err := h.db.RecomputeTiers(ctx, h.guard.Scope(ctx), "recomputed from the portfolio page")
	if err != nil {
		h.fail(w, r, err)
		return
	}
	back := "/portfolio?recomputed=" + strconv.Itoa(n)
	if r.PostForm.Get("return") == "criteria" {
		back = "/portfolio/criteria?saved=recompute#policy"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// ---- On the account: rating, designation, override -------------------------

// ratingForm is the rating form as typed: per criterion key, the value
// ("" if none chosen) and the note.
type ratingForm struct {
	Values map[string]string
	Notes  map[string]string
	Reason string
	Errors formErrors
}

type ratingCriterion struct {
	portfolio.Criterion
	Current     int
	CurrentNote string
	Chosen      string
	Note        string
	Error       string
}

type ratingView struct {
	page
	A        account.Account
	Criteria []ratingCriterion
	Reason   string
	Errors   formErrors
	Score    float64
	Scored   bool
}

func (h *handler) ratingPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.editableAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.showRating(w, r, a, nil, http.StatusOK)
}

func (h *handler) showRating(w http.ResponseWriter, r *http.Request, a account.Account, f *ratingForm, status int) {
	ctx := r.Context()
	st, err := h.db.AccountStanding(ctx, h.guard.Scope(ctx), a.ID)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := ratingView{page: page{Title: "Rate " + a.Name, Section: "portfolio"}, A: a, Score: st.Score, Scored: st.Scored}
	for _, cr := range st.Ratings {
		rc := ratingCriterion{Criterion: cr.Criterion, Current: cr.Value, CurrentNote: cr.Note}
		if cr.Value > 0 {
			rc.Chosen = strconv.Itoa(cr.Value)
		}
		if f != nil {
			rc.Chosen, rc.Note = f.Values[cr.Criterion.Key], f.Notes[cr.Criterion.Key]
			rc.Error = f.Errors.Field("ratings." + cr.Criterion.Key)
		}
		v.Criteria = append(v.Criteria, rc)
	}
	if f != nil {
		v.Reason, v.Errors = f.Reason, f.Errors
	}
	h.render(w, r, status, "portfolio_rating", v)
}

func (h *handler) saveRating(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	a, err := h.editableAccount(r, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	st, err := h.db.AccountStanding(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	f := ratingForm{Values: map[string]string{}, Notes: map[string]string{}, Reason: r.PostForm.Get("reason")}
	sub := portfolio.Submission{Reason: f.Reason}
	labels := map[string]string{"reason": "Reason", "ratings": "Ratings"}
	// Only what changed is recorded: a criterion whose value is as before
	// and has no new note keeps its rating (and its note) untouched.
	for _, cr := range st.Ratings {
		k := cr.Criterion.Key
		labels["ratings."+k] = cr.Criterion.Name
		labels["ratings."+k+".note"] = "Note on " + cr.Criterion.Name
		f.Values[k], f.Notes[k] = r.PostForm.Get("rating-"+k), strings.TrimSpace(r.PostForm.Get("note-"+k))
		if f.Values[k] == "" {
			continue
		}
		val, err := strconv.Atoi(f.Values[k])
		if err != nil || val < 1 || val > 5 {
			f.Errors.add("ratings."+k, cr.Criterion.Name, "must be rated from 1 to 5")
			continue
		}
		if val == cr.Value && f.Notes[k] == "" {
			continue
		}
		sub.Ratings = append(sub.Ratings, portfolio.CriterionRating{Key: k, Value: val, Note: f.Notes[k]})
	}
	if !f.Errors.Any() {
		if len(sub.Ratings) == 0 {
			f.Errors.add("ratings", "Ratings", "are unchanged: choose a different level or add a note")
		} else if _, err := h.db.RateAccount(ctx, sc, id, sub); err == nil {
			http.Redirect(w, r, accountURL(id)+"#standing", http.StatusSeeOther)
			return
		} else if !formProblem(err) {
			h.fail(w, r, err)
			return
		} else {
			f.Errors.fromError(err, labels)
		}
	}
	if f.Errors.Summary == "" {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	order := []string{"ratings"}
	anchors := map[string]string{"reason": "rating-reason", "ratings": "rating-fields"}
	for _, cr := range st.Ratings {
		order = append(order, "ratings."+cr.Criterion.Key)
		anchors["ratings."+cr.Criterion.Key] = "criterion-" + cr.Criterion.Key
	}
	f.Errors.arrange(append(order, "reason"), anchors)
	h.showRating(w, r, a, &f, http.StatusUnprocessableEntity)
}

// standingView is the "Strategic standing" section of the account page.
type standingView struct {
	store.Standing
	Currency  string
	CanRate   bool
	CanDecide bool
	// Forms that failed, shown again with their messages.
	DecisionForm decisionForm
	TierForm     tierForm
	People       map[int64]string
}

type decisionForm struct {
	Decision string
	Reason   string
	Errors   formErrors
}

type tierForm struct {
	Tier   string
	Reason string
	Errors formErrors
}

// standingSection builds the account page's portfolio section.
func (h *handler) standingSection(r *http.Request, a account.Account) (*standingView, error) {
	ctx := r.Context()
	st, err := h.db.AccountStanding(ctx, h.guard.Scope(ctx), a.ID)
	if err != nil {
		return nil, err
	}
	return &standingView{Standing: st, Currency: a.Currency,
		CanRate:      h.guard.CanEdit(ctx, a.ID, access.PartAccount) == nil,
		CanDecide:    h.guard.Allow(ctx, access.SetPolicy) == nil,
		DecisionForm: decisionForm{Decision: decisionValue(st.Decision)},
		TierForm:     tierForm{Tier: string(st.Override)},
	}, nil
}

func decisionValue(d portfolio.Decision) string {
	if d == portfolio.Undecided {
		return "undecided"
	}
	return string(d)
}

// readableAccount checks the account exists and may be read, for the
// leader's actions whose rule (SetPolicy) is checked by the route.
func (h *handler) readableAccount(r *http.Request) (int64, error) {
	id, err := pathID(r)
	if err != nil {
		return 0, err
	}
	return id, h.guard.CanReadAccount(r.Context(), id)
}

func (h *handler) decide(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := h.readableAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := decisionForm{Decision: r.PostForm.Get("decision"), Reason: r.PostForm.Get("reason")}
	d := portfolio.Decision(f.Decision)
	if f.Decision == "undecided" {
		d = portfolio.Undecided
	}
	if f.Decision == "" {
		d = "missing" // not a decision: the store says so
	}
	err = h.db.Decide(ctx, h.guard.Scope(ctx), id, d, f.Reason)
	if err == nil {
		back := accountURL(id) + "#standing"
		if r.PostForm.Get("return") == "portfolio" {
			back = portfolioQuery{Focus: id}.url()
		}
		http.Redirect(w, r, back, http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		h.fail(w, r, err)
		return
	}
	f.Errors.fromError(err, map[string]string{"decision": "Decision", "reason": "Reason"})
	f.Errors.arrange([]string{"decision", "reason"}, map[string]string{"decision": "decision-designated", "reason": "decision-reason"})
	h.showAccount(w, r, id, nil, http.StatusUnprocessableEntity, func(v *accountPageView) {
		if v.Portfolio != nil {
			v.Portfolio.DecisionForm = f
		}
	})
}

func (h *handler) overrideTier(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := h.readableAccount(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := tierForm{Tier: r.PostForm.Get("tier"), Reason: r.PostForm.Get("reason")}
	err = h.db.OverrideTier(ctx, h.guard.Scope(ctx), id, portfolio.Tier(f.Tier), f.Reason)
	if err == nil {
		http.Redirect(w, r, accountURL(id)+"#standing", http.StatusSeeOther)
		return
	}
	if !formProblem(err) {
		h.fail(w, r, err)
		return
	}
	f.Errors.fromError(err, map[string]string{"tier": "Tier", "reason": "Reason"})
	f.Errors.arrange([]string{"tier", "reason"}, map[string]string{"tier": "override-tier", "reason": "override-reason"})
	h.showAccount(w, r, id, nil, http.StatusUnprocessableEntity, func(v *accountPageView) {
		if v.Portfolio != nil {
			v.Portfolio.TierForm = f
		}
	})
}

// portfolioFuncs are the template functions of the portfolio pages.
var portfolioFuncs = template.FuncMap{
	"int64": func(n int) int64 { return int64(n) },
	"add":   func(a, b int) int { return a + b },
	"neg":   func(n int) int { return -n },
	// score prints a Strategic Score with one decimal, dropping ".0".
	"score": func(v float64) string {
		return strings.TrimSuffix(strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64), ".0")
	},
	"percent": pct,
	"weight":  func(w float64) string { return strconv.FormatFloat(w, 'f', -1, 64) },
	// pips draws a 1-5 rating as filled and empty dots.
	"pips": func(v int) string {
		return strings.Repeat("●", max(0, min(v, 5))) + strings.Repeat("○", 5-max(0, min(v, 5)))
	},
}

// portfolioChange says in words what a portfolio entry of the audit trail
// did to an account, for its timeline; ok is false for other entries.
func portfolioChange(e store.AuditEntry) (text string, ok bool) {
	str := func(k string) string {
		s, _ := e.Changes[k].New.(string)
		return s
	}
	why := func(s string) string {
		if r := str("reason"); r != "" {
			return s + ": “" + r + "”"
		}
		return s
	}
	switch {
	case e.Entity == "account_score" && e.Action == "rate":
		s := "rated the account"
		if v, isNum := e.Changes["score"].New.(float64); isNum {
			s += " (Strategic Score " + strings.TrimSuffix(strconv.FormatFloat(math.Round(v*10)/10, 'f', 1, 64), ".0") + ")"
		}
		return why(s), true
	case e.Entity == "designation":
		switch str("decision") {
		case "designated":
			return why("designated the account strategic"), true
		case "declined":
			return why("declined the account as strategic"), true
		}
		return why("withdrew the strategic decision"), true
	case e.Entity == "tier" && e.Action == "override":
		if t := str("override"); t != "" {
			return why("set the tier to " + t + " by hand"), true
		}
		return why("removed the hand-set tier"), true
	}
	return "", false
}
