package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// Measuring the practice (/measures): the account-management grader for the
// portfolio and each account, the NPS of key contacts with its trend and
// detractor follow-ups, and the SAM self-assessment. Rules are in package
// measure; surveys are in survey.go, the assessment in
// measures_assessment.go, charts in measures_charts.go. Under need-to-know,
// the grader, answers and follow-ups cover the reader's own accounts.

// measurePages registers this feature's pages.
func (h *handler) measurePages(handle handleFunc) {
	handle("GET /measures", access.ReadRecords, h.measuresPage)
	handle("GET /accounts/{id}/grader", access.ReadRecords, h.accountGraderPage)
	handle("POST /measures/followups/{id}/close", access.WriteRecords, h.closeFollowUp)

	handle("GET /measures/surveys", access.ReadRecords, h.surveysPage)
	handle("GET /measures/surveys/export", access.ReadRecords, h.exportSurveys) // survey.go
	handle("POST /measures/surveys", access.SetPolicy, h.createSurvey)
	handle("GET /measures/surveys/{id}", access.ReadRecords, h.surveyPage)
	handle("POST /measures/surveys/{id}/send", access.SetPolicy, h.sendSurvey)
	handle("POST /measures/surveys/{id}/close", access.SetPolicy, h.closeSurvey)

	handle("GET /measures/assessment", access.ReadRecords, h.assessmentPage)
	handle("POST /measures/assessment/rounds", access.SetPolicy, h.createRound)
	handle("POST /measures/assessment/rounds/{id}", access.SignedIn, h.answerAssessment)
	handle("POST /measures/assessment/rounds/{id}/close", access.SetPolicy, h.closeRound)

	// The respondent's page: the link's secret is the credential.
	handle("GET /s/{token}", access.Public, h.surveyRespondPage)
	handle("POST /s/{token}", access.Public, h.surveyRespond)
}

// gradeRow is one account on the portfolio grader list.
type gradeRow struct {
	measure.Grade
	Failing []measure.Check // the first few failing checks
	More    int             // failing checks not listed
}

// failingShown is how many failing checks a row of the portfolio lists.
const failingShown = 3

type namedNPS struct {
	Name string
	NPS  measure.NPS
}

type followUpRow struct {
	store.FollowUp
	CanClose bool
}

// followUpList is a list of follow-ups and where closing one returns to
// ("measures" or "account").
type followUpList struct {
	Rows []followUpRow
	Back string
}

type measuresView struct {
	page
	Restricted bool
	Portfolio  measure.Portfolio
	// Accounts per band.
	DoingWell, WorkOn, AtRisk int
	GradeChart                chartSVG
	Lowest                    []gradeRow // the weakest accounts first
	MoreGrades                int

	NPSYear   int
	NPS       measure.NPS
	ByTier    []namedNPS
	ByManager []namedNPS
	Trend     []measure.YearScore
	NPSChart  chartSVG
	Campaigns int

	FollowUps followUpList

	Rounds      []store.Round
	LatestRound *store.Round
	RoundChart  chartSVG
}

// lowestShown is how many accounts the portfolio view lists.
const lowestShown = 25

func (h *handler) measuresPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	visible := h.guard.VisibleTo(ctx)
	v := measuresView{page: page{Title: "Measures", Section: "measures"}, Restricted: visible != 0}
	grades, err := h.db.Grades(ctx, sc, store.GraderScope{VisibleTo: visible}, h.today())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Portfolio = measure.Summarise(grades)
	v.DoingWell, v.WorkOn, v.AtRisk = v.Portfolio.Bands[measure.DoingWell], v.Portfolio.Bands[measure.WorkOn], v.Portfolio.Bands[measure.AtRisk]
	v.GradeChart = gradeChart(v.Portfolio.Distribution)
	for _, g := range lowestGrades(grades, lowestShown) {
		row := gradeRow{Grade: g, Failing: g.Failing()}
		if len(row.Failing) > failingShown {
			row.More, row.Failing = len(row.Failing)-failingShown, row.Failing[:failingShown]
		}
		v.Lowest = append(v.Lowest, row)
	}
	v.MoreGrades = len(grades) - len(v.Lowest)

	answers, err := h.db.SurveyAnswers(ctx, sc, store.AnswerFilter{VisibleTo: visible})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	as := store.Answers(answers)
	v.Trend = measure.Trend(as)
	if len(v.Trend) > 0 {
		last := v.Trend[len(v.Trend)-1]
		v.NPSYear, v.NPS = last.Year, last.NPS
		var year []measure.Answer
		managers := map[int64]string{}
		for _, a := range answers {
			if a.Year == last.Year {
				year = append(year, a.Answer)
				managers[a.ManagerID] = a.ManagerName
			}
		}
		for _, g := range measure.ScoreBy(year, func(a measure.Answer) string { return a.Tier }) {
			name := "Tier " + g.Key
			if g.Key == "" {
				name = "Not tiered"
			}
			v.ByTier = append(v.ByTier, namedNPS{name, g.NPS})
		}
		for _, g := range measure.ScoreBy(year, func(a measure.Answer) string { return strconv.FormatInt(a.ManagerID, 10) }) {
			id, _ := strconv.ParseInt(g.Key, 10, 64)
			name := managers[id]
			if name == "" {
				name = "No manager"
			}
			v.ByManager = append(v.ByManager, namedNPS{name, g.NPS})
		}
		slices.SortStableFunc(v.ByManager, func(a, b namedNPS) int { return cmp.Compare(a.Name, b.Name) })
	}
	v.NPSChart = npsTrendChart(v.Trend)
	cs, err := h.db.Campaigns(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v.Campaigns = len(cs)

	v.FollowUps.Back = "measures"
	if v.FollowUps.Rows, err = h.followUps(r, store.FollowUpFilter{OpenOnly: true, VisibleTo: visible, Limit: 50}); err != nil {
		h.fail(w, r, err)
		return
	}
	if v.Rounds, err = h.db.Rounds(ctx, sc); err != nil {
		h.fail(w, r, err)
		return
	}
	names := make([]string, len(v.Rounds))
	results := make([]measure.Results, len(v.Rounds))
	for i, rd := range v.Rounds {
		names[i], results[i] = rd.Name, rd.Results
		if rd.Results.Respondents > 0 {
			v.LatestRound = &v.Rounds[i]
		}
	}
	v.RoundChart = assessmentChart(names, results)
	h.render(w, r, http.StatusOK, "measures", v)
}

// lowestGrades returns the first n of grades ordered by score, lowest first,
// keeping their order within a score, as a stable sort would, without
// sorting them all: a portfolio may hold 100,000 grades and scores take at
// most eleven values.
func lowestGrades(grades []measure.Grade, n int) []measure.Grade {
	var scores []int
	for _, g := range grades {
		if !slices.Contains(scores, g.Score) {
			scores = append(scores, g.Score)
		}
	}
	slices.Sort(scores)
	out := make([]measure.Grade, 0, min(n, len(grades)))
	for _, score := range scores {
		for _, g := range grades {
			if len(out) == cap(out) {
				return out
			}
			if g.Score == score {
				out = append(out, g)
			}
		}
	}
	return out
}

func (h *handler) followUps(r *http.Request, f store.FollowUpFilter) ([]followUpRow, error) {
	ctx := r.Context()
	fs, err := h.db.FollowUps(ctx, h.guard.Scope(ctx), f)
	if err != nil {
		return nil, err
	}
	out := make([]followUpRow, len(fs))
	for i, x := range fs {
		out[i] = followUpRow{FollowUp: x, CanClose: x.Status == "open" && h.guard.CanEdit(ctx, x.AccountID, access.PartAccount) == nil}
	}
	return out, nil
}

func (h *handler) closeFollowUp(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	sc := h.guard.Scope(ctx)
	acct, err := h.db.FollowUpAccount(ctx, sc, id)
	if err == nil {
		err = h.guard.CanReadAccount(ctx, acct)
	}
	if err == nil {
		err = h.guard.CanEdit(ctx, acct, access.PartAccount)
	}
	if err == nil {
		err = h.db.CloseFollowUp(ctx, sc, id, r.PostForm.Get("note"))
	}
	if err != nil && account.ErrorCode(err) != account.ECONFLICT {
		h.fail(w, r, err)
		return
	}
	back := r.PostForm.Get("back")
	if back != "account" {
		http.Redirect(w, r, "/measures#follow-ups", http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, "/accounts/"+strconv.FormatInt(acct, 10)+"#measures", http.StatusSeeOther)
}

type accountGraderView struct {
	page
	A     account.Account
	Grade measure.Grade
	Band  string
}

func (h *handler) accountGraderPage(w http.ResponseWriter, r *http.Request) {
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
	gs, err := h.db.Grades(ctx, sc, store.GraderScope{AccountID: id}, h.today())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := accountGraderView{page: page{Title: "Grader · " + a.Name, Section: "accounts"}, A: a, Grade: gs[0], Band: gs[0].Band.Label()}
	h.render(w, r, http.StatusOK, "grader_account", v)
}

// acctMeasures is the account page's measures section.
type acctMeasures struct {
	AccountID int64
	Grade     measure.Grade
	Failing   []measure.Check
	NPS       measure.NPS
	NPSYear   int
	FollowUps followUpList
}

// measureSummary loads this feature's section of the account page.
func (h *handler) measureSummary(r *http.Request, a account.Account) (any, error) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	gs, err := h.db.Grades(ctx, sc, store.GraderScope{AccountID: a.ID}, h.today())
	if err != nil {
		return nil, err
	}
	v := &acctMeasures{AccountID: a.ID, Grade: gs[0], Failing: gs[0].Failing()}
	answers, err := h.db.SurveyAnswers(ctx, sc, store.AnswerFilter{AccountID: a.ID})
	if err != nil {
		return nil, err
	}
	if tr := measure.Trend(store.Answers(answers)); len(tr) > 0 {
		v.NPSYear, v.NPS = tr[len(tr)-1].Year, tr[len(tr)-1].NPS
	}
	v.FollowUps.Back = "account"
	if v.FollowUps.Rows, err = h.followUps(r, store.FollowUpFilter{AccountID: a.ID, OpenOnly: true, Limit: 20}); err != nil {
		return nil, err
	}
	return v, nil
}
