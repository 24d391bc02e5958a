package api

import (
	"context"
	"net/http"
	"strconv"

	"github.com/danielgtaylor/huma/v2"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// Answers received on paper or by phone, recorded against a campaign (the
// web form's twin: internal/web/survey_answers.go). The answer keeps its
// channel, which every answer the API returns carries ("link" for one
// given through the contact's link), and its comment as typed.

const recordAnswerDoc = "Records an answer a contact gave on paper, by phone or otherwise. The contact must be a stakeholder " +
	"of an account the campaign covers (its chosen accounts, its tiers' accounts, or with neither every customer account). " +
	"The answer counts in the NPS like one given through the contact's link (the latest answer of each contact counts), " +
	"uses up the contact's unanswered invitation (which then counts as sent and answered in the response rate, and is never mailed), " +
	"and a detractor's (0-6) opens a follow-up for the account's manager. The answer keeps its channel and its comment as typed."

// surveyAnswerRoutes registers this feature's operations.
func surveyAnswerRoutes(api huma.API, h *handlers) {
	register(api, h, huma.Operation{OperationID: "record-survey-answer", Method: http.MethodPost, Path: "/api/v1/surveys/{id}/answers",
		Summary: "Record an answer received on paper or by phone", Description: recordAnswerDoc, Tags: []string{"Measures"},
		DefaultStatus: http.StatusCreated, Metadata: rule(access.SetPolicy)}, h.recordSurveyAnswer)
}

// ReceivedAnswerInput is an answer received outside the contact's link.
type ReceivedAnswerInput struct {
	StakeholderID int64        `json:"stakeholder_id" minimum:"1" doc:"A stakeholder of an account the campaign covers."`
	Score         int          `json:"score" minimum:"0" maximum:"10"`
	Comment       string       `json:"comment,omitempty" maxLength:"4000" doc:"The reason given, in the contact's words."`
	ReceivedOn    account.Date `json:"received_on" doc:"The day the answer was given: not before the campaign opened, not in the future."`
	Channel       string       `json:"channel" enum:"paper,phone,other"`
}

type recordAnswerInput struct {
	IDParam
	Body ReceivedAnswerInput
}

func (h *handlers) recordSurveyAnswer(ctx context.Context, in *recordAnswerInput) (*created[SurveyAnswer], error) {
	sc := h.guard.Scope(ctx)
	b := in.Body
	id, err := h.db.RecordReceivedAnswer(ctx, sc, store.ReceivedAnswer{CampaignID: in.ID, StakeholderID: b.StakeholderID, Score: b.Score,
		Comment: b.Comment, ReceivedOn: b.ReceivedOn, Channel: b.Channel, VisibleTo: h.guard.VisibleTo(ctx),
		Today: h.today()}) // the API's day is UTC's, as its other dates are
	if err != nil {
		return nil, err
	}
	as, err := h.db.SurveyAnswers(ctx, sc, store.AnswerFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(as) != 1 {
		return nil, account.Errorf(account.EINTERNAL, "The recorded answer %d could not be read back.", id)
	}
	a := as[0]
	return &created[SurveyAnswer]{Location: "/api/v1/surveys/" + strconv.FormatInt(in.ID, 10) + "/results",
		Body: SurveyAnswer{ID: a.ID, AccountID: a.AccountID, AccountName: a.AccountName, StakeholderID: a.RespondentID,
			ContactName: a.ContactName, KeyContact: a.KeyContact, Score: a.Score, Category: string(measure.CategoryOf(a.Score)),
			Comment: a.Comment, Channel: a.Channel, AnsweredAt: instant(a.At)}}, nil
}
