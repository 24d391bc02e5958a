package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/mail"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
	"github.com/samwise-sam/samwise/internal/store/storetest"
)

func TestMeasuresPageShowsTheGraderAndSaysWhatToDoWithoutSurveys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.get("/measures")
		if res.status != http.StatusOK {
			t.Fatalf("status %d\n%s", res.status, res.body)
		}
		for _, want := range []string{"Account-management grader", "Acme Corp", "Initech", "Weakest checks",
			"Create an NPS campaign", "No open follow-ups", "Open the assessment", "<svg"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("/measures lacks %q", want)
			}
		}
	})
}

func TestAccountGraderListsTenChecksWithFixLinks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		res := f.get(fmt.Sprintf("/accounts/%d/grader", f.acme.ID))
		if res.status != http.StatusOK {
			t.Fatalf("status %d", res.status)
		}
		if n := strings.Count(res.body, `data-check="`); n != 10 {
			t.Fatalf("%d checks", n)
		}
		if !strings.Contains(res.body, `href="/measures/surveys">Run an NPS survey`) || !strings.Contains(res.body, "Ann Lee manages the account.") {
			t.Errorf("grader page:\n%s", res.body)
		}
		if res := f.get("/accounts/999999/grader"); res.status != http.StatusNotFound {
			t.Errorf("unknown account: %d", res.status)
		}
		// The account page carries the section.
		if res := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID)); !strings.Contains(res.body, `id="measures"`) || !strings.Contains(res.body, "Failing checks") {
			t.Errorf("account page lacks the measures section")
		}
	})
}

var tokenInLink = regexp.MustCompile(`/s/(swv_[A-Za-z0-9_-]+)`)

func TestSurveyCampaignFromCreationToADetractorsFollowUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		ctx := context.Background()
		// A bad form comes back with its errors.
		res := f.post("/measures/surveys", url.Values{"name": {""}, "year": {"20x"}, "opens_on": {"2026-03-02"}, "closes_on": {"2026-03-01"}})
		if res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Year must be a year") {
			t.Fatalf("bad form: %d\n%s", res.status, res.body)
		}
		res = f.post("/measures/surveys", url.Values{"name": {"NPS 2026"}, "year": {"2026"}, "opens_on": {"2026-03-02"},
			"closes_on": {"2026-03-31"}, "target_accounts": {fmt.Sprint(f.acme.ID)}})
		if res.status != http.StatusSeeOther || !strings.HasPrefix(res.location, "/measures/surveys/") {
			t.Fatalf("create: %d %s\n%s", res.status, res.location, res.body)
		}
		page := strings.TrimSuffix(res.location, "?created=1")
		if res := f.get(res.location); !strings.Contains(res.body, "saved as a draft") {
			t.Fatalf("campaign page:\n%s", res.body)
		}
		res = f.post(page+"/send", url.Values{})
		if res.status != http.StatusSeeOther || !strings.HasSuffix(res.location, "?sent=1") {
			t.Fatalf("send: %d %s", res.status, res.location)
		}
		// The mailing sends Carol (the only key contact with an e-mail)
		// her personal link.
		snd := &fakeSender{}
		n, err := measure.SendInvitations(ctx, measure.Mailing{Store: f.db, Sender: snd, BaseURL: f.srv.URL}, now)
		if err != nil || n != 1 || snd.got[0].To != "carol@acme.example" {
			t.Fatalf("sent %d %v %+v", n, err, snd.got)
		}
		token := tokenInLink.FindStringSubmatch(snd.got[0].Text)[1]

		res = f.get("/s/" + token)
		if res.status != http.StatusOK || !strings.Contains(res.body, "Carol, how likely") {
			t.Fatalf("respondent page %d\n%s", res.status, res.body)
		}
		if res := f.post("/s/"+token, url.Values{"score": {"11"}}); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "from 0 to 10") {
			t.Fatalf("score 11: %d", res.status)
		}
		res = f.post("/s/"+token, url.Values{"score": {"3"}, "comment": {"Nobody calls <back>"}})
		if res.status != http.StatusOK || !strings.Contains(res.body, "Thank you") {
			t.Fatalf("answer: %d\n%s", res.status, res.body)
		}
		res = f.get("/s/" + token)
		if res.status != http.StatusGone || !strings.Contains(res.body, "Already answered") || strings.Contains(res.body, "Acme") {
			t.Fatalf("used link: %d\n%s", res.status, res.body)
		}
		res = f.get("/s/swv_not-a-real-token")
		if res.status != http.StatusNotFound || !strings.Contains(res.body, "does not work") || strings.Contains(res.body, "Test ") {
			t.Fatalf("unknown link: %d\n%s", res.status, res.body)
		}

		// Results and the follow-up, on /measures and on the account page.
		res = f.get(page)
		if !strings.Contains(res.body, `id="campaign-nps">-100<`) || !strings.Contains(res.body, "Nobody calls &lt;back&gt;") || !strings.Contains(res.body, "100%") {
			t.Fatalf("results:\n%s", res.body)
		}
		res = f.get("/measures")
		if !strings.Contains(res.body, "Company NPS 2026") || !strings.Contains(res.body, "Score 3") {
			t.Fatalf("/measures:\n%s", res.body)
		}
		acct := f.get(fmt.Sprintf("/accounts/%d", f.acme.ID))
		if !strings.Contains(acct.body, "Open detractor follow-ups") || !strings.Contains(acct.body, "Nobody calls") {
			t.Fatalf("account page lacks the follow-up")
		}
		m := regexp.MustCompile(`/measures/followups/(\d+)/close`).FindStringSubmatch(acct.body)
		res = f.post(m[0], url.Values{"note": {"Called Carol"}, "back": {"account"}})
		if res.status != http.StatusSeeOther || res.location != fmt.Sprintf("/accounts/%d#measures", f.acme.ID) {
			t.Fatalf("close: %d %s", res.status, res.location)
		}
		if res := f.get("/measures"); !strings.Contains(res.body, "No open follow-ups") {
			t.Fatal("follow-up still open")
		}
		// The grader's check 10 now passes for Acme.
		if res := f.get(fmt.Sprintf("/accounts/%d/grader", f.acme.ID)); !strings.Contains(res.body, "A key contact answered on 2026-03-02.") {
			t.Fatalf("check 10:\n%s", res.body)
		}
	})
}

func TestSurveyLinkGuessingIsRateLimited(t *testing.T) {
	f := newFixture(t, store.SQLite)
	for i := range 20 {
		if res := f.get(fmt.Sprintf("/s/swv_guess%d", i)); res.status != http.StatusNotFound {
			t.Fatalf("guess %d: %d", i, res.status)
		}
	}
	if res := f.get("/s/swv_guess"); res.status != http.StatusTooManyRequests || !strings.Contains(res.body, "try again later") {
		t.Fatalf("after 20 guesses: %d\n%s", res.status, res.body)
	}
}

func TestAssessmentRoundAnswerAndResults(t *testing.T) {
	storetest.Each(t, func(t *testing.T, d store.Dialect) {
		f := newFixture(t, d)
		sc := f.sc
		sc.UserID = 7
		f.serve(access.Unrestricted{S: sc, Person: f.ann.ID})
		if res := f.get("/measures/assessment"); !strings.Contains(res.body, "No round is open") {
			t.Fatalf("empty:\n%s", res.body)
		}
		if res := f.post("/measures/assessment/rounds", url.Values{"name": {" "}}); res.status != http.StatusUnprocessableEntity {
			t.Fatalf("blank round: %d", res.status)
		}
		if res := f.post("/measures/assessment/rounds", url.Values{"name": {"Spring 2026"}}); res.status != http.StatusSeeOther {
			t.Fatalf("round: %d", res.status)
		}
		page := f.get("/measures/assessment")
		action := regexp.MustCompile(`action="(/measures/assessment/rounds/\d+)"`).FindStringSubmatch(page.body)[1]
		form := url.Values{}
		for i := 1; i <= 15; i++ {
			form.Set(fmt.Sprintf("s%d", i), "4")
		}
		form.Del("s15")
		if res := f.post(action, form); res.status != http.StatusUnprocessableEntity || !strings.Contains(res.body, "Statement 15 needs a rating") {
			t.Fatalf("missing rating: %d", res.status)
		}
		form.Set("s15", "4")
		for i := 1; i <= 4; i++ {
			form.Set(fmt.Sprintf("s%d", i), "2") // resolution weak
		}
		if res := f.post(action, form); res.status != http.StatusSeeOther {
			t.Fatalf("answer: %d", res.status)
		}
		res := f.get("/measures/assessment?saved=1")
		for _, want := range []string{"Your answer is saved", "52.0 of 75", "Good — target the weak areas", "Good practices for Resolution", "non-overlapping"} {
			if !strings.Contains(res.body, want) {
				t.Errorf("assessment page lacks %q", want)
			}
		}
		if res := f.get("/measures"); !strings.Contains(res.body, "Spring 2026: 52.0 of 75") {
			t.Errorf("/measures lacks the round")
		}
	})
}

// fakeSender records the messages the survey mailing sends.
type fakeSender struct{ got []mail.Message }

func (s *fakeSender) Send(_ context.Context, m mail.Message) error {
	s.got = append(s.got, m)
	return nil
}
