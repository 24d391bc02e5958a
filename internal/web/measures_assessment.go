package web

import (
	"net/http"
	"strconv"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// The SAM self-assessment (/measures/assessment): the open round's form,
// each signed-in person answering once per round (again to change their
// answer), and the history of rounds with their averages.

type assessmentSection struct {
	measure.Section
	Statements []assessmentStatement
}

type assessmentStatement struct {
	measure.Statement
	Value string // the rating chosen, "" none
	Error string
}

// ratingOption is one point of the 1-5 scale.
type ratingOption struct{ Value, Label string }

func ratingOptions() []ratingOption {
	out := make([]ratingOption, len(measure.RatingLabels))
	for i, l := range measure.RatingLabels {
		out[i] = ratingOption{strconv.Itoa(i + 1), l}
	}
	return out
}

type assessmentView struct {
	page
	Open       *store.Round // the newest open round
	Sections   []assessmentSection
	Labels     []ratingOption
	Answered   bool
	Saved      bool
	Errors     formErrors
	CanManage  bool
	CanAnswer  bool
	Rounds     []store.Round // newest first
	Latest     *store.Round  // the newest round with answers
	Chart      chartSVG
	RoundName  string
	RoundError string
}

func (h *handler) assessmentPage(w http.ResponseWriter, r *http.Request) {
	h.renderAssessment(w, r, http.StatusOK, nil, formErrors{}, "", "")
}

// renderAssessment shows the page; ratings, when given, are a submitted form
// to show again.
func (h *handler) renderAssessment(w http.ResponseWriter, r *http.Request, status int, ratings map[int]string, errs formErrors, roundName, roundErr string) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	rounds, err := h.db.Rounds(ctx, sc)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := assessmentView{page: page{Title: "SAM assessment", Section: "measures"}, Labels: ratingOptions(), Errors: errs,
		CanManage: h.guard.Allow(ctx, access.SetPolicy) == nil, CanAnswer: sc.UserID != 0,
		Saved: r.URL.Query().Get("saved") == "1", RoundName: roundName, RoundError: roundErr}
	names := make([]string, len(rounds))
	results := make([]measure.Results, len(rounds))
	for i := range rounds {
		names[i], results[i] = rounds[i].Name, rounds[i].Results
		if rounds[i].Status == "open" {
			v.Open = &rounds[i]
		}
		if rounds[i].Results.Respondents > 0 {
			v.Latest = &rounds[i]
		}
	}
	v.Chart = assessmentChart(names, results)
	for i := len(rounds) - 1; i >= 0; i-- {
		v.Rounds = append(v.Rounds, rounds[i])
	}
	if v.Open != nil && ratings == nil && v.CanAnswer {
		mine, err := h.db.MyAssessment(ctx, sc, v.Open.ID)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.Answered = mine != nil
		ratings = map[int]string{}
		for i, x := range mine {
			ratings[i+1] = strconv.Itoa(x)
		}
	}
	for _, s := range measure.Sections {
		as := assessmentSection{Section: s}
		for _, n := range s.Statements {
			as.Statements = append(as.Statements, assessmentStatement{Statement: measure.Statements[n-1], Value: ratings[n],
				Error: errs.Field("s" + strconv.Itoa(n))})
		}
		v.Sections = append(v.Sections, as)
	}
	h.render(w, r, status, "assessment", v)
}

func (h *handler) answerAssessment(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	given := map[int]string{}
	ratings := make([]int, measure.NumStatements)
	var errs formErrors
	for i := range ratings {
		f := "s" + strconv.Itoa(i+1)
		given[i+1] = r.PostForm.Get(f)
		v, err := strconv.Atoi(given[i+1])
		if err != nil || v < 1 || v > 5 {
			errs.add(f, "Statement "+strconv.Itoa(i+1), "needs a rating from 1 to 5")
			continue
		}
		ratings[i] = v
	}
	if !errs.Any() {
		err := h.db.AnswerAssessment(r.Context(), h.guard.Scope(r.Context()), id, ratings)
		if err == nil {
			http.Redirect(w, r, "/measures/assessment?saved=1", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		errs.fromError(err, nil)
	}
	if errs.Summary == "" {
		errs.Summary = "Please rate every statement."
	}
	h.renderAssessment(w, r, http.StatusUnprocessableEntity, given, errs, "", "")
}

func (h *handler) createRound(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	name := r.PostForm.Get("name")
	_, err := h.db.CreateRound(r.Context(), h.guard.Scope(r.Context()), name)
	if err == nil {
		http.Redirect(w, r, "/measures/assessment", http.StatusSeeOther)
		return
	}
	if account.ErrorCode(err) != account.EINVALID {
		h.fail(w, r, err)
		return
	}
	h.renderAssessment(w, r, http.StatusUnprocessableEntity, nil, formErrors{}, name, "Name "+account.ErrorFields(err)[0].Message)
}

func (h *handler) closeRound(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err == nil {
		err = h.db.CloseRound(r.Context(), h.guard.Scope(r.Context()), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/measures/assessment", http.StatusSeeOther)
}
