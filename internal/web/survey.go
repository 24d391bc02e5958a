package web

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/auth"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// NPS survey campaigns (/measures/surveys) and the respondent's page
// (/s/{token}). A leader creates a campaign and sends it: that creates a
// personal invitation for every key contact of the target accounts; the
// scheduled mailing (measure.SendInvitations) delivers them, and reminds
// non-responders once a week later.

type surveyForm struct {
	Name, Year, OpensOn, ClosesOn string
	Tiers                         map[string]bool
	Accounts                      []int64 // chosen besides the tiers
	AccountsText                  string  // typed into the picker and not resolved
	Errors                        formErrors
}

type surveysView struct {
	page
	Campaigns []store.CampaignSummary
	CanManage bool
	Form      surveyForm
	Picker    picker // the accounts chosen besides the tiers (survey_picker.go)
	Tiers     []string
	Created   bool
	// Cap cuts Campaigns to its first rows on the page; the export keeps
	// every campaign.
	Cap capped
}

var surveyLabels = map[string]string{"name": "Name", "year": "Year", "opens_on": "Opens on", "closes_on": "Closes on",
	"target_tiers": "Tiers", "target_accounts": "Accounts"}

func (h *handler) newSurveyForm() surveyForm {
	t := h.today()
	return surveyForm{Name: "NPS " + strconv.Itoa(t.Year), Year: strconv.Itoa(t.Year), OpensOn: t.String(),
		ClosesOn: t.AddDays(30).String(), Tiers: map[string]bool{"A": true, "B": true}}
}

func (h *handler) surveysPage(w http.ResponseWriter, r *http.Request) {
	h.renderSurveys(w, r, http.StatusOK, h.newSurveyForm())
}

func (h *handler) renderSurveys(w http.ResponseWriter, r *http.Request, status int, f surveyForm) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	v := surveysView{page: page{Title: "NPS surveys", Section: "measures"}, Form: f, Tiers: []string{"A", "B", "C"},
		CanManage: h.guard.Allow(ctx, access.SetPolicy) == nil, Created: r.URL.Query().Get("created") == "1"}
	var err error
	if v.Campaigns, err = h.db.Campaigns(ctx, sc); err != nil {
		h.fail(w, r, err)
		return
	}
	v.Campaigns, v.Cap = capRows(r, v.Campaigns)
	if v.CanManage {
		// Only the chosen accounts are on the page; the picker searches
		// for the others.
		v.Picker = picker{ID: "target_accounts", Name: "target_accounts", Label: "And these accounts", Source: "/measures/surveys/accounts",
			Multiple: true, Text: f.AccountsText, Error: f.Errors.Field("target_accounts"),
			Hint:   "One account name or id per line; untick a chosen account to drop it. With no tier and no account chosen, every customer account is surveyed.",
			JSHint: "Type part of a name and choose from the list. With no tier and no account chosen, every customer account is surveyed."}
		if v.Picker.Chosen, err = h.db.AccountPicks(ctx, sc, f.Accounts, h.guard.VisibleTo(ctx)); err != nil {
			h.fail(w, r, err)
			return
		}
	}
	h.render(w, r, status, "surveys", v)
}

// exportSurveys answers the campaigns as the page lists them, as CSV or
// Excel; the response rate is blank until something is sent.
func (h *handler) exportSurveys(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cs, err := h.db.Campaigns(ctx, h.guard.Scope(ctx))
	if err != nil {
		h.fail(w, r, err)
		return
	}
	rows := make([][]any, 0, len(cs))
	for _, c := range cs {
		var rate any = ""
		if c.Sent > 0 {
			rate = c.RatePercent()
		}
		rows = append(rows, []any{c.ID, c.Name, c.Year, strings.Join(c.TargetTiers, " "), len(c.TargetAccounts), string(c.Status),
			c.OpensOn.String(), c.ClosesOn.String(), c.Invited, c.Sent, c.Responded, rate})
	}
	if err := writeTable(w, r.URL.Query().Get("format"), "nps-surveys",
		[]string{"id", "campaign", "year", "tiers", "chosen_accounts", "status", "opens_on", "closes_on", "invited", "sent", "answered", "response_rate_pct"}, rows); err != nil {
		h.log.ErrorContext(ctx, "export surveys", "err", err)
	}
}

func (h *handler) createSurvey(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	f := surveyForm{Name: strings.TrimSpace(r.PostForm.Get("name")), Year: strings.TrimSpace(r.PostForm.Get("year")),
		OpensOn: strings.TrimSpace(r.PostForm.Get("opens_on")), ClosesOn: strings.TrimSpace(r.PostForm.Get("closes_on")),
		Tiers: map[string]bool{}}
	c := measure.Campaign{Name: f.Name}
	for _, t := range r.PostForm["target_tiers"] {
		f.Tiers[t] = true
		c.TargetTiers = append(c.TargetTiers, t)
	}
	chosen, err := ids(r.PostForm["target_accounts"])
	if err != nil {
		f.Errors.add("target_accounts", "Accounts", "must be accounts of the list")
	}
	typed, left, problems, err := h.resolveAccounts(r, r.PostForm.Get("target_accounts_text"))
	if err != nil && !formProblem(err) {
		h.fail(w, r, err)
		return
	}
	if err != nil {
		f.Errors.fromError(err, surveyLabels)
		left = []string{r.PostForm.Get("target_accounts_text")}
	}
	if len(problems) > 0 {
		f.Errors.add("target_accounts", "Accounts", problemList(problems))
	}
	f.AccountsText = strings.Join(left, "\n")
	f.Accounts = uniqueIDs(append(chosen, typed...))
	if len(chosen) > 0 {
		// Chips carry ids: each must be an account this user may see.
		ps, err := h.db.AccountPicks(r.Context(), h.guard.Scope(r.Context()), chosen, h.guard.VisibleTo(r.Context()))
		if err != nil && !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		if err != nil || len(ps) < len(uniqueIDs(chosen)) {
			f.Errors.add("target_accounts", "Accounts", "include an account that does not exist or that you may not see")
		}
	}
	c.TargetAccounts = f.Accounts
	if c.Year, err = strconv.Atoi(f.Year); err != nil {
		f.Errors.add("year", "Year", "must be a year such as 2026")
	}
	if c.OpensOn, err = account.ParseDate(f.OpensOn); err != nil {
		f.Errors.add("opens_on", "Opens on", "must be a date")
	}
	if c.ClosesOn, err = account.ParseDate(f.ClosesOn); err != nil {
		f.Errors.add("closes_on", "Closes on", "must be a date")
	}
	if !f.Errors.Any() {
		err := h.db.CreateCampaign(r.Context(), h.guard.Scope(r.Context()), &c)
		if err == nil {
			http.Redirect(w, r, "/measures/surveys/"+strconv.FormatInt(c.ID, 10)+"?created=1", http.StatusSeeOther)
			return
		}
		if !formProblem(err) {
			h.fail(w, r, err)
			return
		}
		f.Errors.fromError(err, surveyLabels)
	}
	if f.Errors.Summary == "" {
		f.Errors.Summary = "Please correct the highlighted fields."
	}
	f.Errors.arrange([]string{"name", "year", "opens_on", "closes_on", "target_tiers", "target_accounts"}, nil)
	h.renderSurveys(w, r, http.StatusUnprocessableEntity, f)
}

type accountNPS struct {
	ID   int64
	Name string
	NPS  measure.NPS
}

type surveyView struct {
	page
	C          store.CampaignSummary
	Rate       int // response rate, percent
	NPS        measure.NPS
	ByAccount  []accountNPS
	Answers    []answerRow // newest first
	CanManage  bool
	Created    bool
	Sent       string // "" or how many invitations sending created
	Recorded   bool   // an answer received on paper or by phone was just recorded
	Restricted bool
	// Answer is the form for an answer received on paper or by phone
	// (survey_answers.go).
	Answer answerForm
	// The lists are cut to their first rows (?all=1 shows every row); the
	// figures above them, and the answers export, cover every answer.
	ByAccountCap, AnswersCap capped
}

func (h *handler) surveyPage(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	h.renderSurvey(w, r, http.StatusOK, id, h.newAnswerForm(id))
}

func (h *handler) renderSurvey(w http.ResponseWriter, r *http.Request, status int, id int64, form answerForm) {
	ctx := r.Context()
	sc := h.guard.Scope(ctx)
	c, err := h.db.Campaign(ctx, sc, id)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	visible := h.guard.VisibleTo(ctx)
	v := surveyView{page: page{Title: c.Name, Section: "measures"}, C: c, CanManage: h.guard.Allow(ctx, access.SetPolicy) == nil,
		Created: r.URL.Query().Get("created") == "1", Sent: r.URL.Query().Get("sent"), Restricted: visible != 0,
		Recorded: r.URL.Query().Get("recorded") == "1", Rate: int(c.ResponseRate()*100 + 0.5), Answer: form}
	answers, err := h.db.SurveyAnswers(ctx, sc, store.AnswerFilter{CampaignID: id, VisibleTo: visible})
	if err != nil {
		h.fail(w, r, err)
		return
	}
	as := store.Answers(answers)
	v.NPS = measure.Score(as)
	names := map[int64]string{}
	for _, a := range answers {
		names[a.AccountID] = a.AccountName
	}
	for _, g := range measure.ScoreBy(as, func(a measure.Answer) string { return strconv.FormatInt(a.AccountID, 10) }) {
		aid, _ := strconv.ParseInt(g.Key, 10, 64)
		v.ByAccount = append(v.ByAccount, accountNPS{aid, names[aid], g.NPS})
	}
	slices.SortStableFunc(v.ByAccount, func(a, b accountNPS) int {
		return cmp.Or(cmp.Compare(a.NPS.Score, b.NPS.Score), cmp.Compare(a.Name, b.Name))
	})
	v.ByAccount, v.ByAccountCap = capRows(r, v.ByAccount)
	slices.Reverse(answers) // newest first
	answers, v.AnswersCap = capRows(r, answers)
	v.Answers = answerRows(answers)
	h.render(w, r, status, "survey_campaign", v)
}

func (h *handler) sendSurvey(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	var n int
	if err == nil {
		n, err = h.db.OpenCampaign(r.Context(), h.guard.Scope(r.Context()), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/measures/surveys/"+strconv.FormatInt(id, 10)+"?sent="+strconv.Itoa(n), http.StatusSeeOther)
}

func (h *handler) closeSurvey(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err == nil {
		err = parseForm(w, r)
	}
	if err == nil {
		err = h.db.CloseCampaign(r.Context(), h.guard.Scope(r.Context()), id)
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/measures/surveys/"+strconv.FormatInt(id, 10), http.StatusSeeOther)
}

// The respondent's page. It says nothing about a link that does not work
// beyond that it does not: not whose it was, nor which organisation sent
// it. Failed look-ups count against the client's address (as failed
// sign-ins do), so links cannot be guessed at speed — not that 256 random
// bits could be.

// surveyLimits bound failed link look-ups per address.
var surveyLimits = auth.Limits{Window: 15 * time.Minute, PerAddress: 20, Lockout: 15 * time.Minute}

type respondView struct {
	page
	Token    string
	State    measure.LinkState
	Link     store.SurveyLink
	First    string
	Scores   []int
	Score    string
	Comment  string
	Error    string
	Thanks   bool
	Limited  bool
	MaxChars int
}

func (h *handler) surveyLimited(r *http.Request) (bool, error) {
	addr := h.clientAddress(r)
	now := h.now()
	fails, err := h.db.SurveyLinkFailures(r.Context(), addr, now.Add(-surveyLimits.Lookback()))
	if err != nil {
		return false, err
	}
	attempts := make([]auth.Attempt, len(fails))
	for i, at := range fails {
		attempts[i] = auth.Attempt{Address: addr, At: at}
	}
	return surveyLimits.Check("", addr, attempts, now).Locked(), nil
}

func (h *handler) renderRespond(w http.ResponseWriter, r *http.Request, status int, v respondView) {
	v.page = page{Title: "Your feedback", Bare: true}
	v.Scores = []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10}
	v.MaxChars = measure.MaxComment
	if f := strings.Fields(v.Link.ContactName); len(f) > 0 {
		v.First = f[0]
	}
	// The link is a secret: keep it out of caches and of Referer headers.
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	h.render(w, r, status, "survey_respond", v)
}

// lookUpLink finds the link, applying the rate limit; ok is false when the
// page was answered already.
func (h *handler) lookUpLink(w http.ResponseWriter, r *http.Request) (respondView, bool) {
	token := r.PathValue("token")
	v := respondView{Token: token}
	limited, err := h.surveyLimited(r)
	if err != nil {
		h.fail(w, r, err)
		return v, false
	}
	if limited {
		v.Limited = true
		h.renderRespond(w, r, http.StatusTooManyRequests, v)
		return v, false
	}
	if v.Link, err = h.db.SurveyLinkByToken(r.Context(), token); err != nil {
		h.fail(w, r, err)
		return v, false
	}
	v.State = v.Link.State
	if v.State == measure.LinkUnknown {
		if err := h.db.RecordSurveyLinkFailure(r.Context(), h.clientAddress(r)); err != nil {
			h.fail(w, r, err)
			return v, false
		}
	}
	if v.State != measure.LinkOK {
		v.Link = store.SurveyLink{State: v.State} // reveal nothing about a link that does not work
		status := http.StatusNotFound
		if v.State != measure.LinkUnknown {
			status = http.StatusGone
		}
		h.renderRespond(w, r, status, v)
		return v, false
	}
	return v, true
}

func (h *handler) surveyRespondPage(w http.ResponseWriter, r *http.Request) {
	if v, ok := h.lookUpLink(w, r); ok {
		h.renderRespond(w, r, http.StatusOK, v)
	}
}

func (h *handler) surveyRespond(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r); err != nil {
		h.fail(w, r, err)
		return
	}
	v, ok := h.lookUpLink(w, r)
	if !ok {
		return
	}
	v.Score, v.Comment = strings.TrimSpace(r.PostForm.Get("score")), r.PostForm.Get("comment")
	score, err := strconv.Atoi(v.Score)
	if err != nil || !measure.ValidScore(score) {
		v.Error = "Please choose a number from 0 to 10."
		h.renderRespond(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	state, err := h.db.AnswerSurvey(r.Context(), v.Token, score, v.Comment)
	if account.ErrorCode(err) == account.EINVALID {
		v.Error = "Your comment is too long: please keep it under " + strconv.Itoa(measure.MaxComment) + " characters."
		h.renderRespond(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err != nil {
		h.fail(w, r, err)
		return
	}
	if state != measure.LinkOK {
		h.renderRespond(w, r, http.StatusGone, respondView{State: state})
		return
	}
	h.renderRespond(w, r, http.StatusOK, respondView{State: measure.LinkUsed, Thanks: true, Link: store.SurveyLink{OrgName: v.Link.OrgName}})
}
