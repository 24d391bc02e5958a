package web_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/samwise-sam/samwise/internal/access"
	"github.com/samwise-sam/samwise/internal/account"
	"github.com/samwise-sam/samwise/internal/measure"
	"github.com/samwise-sam/samwise/internal/store"
)

// A key contact opens the personal link from the invitation e-mail in a
// fresh browser (nobody signed in), on a desktop and on a phone, answers,
// and cannot answer twice.
func TestBrowserSurveyAnsweredThroughItsLink(t *testing.T) {
	f := newFixture(t, store.SQLite)
	bg := context.Background()
	c := measure.Campaign{Name: "NPS 2026", Year: 2026, OpensOn: account.DateOf(now), ClosesOn: account.DateOf(now).AddDays(30),
		TargetAccounts: []int64{f.acme.ID}}
	if err := f.db.CreateCampaign(bg, f.sc, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.OpenCampaign(bg, f.sc, c.ID); err != nil {
		t.Fatal(err)
	}
	snd := &fakeSender{}
	if n, err := measure.SendInvitations(bg, measure.Mailing{Store: f.db, Sender: snd, BaseURL: f.srv.URL}, now); err != nil || n != 1 {
		t.Fatalf("sent %d: %v", n, err)
	}
	link := f.srv.URL + tokenInLink.FindString(snd.got[0].Text)

	ctx := newBrowser(t, 60*time.Second)
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	navigate(t, ctx, "open the link", chromedp.Navigate(link))
	if h := eval[string](t, ctx, `document.querySelector("h1").innerText`); !strings.HasPrefix(h, "Carol, how likely are you to recommend") {
		t.Fatalf("heading %q", h)
	}
	checkPage(t, ctx, "survey desktop")
	screenshot(t, ctx, "measures-survey-desktop")

	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844))
	navigate(t, ctx, "reload on a phone", chromedp.Reload())
	checkPage(t, ctx, "survey phone")
	browse(t, ctx, "choose 9 and comment",
		chromedp.Click(chromedp.CSS(`.nps-choice input[value="9"]`)),
		chromedp.SendKeys(chromedp.ID("comment"), "Always there when we need them"))
	screenshot(t, ctx, "measures-survey-phone")
	navigate(t, ctx, "send the answer", chromedp.Click(chromedp.CSS(`.survey-form button[type=submit]`)))
	if h := eval[string](t, ctx, `document.querySelector("h1").innerText`); h != "Thank you" {
		t.Fatalf("after answering: %q", h)
	}
	if status := load(t, ctx, "open the link again", chromedp.Navigate(link)); status != 410 {
		t.Fatalf("second visit: %d", status)
	}
	if h := eval[string](t, ctx, `document.querySelector("h1").innerText`); h != "Already answered" {
		t.Fatalf("second visit: %q", h)
	}
	ans, err := f.db.SurveyAnswers(bg, f.sc, store.AnswerFilter{CampaignID: c.ID})
	if err != nil || len(ans) != 1 || ans[0].Score != 9 || ans[0].Comment != "Always there when we need them" {
		t.Fatalf("answers %+v %v", ans, err)
	}
}

// A leader opens an account's grader, sees that nobody manages it, follows
// the failing check's link to assign a manager, and the score goes up; then
// the portfolio view, on a desktop and on a phone.
func TestBrowserGraderFailingCheckFixedRaisesTheScore(t *testing.T) {
	f := newFixture(t, store.SQLite)
	orphan := account.Account{Name: "Orphan Ltd", Lifecycle: account.Customer}
	if err := f.db.CreateAccount(context.Background(), f.sc, &orphan); err != nil {
		t.Fatal(err)
	}
	ctx := newBrowser(t, 90*time.Second)
	browse(t, ctx, "desktop viewport", chromedp.EmulateViewport(1280, 800))
	grader := fmt.Sprintf("%s/accounts/%d/grader", f.srv.URL, orphan.ID)
	navigate(t, ctx, "open the grader", chromedp.Navigate(grader))
	before := eval[string](t, ctx, `document.getElementById("grader-score").innerText`)
	if cls := eval[string](t, ctx, `document.querySelector('[data-check="owner"]').className`); !strings.Contains(cls, "ms-fail") {
		t.Fatalf("owner check: %q", cls)
	}
	checkPage(t, ctx, "grader")
	screenshot(t, ctx, "measures-grader-desktop")

	navigate(t, ctx, "follow the fix link", chromedp.Click(chromedp.CSS(`[data-check="owner"] a.button`)))
	if p := eval[string](t, ctx, `location.pathname`); p != fmt.Sprintf("/accounts/%d/edit", orphan.ID) {
		t.Fatalf("fix link led to %q", p)
	}
	browse(t, ctx, "choose Ann", chromedp.SetValue(chromedp.ID("owner_id"), fmt.Sprint(f.ann.ID)))
	navigate(t, ctx, "save the account", chromedp.Submit(chromedp.ID("owner_id")))
	navigate(t, ctx, "back to the grader", chromedp.Navigate(grader))
	after := eval[string](t, ctx, `document.getElementById("grader-score").innerText`)
	if cls := eval[string](t, ctx, `document.querySelector('[data-check="owner"]').className`); !strings.Contains(cls, "ms-pass") {
		t.Fatalf("owner check after the fix: %q", cls)
	}
	if after <= before {
		t.Fatalf("score %s → %s", before, after)
	}

	navigate(t, ctx, "open /measures", chromedp.Navigate(f.srv.URL+"/measures"))
	checkPage(t, ctx, "measures")
	screenshot(t, ctx, "measures-desktop")
	navigate(t, ctx, "open the surveys", chromedp.Navigate(f.srv.URL+"/measures/surveys"))
	checkPage(t, ctx, "surveys")
	screenshot(t, ctx, "measures-surveys-desktop")
	navigate(t, ctx, "open the assessment", chromedp.Navigate(f.srv.URL+"/measures/assessment"))
	checkPage(t, ctx, "assessment")
	browse(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844))
	navigate(t, ctx, "reload /measures on a phone", chromedp.Navigate(f.srv.URL+"/measures"))
	checkPage(t, ctx, "measures phone")
	screenshot(t, ctx, "measures-phone")
	navigate(t, ctx, "grader on a phone", chromedp.Navigate(grader))
	checkPage(t, ctx, "grader phone")
	screenshot(t, ctx, "measures-grader-phone")
}

// The measures pages with data — NPS across two years, a campaign's
// results, two assessment rounds, a detractor's follow-up on the account
// page — run clean on a desktop and a phone.
func TestBrowserMeasuresWithDataOnDesktopAndPhone(t *testing.T) {
	f := newFixture(t, store.SQLite)
	bg := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	var contacts []int64
	for i, name := range []string{"Ava Stone", "Ben Ruiz", "Cleo Park", "Dev Shah", "Eli Moreau"} {
		s := account.Stakeholder{AccountID: []int64{f.acme.ID, f.initech.ID}[i%2], Name: name, Email: fmt.Sprintf("c%d@client.example", i),
			Level: account.Executive, BuyingRole: account.DecisionMaker, Active: true}
		must(f.db.CreateStakeholder(bg, f.sc, &s))
		contacts = append(contacts, s.ID)
	}
	var campaigns []int64
	for i, year := range []int{2025, 2026} {
		c := measure.Campaign{Name: fmt.Sprintf("NPS %d", year), Year: year, OpensOn: account.Date{Year: year, Month: 2, Day: 1},
			ClosesOn: account.Date{Year: year, Month: 3, Day: 15}, TargetTiers: []string{"A", "B"}}
		must(f.db.CreateCampaign(bg, f.sc, &c))
		campaigns = append(campaigns, c.ID)
		scores := [][]int{{9, 6, 7, 3, 10}, {10, 9, 8, 5, 9}}[i]
		comments := []string{"Great partner.", "Support was slow this winter.", "", "We rarely hear from anyone senior.", "Proactive team."}
		for j, st := range contacts {
			_, err := f.db.RecordAnswer(bg, f.sc, store.RecordedAnswer{CampaignID: c.ID, StakeholderID: st, Score: scores[j],
				Comment: comments[j], At: c.OpensOn.Time().Add(time.Duration(j+1) * 24 * time.Hour)})
			must(err)
		}
	}
	for i, name := range []string{"Autumn 2025", "Spring 2026"} {
		r, err := f.db.CreateRound(bg, f.sc, name)
		must(err)
		for u := int64(1); u <= 4; u++ {
			ratings := make([]int, measure.NumStatements)
			for k := range ratings {
				ratings[k] = min(5, 2+i+int(u+int64(k))%3)
			}
			sc := f.sc
			sc.UserID = u
			must(f.db.AnswerAssessment(bg, sc, r.ID, ratings))
		}
		if i == 0 {
			must(f.db.CloseRound(bg, f.sc, r.ID))
		}
	}

	// Signed in as a person who has not answered the open round yet.
	me := f.sc
	me.UserID = 99
	f.serve(access.Unrestricted{S: me, Person: f.ann.ID})
	ctx := newBrowser(t, 90*time.Second)
	pages := []struct{ name, path string }{
		{"measures", "/measures"},
		{"measures-campaign", fmt.Sprintf("/measures/surveys/%d", campaigns[1])},
		{"measures-assessment", "/measures/assessment"},
		{"measures-account", fmt.Sprintf("/accounts/%d#measures", f.initech.ID)},
	}
	for _, size := range []struct {
		name string
		w, h int64
	}{{"desktop", 1280, 800}, {"phone", 390, 844}} {
		browse(t, ctx, size.name+" viewport", chromedp.EmulateViewport(size.w, size.h))
		for _, p := range pages {
			navigate(t, ctx, "open "+p.path, chromedp.Navigate(f.srv.URL+p.path))
			checkPage(t, ctx, p.name+" "+size.name)
			if p.name == "measures-account" {
				browse(t, ctx, "scroll to the section", chromedp.Evaluate[chromedp.Void](`document.getElementById("measures").scrollIntoView()`))
				buf, err := chromedp.Run(ctx, chromedp.Screenshot(chromedp.ID("measures")))
				must(err)
				writeShot(t, p.name+"-"+size.name, buf)
				continue
			}
			screenshot(t, ctx, p.name+"-data-"+size.name)
		}
	}
	if got := eval[string](t, ctx, `document.getElementById("measures").innerText`); !strings.Contains(strings.ToLower(got), "open detractor follow-ups") {
		t.Errorf("account section: %q", got)
	}
}
