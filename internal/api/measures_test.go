package api

import (
	"net/http"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func init() {
	for _, op := range []string{"POST /api/v1/surveys", "POST /api/v1/surveys/{id}/send", "POST /api/v1/surveys/{id}/close",
		"POST /api/v1/assessments", "POST /api/v1/assessments/{id}/close"} {
		featureRules[op] = access.SetPolicy
	}
}

// exerciseMeasures calls every measures operation once with a valid
// request (for TestEveryOperationAnswersAsDocumented): acct is an account
// with an executive stakeholder.
func exerciseMeasures(t *testing.T, e *env, acct int64) {
	t.Helper()
	call := func(method, p string, body any, status int) resp {
		t.Helper()
		r := e.do(method, p, body)
		want(t, r, status)
		return r
	}
	call(http.MethodGet, path("/api/v1/accounts/%d/grader", acct), nil, 200)
	call(http.MethodGet, "/api/v1/grader", nil, 200)
	today := account.DateOf(time.Now().UTC())
	var s Survey
	call(http.MethodPost, "/api/v1/surveys", map[string]any{"name": "NPS", "year": today.Year, "target_accounts": []int64{acct},
		"opens_on": today.String(), "closes_on": today.AddDays(30).String()}, 201).decode(t, &s)
	call(http.MethodGet, "/api/v1/surveys", nil, 200)
	call(http.MethodGet, path("/api/v1/surveys/%d", s.ID), nil, 200)
	call(http.MethodPost, path("/api/v1/surveys/%d/send", s.ID), nil, 200)
	call(http.MethodGet, path("/api/v1/surveys/%d/results", s.ID), nil, 200)
	call(http.MethodPost, path("/api/v1/surveys/%d/close", s.ID), nil, 200)
	var r AssessmentRound
	call(http.MethodPost, "/api/v1/assessments", map[string]any{"name": "Spring"}, 201).decode(t, &r)
	call(http.MethodPut, path("/api/v1/assessments/%d/responses/me", r.ID), map[string]any{"ratings": []int{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}}, 200)
	call(http.MethodGet, "/api/v1/assessments", nil, 200)
	call(http.MethodGet, path("/api/v1/assessments/%d", r.ID), nil, 200)
	call(http.MethodPost, path("/api/v1/assessments/%d/close", r.ID), nil, 200)
}

func TestMeasuresOperationsAnswerAsDocumented(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		acct := e.create("accounts", map[string]any{"name": "Acme", "lifecycle": "customer"})
		e.create("stakeholders", map[string]any{"account_id": acct, "name": "Bo Buyer", "level": "executive", "email": "bo@acme.example"})
		exerciseMeasures(t, e, acct)
	})
}

func TestGraderAPIScoresEachCheck(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		acct := e.create("accounts", map[string]any{"name": "Acme", "lifecycle": "customer"})
		var g Grade
		r := e.do(http.MethodGet, path("/api/v1/accounts/%d/grader", acct), nil)
		want(t, r, 200)
		r.decode(t, &g)
		if len(g.Checks) != 10 || g.Checks[0].Pass || g.Checks[0].FixURL == "" || g.Band != "at_risk" {
			t.Fatalf("grade %+v", g)
		}
		want(t, e.do(http.MethodGet, "/api/v1/accounts/999999/grader", nil), 404)
		var p GraderPortfolio
		r = e.do(http.MethodGet, "/api/v1/grader", nil)
		want(t, r, 200)
		r.decode(t, &p)
		if p.Accounts != 1 || len(p.Distribution) != 11 || p.Distribution[g.Score] != 1 || p.AtRisk != 1 {
			t.Fatalf("portfolio %+v", p)
		}
	})
}

func TestSurveyAndAssessmentAPIRefuseBadInput(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		today := account.DateOf(time.Now().UTC())
		want(t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{"name": "X", "year": today.Year,
			"opens_on": today.String(), "closes_on": today.AddDays(-1).String()}), 422)
		want(t, e.do(http.MethodPost, "/api/v1/surveys", map[string]any{"name": "X", "year": today.Year, "target_accounts": []int64{424242},
			"opens_on": today.String(), "closes_on": today.String()}), 422)
		var r AssessmentRound
		resp := e.do(http.MethodPost, "/api/v1/assessments", map[string]any{"name": "Q"})
		want(t, resp, 201)
		resp.decode(t, &r)
		want(t, e.do(http.MethodPut, path("/api/v1/assessments/%d/responses/me", r.ID), map[string]any{"ratings": []int{6, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}}), 422)
		want(t, e.do(http.MethodPost, path("/api/v1/assessments/%d/close", r.ID), nil), 200)
		want(t, e.do(http.MethodPut, path("/api/v1/assessments/%d/responses/me", r.ID), map[string]any{"ratings": []int{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 4}}), 409)
		want(t, e.do(http.MethodGet, "/api/v1/surveys/999", nil), 404)
	})
}
