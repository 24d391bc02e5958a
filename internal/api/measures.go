package api

import (
	"context"
	"net/http"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// Measures: the account-management grader, NPS survey campaigns and the
// SAM self-assessment. Rules and formulas are in package measure (see its
// documentation); campaigns and rounds are the SAM leader's (access.SetPolicy).

const (
	graderDoc = "Ten yes/no checks computed from the data, each with why it passes or fails and, when failing, the page that fixes it. " +
		"The score is the number passed: 9-10 doing well, 7-8 areas to work on, 0-6 at risk."
	surveySendDoc = "Opens the campaign and creates a personal invitation for every key contact (an active stakeholder with an e-mail " +
		"who is an executive, a senior manager, a decision maker or a champion) of its target accounts. The scheduled mailing sends " +
		"them within minutes and reminds non-responders once, a week later. Sending an open campaign again invites key contacts added since."
	assessmentDoc = "Fifteen statements rated 1 (strongly disagree) to 5 (strongly agree), total 15-75. Bands: 60-75 excellent, " +
		"50-59 good, 40-49 concern, 15-39 call for help (published versions of the scale overlap at 50 and 60; samwise does not). " +
		"A section averaging below 3.5 is weak and lists its good practices."
)

// measureRoutes registers this feature's operations.
func measureRoutes(api huma.API, h *handlers) {
	tags := []string{"Measures"}
	register(api, h, huma.Operation{OperationID: "get-account-grader", Method: http.MethodGet, Path: "/api/v1/accounts/{id}/grader",
		Summary: "Grade an account", Description: graderDoc, Tags: tags, Metadata: rule(access.ReadRecords)}, h.getAccountGrader)
	register(api, h, huma.Operation{OperationID: "get-grader", Method: http.MethodGet, Path: "/api/v1/grader",
		Summary: "Grade the portfolio", Description: graderDoc + " Covers the accounts you may read that are not former customers, weakest first.",
		Tags: tags, Metadata: rule(access.ReadRecords)}, h.getGrader)

	register(api, h, huma.Operation{OperationID: "list-surveys", Method: http.MethodGet, Path: "/api/v1/surveys",
		Summary: "List NPS survey campaigns", Tags: tags, Metadata: rule(access.ReadRecords)}, h.listSurveys)
	register(api, h, huma.Operation{OperationID: "create-survey", Method: http.MethodPost, Path: "/api/v1/surveys",
		Summary: "Create an NPS survey campaign", Description: "Saved as a draft: nothing is sent until it is sent.",
		Tags: tags, DefaultStatus: http.StatusCreated, Metadata: rule(access.SetPolicy)}, h.createSurvey)
	register(api, h, huma.Operation{OperationID: "get-survey", Method: http.MethodGet, Path: "/api/v1/surveys/{id}",
		Summary: "Get an NPS survey campaign", Tags: tags, Metadata: rule(access.ReadRecords)}, h.getSurvey)
	register(api, h, huma.Operation{OperationID: "send-survey", Method: http.MethodPost, Path: "/api/v1/surveys/{id}/send",
		Summary: "Send an NPS survey campaign", Description: surveySendDoc, Tags: tags, Metadata: rule(access.SetPolicy)}, h.sendSurvey)
	register(api, h, huma.Operation{OperationID: "close-survey", Method: http.MethodPost, Path: "/api/v1/surveys/{id}/close",
		Summary: "Close an NPS survey campaign", Description: "Its links stop accepting answers.", Tags: tags,
		Metadata: rule(access.SetPolicy)}, h.closeSurvey)
	register(api, h, huma.Operation{OperationID: "get-survey-results", Method: http.MethodGet, Path: "/api/v1/surveys/{id}/results",
		Summary: "Get an NPS survey campaign's results",
		Description: "NPS = %promoters (9-10) − %detractors (0-6) over each respondent's latest answer; the response rate is " +
			"respondents ÷ invitations sent. Under need-to-know the answers and per-account figures cover your own accounts.",
		Tags: tags, Metadata: rule(access.ReadRecords)}, h.getSurveyResults)

	register(api, h, huma.Operation{OperationID: "list-assessments", Method: http.MethodGet, Path: "/api/v1/assessments",
		Summary: "List SAM assessment rounds with their results", Description: assessmentDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.listAssessments)
	register(api, h, huma.Operation{OperationID: "create-assessment", Method: http.MethodPost, Path: "/api/v1/assessments",
		Summary: "Open a SAM assessment round", Tags: tags, DefaultStatus: http.StatusCreated,
		Metadata: rule(access.SetPolicy)}, h.createAssessment)
	register(api, h, huma.Operation{OperationID: "get-assessment", Method: http.MethodGet, Path: "/api/v1/assessments/{id}",
		Summary: "Get a SAM assessment round with its results", Description: assessmentDoc, Tags: tags,
		Metadata: rule(access.ReadRecords)}, h.getAssessment)
	register(api, h, huma.Operation{OperationID: "answer-assessment", Method: http.MethodPut, Path: "/api/v1/assessments/{id}/responses/me",
		Summary: "Answer a SAM assessment round", Description: "Records your fifteen ratings in an open round, replacing your earlier answer.",
		Tags: tags, Metadata: rule(access.WriteRecords)}, h.answerAssessment)
	register(api, h, huma.Operation{OperationID: "close-assessment", Method: http.MethodPost, Path: "/api/v1/assessments/{id}/close",
		Summary: "Close a SAM assessment round", Tags: tags, Metadata: rule(access.SetPolicy)}, h.closeAssessment)
}

// GraderCheck is one of the ten checks.
type GraderCheck struct {
	N        int    `json:"n" minimum:"1" maximum:"10"`
	Key      string `json:"key" enum:"owner,capacity,goals,tier,checkins,review,matrix,roadmap,vision,nps"`
	Title    string `json:"title"`
	Pass     bool   `json:"pass"`
	Why      string `json:"why"`
	FixURL   string `json:"fix_url,omitempty" doc:"The page that fixes a failing check."`
	FixLabel string `json:"fix_label,omitempty"`
}

// Grade is an account's grader result.
type Grade struct {
	AccountID   int64         `json:"account_id"`
	AccountName string        `json:"account_name"`
	Score       int           `json:"score" minimum:"0" maximum:"10"`
	Band        string        `json:"band" enum:"doing_well,work_on,at_risk"`
	Checks      []GraderCheck `json:"checks"`
}

func gradeOut(g measure.Grade) Grade {
	out := Grade{AccountID: g.AccountID, AccountName: g.AccountName, Score: g.Score, Band: string(g.Band), Checks: make([]GraderCheck, len(g.Checks))}
	for i, c := range g.Checks {
		out.Checks[i] = GraderCheck(c)
	}
	return out
}

func (h *handlers) getAccountGrader(ctx context.Context, in *IDParam) (*one[Grade], error) {
	if err := h.readableAccount(ctx, in.ID); err != nil {
		return nil, err
	}
	gs, err := h.db.Grades(ctx, h.guard.Scope(ctx), store.GraderScope{AccountID: in.ID}, h.today())
	if err != nil {
		return nil, err
	}
	return &one[Grade]{Body: gradeOut(gs[0])}, nil
}

// CheckFailures counts the accounts failing a check.
type CheckFailures struct {
	N       int    `json:"n"`
	Key     string `json:"key"`
	Title   string `json:"title"`
	Failing int    `json:"failing"`
}

// GraderPortfolio is the grader across the portfolio.
type GraderPortfolio struct {
	Accounts     int             `json:"accounts"`
	Average      float64         `json:"average"`
	Distribution []int           `json:"distribution" doc:"Accounts per score; index = score 0..10."`
	DoingWell    int             `json:"doing_well"`
	WorkOn       int             `json:"work_on"`
	AtRisk       int             `json:"at_risk"`
	Weakest      []CheckFailures `json:"weakest" doc:"Checks by the number of accounts failing them, most first."`
	Grades       []Grade         `json:"grades" doc:"Every account, lowest score first."`
}

func (h *handlers) getGrader(ctx context.Context, _ *struct{}) (*one[GraderPortfolio], error) {
	gs, err := h.db.Grades(ctx, h.guard.Scope(ctx), store.GraderScope{VisibleTo: h.guard.VisibleTo(ctx)}, h.today())
	if err != nil {
		return nil, err
	}
	p := measure.Summarise(gs)
	out := GraderPortfolio{Accounts: p.Accounts, Average: p.Average, Distribution: p.Distribution[:],
		DoingWell: p.Bands[measure.DoingWell], WorkOn: p.Bands[measure.WorkOn], AtRisk: p.Bands[measure.AtRisk],
		Weakest: make([]CheckFailures, len(p.Weakest)), Grades: make([]Grade, 0, len(gs))}
	for i, w := range p.Weakest {
		out.Weakest[i] = CheckFailures(w)
	}
	for score := 0; score <= 10; score++ {
		for _, g := range gs {
			if g.Score == score {
				out.Grades = append(out.Grades, gradeOut(g))
			}
		}
	}
	return &one[GraderPortfolio]{Body: out}, nil
}

// SurveyInput is a new campaign.
type SurveyInput struct {
	Name           string       `json:"name" minLength:"1" maxLength:"200"`
	Year           int          `json:"year" minimum:"2000" maximum:"2100"`
	TargetTiers    []string     `json:"target_tiers,omitempty" doc:"Tiers whose accounts are surveyed (A, B, C)."`
	TargetAccounts []int64      `json:"target_accounts,omitempty" doc:"Accounts surveyed besides the tiers'. With neither, every customer account."`
	OpensOn        account.Date `json:"opens_on"`
	ClosesOn       account.Date `json:"closes_on" doc:"Links stop working at the end of this day (UTC); at most 120 days after opens_on."`
}

// Survey is a campaign with its counts.
type Survey struct {
	ID             int64        `json:"id"`
	Name           string       `json:"name"`
	Year           int          `json:"year"`
	TargetTiers    []string     `json:"target_tiers"`
	TargetAccounts []int64      `json:"target_accounts"`
	OpensOn        account.Date `json:"opens_on"`
	ClosesOn       account.Date `json:"closes_on"`
	Status         string       `json:"status" enum:"draft,open,closed"`
	Invited        int          `json:"invited" doc:"Invitations created."`
	Sent           int          `json:"sent" doc:"Invitations sent, or answered on paper or by phone before they went out (those reached the contact too)."`
	Responded      int          `json:"responded"`
	ResponseRate   float64      `json:"response_rate" doc:"responded ÷ sent, 0..1."`
	CreatedAt      time.Time    `json:"created_at"`
	UpdatedAt      time.Time    `json:"updated_at"`
}

func surveyOut(c store.CampaignSummary) Survey {
	tiers := c.TargetTiers
	if tiers == nil {
		tiers = []string{}
	}
	accts := c.TargetAccounts
	if accts == nil {
		accts = []int64{}
	}
	return Survey{ID: c.ID, Name: c.Name, Year: c.Year, TargetTiers: tiers, TargetAccounts: accts, OpensOn: c.OpensOn, ClosesOn: c.ClosesOn,
		Status: string(c.Status), Invited: c.Invited, Sent: c.Sent, Responded: c.Responded, ResponseRate: c.ResponseRate(),
		CreatedAt: instant(c.CreatedAt), UpdatedAt: instant(c.UpdatedAt)}
}

type surveysOutput struct {
	Body struct {
		Items []Survey `json:"items" nullable:"false"`
	}
}

func (h *handlers) listSurveys(ctx context.Context, _ *struct{}) (*surveysOutput, error) {
	cs, err := h.db.Campaigns(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	out := &surveysOutput{}
	out.Body.Items = make([]Survey, len(cs))
	for i, c := range cs {
		out.Body.Items[i] = surveyOut(c)
	}
	return out, nil
}

func (h *handlers) createSurvey(ctx context.Context, in *createInput[SurveyInput]) (*created[Survey], error) {
	b := in.Body
	c := measure.Campaign{Name: b.Name, Year: b.Year, TargetTiers: b.TargetTiers, TargetAccounts: b.TargetAccounts, OpensOn: b.OpensOn, ClosesOn: b.ClosesOn}
	sc := h.guard.Scope(ctx)
	if err := h.db.CreateCampaign(ctx, sc, &c); err != nil {
		return nil, err
	}
	s, err := h.db.Campaign(ctx, sc, c.ID)
	if err != nil {
		return nil, err
	}
	return &created[Survey]{Location: location("surveys", c.ID), Body: surveyOut(s)}, nil
}

func (h *handlers) getSurvey(ctx context.Context, in *IDParam) (*one[Survey], error) {
	c, err := h.db.Campaign(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Survey]{Body: surveyOut(c)}, nil
}

// SurveySent says what sending did.
type SurveySent struct {
	Survey         Survey `json:"survey"`
	NewInvitations int    `json:"new_invitations" doc:"Invitations created by this call; the mailing sends them."`
}

func (h *handlers) sendSurvey(ctx context.Context, in *IDParam) (*one[SurveySent], error) {
	sc := h.guard.Scope(ctx)
	n, err := h.db.OpenCampaign(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	c, err := h.db.Campaign(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[SurveySent]{Body: SurveySent{Survey: surveyOut(c), NewInvitations: n}}, nil
}

func (h *handlers) closeSurvey(ctx context.Context, in *IDParam) (*one[Survey], error) {
	sc := h.guard.Scope(ctx)
	if err := h.db.CloseCampaign(ctx, sc, in.ID); err != nil {
		return nil, err
	}
	c, err := h.db.Campaign(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[Survey]{Body: surveyOut(c)}, nil
}

// NPS is a Net Promoter Score with its counts.
type NPS struct {
	Score      *float64 `json:"score" doc:"%promoters − %detractors, −100..100; null without answers."`
	Promoters  int      `json:"promoters"`
	Passives   int      `json:"passives"`
	Detractors int      `json:"detractors"`
	Responses  int      `json:"responses"`
}

func npsOut(n measure.NPS) NPS {
	out := NPS{Promoters: n.Promoters, Passives: n.Passives, Detractors: n.Detractors, Responses: n.Responses}
	if n.Defined() {
		s := n.Score
		out.Score = &s
	}
	return out
}

// GroupNPS is the NPS of one group of answers.
type GroupNPS struct {
	Key  string `json:"key" doc:"The account id, tier or manager id."`
	Name string `json:"name"`
	NPS  NPS    `json:"nps"`
}

// SurveyAnswer is one answer.
type SurveyAnswer struct {
	ID            int64     `json:"id"`
	AccountID     int64     `json:"account_id"`
	AccountName   string    `json:"account_name"`
	StakeholderID int64     `json:"stakeholder_id"`
	ContactName   string    `json:"contact_name"`
	KeyContact    bool      `json:"key_contact"`
	Score         int       `json:"score" minimum:"0" maximum:"10"`
	Category      string    `json:"category" enum:"promoter,passive,detractor"`
	Comment       string    `json:"comment"`
	Channel       string    `json:"channel" enum:"link,paper,phone,other" doc:"How the answer reached us: the contact's link, or recorded from paper, a phone call or otherwise."`
	AnsweredAt    time.Time `json:"answered_at"`
}

// SurveyResults are a campaign's figures.
type SurveyResults struct {
	Survey    Survey         `json:"survey"`
	NPS       NPS            `json:"nps"`
	ByAccount []GroupNPS     `json:"by_account"`
	ByTier    []GroupNPS     `json:"by_tier"`
	ByManager []GroupNPS     `json:"by_manager"`
	Answers   []SurveyAnswer `json:"answers" doc:"Oldest first."`
}

func (h *handlers) getSurveyResults(ctx context.Context, in *IDParam) (*one[SurveyResults], error) {
	sc := h.guard.Scope(ctx)
	c, err := h.db.Campaign(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	answers, err := h.db.SurveyAnswers(ctx, sc, store.AnswerFilter{CampaignID: in.ID, VisibleTo: h.guard.VisibleTo(ctx)})
	if err != nil {
		return nil, err
	}
	as := store.Answers(answers)
	out := SurveyResults{Survey: surveyOut(c), NPS: npsOut(measure.Score(as)), ByAccount: []GroupNPS{}, ByTier: []GroupNPS{},
		ByManager: []GroupNPS{}, Answers: make([]SurveyAnswer, len(answers))}
	accounts, managers := map[string]string{}, map[string]string{}
	for i, a := range answers {
		accounts[strconv.FormatInt(a.AccountID, 10)] = a.AccountName
		managers[strconv.FormatInt(a.ManagerID, 10)] = a.ManagerName
		out.Answers[i] = SurveyAnswer{ID: a.ID, AccountID: a.AccountID, AccountName: a.AccountName, StakeholderID: a.RespondentID,
			ContactName: a.ContactName, KeyContact: a.KeyContact, Score: a.Score, Category: string(measure.CategoryOf(a.Score)),
			Comment: a.Comment, Channel: a.Channel, AnsweredAt: instant(a.At)}
	}
	for _, g := range measure.ScoreBy(as, func(a measure.Answer) string { return strconv.FormatInt(a.AccountID, 10) }) {
		out.ByAccount = append(out.ByAccount, GroupNPS{Key: g.Key, Name: accounts[g.Key], NPS: npsOut(g.NPS)})
	}
	for _, g := range measure.ScoreBy(as, func(a measure.Answer) string { return a.Tier }) {
		name := "Tier " + g.Key
		if g.Key == "" {
			name = "Not tiered"
		}
		out.ByTier = append(out.ByTier, GroupNPS{Key: g.Key, Name: name, NPS: npsOut(g.NPS)})
	}
	for _, g := range measure.ScoreBy(as, func(a measure.Answer) string { return strconv.FormatInt(a.ManagerID, 10) }) {
		out.ByManager = append(out.ByManager, GroupNPS{Key: g.Key, Name: managers[g.Key], NPS: npsOut(g.NPS)})
	}
	return &one[SurveyResults]{Body: out}, nil
}

// AssessmentSection is a section's average.
type AssessmentSection struct {
	Key       string   `json:"key" enum:"resolution,retention,revenue,relationships"`
	Name      string   `json:"name"`
	Average   float64  `json:"average" doc:"Mean rating 1..5; 0 without respondents."`
	Weak      bool     `json:"weak" doc:"Average below 3.5."`
	Practices []string `json:"practices" doc:"Good practices that answer a weak section."`
}

// AssessmentRound is a round with its results.
type AssessmentRound struct {
	ID           int64               `json:"id"`
	Name         string              `json:"name"`
	Status       string              `json:"status" enum:"open,closed"`
	CreatedAt    time.Time           `json:"created_at"`
	Respondents  int                 `json:"respondents"`
	AverageTotal float64             `json:"average_total" doc:"Mean total, 15..75; 0 without respondents."`
	Band         string              `json:"band" enum:",excellent,good,concern,call_for_help" doc:"Band of the rounded average total; empty without respondents."`
	Statements   []float64           `json:"statements" doc:"Mean rating per statement; index 0 is statement 1."`
	Sections     []AssessmentSection `json:"sections"`
}

func roundOut(r store.Round) AssessmentRound {
	out := AssessmentRound{ID: r.ID, Name: r.Name, Status: r.Status, CreatedAt: instant(r.CreatedAt), Respondents: r.Results.Respondents,
		AverageTotal: r.Results.AverageTotal, Band: string(r.Results.Band), Statements: r.Results.Statements}
	for _, s := range r.Results.Sections {
		p := s.Practices
		if p == nil {
			p = []string{}
		}
		out.Sections = append(out.Sections, AssessmentSection{Key: s.Key, Name: s.Name, Average: s.Average, Weak: s.Weak, Practices: p})
	}
	return out
}

// AssessmentStatement is one of the fifteen statements.
type AssessmentStatement struct {
	N       int    `json:"n"`
	Section string `json:"section"`
	Text    string `json:"text"`
}

type assessmentsOutput struct {
	Body struct {
		Statements []AssessmentStatement `json:"statements" doc:"The fifteen statements, in order."`
		Rounds     []AssessmentRound     `json:"rounds" nullable:"false" doc:"Oldest first."`
	}
}

func (h *handlers) listAssessments(ctx context.Context, _ *struct{}) (*assessmentsOutput, error) {
	rs, err := h.db.Rounds(ctx, h.guard.Scope(ctx))
	if err != nil {
		return nil, err
	}
	out := &assessmentsOutput{}
	for _, s := range measure.Statements {
		out.Body.Statements = append(out.Body.Statements, AssessmentStatement(s))
	}
	out.Body.Rounds = make([]AssessmentRound, len(rs))
	for i, r := range rs {
		out.Body.Rounds[i] = roundOut(r)
	}
	return out, nil
}

// RoundInput names a new round.
type RoundInput struct {
	Name string `json:"name" minLength:"1" maxLength:"200"`
}

func (h *handlers) createAssessment(ctx context.Context, in *createInput[RoundInput]) (*created[AssessmentRound], error) {
	r, err := h.db.CreateRound(ctx, h.guard.Scope(ctx), in.Body.Name)
	if err != nil {
		return nil, err
	}
	return &created[AssessmentRound]{Location: location("assessments", r.ID), Body: roundOut(r)}, nil
}

func (h *handlers) getAssessment(ctx context.Context, in *IDParam) (*one[AssessmentRound], error) {
	r, err := h.db.Round(ctx, h.guard.Scope(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &one[AssessmentRound]{Body: roundOut(r)}, nil
}

// AssessmentAnswer is one person's fifteen ratings.
type AssessmentAnswer struct {
	Ratings []int `json:"ratings" minItems:"15" maxItems:"15" doc:"Ratings of statements 1..15, each 1 (strongly disagree) to 5 (strongly agree)."`
}

type answerAssessmentInput struct {
	IDParam
	Body AssessmentAnswer
}

// AssessmentAnswered is the caller's answer and its total.
type AssessmentAnswered struct {
	Ratings []int  `json:"ratings"`
	Total   int    `json:"total"`
	Band    string `json:"band" enum:"excellent,good,concern,call_for_help"`
}

func (h *handlers) answerAssessment(ctx context.Context, in *answerAssessmentInput) (*one[AssessmentAnswered], error) {
	if err := h.db.AnswerAssessment(ctx, h.guard.Scope(ctx), in.ID, in.Body.Ratings); err != nil {
		return nil, err
	}
	t := measure.Total(in.Body.Ratings)
	return &one[AssessmentAnswered]{Body: AssessmentAnswered{Ratings: in.Body.Ratings, Total: t, Band: string(measure.AssessmentBandOf(t))}}, nil
}

func (h *handlers) closeAssessment(ctx context.Context, in *IDParam) (*one[AssessmentRound], error) {
	sc := h.guard.Scope(ctx)
	if err := h.db.CloseRound(ctx, sc, in.ID); err != nil {
		return nil, err
	}
	r, err := h.db.Round(ctx, sc, in.ID)
	if err != nil {
		return nil, err
	}
	return &one[AssessmentRound]{Body: roundOut(r)}, nil
}
