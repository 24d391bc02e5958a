package api

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func init() { featureRules["POST /api/v1/surveys/{id}/answers"] = access.SetPolicy }

// exerciseSurveyAnswers records one answer received on paper (for
// TestEveryOperationAnswersAsDocumented): acct is an account with a
// stakeholder sh.
func exerciseSurveyAnswers(t *testing.T, e *env, acct, sh int64) {
	t.Helper()
	today := account.DateOf(time.Now().UTC())
	var s Survey
	r := e.do(http.MethodPost, "/api/v1/surveys", map[string]any{"name": "Paper NPS", "year": today.Year, "target_accounts": []int64{acct},
		"opens_on": today.String(), "closes_on": today.AddDays(30).String()})
	want(t, r, 201)
	r.decode(t, &s)
	want(t, e.do(http.MethodPost, path("/api/v1/surveys/%d/answers", s.ID), map[string]any{"stakeholder_id": sh, "score": 9,
		"received_on": today.String(), "channel": "paper"}), 201)
}

func TestRecordingASurveyAnswerReceivedByPhone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		e := newEnv(t, d)
		acme := e.create("accounts", map[string]any{"name": "Acme", "lifecycle": "customer"})
		bo := e.create("stakeholders", map[string]any{"account_id": acme, "name": "Bo Buyer", "level": "executive", "email": "bo@acme.example"})
		globex := e.create("accounts", map[string]any{"name": "Globex", "lifecycle": "customer"})
		gus := e.create("stakeholders", map[string]any{"account_id": globex, "name": "Gus Guest", "level": "executive"})
		today := account.DateOf(time.Now().UTC())
		var s Survey
		r := e.do(http.MethodPost, "/api/v1/surveys", map[string]any{"name": "NPS", "year": today.Year, "target_accounts": []int64{acme},
			"opens_on": today.AddDays(-5).String(), "closes_on": today.AddDays(20).String()})
		want(t, r, 201)
		r.decode(t, &s)
		want(t, e.do(http.MethodPost, path("/api/v1/surveys/%d/send", s.ID), nil), 200)
		answers := path("/api/v1/surveys/%d/answers", s.ID)
		body := func(change map[string]any) map[string]any {
			b := map[string]any{"stakeholder_id": bo, "score": 3, "comment": "Slow support", "received_on": today.String(), "channel": "phone"}
			for k, v := range change {
				b[k] = v
			}
			return b
		}

		for _, c := range []struct {
			name   string
			e      *env
			path   string
			body   map[string]any
			status int
			field  string // the errors[].location expected, "" for none
		}{
			{"a contact the campaign does not cover", e, answers, body(map[string]any{"stakeholder_id": gus}), 422, "body.stakeholder_id"},
			{"a date to come", e, answers, body(map[string]any{"received_on": today.AddDays(1).String()}), 422, "body.received_on"},
			{"a date before the campaign opened", e, answers, body(map[string]any{"received_on": today.AddDays(-6).String()}), 422, "body.received_on"},
			{"a score of 11 breaks the document", e, answers, body(map[string]any{"score": 11}), 400, "body.score"},
			{"a channel the document does not name", e, answers, body(map[string]any{"channel": "fax"}), 400, "body.channel"},
			{"an unknown campaign", e, "/api/v1/surveys/999999/answers", body(nil), 404, ""},
			{"a role that does not run campaigns", e.as(&fakeGuard{Unrestricted: access.Unrestricted{S: e.sc}, deny: map[access.Rule]error{
				access.SetPolicy: account.Errorf(account.EFORBIDDEN, "Only SAM leaders run survey campaigns.")}}), answers, body(nil), 403, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				r := c.e.do(http.MethodPost, c.path, c.body)
				want(t, r, c.status)
				if p := r.problem(t); c.field != "" && !strings.Contains(strings.Join(locations(p), " "), c.field) {
					t.Errorf("errors at %v, want %s", locations(p), c.field)
				}
			})
		}

		var a SurveyAnswer
		r = e.do(http.MethodPost, answers, body(nil))
		want(t, r, 201)
		r.decode(t, &a)
		if a.StakeholderID != bo || a.AccountID != acme || a.Score != 3 || a.Category != "detractor" || a.Comment != "Slow support" || a.Channel != "phone" ||
			!a.KeyContact || r.Header.Get("Location") != path("/api/v1/surveys/%d/results", s.ID) {
			t.Errorf("answer %+v, Location %q", a, r.Header.Get("Location"))
		}
		var res SurveyResults
		r = e.do(http.MethodGet, path("/api/v1/surveys/%d/results", s.ID), nil)
		want(t, r, 200)
		r.decode(t, &res)
		if res.NPS.Detractors != 1 || res.NPS.Score == nil || *res.NPS.Score != -100 || res.Survey.Responded != 1 {
			t.Errorf("results %+v", res)
		}
		if len(res.Answers) != 1 || res.Answers[0].Channel != "phone" || res.Answers[0].Comment != "Slow support" {
			t.Errorf("results' answers %+v, want Bo's by phone with the comment as typed", res.Answers)
		}
		// Bo's invitation was created by the send and not yet mailed: the
		// answer by phone reached him all the same, so it counts as sent
		// and answered — 1 of 1, never 1 of 0.
		if res.Survey.Sent != 1 || res.Survey.ResponseRate != 1 {
			t.Errorf("survey counts sent %d, rate %v; want 1 sent and a rate of 1", res.Survey.Sent, res.Survey.ResponseRate)
		}
		es, _, err := e.db.Audit(context.Background(), e.sc, store.AuditFilter{Entity: "survey_response"})
		if err != nil || len(es) != 1 || es[0].Action != "record" || es[0].Changes["channel"].New != "phone" || es[0].Actor != "api-test" {
			t.Errorf("audit %v %+v", err, es)
		}
	})
}
